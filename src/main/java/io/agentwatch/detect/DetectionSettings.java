package io.agentwatch.detect;

import io.agentwatch.config.AgentwatchConfig;

/** The detectors' thresholds, from config; durations in milliseconds of stream time. */
public record DetectionSettings(double thresholdBits, double sessionDriftScore, int boundaryLimit,
                                long boundaryWindowMs, long rateWindowMs, double rateFactor, int rateMinCalls,
                                int deniedLimit, long deniedWindowMs, long expiryLeewayMs, long confirmTimeoutMs,
                                double destinationThresholdBits, int quarantineSessions) {

    public static DetectionSettings from(AgentwatchConfig c) {
        return new DetectionSettings(
                c.getDouble(AgentwatchConfig.DRIFT_THRESHOLD_BITS),
                c.getDouble(AgentwatchConfig.DRIFT_SESSION_SCORE),
                c.getInt(AgentwatchConfig.CHAIN_BOUNDARY_LIMIT),
                c.duration(AgentwatchConfig.CHAIN_BOUNDARY_WINDOW).toMillis(),
                c.duration(AgentwatchConfig.RATE_WINDOW).toMillis(),
                c.getDouble(AgentwatchConfig.RATE_FACTOR),
                c.getInt(AgentwatchConfig.RATE_MIN_CALLS),
                c.getInt(AgentwatchConfig.PROBING_DENIED_LIMIT),
                c.duration(AgentwatchConfig.PROBING_WINDOW).toMillis(),
                c.duration(AgentwatchConfig.TOKEN_EXPIRY_LEEWAY).toMillis(),
                c.duration(AgentwatchConfig.RESPONSE_CONFIRM_TIMEOUT).toMillis(),
                c.getDouble(AgentwatchConfig.DESTINATION_THRESHOLD_BITS),
                c.getInt(AgentwatchConfig.DESTINATION_QUARANTINE_SESSIONS));
    }
}
