package io.agentwatch.bench;

import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.atomic.AtomicLong;

/**
 * This process's CPU time, heap and resident memory. The machine is shared, so the benchmark
 * reports the CPU its runs used beside their wall-clock rates: events per CPU-second are
 * steadier than events per second when other work competes for the cores. Heap and RSS are
 * sampled every half second and their peaks kept.
 */
final class ProcessStats implements AutoCloseable {
    private static final Path STATUS = Path.of("/proc/self/status");

    private final AtomicLong peakHeap = new AtomicLong();
    private final AtomicLong peakRss = new AtomicLong();
    private final Thread sampler;
    private volatile boolean stop;

    ProcessStats() {
        sampler = new Thread(() -> {
            while (!stop) {
                sample();
                try {
                    Thread.sleep(500);
                } catch (InterruptedException e) {
                    return;
                }
            }
        }, "bench-memory-sampler");
        sampler.setDaemon(true);
        sampler.start();
    }

    private void sample() {
        peakHeap.accumulateAndGet(heapUsed(), Math::max);
        peakRss.accumulateAndGet(rss(), Math::max);
    }

    /** Starts a new window for the peaks. */
    void resetPeaks() {
        peakHeap.set(0);
        peakRss.set(0);
        sample();
    }

    long peakHeap() {
        return peakHeap.get();
    }

    long peakRss() {
        return peakRss.get();
    }

    static long cpuNanos() {
        return ((com.sun.management.OperatingSystemMXBean) ManagementFactory.getOperatingSystemMXBean())
                .getProcessCpuTime();
    }

    static long heapUsed() {
        return ManagementFactory.getMemoryMXBean().getHeapMemoryUsage().getUsed();
    }

    /** Heap in use after a full collection: what the application holds, not what awaits the collector. */
    static long liveHeap() {
        System.gc();
        return heapUsed();
    }

    /** Resident set size from /proc (Linux); 0 elsewhere. */
    static long rss() {
        try {
            for (String line : Files.readAllLines(STATUS)) {
                if (line.startsWith("VmRSS:")) {
                    return Long.parseLong(line.replaceAll("[^0-9]", "")) * 1024;
                }
            }
        } catch (IOException | NumberFormatException e) {
            return 0;
        }
        return 0;
    }

    @Override
    public void close() {
        stop = true;
        sampler.interrupt();
    }
}
