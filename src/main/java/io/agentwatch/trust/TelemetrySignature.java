package io.agentwatch.trust;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import org.apache.kafka.common.header.Header;
import org.apache.kafka.common.header.Headers;

/**
 * The signature a telemetry gateway puts on each record it produces, so that agentwatch can
 * tell its records from anyone else's who can write to the topic. Two headers:
 * {@value #SIGNATURE_HEADER} = base64url Ed25519 signature, {@value #KEY_ID_HEADER} = the key id
 * ({@link Ed25519#keyId}), both ASCII. The signed message is the record's key and value bytes,
 * exactly as written to Kafka, framed so no byte can move from one to the other:
 *
 * <pre>
 *   key length (4 bytes, unsigned big-endian) || key bytes || value bytes
 * </pre>
 *
 * A null key or value counts as empty. Headers and the topic are not covered: a signed record
 * copied to another input topic fails to decode there (another schema), and one copied to the
 * same topic is a duplicate event, which the detectors tolerate.
 */
public final class TelemetrySignature {
    public static final String SIGNATURE_HEADER = "agentwatch-sig";
    public static final String KEY_ID_HEADER = "agentwatch-kid";

    private TelemetrySignature() {
    }

    /** What a verification found. */
    public enum Result {
        VALID, MISSING, UNKNOWN_KEY, INVALID
    }

    public static byte[] message(byte[] key, byte[] value) {
        byte[] k = key == null ? new byte[0] : key;
        byte[] v = value == null ? new byte[0] : value;
        return ByteBuffer.allocate(4 + k.length + v.length).putInt(k.length).put(k).put(v).array();
    }

    /** Adds the two headers to a record about to be produced (a gateway's side). */
    public static void sign(SigningKey key, byte[] recordKey, byte[] value, Headers headers) {
        headers.remove(SIGNATURE_HEADER).remove(KEY_ID_HEADER);
        headers.add(KEY_ID_HEADER, key.keyId().getBytes(StandardCharsets.US_ASCII));
        headers.add(SIGNATURE_HEADER, Ed25519.base64url(key.sign(message(recordKey, value)))
                .getBytes(StandardCharsets.US_ASCII));
    }

    public static Result verify(TrustedKeys trusted, byte[] recordKey, byte[] value, Headers headers) {
        String signature = text(headers, SIGNATURE_HEADER);
        String keyId = text(headers, KEY_ID_HEADER);
        if (signature == null || keyId == null) {
            return Result.MISSING;
        }
        return switch (trusted.check(keyId, message(recordKey, value), signature)) {
            case VALID -> Result.VALID;
            case UNKNOWN_KEY -> Result.UNKNOWN_KEY;
            case BAD_SIGNATURE -> Result.INVALID;
        };
    }

    /** The last header of that name; a record carrying two signatures is judged by the last, as Kafka reads it. */
    private static String text(Headers headers, String name) {
        Header h = headers == null ? null : headers.lastHeader(name);
        return h == null || h.value() == null ? null : new String(h.value(), StandardCharsets.US_ASCII);
    }
}
