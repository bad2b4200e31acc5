package io.agentwatch.catalog;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import io.agentwatch.avro.Operation;
import io.agentwatch.avro.Sensitivity;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.regex.Pattern;

/**
 * Maps tool names to defaults for the fields producers leave out (operation, boundary,
 * sensitivity, scope) and to flags (untrusted_input, private_data, external_sink, financial).
 * Event fields always win over the catalog. Lookup order: exact names, then globs in file
 * order, both case-insensitive; a user catalog is consulted before the built-in one, so it can
 * override any entry.
 *
 * <pre>
 * tools:
 *   - match: send_email        # exact name or glob (* and ?)
 *     operation: SEND
 *     sensitivity: INTERNAL
 *     scope: mail:send
 *     boundary: external       # optional
 *     flags: [external_sink]
 * </pre>
 */
public final class ToolCatalog {
    private static final String BUILT_IN = "/default-catalog.yaml";
    private static final CatalogEntry NONE = new CatalogEntry("*", null, null, null, null, null);
    /**
     * Most tool names whose lookup is remembered. Tool names come from input events, so a
     * producer inventing names must not grow the heap (100,000 names held about 100 MB): when
     * full, the cache starts over, and the names in use fill it again at one glob scan each.
     */
    static final int MAX_CACHED_NAMES = 10_000;

    private final Map<String, CatalogEntry> exact = new HashMap<>();
    private final List<Map.Entry<Pattern, CatalogEntry>> globs = new ArrayList<>();
    private final Map<String, CatalogEntry> resolved = new ConcurrentHashMap<>();

    private ToolCatalog(List<CatalogEntry> entries) {
        for (CatalogEntry e : entries) {
            if (e.isGlob()) {
                globs.add(Map.entry(e.pattern(), e));
            } else {
                exact.putIfAbsent(e.match().toLowerCase(Locale.ROOT), e);
            }
        }
    }

    public static ToolCatalog of(List<CatalogEntry> entries) {
        return new ToolCatalog(entries);
    }

    /** The built-in catalog of common agent tools. */
    public static ToolCatalog builtIn() {
        return new ToolCatalog(builtInEntries());
    }

    /** A user catalog file (YAML or JSON), consulted before the built-in entries. */
    public static ToolCatalog load(Path file) {
        List<CatalogEntry> entries;
        try (InputStream in = Files.newInputStream(file)) {
            entries = parse(in, file.toString());
        } catch (IOException e) {
            throw new IllegalArgumentException("cannot read tool catalog " + file + ": " + e.getMessage(), e);
        }
        entries.addAll(builtInEntries());
        return new ToolCatalog(entries);
    }

    /** {@code file} when given, else the built-in catalog. */
    public static ToolCatalog fromConfig(String file) {
        return file == null || file.isBlank() ? builtIn() : load(Path.of(file));
    }

    private static List<CatalogEntry> builtInEntries() {
        try (InputStream in = ToolCatalog.class.getResourceAsStream(BUILT_IN)) {
            return parse(in, "built-in catalog");
        } catch (IOException e) {
            throw new IllegalStateException("built-in tool catalog is missing from the jar", e);
        }
    }

    static List<CatalogEntry> parse(InputStream in, String source) throws IOException {
        ObjectMapper yaml = new ObjectMapper(new YAMLFactory());
        JsonNode root = yaml.readTree(in);
        JsonNode tools = root == null ? null : root.get("tools");
        if (tools == null || !tools.isArray()) {
            throw new IllegalArgumentException(source + ": expected a top-level 'tools:' list of entries");
        }
        List<CatalogEntry> entries = new ArrayList<>();
        int i = 0;
        for (JsonNode t : tools) {
            i++;
            try {
                entries.add(new CatalogEntry(
                        text(t, "match"),
                        enumValue(Operation.class, text(t, "operation")),
                        text(t, "boundary"),
                        enumValue(Sensitivity.class, text(t, "sensitivity")),
                        text(t, "scope"),
                        flags(t.get("flags"))));
            } catch (IllegalArgumentException e) {
                throw new IllegalArgumentException(source + ": tools entry " + i + ": " + e.getMessage(), e);
            }
        }
        return entries;
    }

    private static String text(JsonNode node, String field) {
        JsonNode v = node.get(field);
        return v == null || v.isNull() ? null : v.asText();
    }

    private static <E extends Enum<E>> E enumValue(Class<E> type, String text) {
        if (text == null) {
            return null;
        }
        try {
            return Enum.valueOf(type, text.trim().toUpperCase(Locale.ROOT));
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("'" + text + "' is not a valid " + type.getSimpleName()
                    + " (one of " + EnumSet.allOf(type) + ")");
        }
    }

    private static EnumSet<ToolFlag> flags(JsonNode node) {
        EnumSet<ToolFlag> flags = EnumSet.noneOf(ToolFlag.class);
        if (node != null && node.isArray()) {
            for (JsonNode f : node) {
                flags.add(enumValue(ToolFlag.class, f.asText()));
            }
        }
        return flags;
    }

    /** The entry for {@code tool}: exact match, else the first matching glob, else an empty entry. */
    public CatalogEntry lookup(String tool) {
        CatalogEntry cached = resolved.get(tool);
        if (cached != null) {
            return cached;
        }
        if (resolved.size() >= MAX_CACHED_NAMES) {
            resolved.clear();
        }
        return resolved.computeIfAbsent(tool, this::resolve);
    }

    /** Names whose lookup is cached now (tests). */
    int cachedNames() {
        return resolved.size();
    }

    private CatalogEntry resolve(String tool) {
        CatalogEntry e = exact.get(tool.toLowerCase(Locale.ROOT));
        if (e != null) {
            return e;
        }
        return globs.stream().filter(g -> g.getKey().matcher(tool).matches()).map(Map.Entry::getValue)
                .findFirst().orElse(NONE);
    }

    public Optional<CatalogEntry> find(String tool) {
        CatalogEntry e = lookup(tool);
        return e == NONE ? Optional.empty() : Optional.of(e);
    }
}
