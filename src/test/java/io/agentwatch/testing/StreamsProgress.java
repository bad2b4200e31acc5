package io.agentwatch.testing;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutionException;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.ListOffsetsOptions;
import org.apache.kafka.clients.admin.OffsetSpec;
import org.apache.kafka.clients.admin.TopicDescription;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.common.IsolationLevel;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.StringDeserializer;

/**
 * How far a Kafka Streams application has got, seen from outside through the broker only,
 * as the tests that run agentwatch in-process or in a child JVM both need it.
 *
 * <p>With exactly_once_v2 the consumed offsets are committed in the same transaction as the
 * outputs, so once the group's committed offsets reach the end of every input and no output
 * transaction is open ({@link #caughtUp}), everything the application will ever emit for the
 * input so far is readable with {@link #readCommitted}. Tests can then assert exact outputs
 * instead of polling for "eventually".
 */
public final class StreamsProgress {
    private StreamsProgress() {
    }

    /** Input records the group has consumed and committed, over every partition of {@code inputs}. */
    public static long committed(Admin admin, String groupId, List<String> inputs)
            throws ExecutionException, InterruptedException {
        Map<TopicPartition, OffsetAndMetadata> committed =
                admin.listConsumerGroupOffsets(groupId).partitionsToOffsetAndMetadata().get();
        return committed.entrySet().stream().filter(e -> inputs.contains(e.getKey().topic()) && e.getValue() != null)
                .mapToLong(e -> e.getValue().offset()).sum();
    }

    /** Records written to {@code topics} so far (their end offsets, transactions open or not). */
    public static long written(Admin admin, List<String> topics) throws ExecutionException, InterruptedException {
        return latest(admin, topics, IsolationLevel.READ_UNCOMMITTED).values().stream().mapToLong(Long::longValue).sum();
    }

    /**
     * True when the group has committed the end of every input partition that has records, and
     * no transaction is open on any output (the last stable offset is the log end).
     */
    public static boolean caughtUp(Admin admin, String groupId, List<String> inputs, List<String> outputs)
            throws ExecutionException, InterruptedException {
        Map<TopicPartition, Long> ends = latest(admin, inputs, IsolationLevel.READ_UNCOMMITTED);
        Map<TopicPartition, OffsetAndMetadata> committed =
                admin.listConsumerGroupOffsets(groupId).partitionsToOffsetAndMetadata().get();
        boolean consumed = ends.entrySet().stream().allMatch(e -> e.getValue() == 0
                || (committed.get(e.getKey()) != null && committed.get(e.getKey()).offset() >= e.getValue()));
        return consumed && latest(admin, outputs, IsolationLevel.READ_COMMITTED)
                .equals(latest(admin, outputs, IsolationLevel.READ_UNCOMMITTED));
    }

    /** The records of {@code topic} that a read_committed consumer sees now, by partition and offset. */
    public static List<ConsumerRecord<String, byte[]>> readCommitted(String bootstrap, String topic, Duration timeout) {
        try (KafkaConsumer<String, byte[]> consumer = new KafkaConsumer<>(Map.of(
                ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap,
                ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed",
                ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false), new StringDeserializer(), new ByteArrayDeserializer())) {
            List<TopicPartition> partitions = consumer.partitionsFor(topic).stream()
                    .map(p -> new TopicPartition(topic, p.partition())).toList();
            consumer.assign(partitions);
            consumer.seekToBeginning(partitions);
            // Under read_committed the end offsets are the last stable offsets.
            Map<TopicPartition, Long> end = consumer.endOffsets(partitions);
            List<ConsumerRecord<String, byte[]>> records = new ArrayList<>();
            long deadline = System.nanoTime() + timeout.toNanos();
            while (partitions.stream().anyMatch(p -> consumer.position(p) < end.get(p))) {
                if (System.nanoTime() > deadline) {
                    throw new AssertionError("cannot read " + topic + " up to " + end + " within " + timeout);
                }
                consumer.poll(Duration.ofMillis(200)).forEach(records::add);
            }
            records.sort(Comparator.<ConsumerRecord<String, byte[]>>comparingInt(ConsumerRecord::partition)
                    .thenComparingLong(ConsumerRecord::offset));
            return records;
        }
    }

    private static Map<TopicPartition, Long> latest(Admin admin, List<String> topics, IsolationLevel isolation)
            throws ExecutionException, InterruptedException {
        Map<TopicPartition, OffsetSpec> request = new HashMap<>();
        for (TopicDescription d : admin.describeTopics(topics).allTopicNames().get().values()) {
            d.partitions().forEach(p -> request.put(new TopicPartition(d.name(), p.partition()), OffsetSpec.latest()));
        }
        Map<TopicPartition, Long> out = new HashMap<>();
        admin.listOffsets(request, new ListOffsetsOptions(isolation)).all().get()
                .forEach((tp, info) -> out.put(tp, info.offset()));
        return out;
    }
}
