package io.agentwatch.runtime;

import io.agentwatch.config.AgentwatchConfig;
import io.agentwatch.observe.CompositeObserver;
import io.agentwatch.topology.DetectionObserver;
import io.agentwatch.observe.Observability;
import io.agentwatch.respond.CommandSigner;
import io.agentwatch.respond.Suppressions;
import io.agentwatch.topology.BaselineResets;
import io.agentwatch.topology.MonitorServices;
import java.time.Clock;

/**
 * The detector as {@code run} and {@code demo} start it: the HTTP endpoints and metrics first
 * (their port is this instance's application.server), then Kafka Streams with the topology,
 * sharing the suppression rules and baseline resets the admin endpoints act on. Closes in
 * reverse order.
 */
public final class LiveDetector implements AutoCloseable {
    private final Observability observability;
    private final DetectorService service;

    private LiveDetector(Observability observability, DetectorService service) {
        this.observability = observability;
        this.service = service;
    }

    /** @param extra another observer (the demo's console), or {@link DetectionObserver#NONE} */
    public static LiveDetector start(AgentwatchConfig config, DetectionObserver extra) {
        CommandSigner.requireKey(config);
        Suppressions suppressions = Suppressions.fromConfig(config.getString(AgentwatchConfig.SUPPRESSIONS_FILE));
        BaselineResets resets = new BaselineResets();
        Observability observability = Observability.start(config, suppressions, resets);
        try {
            MonitorServices services = MonitorServices.fromConfig(config, suppressions, resets,
                    CompositeObserver.of(observability.observer(), extra), Clock.systemUTC(), false);
            DetectorService service = DetectorService.start(config, services, observability.applicationServer());
            observability.attach(service.streams());
            return new LiveDetector(observability, service);
        } catch (RuntimeException e) {
            observability.close();
            throw e;
        }
    }

    public DetectorService service() {
        return service;
    }

    public Observability observability() {
        return observability;
    }

    @Override
    public void close() {
        try {
            service.close();
        } finally {
            observability.close();
        }
    }
}
