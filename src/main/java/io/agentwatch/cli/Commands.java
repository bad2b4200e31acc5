package io.agentwatch.cli;

import io.agentwatch.config.AgentwatchConfig;
import io.agentwatch.config.ConfigLoader;
import io.agentwatch.topology.DetectionObserver;
import io.agentwatch.respond.Suppressions;
import io.agentwatch.rules.Rules;
import io.agentwatch.topology.MonitorServices;
import java.nio.file.Path;
import java.time.Clock;
import java.util.Map;

/** What every command does the same way: load config, build the topology's services. */
public final class Commands {
    private Commands() {
    }

    public static AgentwatchConfig loadConfig(Path file, Map<String, ?> overrides) {
        return ConfigLoader.load(file, System.getenv(), overrides);
    }

    public static MonitorServices services(AgentwatchConfig config, DetectionObserver observer, Clock clock,
                                           boolean replay) {
        return MonitorServices.fromConfig(config,
                Suppressions.fromConfig(config.getString(AgentwatchConfig.SUPPRESSIONS_FILE)),
                Rules.fromConfig(config), observer, clock, replay);
    }
}
