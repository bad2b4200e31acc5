package io.agentwatch.model;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.regex.Pattern;

/**
 * Where a call's parameters go, derived from its target by one rule, the same for every tool:
 * <ul>
 * <li>{@code scheme://authority/...} (http, https, ftp, ...): the host of the authority, lower-cased
 * (user info and port dropped): {@code https://paste.example/x?q=1} goes to {@code paste.example};</li>
 * <li>{@code mailto:a@x.example,b@y.example}: each address, lower-cased;</li>
 * <li>any other {@code scheme:rest} (iban:, slack:, db:, ...): the opaque part {@code rest};</li>
 * <li>a target without a scheme: the whole target.</li>
 * </ul>
 * A network address (a URI with an authority, or a mail address) names a party outside the
 * agent's systems: whatever the declared operation, the request itself carries data there. A
 * target that claims a network scheme but names no valid host or address (a model's garbled
 * argument) reaches nobody and yields no destination.
 */
public final class Destinations {
    private static final Pattern SCHEME = Pattern.compile("^[A-Za-z][A-Za-z0-9+.-]*:");
    private static final Pattern MAIL_ADDRESS = Pattern.compile("[^@\\s<>\"(),;:]+@[A-Za-z0-9-]+(\\.[A-Za-z0-9-]+)+");
    private static final Pattern HOST = Pattern.compile("[a-z0-9]([a-z0-9-]*[a-z0-9])?(\\.[a-z0-9]([a-z0-9-]*[a-z0-9])?)*");

    private Destinations() {
    }

    /** The destinations of {@code target}, in order, without repeats; empty when it names none. */
    public static List<String> of(String target) {
        if (target == null || target.isBlank()) {
            return List.of();
        }
        String t = target.strip();
        if (!SCHEME.matcher(t).find()) {
            return List.of(t);
        }
        int colon = t.indexOf(':');
        String scheme = t.substring(0, colon).toLowerCase(Locale.ROOT);
        String rest = t.substring(colon + 1);
        if (rest.startsWith("//")) {
            String host = host(rest.substring(2));
            return host == null ? List.of() : List.of(host);
        }
        if (scheme.equals("mailto")) {
            return addresses(rest);
        }
        return rest.isBlank() ? List.of() : List.of(rest);
    }

    /** A URI with an authority, or mail addresses: the request reaches a party outside the agent's systems. */
    public static boolean isNetworkAddress(String target) {
        if (target == null) {
            return false;
        }
        String t = target.strip();
        if (!SCHEME.matcher(t).find()) {
            return false;
        }
        String rest = t.substring(t.indexOf(':') + 1);
        return rest.startsWith("//") || t.regionMatches(true, 0, "mailto:", 0, 7);
    }

    private static String host(String authorityAndPath) {
        int end = authorityAndPath.length();
        for (char c : new char[] {'/', '?', '#'}) {
            int i = authorityAndPath.indexOf(c);
            if (i >= 0 && i < end) {
                end = i;
            }
        }
        String authority = authorityAndPath.substring(0, end);
        authority = authority.substring(authority.lastIndexOf('@') + 1);
        if (authority.startsWith("[")) {
            int close = authority.indexOf(']');
            return close > 1 ? authority.substring(0, close + 1).toLowerCase(Locale.ROOT) : null;
        }
        int port = authority.indexOf(':');
        String host = (port >= 0 ? authority.substring(0, port) : authority).toLowerCase(Locale.ROOT);
        if (host.endsWith(".")) {
            host = host.substring(0, host.length() - 1);
        }
        return HOST.matcher(host).matches() ? host : null;
    }

    private static List<String> addresses(String rest) {
        int query = rest.indexOf('?');
        String list = query >= 0 ? rest.substring(0, query) : rest;
        List<String> out = new ArrayList<>();
        for (String part : list.split(",")) {
            String a = part.strip().toLowerCase(Locale.ROOT);
            if (MAIL_ADDRESS.matcher(a).matches() && !out.contains(a)) {
                out.add(a);
            }
        }
        return out;
    }
}
