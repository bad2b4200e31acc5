package io.agentwatch.faults;

import com.fasterxml.jackson.databind.JsonNode;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Compares the baseline summaries ({@code /agents/{id}}) of two runs over the same trace: one
 * with faults, one without. What was learned must be the same: state, learned events, sessions
 * and days, the rate's window count, and the same values in each top list. Two things may
 * differ, within the stated tolerance. The stream-time sweep that closes and learns idle
 * sessions runs when a record moves stream time past its next sweep point, and a restarted task
 * starts its sweep points from the first record it processes, not on the grid of the run without
 * faults. So a session may be learned at a later (or earlier) record: up to one sweep interval
 * (punctuate.interval, 1 min) plus the time to the task's next record, minutes in these traces
 * (82 s seen). {@code last_learned_at} moves by that, and so does the decay applied to the counts
 * (half-life 14 days: 10 minutes of decay is 0.03%); rounded to two decimals, a count may also
 * differ in its last digit.
 */
final class BaselineAssert {
    /** One sweep interval plus the gap to the task's next record, generously. */
    static final Duration LEARNED_AT_TOLERANCE = Duration.ofMinutes(10);
    /** Relative, for decayed counts and the rate's mean and deviation; plus one unit of the last (second) decimal. */
    static final double COUNT_TOLERANCE = 0.001;
    private static final Logger LOG = LoggerFactory.getLogger(BaselineAssert.class);

    private BaselineAssert() {
    }

    static void assertSameLearning(Map<String, JsonNode> actual, Map<String, JsonNode> reference) {
        List<String> differences = new ArrayList<>();
        int within = 0;
        for (Map.Entry<String, JsonNode> e : reference.entrySet()) {
            JsonNode want = e.getValue();
            JsonNode got = actual.get(e.getKey());
            List<String> agent = compare(want, got);
            if (!agent.isEmpty()) {
                differences.add(e.getKey() + ": " + String.join("; ", agent) + "\n  reference " + want
                        + "\n  actual    " + got);
            } else if (!want.equals(got)) {
                within++;
            }
        }
        LOG.info("BASELINES | {} agents compared: {} identical, {} within tolerance, {} differ", reference.size(),
                reference.size() - within - differences.size(), within, differences.size());
        if (!differences.isEmpty()) {
            throw new AssertionError("learned baselines differ from the run without faults:\n"
                    + String.join("\n", differences));
        }
    }

    private static List<String> compare(JsonNode want, JsonNode got) {
        List<String> out = new ArrayList<>();
        if (got == null) {
            out.add("no baseline");
            return out;
        }
        for (String field : List.of("state", "learned_events", "learned_sessions", "distinct_days",
                "max_boundaries_per_session")) {
            if (!want.path(field).equals(got.path(field))) {
                out.add(field + " " + got.path(field) + " instead of " + want.path(field));
            }
        }
        if (!want.path("last_learned_at").isNull() && !got.path("last_learned_at").isNull()) {
            Duration apart = Duration.between(Instant.parse(want.get("last_learned_at").asText()),
                    Instant.parse(got.get("last_learned_at").asText())).abs();
            if (apart.compareTo(LEARNED_AT_TOLERANCE) > 0) {
                out.add("last_learned_at " + apart.toSeconds() + " s apart");
            }
        } else if (!want.path("last_learned_at").equals(got.path("last_learned_at"))) {
            out.add("last_learned_at " + got.path("last_learned_at") + " instead of " + want.path("last_learned_at"));
        }
        JsonNode rate = want.path("calls_per_window");
        JsonNode gotRate = got.path("calls_per_window");
        if (!rate.path("windows").equals(gotRate.path("windows"))) {
            out.add("calls_per_window.windows " + gotRate.path("windows") + " instead of " + rate.path("windows"));
        }
        for (String field : List.of("mean", "deviation")) {
            close("calls_per_window." + field, rate.path(field).asDouble(), gotRate.path(field).asDouble(), out);
        }
        for (String list : List.of("top_tools", "top_boundaries", "top_targets")) {
            Map<String, Double> wantCounts = counts(want.path(list));
            Map<String, Double> gotCounts = counts(got.path(list));
            if (!wantCounts.keySet().equals(gotCounts.keySet())) {
                out.add(list + " " + gotCounts.keySet() + " instead of " + wantCounts.keySet());
                continue;
            }
            wantCounts.forEach((value, count) -> close(list + "." + value, count, gotCounts.get(value), out));
        }
        return out;
    }

    private static void close(String what, double want, double got, List<String> out) {
        if (Math.abs(want - got) > Math.abs(want) * COUNT_TOLERANCE + 0.01 + 1e-9) {
            out.add(what + " " + got + " instead of " + want);
        }
    }

    private static Map<String, Double> counts(JsonNode list) {
        Map<String, Double> out = new LinkedHashMap<>();
        list.forEach(v -> out.put(v.get("value").asText(), v.get("count").asDouble()));
        return out;
    }
}
