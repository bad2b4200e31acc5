package io.agentwatch.bench;

import java.util.concurrent.atomic.AtomicReference;
import org.apache.kafka.clients.producer.Callback;

/** Remembers the first failed send, so that a failure stops the benchmark instead of thinning out its data. */
final class Sends implements Callback {
    private final AtomicReference<Exception> failure = new AtomicReference<>();

    @Override
    public void onCompletion(org.apache.kafka.clients.producer.RecordMetadata metadata, Exception error) {
        if (error != null) {
            failure.compareAndSet(null, error);
        }
    }

    void check() {
        Exception e = failure.get();
        if (e != null) {
            throw new IllegalStateException("producing the benchmark's input failed: " + e.getMessage(), e);
        }
    }
}
