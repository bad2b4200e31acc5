package io.agentwatch.kafka;

import io.agentwatch.topology.TopicNames;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ExecutionException;
import java.util.stream.Collectors;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.ListOffsetsOptions;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.admin.OffsetSpec;
import org.apache.kafka.clients.admin.TopicDescription;
import org.apache.kafka.common.KafkaException;
import org.apache.kafka.common.KafkaFuture;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.config.TopicConfig;
import org.apache.kafka.common.errors.InterruptException;
import org.apache.kafka.common.errors.RetriableException;
import org.apache.kafka.common.errors.TopicExistsException;
import org.apache.kafka.common.errors.UnknownTopicOrPartitionException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Creates agentwatch's topics and checks that its inputs can be processed together.
 *
 * <p>Every input is keyed by agent id and one task must see all of an agent's events, so the
 * inputs must have the same partition count (with the default partitioner, the same key then
 * lands in the same partition number of each). Kafka Streams only notices a mismatch once it
 * assigns tasks, with an error that does not say which topic to fix; {@link #verifyInputs}
 * checks first and says.
 */
public final class TopicSetup {
    private static final Logger LOG = LoggerFactory.getLogger(TopicSetup.class);
    private static final Duration VISIBLE_TIMEOUT = Duration.ofSeconds(30);

    private TopicSetup() {
    }

    /**
     * Creates those of agentwatch's topics that do not exist; existing topics are left as they are.
     * The token index is compacted. If some inputs
     * already exist, missing inputs take their partition count rather than {@code partitions},
     * so that the inputs stay co-partitioned.
     *
     * @return the names of the topics created
     */
    public static List<String> createTopics(Admin admin, TopicNames names, int partitions, short replicationFactor) {
        if (partitions < 1 || replicationFactor < 1) {
            throw new IllegalArgumentException("partitions and replication factor must be at least 1, got "
                    + partitions + " and " + replicationFactor);
        }
        Set<String> existing = await(admin.listTopics().names(), "list topics");
        int inputPartitions = partitionsForMissingInputs(admin, names.inputs(), existing, partitions);
        List<NewTopic> missing = wanted(names, inputPartitions, partitions, replicationFactor).stream()
                .filter(topic -> !existing.contains(topic.name()))
                .toList();
        if (missing.isEmpty()) {
            return List.of();
        }
        List<String> created = create(admin, missing);
        awaitReady(admin, created);
        return created;
    }

    /**
     * Checks that the input topics exist and have the same partition count.
     *
     * @throws InputTopicsException naming the missing or mismatched topics and what to do about them
     */
    public static void verifyInputs(Admin admin, List<String> inputTopicNames) {
        Map<String, Integer> counts = partitionCounts(admin, inputTopicNames);
        List<String> missing = inputTopicNames.stream().filter(name -> !counts.containsKey(name)).toList();
        if (!missing.isEmpty()) {
            throw new InputTopicsException(missingMessage(missing, counts));
        }
        if (counts.values().stream().distinct().count() > 1) {
            throw new InputTopicsException(mismatchMessage(counts));
        }
    }

    private static List<NewTopic> wanted(TopicNames names, int inputPartitions, int partitions, short replicationFactor) {
        List<NewTopic> topics = new ArrayList<>();
        for (String input : names.inputs()) {
            topics.add(new NewTopic(input, inputPartitions, replicationFactor));
        }
        topics.add(new NewTopic(names.findings(), partitions, replicationFactor));
        topics.add(new NewTopic(names.revokeCommands(), partitions, replicationFactor));
        topics.add(new NewTopic(names.deadLetters(), partitions, replicationFactor));
        // The index holds the latest state of each token, and a tombstone once it is gone.
        topics.add(new NewTopic(names.tokenIndex(), partitions, replicationFactor)
                .configs(Map.of(TopicConfig.CLEANUP_POLICY_CONFIG, TopicConfig.CLEANUP_POLICY_COMPACT)));
        return topics;
    }

    private static List<String> create(Admin admin, List<NewTopic> topics) {
        Map<String, KafkaFuture<Void>> results = admin.createTopics(topics).values();
        List<String> created = new ArrayList<>();
        for (NewTopic topic : topics) {
            try {
                results.get(topic.name()).get();
                created.add(topic.name());
                LOG.info("created topic {} with {} partitions, replication factor {}",
                        topic.name(), topic.numPartitions(), topic.replicationFactor());
            } catch (ExecutionException e) {
                // Another instance starting at the same moment may have created it first.
                if (!(e.getCause() instanceof TopicExistsException)) {
                    throw new KafkaException("cannot create topic " + topic.name() + ": " + e.getCause().getMessage(),
                            e.getCause());
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new InterruptException(e);
            }
        }
        return created;
    }

    /**
     * A broker learns of a new topic shortly after the controller has created it, and creates
     * the partitions' logs a moment after that: a producer that starts in between is told
     * NOT_LEADER_OR_FOLLOWER, retries, and logs a warning per batch (and its idempotent batches
     * in flight behind it OUT_OF_ORDER_SEQUENCE_NUMBER). Wait until every partition's leader
     * answers a list-offsets request, so the caller's producers and {@link #verifyInputs} find
     * the topics ready.
     */
    private static void awaitReady(Admin admin, List<String> topics) {
        long deadline = System.nanoTime() + VISIBLE_TIMEOUT.toNanos();
        while (!leadersServe(admin, topics)) {
            if (System.nanoTime() > deadline) {
                throw new KafkaException("topics " + topics + " were created but their partitions are still not "
                        + "served after " + VISIBLE_TIMEOUT.toSeconds() + " s");
            }
            try {
                Thread.sleep(50);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new InterruptException(e);
            }
        }
    }

    private static boolean leadersServe(Admin admin, List<String> topics) {
        if (partitionCounts(admin, topics).size() < topics.size()) {
            return false;
        }
        Map<TopicPartition, OffsetSpec> request = new HashMap<>();
        admin.describeTopics(topics).topicNameValues().forEach((name, description) ->
                await(description, "describe topic " + name).partitions().forEach(p ->
                        request.put(new TopicPartition(name, p.partition()), OffsetSpec.latest())));
        try {
            admin.listOffsets(request, new ListOffsetsOptions().timeoutMs(1_000)).all().get();
            return true;
        } catch (ExecutionException e) {
            if (e.getCause() instanceof RetriableException) {
                return false;
            }
            throw new KafkaException("cannot list the offsets of " + topics + ": " + e.getCause().getMessage(),
                    e.getCause());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new InterruptException(e);
        }
    }

    private static int partitionsForMissingInputs(Admin admin, List<String> inputs, Set<String> existing, int partitions) {
        List<String> existingInputs = inputs.stream().filter(existing::contains).toList();
        if (existingInputs.isEmpty() || existingInputs.size() == inputs.size()) {
            return partitions;
        }
        int existingPartitions = partitionCounts(admin, existingInputs).values().stream()
                .max(Integer::compare).orElse(partitions);
        if (existingPartitions != partitions) {
            LOG.warn("input topics {} already exist with {} partitions; creating the missing inputs with {} "
                    + "partitions too (not the configured {}) so that all inputs are co-partitioned",
                    existingInputs, existingPartitions, existingPartitions, partitions);
        }
        return existingPartitions;
    }

    /** Partition count of each topic that exists, in the order given; missing topics are absent. */
    private static Map<String, Integer> partitionCounts(Admin admin, List<String> topics) {
        Map<String, KafkaFuture<TopicDescription>> descriptions = admin.describeTopics(topics).topicNameValues();
        Map<String, Integer> counts = new LinkedHashMap<>();
        for (String topic : topics) {
            try {
                counts.put(topic, descriptions.get(topic).get().partitions().size());
            } catch (ExecutionException e) {
                if (!(e.getCause() instanceof UnknownTopicOrPartitionException)) {
                    throw new KafkaException("cannot describe topic " + topic + ": " + e.getCause().getMessage(), e.getCause());
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new InterruptException(e);
            }
        }
        return counts;
    }

    private static String missingMessage(List<String> missing, Map<String, Integer> existingCounts) {
        boolean one = missing.size() == 1;
        String problem = (one ? "input topic " : "input topics ") + String.join(", ", missing)
                + (one ? " does" : " do") + " not exist: ";
        if (existingCounts.isEmpty()) {
            return problem + "create the inputs with one partition count for all of them "
                    + "(kafka-topics.sh --create --topic <name> --partitions <n>), "
                    + "or correct the topic names in the configuration";
        }
        // If the existing inputs disagree too, verifyInputs reports that once these exist.
        int partitions = existingCounts.values().iterator().next();
        return problem + "create " + (one ? "it" : "them") + " with " + partitions + " partitions, like "
                + String.join(", ", existingCounts.keySet()) + " (kafka-topics.sh --create --topic "
                + missing.get(0) + " --partitions " + partitions + "), or correct the topic "
                + (one ? "name" : "names") + " in the configuration";
    }

    private static String mismatchMessage(Map<String, Integer> counts) {
        // Partitions can be added but never removed: the largest count is the one all can reach.
        int target = counts.values().stream().max(Integer::compare).orElseThrow();
        String reference = counts.entrySet().stream().filter(e -> e.getValue() == target)
                .map(Map.Entry::getKey).findFirst().orElseThrow();
        Map<String, Integer> behind = counts.entrySet().stream().filter(e -> e.getValue() != target)
                .collect(Collectors.toMap(Map.Entry::getKey, Map.Entry::getValue, (a, b) -> a, LinkedHashMap::new));
        String described = behind.entrySet().stream()
                .map(e -> e.getKey() + " has " + e.getValue() + " partitions")
                .collect(Collectors.joining(" and "));
        return (behind.size() == 1 ? "input topic " : "input topics ") + described + " but " + reference + " has " + target + ": inputs must be "
                + "co-partitioned (same partition count) because all events of one agent must meet in one task; "
                + "add partitions (kafka-topics.sh --alter --topic " + behind.keySet().iterator().next()
                + " --partitions " + target + "; agents whose events then move to another partition start "
                + "a new baseline) or recreate the input topics with one partition count";
    }

    private static <T> T await(KafkaFuture<T> future, String action) {
        try {
            return future.get();
        } catch (ExecutionException e) {
            throw new KafkaException("cannot " + action + ": " + e.getCause().getMessage(), e.getCause());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new InterruptException(e);
        }
    }
}
