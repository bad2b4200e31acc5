package io.agentwatch.kafka;

import io.agentwatch.avro.BaselineReset;
import io.agentwatch.config.AgentwatchConfig;
import io.agentwatch.observe.BaselineResetRequests;
import io.agentwatch.topology.RegistrySerdes;
import io.agentwatch.topology.TopicNames;
import java.io.IOException;
import java.time.Clock;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.Producer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.StringSerializer;

/**
 * Records baseline resets in {@code agent.baseline-resets}, keyed by agent id: an input
 * co-partitioned with the agent's events, so the task that owns the agent reads the reset in
 * order with them and applies it, and a crash between the answer and the reset loses nothing
 * (the record is acknowledged by every in-sync replica before the caller hears back).
 */
public final class BaselineResetProducer implements BaselineResetRequests, AutoCloseable {
    /** An admin call waits this long at most; the HTTP client gets a 503 to retry after it. */
    private static final Duration ACK_TIMEOUT = Duration.ofSeconds(10);

    private final Producer<String, BaselineReset> producer;
    private final String topic;
    private final Clock clock;

    BaselineResetProducer(Producer<String, BaselineReset> producer, String topic, Clock clock) {
        this.producer = producer;
        this.topic = topic;
        this.clock = clock;
    }

    /** A producer with the cluster settings of {@code config} (kafka.bootstrap.servers, security) and its registry. */
    public static BaselineResetProducer create(AgentwatchConfig config) {
        Map<String, Object> settings = new HashMap<>();
        config.kafkaOverrides().forEach((key, value) -> {
            if (ProducerConfig.configNames().contains(key)) {
                settings.put(key, value);
            }
        });
        settings.put(ProducerConfig.ACKS_CONFIG, "all");
        settings.put(ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, true);
        settings.put(ProducerConfig.CLIENT_ID_CONFIG, "agentwatch-baseline-resets");
        settings.put(ProducerConfig.MAX_BLOCK_MS_CONFIG, (int) ACK_TIMEOUT.toMillis());
        settings.put(ProducerConfig.REQUEST_TIMEOUT_MS_CONFIG, (int) ACK_TIMEOUT.toMillis());
        settings.put(ProducerConfig.DELIVERY_TIMEOUT_MS_CONFIG, (int) ACK_TIMEOUT.toMillis());
        settings.put(ProducerConfig.LINGER_MS_CONFIG, 0);
        return new BaselineResetProducer(new KafkaProducer<>(settings, new StringSerializer(),
                new RegistrySerdes(config).forClass(BaselineReset.class).serializer()),
                TopicNames.from(config).baselineResets(), Clock.systemUTC());
    }

    @Override
    public void request(String agentId, String requestedBy) throws IOException {
        BaselineReset reset = BaselineReset.newBuilder().setAgentId(agentId).setRequestedAt(clock.instant())
                .setRequestedBy(requestedBy).build();
        try {
            producer.send(new ProducerRecord<>(topic, agentId, reset)).get(ACK_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS);
        } catch (ExecutionException e) {
            throw new IOException("Kafka refused the reset record on " + topic + ": " + e.getCause().getMessage(),
                    e.getCause());
        } catch (TimeoutException e) {
            throw new IOException("Kafka did not acknowledge the reset record on " + topic + " within "
                    + ACK_TIMEOUT.toSeconds() + " s", e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IOException("interrupted while recording the reset", e);
        } catch (org.apache.kafka.common.KafkaException e) {
            throw new IOException("cannot send the reset record to " + topic + ": " + e.getMessage(), e);
        }
    }

    @Override
    public void close() {
        producer.close(Duration.ofSeconds(5));
    }
}
