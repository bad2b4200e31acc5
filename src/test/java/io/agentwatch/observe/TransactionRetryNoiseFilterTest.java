package io.agentwatch.observe;

import static org.assertj.core.api.Assertions.assertThat;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.LoggerContext;
import ch.qos.logback.classic.spi.LoggingEvent;
import ch.qos.logback.core.spi.FilterReply;
import org.junit.jupiter.api.Test;

class TransactionRetryNoiseFilterTest {
    private static final String RETRY = "[Producer clientId=app-StreamThread-1-producer, transactionalId=app-1] Got error"
            + " produce response with correlation id 15 on topic-partition agent.token-index-2, retrying (2147483646"
            + " attempts left). Error: ";

    private final TransactionRetryNoiseFilter filter = new TransactionRetryNoiseFilter();
    private final LoggerContext context = new LoggerContext();

    @Test
    void shouldDropOnlyTheProducersRetryOfAConcurrentTransaction() {
        assertThat(filter.decide(event(TransactionRetryNoiseFilter.PRODUCER_SENDER, Level.WARN,
                RETRY + "CONCURRENT_TRANSACTIONS"))).isEqualTo(FilterReply.DENY);

        assertThat(filter.decide(event(TransactionRetryNoiseFilter.PRODUCER_SENDER, Level.WARN,
                RETRY + "NOT_LEADER_OR_FOLLOWER"))).isEqualTo(FilterReply.NEUTRAL);
        assertThat(filter.decide(event(TransactionRetryNoiseFilter.PRODUCER_SENDER, Level.ERROR,
                RETRY + "CONCURRENT_TRANSACTIONS"))).isEqualTo(FilterReply.NEUTRAL);
        assertThat(filter.decide(event("io.agentwatch.runtime.DetectorService", Level.WARN,
                "Error: CONCURRENT_TRANSACTIONS"))).isEqualTo(FilterReply.NEUTRAL);
    }

    private LoggingEvent event(String logger, Level level, String message) {
        return new LoggingEvent(getClass().getName(), context.getLogger(logger), level, message, null, null);
    }
}
