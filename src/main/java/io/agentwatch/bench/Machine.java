package io.agentwatch.bench;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

/** What the machine was doing: its cores and load, for the report and for waiting out other work. */
final class Machine {
    private static final Path LOADAVG = Path.of("/proc/loadavg");

    private Machine() {
    }

    static int cores() {
        return Runtime.getRuntime().availableProcessors();
    }

    /** The one-minute load average (Linux), or -1 where it cannot be read. */
    static double load1m() {
        try {
            return Double.parseDouble(Files.readString(LOADAVG).trim().split("\\s+")[0]);
        } catch (IOException | RuntimeException e) {
            return -1;
        }
    }

    /**
     * Waits (at most {@code maxWaitMs}) until the one-minute load average is below {@code below};
     * returns the load when the wait ended. A negative {@code below} does not wait.
     */
    static double awaitLoadBelow(double below, long maxWaitMs, java.util.function.Consumer<String> progress)
            throws InterruptedException {
        double load = load1m();
        if (below < 0 || load < 0 || load < below) {
            return load;
        }
        progress.accept(String.format("load average %.2f: waiting (up to %d s) for it to fall below %.2f", load,
                maxWaitMs / 1000, below));
        long deadline = System.currentTimeMillis() + maxWaitMs;
        while (load >= below && System.currentTimeMillis() < deadline) {
            Thread.sleep(5_000);
            load = load1m();
        }
        return load;
    }
}
