package io.agentwatch.bench;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * The bench end to end at a tiny size: every phase runs on its own embedded broker and reports
 * figures that come from what happened (events counted, commands seen, state read back), not
 * the speed itself, which belongs to a real run on a quiet machine.
 */
class BenchIT {
    @Test
    void shouldMeasureEveryPhaseOnATinyBacklog() throws Exception {
        BenchSettings tiny = new BenchSettings(20, 1, 7, 2, 1, 0.1, 300, Duration.ofSeconds(5),
                Duration.ofMillis(500), 0);
        List<String> progress = new ArrayList<>();

        JsonNode report = new Bench(tiny, -1, progress::add).run().toJson();

        long backlog = report.path("backlog").path("events").asLong();
        assertThat(backlog).as("backlog events").isPositive();
        for (String guarantee : List.of("eos", "alos")) {
            JsonNode run = report.path("throughput").path(guarantee);
            // both applications caught up on the same measured part of the backlog
            assertThat(run.path("agentwatch").path("events").asLong()).as(guarantee)
                    .isEqualTo(run.path("pass_through").path("events").asLong())
                    .isPositive().isLessThanOrEqualTo(backlog);
            assertThat(run.path("ratio").asDouble()).as(guarantee + " ratio").isPositive();
        }
        // hijacked sessions were injected live and their revoke commands seen by a read_committed consumer
        assertThat(report.path("latency").path("hijacked_sessions").asLong()).isPositive();
        assertThat(report.path("latency").path("samples").asLong()).isPositive();
        assertThat(report.path("latency").path("p99_ms").asDouble())
                .isGreaterThanOrEqualTo(report.path("latency").path("p50_ms").asDouble());
        assertThat(report.path("state").path("agents").asLong()).isEqualTo(20);
        assertThat(report.path("state").path("bytes_per_agent").asDouble()).isPositive();
        assertThat(progress).as("progress lines").isNotEmpty();
    }
}
