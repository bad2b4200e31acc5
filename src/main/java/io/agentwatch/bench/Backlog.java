package io.agentwatch.bench;

import io.agentwatch.simulate.SimulationSpec;
import io.agentwatch.simulate.Simulator;
import io.agentwatch.topology.TopicNames;
import io.agentwatch.trace.TraceEvent;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.Arrays;
import java.util.Iterator;
import java.util.Map;
import java.util.TreeMap;
import java.util.function.Consumer;
import org.apache.avro.specific.SpecificRecord;
import org.apache.kafka.clients.producer.Producer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.Serializer;

/**
 * The simulated fleet's history, produced once to the input topics, Avro through the registry
 * serde as real producers send it, so that every application of the benchmark reads the same
 * records. The simulator is kept: its live phase, which follows the history, is what the
 * latency phase sends.
 */
final class Backlog {
    private static final long DAY_MS = Duration.ofDays(1).toMillis();

    /** What was produced: counts and key + value bytes, in all and per day of event time. */
    record Loaded(long events, long bytes, Map<String, Long> byType, long[] eventsPerDay, long[] bytesPerDay,
                  Instant start, Instant liveStart, double generatedPerSecond) {
    }

    private final SimulationSpec spec;
    private final Simulator simulator;
    private final Instant start;
    private final int days;
    private TraceEvent firstLive;

    private Backlog(SimulationSpec spec) {
        this.spec = spec;
        this.simulator = new Simulator(spec);
        this.start = spec.start();
        this.days = spec.historyDays();
    }

    /**
     * A fleet whose history ends about now, so that its live phase, sent later, continues it
     * with no gap in stream time to speak of.
     */
    static Backlog simulate(BenchSettings s) {
        Instant start = Instant.now().truncatedTo(ChronoUnit.SECONDS).minus(Duration.ofDays(s.days()));
        SimulationSpec spec = SimulationSpec.builder().seed(s.seed()).agents(s.agents()).start(start)
                .historyDays(s.days()).liveRate(s.rate()).hijackEvery(s.hijackEvery())
                .attackCount(SimulationSpec.UNLIMITED).liveDuration(null).build();
        return new Backlog(spec);
    }

    /** Produces the history and waits until the broker has it all. */
    Loaded produce(Producer<byte[], byte[]> producer, Sends sends, TopicNames topics, Serializer<String> keys,
                   Serializer<SpecificRecord> values, Consumer<String> progress) {
        long[] eventsPerDay = new long[days + 1];
        long[] bytesPerDay = new long[days + 1];
        Map<String, Long> byType = new TreeMap<>();
        long events = 0;
        long bytes = 0;
        long began = System.nanoTime();
        long reported = began;
        while (simulator.hasNext()) {
            TraceEvent e = simulator.next();
            if (!e.time().isBefore(simulator.liveStart())) {
                firstLive = e;
                break;
            }
            String topic = topics.inputOf(e.event());
            byte[] key = keys.serialize(topic, e.agentId());
            byte[] value = values.serialize(topic, e.event());
            long time = e.time().toEpochMilli();
            producer.send(new ProducerRecord<>(topic, null, time, key, value), sends);
            int day = (int) Math.min(days, Math.max(0, (time - start.toEpochMilli()) / DAY_MS));
            eventsPerDay[day]++;
            bytesPerDay[day] += key.length + value.length;
            byType.merge(e.event().getClass().getSimpleName(), 1L, Long::sum);
            events++;
            bytes += key.length + value.length;
            if (System.nanoTime() - reported > 10_000_000_000L) {
                reported = System.nanoTime();
                progress.accept(String.format("backlog: %,d events produced", events));
            }
        }
        producer.flush();
        sends.check();
        double seconds = (System.nanoTime() - began) / 1e9;
        int usedDays = lastNonZero(eventsPerDay) + 1;
        return new Loaded(events, bytes, byType, Arrays.copyOf(eventsPerDay, usedDays),
                Arrays.copyOf(bytesPerDay, usedDays), start, simulator.liveStart(), events / seconds);
    }

    private static int lastNonZero(long[] a) {
        for (int i = a.length - 1; i >= 0; i--) {
            if (a[i] > 0) {
                return i;
            }
        }
        return 0;
    }

    /** The live phase: the first live event, then the rest of the simulator's events. */
    Iterator<TraceEvent> live() {
        return new Iterator<>() {
            private TraceEvent held = firstLive;

            @Override
            public boolean hasNext() {
                return held != null || simulator.hasNext();
            }

            @Override
            public TraceEvent next() {
                if (held != null) {
                    TraceEvent e = held;
                    held = null;
                    return e;
                }
                return simulator.next();
            }
        };
    }

    /** The same history again, from a simulator of the same spec (for the offline replay). */
    Iterator<TraceEvent> history() {
        Simulator again = new Simulator(spec);
        return again.stream().takeWhile(e -> e.time().isBefore(again.liveStart())).iterator();
    }

    Instant liveStart() {
        return simulator.liveStart();
    }
}
