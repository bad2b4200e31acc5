package io.agentwatch.catalog;

import io.agentwatch.avro.Operation;
import io.agentwatch.avro.Sensitivity;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * Defaults for the tools whose name matches {@code match} (exact, or a glob with * and ?),
 * case-insensitively: producers spell tool names as their frameworks do (Send_Email, sendEmail's
 * lower-case twin), and a flag must not be lost to capitalisation.
 */
public record CatalogEntry(String match, Operation operation, String boundary, Sensitivity sensitivity,
                           String scope, Set<ToolFlag> flags) {

    public CatalogEntry {
        if (match == null || match.isBlank()) {
            throw new IllegalArgumentException("a catalog entry needs 'match' (a tool name or glob such as send_*)");
        }
        flags = flags == null ? Set.of() : Set.copyOf(flags);
    }

    public boolean isGlob() {
        return match.indexOf('*') >= 0 || match.indexOf('?') >= 0;
    }

    Pattern pattern() {
        return Glob.toPattern(match, Pattern.CASE_INSENSITIVE | Pattern.UNICODE_CASE);
    }
}
