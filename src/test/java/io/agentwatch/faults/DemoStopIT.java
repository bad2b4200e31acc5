package io.agentwatch.faults;

import static org.assertj.core.api.Assertions.assertThat;

import io.agentwatch.App;
import java.io.IOException;
import java.net.URISyntaxException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.OptionalInt;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Ctrl-C on {@code ./agentwatch demo}, as a terminal sends it: SIGINT to every process of the
 * foreground group, the demo's JVM and the broker JVM it started. The demo stops in order
 * (simulator, credential broker, detector, then the Kafka broker) within 10 s, and prints no
 * warning from the moment the stop begins; its start-up prints none either. The demo runs with
 * the application's own logging configuration, as a person sees it.
 */
@Timeout(value = 4, unit = TimeUnit.MINUTES)
class DemoStopIT {
    private static final Logger LOG = LoggerFactory.getLogger(DemoStopIT.class);
    private static final Duration STOP_LIMIT = Duration.ofSeconds(10);
    private static final Duration LIVE_FOR = Duration.ofSeconds(15);
    private static final Predicate<String> WARNING = line -> line.matches("^\\d\\d:\\d\\d:\\d\\d\\.\\d{3} (WARN|ERROR) .*");

    @TempDir
    Path directory;

    @Test
    void shouldStopWithin10SecondsOfCtrlCWithoutAWarningAndStartWithoutOne() throws Exception {
        // given a demo in its live phase, hijacks and revocations under way
        Path output = directory.resolve("demo.out");
        Process demo = startDemo(output);
        try {
            awaitLine(output, demo, "live traffic starts now");
            Thread.sleep(LIVE_FOR.toMillis());
            List<String> startUp = lines(output);

            // when Ctrl-C reaches the demo and its broker
            List<ProcessHandle> group = new ArrayList<>(demo.descendants().toList());
            group.add(0, demo.toHandle());
            long stopStarted = System.nanoTime();
            signalInterrupt(group);
            OptionalInt exit = demo.waitFor(60, TimeUnit.SECONDS) ? OptionalInt.of(demo.exitValue()) : OptionalInt.empty();
            Duration stopTook = Duration.ofNanos(System.nanoTime() - stopStarted);

            // then
            List<String> all = lines(output);
            List<String> afterStop = all.subList(startUp.size(), all.size());
            List<String> startUpWarnings = startUp.stream().filter(WARNING).toList();
            List<String> stopWarnings = afterStop.stream().filter(WARNING).toList();
            LOG.info("STOP-TABLE | demo Ctrl-C | stop took {} ms | exit {} | start-up warnings {} | warnings after Ctrl-C {}",
                    stopTook.toMillis(), exit, startUpWarnings.size(), stopWarnings.size());
            assertThat(exit).as("the demo exited; output:%n%s", String.join("\n", all)).isPresent();
            assertThat(exit.getAsInt()).as("exit code of an interrupted demo").isEqualTo(130);
            assertThat(stopTook).as("time from Ctrl-C to exit; output after it:%n%s", String.join("\n", afterStop))
                    .isLessThanOrEqualTo(STOP_LIMIT);
            assertThat(stopWarnings).as("warnings after Ctrl-C").isEmpty();
            assertThat(startUpWarnings).as("warnings at start-up").isEmpty();
            assertThat(group).as("no process of the demo is left").noneMatch(ProcessHandle::isAlive);
            assertThat(afterStop).anyMatch(l -> l.contains("Kafka broker at") && l.contains("stopped"));
        } finally {
            demo.destroyForcibly();
            demo.descendants().forEach(ProcessHandle::destroyForcibly);
        }
    }

    /**
     * {@code agentwatch demo} as a terminal starts it. A shell gives a foreground command the
     * default SIGINT handling; a build tool run in the background may have passed SIGINT on as
     * ignored, and a JVM that starts with SIGINT ignored never stops on it. So the demo starts
     * through perl (Essential on Debian), which restores the default before it execs the JVM.
     */
    private static Process startDemo(Path output) throws IOException, URISyntaxException {
        List<String> command = new ArrayList<>(List.of("perl", "-e", "$SIG{INT} = 'DEFAULT'; exec @ARGV or die $!",
                Path.of(System.getProperty("java.home"), "bin", "java").toString(), "-Xmx768m",
                "-Dlogback.configurationFile=" + appLogbackConfig(), "-cp", System.getProperty("java.class.path"),
                App.class.getName(), "demo", "--http-port", "0", "--agents", "6", "--rate", "30", "--hijack-every", "8"));
        return new ProcessBuilder(command).redirectErrorStream(true)
                .redirectOutput(ProcessBuilder.Redirect.appendTo(output.toFile())).start();
    }

    /** The logging configuration the jar ships (src/main/resources), not the tests' one. */
    private static String appLogbackConfig() throws URISyntaxException {
        return Path.of(App.class.getResource("/logback.xml").toURI()).toString();
    }

    /** SIGINT to each process; perl rather than kill(1), which a minimal machine may lack (procps). */
    private static void signalInterrupt(List<ProcessHandle> processes) throws IOException, InterruptedException {
        List<String> command = new ArrayList<>(List.of("perl", "-e", "kill('INT', @ARGV) == @ARGV or die $!"));
        processes.forEach(p -> command.add(Long.toString(p.pid())));
        int exit = new ProcessBuilder(command).inheritIO().start().waitFor();
        assertThat(exit).as("SIGINT to %s", processes).isZero();
    }

    private static void awaitLine(Path output, Process demo, String text) throws Exception {
        long deadline = System.nanoTime() + Duration.ofMinutes(2).toNanos();
        while (lines(output).stream().noneMatch(l -> l.contains(text))) {
            if (!demo.isAlive() || System.nanoTime() > deadline) {
                throw new AssertionError("the demo did not print '" + text + "'; output:\n"
                        + String.join("\n", lines(output)));
            }
            Thread.sleep(200);
        }
    }

    private static List<String> lines(Path file) throws IOException {
        return Files.exists(file) ? Files.readAllLines(file, StandardCharsets.UTF_8) : List.of();
    }
}
