package io.agentwatch.trace;

import java.io.Closeable;
import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.CharBuffer;
import java.nio.charset.CharsetDecoder;
import java.nio.charset.CoderResult;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;

/**
 * Reads a trace line by line, so that a bad line costs only itself: a line that is not UTF-8
 * or longer than the limit comes back as a {@link Line} with a problem and its number, and
 * reading goes on with the next line. A too-long line is skipped as it streams by, never held
 * in memory. Lines end with '\n' (a '\r' before it is dropped).
 */
public final class TraceLines implements Closeable {
    /** One line: its text, or the problem that kept it from being read. Numbered from 1. */
    public record Line(long number, String text, String problem) {
        public boolean isReadable() {
            return problem == null;
        }
    }

    private final InputStream in;
    private final int maxLineBytes;
    private final byte[] chunk = new byte[64 * 1024];
    private int position;
    private int limit;
    private byte[] line = new byte[1024];
    private int length;
    private long number;
    private final CharsetDecoder utf8 = StandardCharsets.UTF_8.newDecoder()
            .onMalformedInput(CodingErrorAction.REPORT).onUnmappableCharacter(CodingErrorAction.REPORT);

    public TraceLines(InputStream in, int maxLineBytes) {
        this.in = in;
        this.maxLineBytes = maxLineBytes;
    }

    /** The next line, or null at the end of the input. */
    public Line next() throws IOException {
        length = 0;
        long lineBytes = 0;
        boolean sawAnything = false;
        while (true) {
            if (position == limit) {
                limit = Math.max(in.read(chunk), 0);
                position = 0;
                if (limit == 0) {
                    if (!sawAnything) {
                        return null;
                    }
                    break;
                }
            }
            sawAnything = true;
            int start = position;
            while (position < limit && chunk[position] != '\n') {
                position++;
            }
            int n = position - start;
            lineBytes += n;
            if (lineBytes <= maxLineBytes) {
                append(start, n);
            }
            if (position < limit) {
                position++; // the '\n'
                break;
            }
        }
        number++;
        if (lineBytes > maxLineBytes) {
            return new Line(number, null, "longer than " + maxLineBytes + " bytes (" + lineBytes
                    + "); raise replay.max.line.bytes if such lines are expected");
        }
        if (length > 0 && line[length - 1] == '\r') {
            length--;
        }
        return decode();
    }

    private void append(int start, int n) {
        if (length + n > line.length) {
            line = Arrays.copyOf(line, Math.max(line.length * 2, length + n));
        }
        System.arraycopy(chunk, start, line, length, n);
        length += n;
    }

    private Line decode() {
        ByteBuffer bytes = ByteBuffer.wrap(line, 0, length);
        CharBuffer chars = CharBuffer.allocate(length);
        utf8.reset();
        CoderResult result = utf8.decode(bytes, chars, true);
        if (result.isError()) {
            return new Line(number, null, "not valid UTF-8 (byte " + (bytes.position() + 1) + " of the line)");
        }
        utf8.flush(chars);
        return new Line(number, chars.flip().toString(), null);
    }

    @Override
    public void close() throws IOException {
        in.close();
    }
}
