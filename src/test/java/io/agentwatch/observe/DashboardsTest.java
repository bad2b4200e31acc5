package io.agentwatch.observe;

import com.fasterxml.jackson.databind.JsonNode;
import io.agentwatch.observe.DashboardQueries.Dashboard;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.function.Function;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The dashboards in {@code grafana/dashboards}, checked without Grafana or Prometheus: structure,
 * template variables, and that every metric and label they use is one the application exposes.
 */
class DashboardsTest {

    private static final String DATASOURCE_UID = "${datasource}";
    private static final String INSTANCE_MATCHER = "instance=~\"$instance\"";
    private static final Pattern LEGEND_LABEL = Pattern.compile("\\{\\{\\s*(\\w+)\\s*}}");

    private static List<Dashboard> dashboards;

    @BeforeAll
    static void load() {
        dashboards = DashboardQueries.load(DashboardQueries.dashboardsDir());
    }

    @Test
    void shouldParseEveryNumberedDashboard() {
        List<String> files = dashboards.stream().map(d -> d.file().getFileName().toString()).toList();
        assertThat(files).contains("01-agentwatch-overview.json", "02-agentwatch-operations.json")
                .allMatch(f -> f.matches("\\d{2}-agentwatch-[a-z0-9-]+\\.json"), "named NN-agentwatch-*.json");
        assertThat(files.stream().map(f -> f.substring(0, 2))).as("numbers").doesNotHaveDuplicates();
        for (Dashboard d : dashboards) {
            assertThat(d.json().path("schemaVersion").asInt()).as(d.title()).isBetween(36, 41);
            assertThat(d.json().path("editable").asBoolean(true)).as("%s is read-only", d.title()).isFalse();
            assertThat(d.panels()).as(d.title()).isNotEmpty();
        }
    }

    @Test
    void shouldHaveUniqueUidsAndTitles() {
        assertThat(dashboards).extracting(Dashboard::uid).doesNotHaveDuplicates().doesNotContain("");
        assertThat(dashboards).extracting(Dashboard::title).doesNotHaveDuplicates().doesNotContain("");
    }

    @Test
    void shouldLayOutPanelsWithUniqueIdsWithoutOverlap() {
        for (Dashboard d : dashboards) {
            assertThat(d.panels()).extracting(p -> p.path("id").asInt()).as(d.title()).doesNotHaveDuplicates();
            List<JsonNode> panels = d.panels();
            for (int i = 0; i < panels.size(); i++) {
                JsonNode a = panels.get(i).path("gridPos");
                assertThat(a.path("x").asInt() + a.path("w").asInt()).as(title(panels.get(i))).isLessThanOrEqualTo(24);
                for (int j = i + 1; j < panels.size(); j++) {
                    assertThat(overlap(a, panels.get(j).path("gridPos")))
                            .as("%s overlaps %s", title(panels.get(i)), title(panels.get(j))).isFalse();
                }
            }
        }
    }

    @Test
    void shouldGiveEveryPanelATitleDescriptionAndTargetWithAnExpression() {
        for (Dashboard d : dashboards) {
            for (JsonNode panel : d.panels()) {
                assertThat(panel.path("title").asText()).as("panel %s of %s", panel.path("id"), d.title()).isNotBlank();
                assertThat(panel.path("description").asText()).as(title(panel)).isNotBlank();
                assertThat(panel.path("targets")).as(title(panel)).isNotEmpty();
                for (JsonNode target : panel.path("targets")) {
                    assertThat(target.path("expr").asText()).as("%s target %s", title(panel), target.path("refId")).isNotBlank();
                }
            }
        }
        assertThat(DashboardQueries.queries(DashboardQueries.dashboardsDir())).hasSizeGreaterThan(dashboards.size());
    }

    @Test
    void shouldQueryEveryPanelThroughTheDatasourceVariable() {
        for (Dashboard d : dashboards) {
            assertThat(variable(d, "datasource").path("type").asText()).as(d.title()).isEqualTo("datasource");
            assertThat(variable(d, "datasource").path("query").asText()).as(d.title()).isEqualTo("prometheus");
            assertThat(variable(d, "instance").path("datasource").path("uid").asText()).as(d.title()).isEqualTo(DATASOURCE_UID);
            for (JsonNode panel : d.panels()) {
                assertThat(panel.path("datasource").path("uid").asText()).as(title(panel)).isEqualTo(DATASOURCE_UID);
                for (JsonNode target : panel.path("targets")) {
                    // A target without its own datasource inherits the panel's.
                    if (target.has("datasource")) {
                        assertThat(target.path("datasource").path("uid").asText()).as(title(panel)).isEqualTo(DATASOURCE_UID);
                    }
                }
            }
        }
    }

    @Test
    void shouldOfferAllInstancesAndFilterEverySelectorByTheInstanceVariable() {
        for (Dashboard d : dashboards) {
            JsonNode instance = variable(d, "instance");
            assertThat(instance.path("includeAll").asBoolean()).as(d.title()).isTrue();
            assertThat(instance.path("allValue").asText()).as(d.title()).isEqualTo(DashboardQueries.ALL_INSTANCES);
            assertThat(instance.path("definition").asText()).as(d.title()).startsWith("label_values(").endsWith(", instance)");
        }
        for (String expr : rawExprs().toList()) {
            Promql.Names names = Promql.names(expr);
            long filtered = names.matchers().stream().filter(m -> m.contains(INSTANCE_MATCHER)).count();
            assertThat(filtered).as("selectors filtered by %s in: %s", INSTANCE_MATCHER, expr).isEqualTo(names.selectors());
        }
    }

    @Test
    void shouldNeverGroupFilterOrLabelByPerAgentLabels() {
        for (String expr : rawExprs().toList()) {
            assertThat(Promql.names(expr).labels()).as(expr).doesNotContainAnyElementsOf(MetricNames.PER_AGENT_LABELS);
        }
        for (JsonNode target : targets().toList()) {
            Matcher m = LEGEND_LABEL.matcher(target.path("legendFormat").asText());
            while (m.find()) {
                assertThat(m.group(1)).as("legend of %s", target.path("expr").asText()).isNotIn(MetricNames.PER_AGENT_LABELS);
            }
        }
    }

    @Test
    void shouldUseOnlyMetricsOfTheContract() {
        Set<String> known = union(MetricNames.APP, MetricNames.KAFKA_STREAMS, MetricNames.JVM);
        for (String expr : allExprs().toList()) {
            for (String metric : Promql.names(expr).metrics()) {
                assertThat(metric).as("metric in: %s", expr).isIn(known);
            }
        }
    }

    @Test
    void shouldUseOnlyLabelsTheMetricsCarry() {
        Set<String> known = union(MetricNames.APP_LABELS, MetricNames.KAFKA_STREAMS_LABELS, MetricNames.JVM_LABELS, MetricNames.SCRAPE_LABELS);
        for (String expr : rawExprs().toList()) {
            assertThat(Promql.names(expr).labels()).as(expr).isSubsetOf(known);
        }
        for (JsonNode target : targets().toList()) {
            Matcher m = LEGEND_LABEL.matcher(target.path("legendFormat").asText());
            while (m.find()) {
                assertThat(m.group(1)).as("legend of %s", target.path("expr").asText()).isIn(known);
            }
        }
    }

    @Test
    void shouldShowEveryApplicationMetricAndRelyOnEveryListedKafkaStreamsMetric() {
        Set<String> used = new TreeSet<>();
        allExprs().forEach(expr -> used.addAll(Promql.names(expr).metrics()));
        // Each application metric family on some panel; timers through any of their series.
        Set<String> families = new TreeSet<>();
        MetricNames.APP.forEach(name -> families.add(family(name)));
        Set<String> shownFamilies = new TreeSet<>();
        used.forEach(name -> shownFamilies.add(family(name)));
        assertThat(shownFamilies).containsAll(families);
        // The Kafka Streams list is what the dashboards rely on, no more: the live check verifies exactly it.
        assertThat(used).containsAll(MetricNames.KAFKA_STREAMS).containsAll(MetricNames.JVM);
    }

    @Test
    void shouldMarkOnlyPanelsThatMayLegitimatelyBeEmpty() {
        List<String> mayBeEmpty = new ArrayList<>();
        for (Dashboard d : dashboards) {
            for (JsonNode panel : d.panels()) {
                if (panel.path("description").asText().startsWith(DashboardQueries.MAY_BE_EMPTY)) {
                    mayBeEmpty.add(panel.path("title").asText());
                }
            }
        }
        // Only conditions a healthy demo need not hit; everything else must show data.
        assertThat(mayBeEmpty).containsExactlyInAnyOrder("Repeat revoke commands suppressed", "Dead-letter records by reason",
                "Step-up approvals by outcome");
    }

    private static String family(String series) {
        return series.replaceAll("_(bucket|count|sum|max)$", "");
    }

    private static boolean overlap(JsonNode a, JsonNode b) {
        return a.path("x").asInt() < b.path("x").asInt() + b.path("w").asInt()
                && b.path("x").asInt() < a.path("x").asInt() + a.path("w").asInt()
                && a.path("y").asInt() < b.path("y").asInt() + b.path("h").asInt()
                && b.path("y").asInt() < a.path("y").asInt() + a.path("h").asInt();
    }

    private static JsonNode variable(Dashboard d, String name) {
        for (JsonNode v : d.json().path("templating").path("list")) {
            if (name.equals(v.path("name").asText())) {
                return v;
            }
        }
        throw new AssertionError(d.title() + " has no template variable " + name);
    }

    private static Stream<JsonNode> targets() {
        return dashboards.stream().flatMap(d -> d.panels().stream()).flatMap(p -> stream(p.path("targets")));
    }

    private static Stream<String> rawExprs() {
        return targets().map(t -> t.path("expr").asText());
    }

    /** Panel expressions and the template variables' label_values() queries. */
    private static Stream<String> allExprs() {
        Function<Dashboard, Stream<String>> variableQueries = d -> stream(d.json().path("templating").path("list"))
                .map(v -> v.path("definition").asText())
                .filter(q -> q.startsWith("label_values("))
                .map(q -> q.substring("label_values(".length(), q.lastIndexOf(',')));
        return Stream.concat(rawExprs(), dashboards.stream().flatMap(variableQueries));
    }

    private static Stream<JsonNode> stream(JsonNode array) {
        List<JsonNode> nodes = new ArrayList<>();
        array.forEach(nodes::add);
        return nodes.stream();
    }

    @SafeVarargs
    private static Set<String> union(Set<String>... sets) {
        Set<String> all = new HashSet<>();
        for (Set<String> s : sets) {
            all.addAll(s);
        }
        return all;
    }

    private static String title(JsonNode panel) {
        return "panel \"" + panel.path("title").asText() + "\"";
    }
}
