package io.agentwatch.observe;

import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.security.SecureRandom;
import java.time.Clock;
import java.util.Base64;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

/**
 * How one instance proves to another that a forwarded call was authorised, without sending
 * the bearer token: the token never leaves the instance the client gave it to. The forwarder
 * sends an HMAC-SHA256, keyed with the shared token, over the method, path, target instance,
 * its own address, a timestamp and a random nonce; the target checks the MAC with its own copy
 * of the token, the timestamp (within {@link #WINDOW_MS}), that it is the target named, and
 * that the nonce is new. It answers with a MAC over the nonce, status and body, so a process
 * that merely claims the owner's address in the group metadata can neither learn the token
 * nor pass off a made-up answer. Not encrypted: the agent views travel in clear between
 * instances, so keep that hop on a private network (see SECURITY.md).
 */
final class PeerAuth {
    static final String REQUEST_HEADER = "X-Agentwatch-Peer-Auth";
    static final String RESPONSE_HEADER = "X-Agentwatch-Peer-Response";
    /** Clocks of two instances may differ by this much, and a MAC is good for this long. */
    static final long WINDOW_MS = 30_000;

    private static final Pattern FIELDS = Pattern.compile(
            "v1 ts=(\\d{1,15}), from=([^,\\s]+), nonce=([A-Za-z0-9_-]{16,64}), mac=([A-Za-z0-9_-]{43})");
    private static final int MAX_NONCES = 100_000;

    private final byte[] key;
    private final Clock clock;
    private final SecureRandom random = new SecureRandom();
    /** nonce → time it stops mattering; insertion order is time order, so the eldest go first. */
    private final Map<String, Long> seen = new LinkedHashMap<>();

    PeerAuth(String token, Clock clock) {
        this.key = token.getBytes(StandardCharsets.UTF_8);
        this.clock = clock;
    }

    /** A signed request: the header value to send, and the nonce to check the answer with. */
    record Signed(String header, String nonce) {
    }

    Signed sign(String method, String path, String target, String from) {
        byte[] n = new byte[16];
        random.nextBytes(n);
        String nonce = Base64.getUrlEncoder().withoutPadding().encodeToString(n);
        long ts = clock.millis();
        String mac = mac("request", method, path, target, from, Long.toString(ts), nonce);
        return new Signed("v1 ts=" + ts + ", from=" + from + ", nonce=" + nonce + ", mac=" + mac, nonce);
    }

    /** A checked request: the nonce to answer with, or why it is refused. */
    record Check(String nonce, String refusal) {
        static Check refuse(String why) {
            return new Check(null, why);
        }
    }

    /**
     * @param self this instance's address: the target the forwarder must have named
     */
    Check verify(String header, String method, String path, String self) {
        Matcher m = header == null ? null : FIELDS.matcher(header.trim());
        if (m == null || !m.matches()) {
            return Check.refuse("malformed " + REQUEST_HEADER + " header");
        }
        long ts = Long.parseLong(m.group(1));
        String from = m.group(2);
        String nonce = m.group(3);
        String expected = mac("request", method, path, self, from, Long.toString(ts), nonce);
        if (!MessageDigest.isEqual(expected.getBytes(StandardCharsets.US_ASCII),
                m.group(4).getBytes(StandardCharsets.US_ASCII))) {
            return Check.refuse("forwarded call with a MAC that does not match (another token, another target, or"
                    + " altered)");
        }
        long now = clock.millis();
        if (Math.abs(now - ts) > WINDOW_MS) {
            return Check.refuse("forwarded call stamped " + (now - ts) + " ms away from this instance's clock (more"
                    + " than " + WINDOW_MS + " ms): replayed, or the instances' clocks differ");
        }
        synchronized (seen) {
            seen.values().removeIf(until -> until < now);
            if (seen.containsKey(nonce)) {
                return Check.refuse("forwarded call replayed (nonce seen before)");
            }
            if (seen.size() >= MAX_NONCES) {
                return Check.refuse("too many forwarded calls in " + WINDOW_MS + " ms: refusing rather than"
                        + " forgetting nonces");
            }
            seen.put(nonce, ts + WINDOW_MS);
        }
        return new Check(nonce, null);
    }

    String responseMac(String nonce, int status, byte[] body) {
        return mac("response", nonce, Integer.toString(status), sha256(body));
    }

    boolean responseValid(String nonce, int status, byte[] body, String mac) {
        return mac != null && MessageDigest.isEqual(responseMac(nonce, status, body).getBytes(StandardCharsets.US_ASCII),
                mac.trim().getBytes(StandardCharsets.US_ASCII));
    }

    private String mac(String kind, String... parts) {
        try {
            Mac hmac = Mac.getInstance("HmacSHA256");
            hmac.init(new SecretKeySpec(key, "HmacSHA256"));
            // Length-prefixed parts: no two different field lists give the same bytes.
            StringBuilder message = new StringBuilder("agentwatch-peer-v1 ").append(kind);
            for (String p : parts) {
                message.append('\n').append(p.length()).append(':').append(p);
            }
            return Base64.getUrlEncoder().withoutPadding()
                    .encodeToString(hmac.doFinal(message.toString().getBytes(StandardCharsets.UTF_8)));
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("HmacSHA256 is required by the Java platform", e);
        }
    }

    private static String sha256(byte[] body) {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(body));
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("SHA-256 is required by the Java platform", e);
        }
    }
}
