package io.agentwatch.embedded;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A JVM started from this one: same {@code java} binary, same class path, output to a file.
 *
 * <p>The output goes to a file, never to a pipe: nobody would drain a pipe, and a child that
 * fills one blocks on its next log line.
 */
final class ChildJvm {
    private static final Logger LOG = LoggerFactory.getLogger(ChildJvm.class);

    private final Process process;

    private ChildJvm(Process process) {
        this.process = process;
    }

    static ChildJvm start(List<String> jvmOptions, Class<?> mainClass, List<String> args, Path outputFile) {
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
                .redirectOutput(outputFile.toFile());
        try {
            return new ChildJvm(builder.start());
        } catch (IOException e) {
            throw new UncheckedIOException("cannot start " + command.get(0), e);
        }
    }

    long pid() {
        return process.pid();
    }

    ProcessHandle handle() {
        return process.toHandle();
    }

    boolean isAlive() {
        return process.isAlive();
    }

    int exitValue() {
        return process.exitValue();
    }

    /** Asks the child to stop (SIGTERM), and kills it if it has not stopped within {@code grace}. */
    void stop(Duration grace) {
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
