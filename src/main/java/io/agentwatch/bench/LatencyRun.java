package io.agentwatch.bench;

import io.agentwatch.avro.RevokeCommand;
import io.agentwatch.avro.ToolCall;
import io.agentwatch.simulate.Simulator;
import io.agentwatch.topology.TopicNames;
import io.agentwatch.trace.TraceEvent;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Consumer;
import org.apache.avro.specific.SpecificRecord;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.Producer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.Deserializer;
import org.apache.kafka.common.serialization.Serializer;

/**
 * Detection latency under a steady offered load: the simulator's live phase (the same agents,
 * with hijacks injected) is sent at its own pace, each event when the wall clock reaches its
 * event time, to the full topology that has just caught up on the backlog. A read_committed
 * consumer of the revoke commands measures, for each command triggered by a harmful call, the
 * time from that call's event time until the command is visible, as the credential broker
 * would see it under exactly-once.
 */
final class LatencyRun {
    /** How long to wait for the commands of the last hijacks after the last event was sent. */
    private static final Duration GRACE = Duration.ofSeconds(10);

    record Result(double offeredRate, long events, long attackSessions, long commands, long attackCommands,
                  Percentiles latencyMs) {
    }

    /** p50, p99, p999 and max of a sample, in milliseconds; NaN when empty. */
    record Percentiles(int samples, double p50, double p99, double p999, double max) {
        static Percentiles of(List<Long> values) {
            if (values.isEmpty()) {
                return new Percentiles(0, Double.NaN, Double.NaN, Double.NaN, Double.NaN);
            }
            long[] v = values.stream().mapToLong(Long::longValue).sorted().toArray();
            return new Percentiles(v.length, at(v, 0.50), at(v, 0.99), at(v, 0.999), v[v.length - 1]);
        }

        private static double at(long[] sorted, double q) {
            int i = (int) Math.ceil(q * sorted.length) - 1;
            return sorted[Math.max(0, Math.min(sorted.length - 1, i))];
        }
    }

    private LatencyRun() {
    }

    static Result measure(Iterator<TraceEvent> live, Instant liveStart, Duration duration, Producer<byte[], byte[]> producer,
                          Sends sends, TopicNames topics, Serializer<String> keys, Serializer<SpecificRecord> values,
                          Deserializer<RevokeCommand> commandReader, Map<String, Object> consumerConfig,
                          Consumer<String> progress) throws InterruptedException {
        List<TraceEvent> events = new ArrayList<>();
        Instant end = liveStart.plus(duration);
        while (live.hasNext()) {
            TraceEvent e = live.next();
            if (!e.time().isBefore(end)) {
                break;
            }
            events.add(e);
        }
        Set<String> attackCalls = new HashSet<>();
        Set<String> attackSessions = new HashSet<>();
        for (TraceEvent e : events) {
            if (e.event() instanceof ToolCall c && Simulator.ATTACK.equals(e.label())) {
                attackCalls.add(c.getEventId());
                attackSessions.add(c.getSessionId());
            }
        }
        progress.accept(String.format("latency: %,d live events generated (%,d hijacked sessions); sending for %d s",
                events.size(), attackSessions.size(), duration.toSeconds()));

        try (KafkaConsumer<byte[], byte[]> consumer = new KafkaConsumer<>(consumerConfig)) {
            List<TopicPartition> partitions = consumer.partitionsFor(topics.revokeCommands()).stream()
                    .map(p -> new TopicPartition(p.topic(), p.partition())).toList();
            consumer.assign(partitions);
            consumer.seekToEnd(partitions);
            partitions.forEach(consumer::position);

            long shiftMs = System.currentTimeMillis() + 500 - liveStart.toEpochMilli();
            Map<String, Long> callTimes = new java.util.concurrent.ConcurrentHashMap<>();
            AtomicLong sent = new AtomicLong();
            Thread sender = new Thread(() -> send(events, shiftMs, producer, sends, topics, keys, values, callTimes,
                    sent), "bench-latency-sender");
            long sendStart = System.nanoTime();
            sender.start();

            List<Long> attackLatencies = new ArrayList<>();
            long commands = 0;
            long graceEnd = Long.MAX_VALUE;
            while (System.nanoTime() < graceEnd) {
                for (ConsumerRecord<byte[], byte[]> r : consumer.poll(Duration.ofMillis(20))) {
                    long seen = System.currentTimeMillis();
                    RevokeCommand c = commandReader.deserialize(r.topic(), r.value());
                    commands++;
                    Long at = c.getTriggerEventId() == null ? null : callTimes.get(c.getTriggerEventId());
                    if (at != null && attackCalls.contains(c.getTriggerEventId())) {
                        attackLatencies.add(seen - at);
                    }
                }
                if (!sender.isAlive() && graceEnd == Long.MAX_VALUE) {
                    graceEnd = System.nanoTime() + GRACE.toNanos();
                }
            }
            sender.join();
            sends.check();
            double sendSeconds = duration.toMillis() / 1000.0;
            return new Result(sent.get() / sendSeconds, sent.get(), attackSessions.size(), commands,
                    attackLatencies.size(), Percentiles.of(attackLatencies));
        }
    }

    /** Sends each event when the wall clock reaches its (shifted) event time. */
    private static void send(List<TraceEvent> events, long shiftMs, Producer<byte[], byte[]> producer, Sends sends,
                             TopicNames topics, Serializer<String> keys, Serializer<SpecificRecord> values,
                             Map<String, Long> callTimes, AtomicLong sent) {
        try {
            for (TraceEvent e : events) {
                long due = e.time().toEpochMilli() + shiftMs;
                long wait = due - System.currentTimeMillis();
                if (wait > 0) {
                    Thread.sleep(wait);
                }
                SpecificRecord event = Events.shifted(e.event(), shiftMs);
                if (event instanceof ToolCall c) {
                    callTimes.put(c.getEventId(), due);
                }
                String topic = topics.inputOf(event);
                producer.send(new ProducerRecord<>(topic, null, due, keys.serialize(topic, e.agentId()),
                        values.serialize(topic, event)), sends);
                sent.incrementAndGet();
            }
            producer.flush();
        } catch (InterruptedException ex) {
            Thread.currentThread().interrupt();
        }
    }
}
