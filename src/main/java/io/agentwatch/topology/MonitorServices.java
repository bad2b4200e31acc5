package io.agentwatch.topology;

import io.agentwatch.catalog.ToolCatalog;
import io.agentwatch.config.AgentwatchConfig;
import io.agentwatch.topology.DetectionObserver;
import io.agentwatch.respond.Suppressions;
import io.agentwatch.rules.Rules;
import java.time.Clock;

/**
 * What the topology needs besides config: the tool catalog, suppression rules (reloadable),
 * the value serdes, an observer for metrics and logs, and the clock that stamps
 * {@code detected_at} and judges future-dated records. {@code replay} judges future-dated
 * records against the trace's own stream time instead (before its first record, against the
 * machine's clock), and keeps state in memory. {@code rules} are the analysts' rules (reloadable).
 */
public record MonitorServices(ToolCatalog catalog, Suppressions suppressions, ValueSerdes serdes,
                              DetectionObserver observer, Clock clock, boolean replay, Rules rules) {

    /** Without analysts' rules. */
    public MonitorServices(ToolCatalog catalog, Suppressions suppressions, ValueSerdes serdes,
                           DetectionObserver observer, Clock clock, boolean replay) {
        this(catalog, suppressions, serdes, observer, clock, replay, Rules.none());
    }

    /** The catalog and the registry serdes from config; suppressions and rules shared with the caller. */
    public static MonitorServices fromConfig(AgentwatchConfig config, Suppressions suppressions, Rules rules,
                                             DetectionObserver observer, Clock clock, boolean replay) {
        return new MonitorServices(ToolCatalog.fromConfig(config.getString(AgentwatchConfig.CATALOG_FILE)),
                suppressions, new RegistrySerdes(config), observer, clock, replay, rules);
    }
}
