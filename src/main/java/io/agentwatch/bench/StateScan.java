package io.agentwatch.bench;

import io.agentwatch.topology.Names;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.TopicPartition;

/**
 * The full topology's state, read back from its changelog topics after the run: what each store
 * held at the end of every day of stream time (the latest value of each key, tombstones
 * removing it; key and value bytes, as RocksDB stores them) and how many changelog bytes each day
 * wrote. Reading the changelogs measures the application without touching it while it runs.
 */
final class StateScan {
    static final List<String> STORES = List.of(Names.TOKENS_STORE, Names.SESSIONS_STORE, Names.BASELINES_STORE);
    private static final long DAY_MS = Duration.ofDays(1).toMillis();

    /** At the end of one day of stream time: live bytes per store, changelog bytes written that day. */
    record Day(int day, Map<String, Long> liveBytes, Map<String, Long> liveEntries, long changelogBytes) {
        long totalLive() {
            return liveBytes.values().stream().mapToLong(Long::longValue).sum();
        }
    }

    private StateScan() {
    }

    /**
     * @param start    stream time of the beginning of day 0
     * @param days     days to report (records from day {@code days} on count into the last day)
     */
    static List<Day> scan(String applicationId, Map<String, Object> consumerConfig, Instant start, int days) {
        Map<String, long[]> liveBytes = new LinkedHashMap<>();
        Map<String, long[]> liveEntries = new LinkedHashMap<>();
        long[] written = new long[days];
        for (String store : STORES) {
            long[] bytes = new long[days];
            long[] entries = new long[days];
            scanStore(applicationId + "-" + store + "-changelog", consumerConfig, start.toEpochMilli(), days, bytes,
                    entries, written);
            liveBytes.put(store, bytes);
            liveEntries.put(store, entries);
        }
        List<Day> out = new ArrayList<>();
        for (int d = 0; d < days; d++) {
            Map<String, Long> b = new LinkedHashMap<>();
            Map<String, Long> n = new LinkedHashMap<>();
            for (String store : STORES) {
                b.put(store, liveBytes.get(store)[d]);
                n.put(store, liveEntries.get(store)[d]);
            }
            out.add(new Day(d, b, n, written[d]));
        }
        return out;
    }

    /**
     * Replays one changelog, each partition in offset order; a partition's live state is taken
     * for day d when its first record of a later day arrives (and at its end).
     */
    private static void scanStore(String topic, Map<String, Object> consumerConfig, long start, int days,
                                  long[] liveBytes, long[] liveEntries, long[] written) {
        try (KafkaConsumer<byte[], byte[]> consumer = new KafkaConsumer<>(consumerConfig)) {
            List<TopicPartition> partitions = consumer.partitionsFor(topic).stream()
                    .map(p -> new TopicPartition(p.topic(), p.partition())).toList();
            Map<TopicPartition, Long> ends = consumer.endOffsets(partitions);
            Map<TopicPartition, PartitionState> states = new HashMap<>();
            partitions.forEach(tp -> states.put(tp, new PartitionState()));
            consumer.assign(partitions);
            consumer.seekToBeginning(partitions);
            while (partitions.stream().anyMatch(tp -> consumer.position(tp) < ends.get(tp))) {
                for (ConsumerRecord<byte[], byte[]> r : consumer.poll(Duration.ofMillis(200))) {
                    PartitionState p = states.get(new TopicPartition(r.topic(), r.partition()));
                    int recordDay = (int) Math.min(days - 1, Math.max(0, (r.timestamp() - start) / DAY_MS));
                    p.closeDaysBefore(recordDay, liveBytes, liveEntries);
                    p.apply(r);
                    written[p.day] += r.key().length + (r.value() == null ? 0 : r.value().length);
                }
            }
            states.values().forEach(p -> p.closeDaysBefore(days, liveBytes, liveEntries));
        }
    }

    /** One changelog partition replayed so far: the size of each live key. */
    private static final class PartitionState {
        final Map<Key, Integer> live = new HashMap<>();
        long bytes;
        int day;

        void closeDaysBefore(int recordDay, long[] liveBytes, long[] liveEntries) {
            for (; day < recordDay; day++) {
                liveBytes[day] += bytes;
                liveEntries[day] += live.size();
            }
        }

        void apply(ConsumerRecord<byte[], byte[]> r) {
            Key k = new Key(r.key());
            Integer before = live.remove(k);
            if (before != null) {
                bytes -= before;
            }
            if (r.value() != null) {
                int size = r.key().length + r.value().length;
                live.put(k, size);
                bytes += size;
            }
        }
    }

    /** A record key compared by content. */
    private record Key(byte[] bytes) {
        @Override
        public boolean equals(Object o) {
            return o instanceof Key k && java.util.Arrays.equals(bytes, k.bytes);
        }

        @Override
        public int hashCode() {
            return java.util.Arrays.hashCode(bytes);
        }
    }
}
