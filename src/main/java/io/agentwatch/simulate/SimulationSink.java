package io.agentwatch.simulate;

import io.agentwatch.trace.TraceEvent;
import java.io.IOException;

/** Where simulated events go: a JSON Lines file, Kafka topics. */
public interface SimulationSink extends AutoCloseable {

    void write(TraceEvent event) throws IOException;

    /** Makes everything written so far durable or visible (file flushed, producer acknowledged). */
    void flush() throws IOException;

    @Override
    void close() throws IOException;
}
