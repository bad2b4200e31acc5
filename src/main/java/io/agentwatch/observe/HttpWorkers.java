package io.agentwatch.observe;

import java.time.Duration;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executor;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * The HTTP server's threads, which a slow or malicious client cannot hold for long. The JDK's
 * server reads each request on a pool thread; a client that sends half a request would keep
 * that thread until it gave up, and a handful of such clients would starve {@code /health}.
 * Here a watchdog interrupts a thread that has spent longer than the timeout reading a request
 * or writing a response: the socket channel's blocking read or write then fails and the JDK
 * closes the connection. Time spent in agentwatch's own handler (a store query, a forwarded
 * call with its own timeout) is not limited. The pool is bounded; a request waits in the
 * queue when every thread is busy, so more than {@link #THREADS} clients stalling at once
 * delay the others by at most the timeout.
 */
final class HttpWorkers implements Executor, AutoCloseable {
    /** Many more than the few requests a scrape, a probe and an operator make at once. */
    static final int THREADS = 16;
    private static final long WATCH_EVERY_MS = 100;

    enum Phase { READING, HANDLING, WRITING, DONE }

    /** One exchange on one thread; the watchdog and the thread agree on its phase under its lock. */
    private static final class Exchange {
        final Thread thread = Thread.currentThread();
        Phase phase = Phase.READING;
        long since = System.nanoTime();
    }

    private final long timeoutNanos;
    private final ExecutorService pool;
    private final ScheduledExecutorService watchdog;
    private final Map<Thread, Exchange> running = new ConcurrentHashMap<>();

    HttpWorkers(Duration timeout) {
        this.timeoutNanos = timeout.toNanos();
        AtomicInteger n = new AtomicInteger();
        pool = Executors.newFixedThreadPool(THREADS, r -> daemon(r, "agentwatch-http-" + n.incrementAndGet()));
        watchdog = Executors.newSingleThreadScheduledExecutor(r -> daemon(r, "agentwatch-http-watchdog"));
        watchdog.scheduleWithFixedDelay(this::interruptStalled, WATCH_EVERY_MS, WATCH_EVERY_MS, TimeUnit.MILLISECONDS);
    }

    @Override
    public void execute(Runnable exchange) {
        pool.execute(() -> {
            Exchange e = new Exchange();
            running.put(e.thread, e);
            try {
                exchange.run();
            } finally {
                synchronized (e) {
                    e.phase = Phase.DONE;
                }
                running.remove(e.thread);
                Thread.interrupted(); // an interrupt for this exchange must not hit the next one
            }
        });
    }

    /**
     * The calling thread's exchange moves to {@code next} (HANDLING once the request line and
     * headers are read, READING again while the rest of a body is drained, WRITING before the
     * answer goes out), with a fresh time limit. False when the watchdog already gave up on it.
     */
    boolean enter(Phase next) {
        Exchange e = running.get(Thread.currentThread());
        if (e == null) {
            return true;
        }
        synchronized (e) {
            if (e.phase == Phase.DONE) {
                return false;
            }
            e.phase = next;
            e.since = System.nanoTime();
            return true;
        }
    }

    private void interruptStalled() {
        long now = System.nanoTime();
        for (Exchange e : running.values()) {
            synchronized (e) {
                boolean limited = e.phase == Phase.READING || e.phase == Phase.WRITING;
                if (limited && now - e.since > timeoutNanos) {
                    e.phase = Phase.DONE;
                    e.thread.interrupt();
                }
            }
        }
    }

    @Override
    public void close() {
        watchdog.shutdownNow();
        pool.shutdownNow();
    }

    private static Thread daemon(Runnable r, String name) {
        Thread t = new Thread(r, name);
        t.setDaemon(true);
        return t;
    }
}
