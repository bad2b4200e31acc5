package io.agentwatch.observe;

import io.agentwatch.observe.DashboardQueries.Query;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class DashboardQueriesTest {

    @Test
    void shouldReplaceInstanceAndIntervalsAsGrafanaDoesForAllInstances() {
        String expr = DashboardQueries.concrete(
                "sum(rate(m{instance=~\"$instance\"}[$__rate_interval])) + sum(increase(m{instance=~\"${instance}\"}[${__range}])) + n[$__interval]");

        assertThat(expr).isEqualTo("sum(rate(m{instance=~\".*\"}[1m])) + sum(increase(m{instance=~\".*\"}[1h])) + n[1m]");
    }

    @Test
    void shouldRejectInstanceMatchedExactly() {
        assertThatThrownBy(() -> DashboardQueries.concrete("m{instance=\"$instance\"}"))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("=~");
    }

    @Test
    void shouldRejectUnknownVariables() {
        assertThatThrownBy(() -> DashboardQueries.concrete("m{job=~\"$job\"}"))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("$job");
    }

    @Test
    void shouldReturnEveryTargetWithItsPanelAndWhetherItMustHaveData(@TempDir Path dir) throws IOException {
        Files.writeString(dir.resolve("01-a.json"), """
                {"uid": "a", "title": "A", "panels": [
                  {"title": "one", "description": "Shown always.", "targets": [
                    {"refId": "A", "expr": "sum(m{instance=~\\"$instance\\"})"},
                    {"refId": "B", "expr": "n"}]},
                  {"type": "row", "title": "collapsed", "panels": [
                    {"title": "two", "description": "May be empty: until it happens.", "targets": [{"refId": "A", "expr": "o"}]}]}
                ]}
                """);
        Files.writeString(dir.resolve("notes.txt"), "not a dashboard");

        assertThat(DashboardQueries.queries(dir)).containsExactly(
                new Query("A", "one", "sum(m{instance=~\".*\"})", true),
                new Query("A", "one", "n", true),
                new Query("A", "two", "o", false));
    }
}
