package io.agentwatch.observe;

import io.agentwatch.topology.DetectionObserver;
import io.agentwatch.config.AgentwatchConfig;
import io.agentwatch.respond.Suppressions;
import io.agentwatch.rules.Rules;
import io.agentwatch.topology.AgentwatchTopology;
import java.util.Properties;
import org.apache.kafka.streams.KafkaStreams;
import org.apache.kafka.streams.StreamsConfig;

/**
 * Metrics, the findings log and the HTTP endpoints of one agentwatch instance, started and
 * stopped together. The commands that run the topology against a broker ({@code run},
 * {@code demo}) use it like this:
 *
 * <pre>{@code
 * Suppressions suppressions = Suppressions.fromConfig(config.getString(AgentwatchConfig.SUPPRESSIONS_FILE));
 * try (BaselineResetProducer resets = BaselineResetProducer.create(config);             // admin resets go to Kafka
 *      Observability obs = Observability.start(config, suppressions, resets)) {          // HTTP port bound here
 *     MonitorServices services = new MonitorServices(catalog, suppressions, new RegistrySerdes(config),
 *             obs.observer(), Clock.systemUTC(), false);                                // the SAME suppressions
 *     KafkaStreams streams = new KafkaStreams(AgentwatchTopology.build(config, services),
 *             obs.streamsProperties(config));                                           // includes application.server
 *     obs.attach(streams);                                                              // before start: /ready says CREATED
 *     streams.start();
 *     ...                                                                               // wait; close streams before obs
 * }
 * }</pre>
 *
 * <p>The suppressions and rules must be the instances the topology uses: the admin endpoints
 * reload through them. Baseline resets reach the topology through Kafka. Close order:
 * KafkaStreams first, then this, then the reset producer.
 */
public final class Observability implements AutoCloseable {
    private final MicrometerObserver metrics;
    private final DetectionObserver observer;
    private final HttpEndpoints http;

    private Observability(MicrometerObserver metrics, DetectionObserver observer, HttpEndpoints http) {
        this.metrics = metrics;
        this.observer = observer;
        this.http = http;
    }

    /**
     * Creates the metrics registry and the findings log ({@code log.format}), and starts the HTTP
     * server on {@code http.bind:http.port}.
     *
     * @throws java.io.UncheckedIOException when the HTTP address cannot be bound
     */
    public static Observability start(AgentwatchConfig config, Suppressions suppressions, BaselineResetRequests resets) {
        return start(config, suppressions, resets, Rules.none());
    }

    /** As above, serving /admin/rules/reload for {@code rules} and counting their reloads and errors. */
    public static Observability start(AgentwatchConfig config, Suppressions suppressions, BaselineResetRequests resets,
                                      Rules rules) {
        MicrometerObserver metrics = new MicrometerObserver();
        try {
            DetectionObserver observer = CompositeObserver.of(metrics, FindingLog.from(config));
            rules.listen(metrics);
            HttpEndpoints http = HttpEndpoints.start(config, metrics::scrape, suppressions, resets, rules);
            return new Observability(metrics, observer, http);
        } catch (RuntimeException e) {
            metrics.close();
            throw e;
        }
    }

    /** What the topology reports to (metrics and the findings log): pass it in {@code MonitorServices}. */
    public DetectionObserver observer() {
        return observer;
    }

    public MicrometerObserver metrics() {
        return metrics;
    }

    /** The HTTP port, the one picked when {@code http.port} is 0. */
    public int port() {
        return http.port();
    }

    /** {@code host:port} for Kafka Streams' {@code application.server}, so instances can forward queries. */
    public String applicationServer() {
        return http.applicationServer();
    }

    /**
     * {@link AgentwatchTopology#streamsProperties} with this observer (dead letters are counted)
     * and {@code application.server} set to this HTTP server.
     */
    public Properties streamsProperties(AgentwatchConfig config) {
        Properties p = AgentwatchTopology.streamsProperties(config, observer);
        p.put(StreamsConfig.APPLICATION_SERVER_CONFIG, applicationServer());
        return p;
    }

    /** Binds Kafka Streams' metrics and serves /ready and /agents from {@code streams}. Call once. */
    public void attach(KafkaStreams streams) {
        metrics.bindStreams(streams);
        http.attach(streams);
    }

    /** Stops the HTTP server and the metric binders. */
    @Override
    public void close() {
        try {
            http.close();
        } finally {
            metrics.close();
        }
    }
}
