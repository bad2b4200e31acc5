package io.agentwatch.cli;

import io.agentwatch.topology.DetectionObserver;
import io.agentwatch.config.AgentwatchConfig;
import io.agentwatch.topology.AgentwatchTopology;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** Prints the topology description, the text kept in topology-docs/. */
@Command(name = "topology", mixinStandardHelpOptions = true,
        description = "Print the Kafka Streams topology description (as in topology-docs/topology.txt).")
public final class TopologyCommand implements Callable<Integer> {
    @Option(names = "--config", description = "Config file (properties); topic names come from it.")
    Path config;

    @Override
    public Integer call() {
        AgentwatchConfig c = Commands.loadConfig(config, java.util.Map.of());
        System.out.print(AgentwatchTopology.build(c, Commands.services(c, io.agentwatch.topology.DetectionObserver.NONE,
                java.time.Clock.systemUTC(), false)).describe());
        return ExitCodes.OK;
    }
}
