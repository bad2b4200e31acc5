package io.agentwatch.detect;

import java.util.List;

/**
 * One decision about a tool call, named after it. A detector reads an immutable view of the
 * call, its token, the session so far and the baseline, and returns what it found; it writes
 * no state. The response step alone decides, de-duplicates (by {@link Detection#key()}) and
 * records.
 */
@FunctionalInterface
public interface Detector {
    List<Detection> inspect(CallContext ctx);
}
