package io.agentwatch.cli;

import io.agentwatch.config.AgentwatchConfig;
import io.agentwatch.topology.DetectionObserver;
import io.agentwatch.runtime.LiveDetector;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * Runs the detector against a Kafka cluster until SIGTERM/Ctrl-C (exit 0 after a clean
 * shutdown) or until Kafka Streams goes to ERROR or the cluster is gone for longer than
 * {@code task.timeout.ms} (exit 3), so a supervisor can restart it.
 */
@Command(name = "run", mixinStandardHelpOptions = true,
        description = {"Run the detector against a Kafka cluster (config file and/or AGENTWATCH_* environment).",
            "Checks that the input topics exist and are co-partitioned; exactly_once_v2 unless configured otherwise."})
public final class RunCommand implements Callable<Integer> {
    private static final Logger LOG = LoggerFactory.getLogger(RunCommand.class);

    @Option(names = "--config", paramLabel = "FILE", description = "Config file (properties). Kafka client and Streams "
            + "settings go under kafka.* (kafka.bootstrap.servers, kafka.security.protocol, ...).")
    Path config;

    @Override
    public Integer call() throws InterruptedException {
        AgentwatchConfig c = Commands.loadConfig(config, Map.of());
        CountDownLatch closed = new CountDownLatch(1);
        LiveDetector detector = LiveDetector.start(c, DetectionObserver.NONE);
        LOG.info("agentwatch running; HTTP on port {} (/metrics, /health, /ready, /agents/{{id}})",
                detector.observability().port());
        Thread hook = new Thread(() -> {
            LOG.info("shutting down");
            detector.close();
            closed.countDown();
        }, "agentwatch-shutdown");
        Runtime.getRuntime().addShutdownHook(hook);
        boolean failed = detector.service().awaitStop(Duration.ofDays(365_000));
        if (failed) {
            LOG.error("{}; exiting with {} so the supervisor restarts agentwatch", detector.service().failure(),
                    ExitCodes.STREAMS_ERROR);
            Runtime.getRuntime().removeShutdownHook(hook);
            detector.close();
            return ExitCodes.STREAMS_ERROR;
        }
        closed.await();
        return ExitCodes.OK;
    }
}
