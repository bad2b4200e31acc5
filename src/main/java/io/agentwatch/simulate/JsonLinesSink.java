package io.agentwatch.simulate;

import io.agentwatch.trace.TraceCodec;
import io.agentwatch.trace.TraceEvent;
import java.io.IOException;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;

/** Writes the trace format of {@code replay}: one {@link TraceCodec} line per event, with its label. */
public final class JsonLinesSink implements SimulationSink {
    private final Writer out;
    private final boolean ownsStream;

    private JsonLinesSink(Writer out, boolean ownsStream) {
        this.out = out;
        this.ownsStream = ownsStream;
    }

    /** Creates or truncates {@code file}; closing the sink closes it. */
    public static JsonLinesSink toFile(Path file) throws IOException {
        return new JsonLinesSink(Files.newBufferedWriter(file, StandardCharsets.UTF_8), true);
    }

    /** Writes to a writer the caller owns (stdout): closing the sink only flushes it. */
    public static JsonLinesSink toWriter(Writer writer) {
        return new JsonLinesSink(writer, false);
    }

    @Override
    public void write(TraceEvent event) throws IOException {
        out.write(TraceCodec.format(event.event(), event.label()));
        out.write('\n');
    }

    @Override
    public void flush() throws IOException {
        out.flush();
    }

    @Override
    public void close() throws IOException {
        if (ownsStream) {
            out.close();
        } else {
            out.flush();
        }
    }
}
