package io.agentwatch.observe;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The provisioning files, and that they agree with docker/compose.yml: a renamed service or mount
 * would otherwise only show up as an empty Grafana on a user's machine. Also that compose, which
 * binds agentwatch to every interface, gives it its tokens and signing key.
 */
class GrafanaProvisioningTest {

    private static final ObjectMapper YAML = new ObjectMapper(new YAMLFactory());
    private static final Path ROOT = Path.of(System.getProperty("basedir", "")).toAbsolutePath();

    @Test
    void shouldProvisionDashboardsReadOnlyFromTheDirectoryComposeMounts() throws IOException {
        JsonNode provider = read("grafana/provisioning/dashboards/agentwatch.yml").path("providers").path(0);

        assertThat(provider.path("type").asText()).isEqualTo("file");
        assertThat(provider.path("allowUiUpdates").asBoolean(true)).isFalse();
        assertThat(provider.path("disableDeletion").asBoolean()).isTrue();
        assertThat(grafanaVolumes()).contains(
                "../grafana/dashboards:" + provider.path("options").path("path").asText() + ":ro",
                "../grafana/provisioning:/etc/grafana/provisioning:ro");
    }

    @Test
    void shouldPointTheDatasourceAtComposePrometheus() throws IOException {
        JsonNode datasource = read("grafana/provisioning/datasources/prometheus.yml").path("datasources").path(0);
        JsonNode compose = read("docker/compose.yml");

        assertThat(datasource.path("type").asText()).isEqualTo("prometheus");
        assertThat(datasource.path("editable").asBoolean(true)).isFalse();
        assertThat(datasource.path("url").asText()).isEqualTo("http://prometheus:9090");
        assertThat(compose.path("services").path("prometheus").path("ports").path(0).asText()).endsWith(":9090");
        assertThat(datasource.path("jsonData").path("timeInterval").asText())
                .isEqualTo(read("docker/prometheus/prometheus.yml").path("global").path("scrape_interval").asText());
    }

    @Test
    void shouldScrapeTheMetricsEndpointAgentwatchServesInCompose() throws IOException {
        JsonNode scrape = read("docker/prometheus/prometheus.yml").path("scrape_configs").path(0);
        JsonNode agentwatch = read("docker/compose.yml").path("services").path("agentwatch");

        assertThat(scrape.path("metrics_path").asText()).isEqualTo("/metrics");
        assertThat(scrape.path("static_configs").path(0).path("targets").path(0).asText())
                .isEqualTo("agentwatch:" + agentwatch.path("environment").path("AGENTWATCH_HTTP_PORT").asText());
        assertThat(agentwatch.path("environment").path("AGENTWATCH_HTTP_BIND").asText()).isEqualTo("0.0.0.0");
    }

    @Test
    void shouldGiveComposeAgentwatchItsTokensAndSigningKeyFromTheSecretsVolume() throws IOException {
        JsonNode services = read("docker/compose.yml").path("services");
        JsonNode agentwatch = services.path("agentwatch");
        String secrets = services.path("agentwatch-secrets").path("command").path(0).asText();
        String start = agentwatch.path("command").path(0).asText();

        assertThat(secrets).contains("agentwatch.jar keys --dir . --name agentwatch-signing").contains("umask 077")
                .contains("read admin");
        assertThat(agentwatch.path("depends_on").path("agentwatch-secrets").path("condition").asText())
                .isEqualTo("service_completed_successfully");
        assertThat(agentwatch.path("environment").path("AGENTWATCH_RESPONSE_SIGNING_KEY_FILE").asText())
                .isEqualTo("/var/lib/agentwatch-secrets/agentwatch-signing.key");
        assertThat(start).contains("AGENTWATCH_HTTP_READ_TOKEN=\"$$(cat /var/lib/agentwatch-secrets/read.token)\"")
                .contains("AGENTWATCH_ADMIN_TOKEN=\"$$(cat /var/lib/agentwatch-secrets/admin.token)\"")
                .contains("export AGENTWATCH_HTTP_READ_TOKEN AGENTWATCH_ADMIN_TOKEN").endsWith("agentwatch.jar run\n");
        List<String> volumes = new ArrayList<>();
        agentwatch.path("volumes").forEach(v -> volumes.add(v.asText()));
        assertThat(volumes).contains("agentwatch-secrets:/var/lib/agentwatch-secrets:ro");
    }

    private static List<String> grafanaVolumes() throws IOException {
        List<String> volumes = new ArrayList<>();
        read("docker/compose.yml").path("services").path("grafana").path("volumes").forEach(v -> volumes.add(v.asText()));
        return volumes;
    }

    private static JsonNode read(String file) throws IOException {
        return YAML.readTree(ROOT.resolve(file).toFile());
    }
}
