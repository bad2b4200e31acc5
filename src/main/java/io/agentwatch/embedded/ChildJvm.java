package io.agentwatch.embedded;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.OptionalInt;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A JVM started from this one: same {@code java} binary, same class path, output to a file.
 * The embedded broker runs in one; the fault tests run agentwatch itself in one, so that they
 * can kill it outright.
 *
 * <p>The output goes to a file (appended to), never to a pipe: nobody would drain a pipe, and a
 * child that fills one blocks on its next log line.
 */
public final class ChildJvm {
    private static final Logger LOG = LoggerFactory.getLogger(ChildJvm.class);

    private final Process process;

    private ChildJvm(Process process) {
        this.process = process;
    }

    public static ChildJvm start(List<String> jvmOptions, Class<?> mainClass, List<String> args, Path outputFile) {
        List<String> command = new ArrayList<>();
        command.add(javaBinary());
        command.addAll(jvmOptions);
        // The class path of this JVM: under `java -jar` that is the application jar, whose manifest
        // names the jars in lib/, and the child follows the manifest just as this JVM did.
        command.add("-cp");
        command.add(System.getProperty("java.class.path"));
        command.add(mainClass.getName());
        command.addAll(args);
        ProcessBuilder builder = new ProcessBuilder(command)
                .redirectErrorStream(true)
                .redirectOutput(ProcessBuilder.Redirect.appendTo(outputFile.toFile()));
        try {
            return new ChildJvm(builder.start());
        } catch (IOException e) {
            throw new UncheckedIOException("cannot start " + command.get(0), e);
        }
    }

    public long pid() {
        return process.pid();
    }

    public ProcessHandle handle() {
        return process.toHandle();
    }

    public boolean isAlive() {
        return process.isAlive();
    }

    public int exitValue() {
        return process.exitValue();
    }

    /** Waits at most {@code max} for the child to exit; its exit code, or empty if it still runs. */
    public OptionalInt waitFor(Duration max) throws InterruptedException {
        return process.waitFor(max.toMillis(), TimeUnit.MILLISECONDS) ? OptionalInt.of(process.exitValue())
                : OptionalInt.empty();
    }

    /** SIGKILL, as {@code kill -9}: no shutdown hook runs. Returns once the process is gone. */
    public void kill() throws InterruptedException {
        process.destroyForcibly();
        process.waitFor();
    }

    /** Asks the child to stop (SIGTERM), and kills it if it has not stopped within {@code grace}. */
    public void stop(Duration grace) {
        if (!process.isAlive()) {
            return;
        }
        process.destroy();
        try {
            if (!process.waitFor(grace.toMillis(), TimeUnit.MILLISECONDS)) {
                LOG.warn("child JVM {} did not stop within {} s of SIGTERM; killing it", pid(), grace.toSeconds());
                process.destroyForcibly();
                process.waitFor(grace.toMillis(), TimeUnit.MILLISECONDS);
            }
        } catch (InterruptedException e) {
            process.destroyForcibly();
            Thread.currentThread().interrupt();
        }
    }

    private static String javaBinary() {
        boolean windows = System.getProperty("os.name").startsWith("Windows");
        return Path.of(System.getProperty("java.home"), "bin", windows ? "java.exe" : "java").toString();
    }
}
