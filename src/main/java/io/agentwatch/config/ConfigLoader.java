package io.agentwatch.config;

import java.io.IOException;
import java.io.Reader;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Locale;
import java.util.Map;
import java.util.Properties;

/**
 * Builds an {@link AgentwatchConfig} from, later wins: defaults, a properties file, environment
 * variables and explicit overrides. Environment variables map onto keys mechanically:
 * {@code AGENTWATCH_} + the key upper-cased with dots as underscores, e.g.
 * {@code AGENTWATCH_KAFKA_BOOTSTRAP_SERVERS} → {@code kafka.bootstrap.servers}.
 */
public final class ConfigLoader {
    public static final String ENV_PREFIX = "AGENTWATCH_";

    private ConfigLoader() {
    }

    public static AgentwatchConfig load(Path file, Map<String, String> env, Map<String, ?> overrides) {
        Map<String, Object> props = new HashMap<>();
        if (file != null) {
            props.putAll(readFile(file));
        }
        props.putAll(fromEnvironment(env));
        props.putAll(overrides);
        return new AgentwatchConfig(props);
    }

    static Map<String, String> fromEnvironment(Map<String, String> env) {
        Map<String, String> m = new HashMap<>();
        env.forEach((name, value) -> {
            if (name.startsWith(ENV_PREFIX) && name.length() > ENV_PREFIX.length()) {
                m.put(name.substring(ENV_PREFIX.length()).toLowerCase(Locale.ROOT).replace('_', '.'), value);
            }
        });
        return m;
    }

    private static Map<String, String> readFile(Path file) {
        if (!Files.isReadable(file)) {
            throw new IllegalArgumentException("config file " + file + " does not exist or is not readable");
        }
        Properties p = new Properties();
        try (Reader r = Files.newBufferedReader(file)) {
            p.load(r);
        } catch (IOException e) {
            throw new IllegalArgumentException("cannot read config file " + file + ": " + e.getMessage(), e);
        }
        Map<String, String> m = new HashMap<>();
        p.stringPropertyNames().forEach(k -> m.put(k.trim(), p.getProperty(k).trim()));
        return m;
    }
}
