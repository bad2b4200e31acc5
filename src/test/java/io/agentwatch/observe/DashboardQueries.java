package io.agentwatch.observe;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

/**
 * The PromQL of every panel of every dashboard in {@code grafana/dashboards}, made concrete so
 * that a plain Prometheus can evaluate it: Grafana's template variables are replaced the way
 * Grafana would with "All instances" selected.
 *
 * <p>A panel must have data unless its description starts with {@value #MAY_BE_EMPTY}: the
 * same words tell a reader of the dashboard why it is blank.
 */
public final class DashboardQueries {

    /** Description prefix of panels that are legitimately empty on a healthy system. */
    public static final String MAY_BE_EMPTY = "May be empty:";

    /**
     * Concrete values for Grafana's built-in interval variables. One minute spans several scrapes
     * at any interval up to 15 s; one hour is the dashboards' default time range.
     */
    static final Map<String, String> BUILT_INS = Map.of(
            "__rate_interval", "1m",
            "__interval", "1m",
            "__range", "1h");

    /** "All" of the instance variable, which Grafana sends as its allValue {@code .*}. */
    static final String ALL_INSTANCES = ".*";

    private static final Pattern VARIABLE = Pattern.compile("\\$(?:\\{(\\w+)}|(\\w+))");
    private static final ObjectMapper JSON = new ObjectMapper();

    /** One panel query: where it comes from, the PromQL to send, and whether it must return series. */
    public record Query(String dashboard, String panelTitle, String expr, boolean mustHaveData) {
        @Override
        public String toString() {
            return dashboard + " / " + panelTitle + ": " + expr;
        }
    }

    /** A parsed dashboard file. */
    public record Dashboard(Path file, JsonNode json) {
        public String uid() {
            return json.path("uid").asText();
        }

        public String title() {
            return json.path("title").asText();
        }

        /** Every panel that draws data: nested panels of collapsed rows included, the rows themselves left out. */
        public List<JsonNode> panels() {
            List<JsonNode> panels = new ArrayList<>();
            for (JsonNode panel : json.path("panels")) {
                if ("row".equals(panel.path("type").asText())) {
                    panel.path("panels").forEach(panels::add);
                } else {
                    panels.add(panel);
                }
            }
            return panels;
        }
    }

    private DashboardQueries() {
    }

    /** {@code grafana/dashboards} of this project; Maven runs tests from the project directory. */
    public static Path dashboardsDir() {
        return Path.of(System.getProperty("basedir", "")).toAbsolutePath().resolve("grafana").resolve("dashboards");
    }

    /** Every {@code *.json} in the directory, in file name order (the dashboards are numbered). */
    public static List<Dashboard> load(Path dir) {
        try (Stream<Path> files = Files.list(dir)) {
            List<Dashboard> dashboards = new ArrayList<>();
            for (Path file : files.filter(f -> f.getFileName().toString().endsWith(".json")).sorted().toList()) {
                dashboards.add(new Dashboard(file, JSON.readTree(file.toFile())));
            }
            return dashboards;
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read dashboards in " + dir, e);
        }
    }

    /** Every expression of every panel target in the directory's dashboards, made concrete. */
    public static List<Query> queries(Path dir) {
        List<Query> queries = new ArrayList<>();
        for (Dashboard dashboard : load(dir)) {
            for (JsonNode panel : dashboard.panels()) {
                String title = panel.path("title").asText();
                boolean mustHaveData = !panel.path("description").asText().startsWith(MAY_BE_EMPTY);
                for (JsonNode target : panel.path("targets")) {
                    String expr = target.path("expr").asText("");
                    if (!expr.isBlank()) {
                        queries.add(new Query(dashboard.title(), title, concrete(expr), mustHaveData));
                    }
                }
            }
        }
        return queries;
    }

    /**
     * The expression with Grafana's variables replaced. Fails on a variable it does not know, and
     * on {@code $instance} used with anything but {@code =~} (with {@code =} the "All" value
     * {@code .*} would match nothing): either would make a query silently mean something else.
     */
    public static String concrete(String expr) {
        Matcher m = VARIABLE.matcher(expr);
        StringBuilder out = new StringBuilder();
        while (m.find()) {
            String name = m.group(1) != null ? m.group(1) : m.group(2);
            String value;
            if (BUILT_INS.containsKey(name)) {
                value = BUILT_INS.get(name);
            } else if ("instance".equals(name)) {
                if (!expr.startsWith("=~\"", m.start() - 3)) {
                    throw new IllegalArgumentException("$instance must be matched with =~\"$instance\": " + expr);
                }
                value = ALL_INSTANCES;
            } else {
                throw new IllegalArgumentException("unknown template variable $" + name + " in: " + expr);
            }
            m.appendReplacement(out, Matcher.quoteReplacement(value));
        }
        m.appendTail(out);
        return out.toString();
    }
}
