package io.agentwatch.faults;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** Compares the baseline summaries of {@code /agents/{id}} of two runs over the same trace. */
final class BaselineAssert {
    private static final Logger LOG = LoggerFactory.getLogger(BaselineAssert.class);

    private BaselineAssert() {
    }

    static void assertSameLearning(Map<String, JsonNode> actual, Map<String, JsonNode> reference) {
        List<String> differences = new ArrayList<>();
        reference.forEach((agent, expected) -> {
            JsonNode got = actual.get(agent);
            if (!expected.equals(got)) {
                differences.add(agent + ":\n  expected " + expected + "\n  actual   " + got);
            }
        });
        LOG.info("BASELINES | {} agents compared, {} differ{}", reference.size(), differences.size(),
                differences.isEmpty() ? "" : "\n" + String.join("\n", differences));
    }
}
