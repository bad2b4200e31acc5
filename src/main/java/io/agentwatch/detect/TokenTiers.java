package io.agentwatch.detect;

import io.agentwatch.catalog.Glob;
import java.time.Duration;
import java.util.List;
import java.util.regex.Pattern;

/**
 * A token's tier by what its scopes let it do, and the longest lifetime each tier may have. A
 * token that does not restrict scopes, or grants a critical scope, is CRITICAL; one whose every
 * scope is read-only is READONLY; any other is STANDARD. Short lifetimes matter most where
 * tokens can write to production, move money or hand out access.
 */
public record TokenTiers(List<Pattern> readOnlyScopes, List<Pattern> criticalScopes, long readOnlyMaxMs,
                         long standardMaxMs, long criticalMaxMs) {

    public enum Tier { READONLY, STANDARD, CRITICAL }

    public static TokenTiers of(List<String> readOnlyGlobs, List<String> criticalGlobs, Duration readOnlyMax,
                                Duration standardMax, Duration criticalMax) {
        return new TokenTiers(patterns(readOnlyGlobs), patterns(criticalGlobs), readOnlyMax.toMillis(),
                standardMax.toMillis(), criticalMax.toMillis());
    }

    private static List<Pattern> patterns(List<String> globs) {
        return globs.stream().map(g -> Glob.toPattern(g.strip(), Pattern.CASE_INSENSITIVE)).toList();
    }

    public Tier tierOf(List<String> scopes) {
        if (scopes == null || scopes.stream().anyMatch(s -> matchesAny(criticalScopes, s))) {
            return Tier.CRITICAL;
        }
        if (!scopes.isEmpty() && scopes.stream().allMatch(s -> matchesAny(readOnlyScopes, s))) {
            return Tier.READONLY;
        }
        return Tier.STANDARD;
    }

    public long maxLifetimeMs(Tier tier) {
        return switch (tier) {
            case READONLY -> readOnlyMaxMs;
            case STANDARD -> standardMaxMs;
            case CRITICAL -> criticalMaxMs;
        };
    }

    private static boolean matchesAny(List<Pattern> patterns, String scope) {
        return patterns.stream().anyMatch(p -> p.matcher(scope).matches());
    }
}
