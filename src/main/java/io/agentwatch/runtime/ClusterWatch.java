package io.agentwatch.runtime;

import java.time.Duration;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.Consumer;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.DescribeClusterOptions;

/**
 * Kafka Streams rides out a broker outage of any length: its clients retry for ever, and a task
 * waiting for the cluster counts towards {@code task.timeout.ms} only while it has records in
 * hand. But an instance that cannot reach its cluster detects nothing, and its {@code /ready}
 * still says RUNNING. So this asks the cluster to describe itself every few seconds, and once it
 * has not answered for longer than the limit ({@code task.timeout.ms}) it reports the outage,
 * once: the detector then stops with exit 3, where a supervisor sees it and restarts it.
 */
final class ClusterWatch implements AutoCloseable {
    private static final Duration MIN_INTERVAL = Duration.ofSeconds(1);
    private static final Duration MAX_INTERVAL = Duration.ofSeconds(15);

    private final Admin admin;
    private final Duration limit;
    private final Duration interval;
    private final Consumer<String> onOutage;
    private final AtomicBoolean reported = new AtomicBoolean();
    private final ScheduledExecutorService timer = Executors.newSingleThreadScheduledExecutor(r -> {
        Thread t = new Thread(r, "agentwatch-cluster-watch");
        t.setDaemon(true);
        return t;
    });
    private volatile long lastAnswerNanos = System.nanoTime();

    /** @param onOutage told once, with a sentence saying what happened, when the limit has passed */
    ClusterWatch(Admin admin, Duration limit, Consumer<String> onOutage) {
        this.admin = admin;
        this.limit = limit;
        this.onOutage = onOutage;
        Duration quarter = limit.dividedBy(4);
        this.interval = quarter.compareTo(MIN_INTERVAL) < 0 ? MIN_INTERVAL
                : quarter.compareTo(MAX_INTERVAL) > 0 ? MAX_INTERVAL : quarter;
    }

    void start() {
        timer.scheduleWithFixedDelay(this::check, interval.toMillis(), interval.toMillis(), TimeUnit.MILLISECONDS);
    }

    private void check() {
        try {
            admin.describeCluster(new DescribeClusterOptions().timeoutMs((int) interval.toMillis())).nodes()
                    .get(interval.toMillis() + 1_000, TimeUnit.MILLISECONDS);
            lastAnswerNanos = System.nanoTime();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } catch (Exception e) {
            Duration silent = Duration.ofNanos(System.nanoTime() - lastAnswerNanos);
            if (silent.compareTo(limit) > 0 && reported.compareAndSet(false, true)) {
                onOutage.accept("the Kafka cluster has not answered for " + silent.toSeconds() + " s, longer than"
                        + " task.timeout.ms (" + limit.toSeconds() + " s; last error: " + e + ")");
            }
        }
    }

    @Override
    public void close() {
        timer.shutdownNow();
        admin.close(Duration.ofSeconds(1));
    }
}
