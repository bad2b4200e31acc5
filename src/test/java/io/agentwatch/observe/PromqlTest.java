package io.agentwatch.observe;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class PromqlTest {

    @Test
    void shouldFindMetricsButNotFunctionsAggregationsOrKeywords() {
        Promql.Names names = Promql.names(
                "histogram_quantile(0.99, sum by (le) (rate(agentwatch_detection_latency_seconds_bucket{instance=~\"$instance\"}[$__rate_interval])))"
                        + " / on (instance) group_left count(up) or vector(0) offset 5m");

        assertThat(names.metrics()).containsExactly("agentwatch_detection_latency_seconds_bucket", "up");
        assertThat(names.selectors()).isEqualTo(2);
        assertThat(names.labels()).containsExactlyInAnyOrder("instance", "le");
    }

    @Test
    void shouldFindLabelsInMatchersAndLabelListsButNotInsideStrings() {
        Promql.Names names = Promql.names(
                "sum without (thread_id) (m{client_id!~\".*agent_id=x.*\", topic=\"a\"}) * on(instance) ignoring (job) n");

        assertThat(names.labels()).containsExactlyInAnyOrder("thread_id", "client_id", "topic", "instance", "job");
        assertThat(names.matchers()).containsExactly("client_id!~\".*agent_id=x.*\", topic=\"a\"");
    }

    @Test
    void shouldCountBareMatcherAsSelector() {
        Promql.Names names = Promql.names("count({__name__=~\"agentwatch_.*\"})");

        assertThat(names.selectors()).isEqualTo(1);
        assertThat(names.metrics()).isEmpty();
        assertThat(names.labels()).containsExactly("__name__");
    }

    @Test
    void shouldRejectUnbalancedBrackets() {
        assertThatThrownBy(() -> Promql.names("sum by (le (m)")).isInstanceOf(IllegalArgumentException.class);
    }
}
