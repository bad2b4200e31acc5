package io.agentwatch.embedded;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowable;

import io.agentwatch.testing.KafkaBrokerExtension;
import io.agentwatch.testing.KafkaBrokerExtension.BootstrapServers;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.ExtendWith;

@ExtendWith(KafkaBrokerExtension.class)
@Timeout(value = 120, unit = TimeUnit.SECONDS)
class EmbeddedKafkaBrokerIT {

    @Test
    void shouldDeliverOnlyCommittedTransactionsToReadCommittedConsumers(@BootstrapServers String bootstrap) {
        // given
        String topic = KafkaBrokerExtension.uniqueName("transactions");
        KafkaBrokerExtension.createTopics(new NewTopic(topic, 1, (short) 1));

        // when
        try (KafkaProducer<String, String> producer = transactionalProducer(bootstrap)) {
            producer.initTransactions();
            producer.beginTransaction();
            producer.send(new ProducerRecord<>(topic, "agent-1", "committed-1"));
            producer.send(new ProducerRecord<>(topic, "agent-1", "committed-2"));
            producer.commitTransaction();
            producer.beginTransaction();
            producer.send(new ProducerRecord<>(topic, "agent-1", "aborted"));
            producer.flush();
            producer.abortTransaction();
            producer.beginTransaction();
            producer.send(new ProducerRecord<>(topic, "agent-1", "committed-3"));
            producer.commitTransaction();
        }

        // then
        assertThat(readToEnd(bootstrap, topic, "read_committed"))
                .containsExactly("committed-1", "committed-2", "committed-3");
        assertThat(readToEnd(bootstrap, topic, "read_uncommitted"))
                .containsExactly("committed-1", "committed-2", "aborted", "committed-3");
    }

    @Test
    void shouldHandTheSameSharedBrokerToParametersAndStaticAccessors(
            EmbeddedKafkaBroker broker, @BootstrapServers String bootstrap) {
        assertThat(broker).isSameAs(KafkaBrokerExtension.broker());
        assertThat(bootstrap).isEqualTo(broker.bootstrapServers()).isEqualTo(KafkaBrokerExtension.bootstrapServers());
    }

    @Test
    void shouldStopTheBrokerAndDeleteItsDirectoryOnClose() {
        // given
        EmbeddedKafkaBroker broker = EmbeddedKafkaBroker.start();
        Path directory = broker.directory();
        ProcessHandle brokerProcess = broker.process();
        assertThat(directory.resolve("data").resolve("meta.properties")).exists();
        assertThat(broker.startupTime()).isPositive();

        // when
        broker.close();
        broker.close();

        // then
        assertThat(directory).doesNotExist();
        assertThat(brokerProcess.isAlive()).isFalse();
    }

    @Test
    void shouldExplainWithTheBrokerLogWhyItDidNotStart() {
        // when
        Throwable failure = catchThrowable(
                () -> EmbeddedKafkaBroker.start(Map.of("num.network.threads", "several")));

        // then
        assertThat(failure).isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("the broker process exited with code")
                .hasMessageContaining("num.network.threads");
        Matcher logPath = Pattern.compile("Last lines of (\\S+broker\\.log)").matcher(failure.getMessage());
        assertThat(logPath.find()).isTrue();
        assertThat(Path.of(logPath.group(1)).getParent()).doesNotExist();
    }

    private static KafkaProducer<String, String> transactionalProducer(String bootstrap) {
        return new KafkaProducer<>(Map.of(
                ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap,
                ProducerConfig.TRANSACTIONAL_ID_CONFIG, KafkaBrokerExtension.uniqueName("tx"),
                ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, true),
                new StringSerializer(), new StringSerializer());
    }

    /** Values from the beginning up to the end offset that this isolation level sees. */
    private static List<String> readToEnd(String bootstrap, String topic, String isolationLevel) {
        TopicPartition partition = new TopicPartition(topic, 0);
        List<String> values = new ArrayList<>();
        try (KafkaConsumer<String, String> consumer = new KafkaConsumer<>(Map.of(
                ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap,
                ConsumerConfig.ISOLATION_LEVEL_CONFIG, isolationLevel),
                new StringDeserializer(), new StringDeserializer())) {
            consumer.assign(List.of(partition));
            consumer.seekToBeginning(List.of(partition));
            long end = consumer.endOffsets(List.of(partition)).get(partition);
            while (consumer.position(partition) < end) {
                for (ConsumerRecord<String, String> record : consumer.poll(Duration.ofMillis(200))) {
                    values.add(record.value());
                }
            }
        }
        return values;
    }
}
