package io.agentwatch.observe;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.filter.Filter;
import ch.qos.logback.core.spi.FilterReply;

/**
 * Drops one warning that is part of exactly-once processing working as designed. Kafka Streams
 * commits a transaction every {@code commit.interval.ms}; the first record of the next one may
 * reach the broker while the broker is still writing the previous commit's markers, and is
 * answered CONCURRENT_TRANSACTIONS. The producer retries it a few milliseconds later, and logs a
 * WARN for every such retry: dozens in the first seconds of a busy start, more on a loaded
 * machine. Every other producer warning (a lost leader, a timeout) still shows.
 */
public final class TransactionRetryNoiseFilter extends Filter<ILoggingEvent> {
    static final String PRODUCER_SENDER = "org.apache.kafka.clients.producer.internals.Sender";

    @Override
    public FilterReply decide(ILoggingEvent event) {
        boolean retriedConcurrentTransaction = event.getLevel() == Level.WARN
                && PRODUCER_SENDER.equals(event.getLoggerName())
                && event.getFormattedMessage().endsWith("Error: CONCURRENT_TRANSACTIONS");
        return retriedConcurrentTransaction ? FilterReply.DENY : FilterReply.NEUTRAL;
    }
}
