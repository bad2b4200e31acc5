package io.agentwatch.embedded;

import static org.assertj.core.api.Assertions.assertThat;

import io.agentwatch.testing.KafkaBrokerExtension;
import io.agentwatch.testing.KafkaBrokerExtension.BootstrapServers;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.TimeUnit;
import java.util.stream.IntStream;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.Serdes;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.apache.kafka.streams.KafkaStreams;
import org.apache.kafka.streams.StreamsBuilder;
import org.apache.kafka.streams.StreamsConfig;
import org.apache.kafka.streams.kstream.Consumed;
import org.apache.kafka.streams.kstream.Produced;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

/** Exactly-once Kafka Streams runs on the single-node broker: what agentwatch's topology needs. */
@ExtendWith(KafkaBrokerExtension.class)
@Timeout(value = 180, unit = TimeUnit.SECONDS)
class StreamsOnEmbeddedBrokerIT {
    private static final int RECORDS = 20;

    @TempDir
    Path stateDir;

    @Test
    void shouldPassRecordsThroughWithExactlyOnceV2(@BootstrapServers String bootstrap) {
        // given
        String input = KafkaBrokerExtension.uniqueName("passthrough-in");
        String output = KafkaBrokerExtension.uniqueName("passthrough-out");
        KafkaBrokerExtension.createTopics(new NewTopic(input, 2, (short) 1), new NewTopic(output, 2, (short) 1));
        StreamsBuilder builder = new StreamsBuilder();
        builder.stream(input, Consumed.with(Serdes.String(), Serdes.String()))
                .mapValues(value -> value.toUpperCase())
                .to(output, Produced.with(Serdes.String(), Serdes.String()));
        KafkaStreams streams = new KafkaStreams(builder.build(), streamsConfig(bootstrap));

        // when
        List<String> received;
        try {
            streams.start();
            produce(bootstrap, input);
            received = consume(bootstrap, output, RECORDS);
        } finally {
            streams.close(Duration.ofSeconds(30));
        }

        // then
        assertThat(received).containsExactlyInAnyOrderElementsOf(
                IntStream.range(0, RECORDS).mapToObj(i -> "CALL-" + i).toList());
    }

    private Properties streamsConfig(String bootstrap) {
        Properties config = new Properties();
        config.put(StreamsConfig.APPLICATION_ID_CONFIG, KafkaBrokerExtension.uniqueName("passthrough"));
        config.put(StreamsConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap);
        config.put(StreamsConfig.PROCESSING_GUARANTEE_CONFIG, StreamsConfig.EXACTLY_ONCE_V2);
        config.put(StreamsConfig.STATE_DIR_CONFIG, stateDir.toString());
        // Commit (and so make output visible to read_committed readers) often, to keep the test short.
        config.put(StreamsConfig.COMMIT_INTERVAL_MS_CONFIG, 100);
        return config;
    }

    private static void produce(String bootstrap, String topic) {
        try (KafkaProducer<String, String> producer = new KafkaProducer<>(
                Map.of(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap), new StringSerializer(), new StringSerializer())) {
            for (int i = 0; i < RECORDS; i++) {
                producer.send(new ProducerRecord<>(topic, "agent-" + (i % 5), "call-" + i));
            }
        }
    }

    private static List<String> consume(String bootstrap, String topic, int expected) {
        List<String> values = new ArrayList<>();
        try (KafkaConsumer<String, String> consumer = new KafkaConsumer<>(Map.of(
                ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap,
                ConsumerConfig.GROUP_ID_CONFIG, KafkaBrokerExtension.uniqueName("passthrough-reader"),
                ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest",
                ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed"),
                new StringDeserializer(), new StringDeserializer())) {
            consumer.subscribe(List.of(topic));
            while (values.size() < expected) {
                for (ConsumerRecord<String, String> record : consumer.poll(Duration.ofMillis(200))) {
                    values.add(record.value());
                }
            }
        }
        return values;
    }
}
