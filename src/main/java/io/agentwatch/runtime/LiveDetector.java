package io.agentwatch.runtime;

import io.agentwatch.config.AgentwatchConfig;
import io.agentwatch.kafka.BaselineResetProducer;
import io.agentwatch.observe.CompositeObserver;
import io.agentwatch.observe.Observability;
import io.agentwatch.respond.CommandSigner;
import io.agentwatch.respond.Suppressions;
import io.agentwatch.rules.Rules;
import io.agentwatch.rules.RulesWatcher;
import io.agentwatch.topology.DetectionObserver;
import io.agentwatch.topology.MonitorServices;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.time.Clock;

/**
 * The detector as {@code run} and {@code demo} start it: the producer of operators' baseline
 * resets, the HTTP endpoints and metrics (their port is this instance's application.server),
 * then Kafka Streams with the topology, sharing the suppression rules and the analysts' rules
 * the admin endpoints (and, with rules.watch, a file watch) reload. Closes in reverse order.
 */
public final class LiveDetector implements AutoCloseable {
    private final BaselineResetProducer resets;
    private final Observability observability;
    private final DetectorService service;
    private final RulesWatcher watcher;

    private LiveDetector(BaselineResetProducer resets, Observability observability, DetectorService service,
                         RulesWatcher watcher) {
        this.resets = resets;
        this.observability = observability;
        this.service = service;
        this.watcher = watcher;
    }

    /** @param extra another observer (the demo's console), or {@link DetectionObserver#NONE} */
    public static LiveDetector start(AgentwatchConfig config, DetectionObserver extra) {
        CommandSigner.requireKey(config);
        Suppressions suppressions = Suppressions.fromConfig(config.getString(AgentwatchConfig.SUPPRESSIONS_FILE));
        Rules rules = Rules.fromConfig(config);
        BaselineResetProducer resets = BaselineResetProducer.create(config);
        Observability observability = null;
        RulesWatcher watcher = null;
        try {
            observability = Observability.start(config, suppressions, resets, rules);
            if (config.getBoolean(AgentwatchConfig.RULES_WATCH)) {
                watcher = RulesWatcher.start(rules);
            }
            MonitorServices services = MonitorServices.fromConfig(config, suppressions, rules,
                    CompositeObserver.of(observability.observer(), extra), Clock.systemUTC(), false);
            DetectorService service = DetectorService.start(config, services, observability.applicationServer());
            observability.attach(service.streams());
            return new LiveDetector(resets, observability, service, watcher);
        } catch (IOException e) {
            close(watcher, observability, resets);
            throw new UncheckedIOException("cannot watch " + rules.file() + " for changes (" + e.getMessage()
                    + "); set rules.watch=false and reload through the admin endpoint instead", e);
        } catch (RuntimeException e) {
            close(watcher, observability, resets);
            throw e;
        }
    }

    /** Closes what was started, in reverse order; null for what was not. */
    private static void close(RulesWatcher watcher, Observability observability, BaselineResetProducer resets) {
        try {
            if (watcher != null) {
                watcher.close();
            }
            if (observability != null) {
                observability.close();
            }
        } finally {
            resets.close();
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
            close(watcher, observability, resets);
        }
    }
}
