package io.agentwatch.bench;

import io.agentwatch.avro.Finding;
import io.agentwatch.avro.RevokeCommand;
import io.agentwatch.topology.DetectionObserver;
import java.util.concurrent.atomic.AtomicLong;

/** Counts what the full topology did, and keeps its longest stream-time sweep. */
final class BenchObserver implements DetectionObserver {
    final AtomicLong events = new AtomicLong();
    final AtomicLong findings = new AtomicLong();
    final AtomicLong commands = new AtomicLong();
    final AtomicLong deadLetters = new AtomicLong();
    final AtomicLong punctuations = new AtomicLong();
    final AtomicLong longestPunctuationNanos = new AtomicLong();

    @Override
    public void eventIn(String type) {
        events.incrementAndGet();
    }

    @Override
    public void finding(Finding finding) {
        findings.incrementAndGet();
    }

    @Override
    public void revokeCommand(RevokeCommand command, long producedAtMs) {
        commands.incrementAndGet();
    }

    @Override
    public void deadLetter(String reason) {
        deadLetters.incrementAndGet();
    }

    @Override
    public void punctuated(long nanos) {
        punctuations.incrementAndGet();
        longestPunctuationNanos.accumulateAndGet(nanos, Math::max);
    }
}
