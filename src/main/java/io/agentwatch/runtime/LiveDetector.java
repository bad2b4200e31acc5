package io.agentwatch.runtime;

import io.agentwatch.config.AgentwatchConfig;
import io.agentwatch.kafka.BaselineResetProducer;
import io.agentwatch.observe.CompositeObserver;
import io.agentwatch.observe.Observability;
import io.agentwatch.respond.CommandSigner;
import io.agentwatch.respond.Suppressions;
import io.agentwatch.topology.DetectionObserver;
import io.agentwatch.topology.MonitorServices;
import java.time.Clock;

/**
 * The detector as {@code run} and {@code demo} start it: the producer of operators' baseline
 * resets, the HTTP endpoints and metrics (their port is this instance's application.server),
 * then Kafka Streams with the topology, sharing the suppression rules the admin endpoint
 * reloads. Closes in reverse order.
 */
public final class LiveDetector implements AutoCloseable {
    private final BaselineResetProducer resets;
    private final Observability observability;
    private final DetectorService service;

    private LiveDetector(BaselineResetProducer resets, Observability observability, DetectorService service) {
        this.resets = resets;
        this.observability = observability;
        this.service = service;
    }

    /** @param extra another observer (the demo's console), or {@link DetectionObserver#NONE} */
    public static LiveDetector start(AgentwatchConfig config, DetectionObserver extra) {
        CommandSigner.requireKey(config);
        Suppressions suppressions = Suppressions.fromConfig(config.getString(AgentwatchConfig.SUPPRESSIONS_FILE));
        BaselineResetProducer resets = BaselineResetProducer.create(config);
        Observability observability = null;
        try {
            observability = Observability.start(config, suppressions, resets);
            MonitorServices services = MonitorServices.fromConfig(config, suppressions,
                    CompositeObserver.of(observability.observer(), extra), Clock.systemUTC(), false);
            DetectorService service = DetectorService.start(config, services, observability.applicationServer());
            observability.attach(service.streams());
            return new LiveDetector(resets, observability, service);
        } catch (RuntimeException e) {
            if (observability != null) {
                observability.close();
            }
            resets.close();
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
            try {
                observability.close();
            } finally {
                resets.close();
            }
        }
    }
}
