package io.agentwatch.observe;

import io.agentwatch.topology.DetectionObserver;
import io.agentwatch.avro.Finding;
import io.agentwatch.avro.RevokeCommand;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Hands every callback to several observers in order (metrics, then the finding log). An
 * observer that throws is logged and skipped: the topology's decisions never depend on
 * observation, and an exception here would otherwise send a good input record to the DLQ.
 */
public final class CompositeObserver implements DetectionObserver {
    private static final Logger LOG = LoggerFactory.getLogger(CompositeObserver.class);

    private static final long WARN_INTERVAL_NANOS = TimeUnit.MINUTES.toNanos(1);

    private final List<DetectionObserver> observers;
    private final AtomicLong lastWarning = new AtomicLong();

    private CompositeObserver(List<DetectionObserver> observers) {
        this.observers = observers;
    }

    public static DetectionObserver of(DetectionObserver... observers) {
        List<DetectionObserver> list = List.of(observers);
        return list.size() == 1 ? list.get(0) : new CompositeObserver(list);
    }

    public List<DetectionObserver> observers() {
        return observers;
    }

    /** A broken observer fails on every record: one warning a minute is enough to notice. */
    private void warn(DetectionObserver o, RuntimeException e) {
        long now = System.nanoTime();
        long last = lastWarning.get();
        if ((last == 0 || now - last >= WARN_INTERVAL_NANOS) && lastWarning.compareAndSet(last, now)) {
            LOG.warn("observer {} failed (further failures within a minute are not logged); "
                    + "records are processed regardless", o.getClass().getName(), e);
        }
    }

    private void each(Consumer<DetectionObserver> call) {
        for (DetectionObserver o : observers) {
            try {
                call.accept(o);
            } catch (RuntimeException e) {
                warn(o, e);
            }
        }
    }

    @Override
    public void eventIn(String type) {
        each(o -> o.eventIn(type));
    }

    @Override
    public void finding(Finding finding) {
        each(o -> o.finding(finding));
    }

    @Override
    public void revokeCommand(RevokeCommand command, long producedAtMs) {
        each(o -> o.revokeCommand(command, producedAtMs));
    }

    @Override
    public void approval(String outcome) {
        each(o -> o.approval(outcome));
    }

    @Override
    public void revokeDeduplicated() {
        each(DetectionObserver::revokeDeduplicated);
    }

    @Override
    public void suppressed(String rule) {
        each(o -> o.suppressed(rule));
    }

    @Override
    public void deadLetter(String reason) {
        each(o -> o.deadLetter(reason));
    }

    @Override
    public void recordProcessed(long nanos) {
        each(o -> o.recordProcessed(nanos));
    }

    @Override
    public void punctuated(long nanos) {
        each(o -> o.punctuated(nanos));
    }

    @Override
    public void agents(String taskId, long learning, long active) {
        each(o -> o.agents(taskId, learning, active));
    }

    @Override
    public void storeEntries(String taskId, String store, long entries) {
        each(o -> o.storeEntries(taskId, store, entries));
    }
}
