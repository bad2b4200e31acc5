package io.agentwatch.config;

import java.time.Duration;
import java.util.Locale;
import org.apache.kafka.common.config.ConfigDef;
import org.apache.kafka.common.config.ConfigException;

/** Durations in config are written the way people say them: 500ms, 30s, 5m, 2h, 14d. */
public final class Durations {
    private Durations() {
    }

    public static Duration parse(String text) {
        String t = text.trim().toLowerCase(Locale.ROOT);
        try {
            if (t.endsWith("ms")) {
                return Duration.ofMillis(Long.parseLong(t.substring(0, t.length() - 2).trim()));
            }
            long n = Long.parseLong(t.substring(0, t.length() - 1).trim());
            switch (t.charAt(t.length() - 1)) {
                case 's': return Duration.ofSeconds(n);
                case 'm': return Duration.ofMinutes(n);
                case 'h': return Duration.ofHours(n);
                case 'd': return Duration.ofDays(n);
                default: break;
            }
        } catch (NumberFormatException | StringIndexOutOfBoundsException e) {
            // fall through to the error below, which says what is accepted
        }
        throw new IllegalArgumentException("'" + text + "' is not a duration: write a whole number followed by ms, s, m, h or d (e.g. 30m)");
    }

    /** A ConfigDef validator for positive durations. */
    public static ConfigDef.Validator positive() {
        return new ConfigDef.Validator() {
            @Override
            public void ensureValid(String name, Object value) {
                try {
                    if (parse((String) value).isNegative() || parse((String) value).isZero()) {
                        throw new ConfigException(name, value, "must be a positive duration");
                    }
                } catch (IllegalArgumentException e) {
                    throw new ConfigException(name, value, e.getMessage());
                }
            }

            @Override
            public String toString() {
                return "a positive duration such as 500ms, 30s, 5m, 2h, 14d";
            }
        };
    }
}
