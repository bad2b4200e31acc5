package io.agentwatch.simulate;

import java.time.Instant;
import org.apache.avro.specific.SpecificRecord;

/** An event with its (simulated) time and label, waiting to be emitted in time order. */
record Timed(Instant time, SpecificRecord event, String label) {
}
