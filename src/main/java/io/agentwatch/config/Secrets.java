package io.agentwatch.config;

import org.apache.kafka.common.config.ConfigDef;
import org.apache.kafka.common.config.ConfigException;
import org.apache.kafka.common.config.types.Password;

/** Validation of secrets in config: never echoes the value. */
public final class Secrets {
    private Secrets() {
    }

    /**
     * Unset, or at least {@code min} characters: a short token is guessed, and one instance
     * proves the token to another with a MAC that could be brute-forced offline.
     */
    public static ConfigDef.Validator atLeast(int min) {
        return new ConfigDef.Validator() {
            @Override
            public void ensureValid(String name, Object value) {
                if (value instanceof Password p && !p.value().isEmpty() && p.value().length() < min) {
                    throw new ConfigException(name + " is " + p.value().length() + " characters long; use at least "
                            + min + " random ones (openssl rand -base64 32)");
                }
            }

            @Override
            public String toString() {
                return "unset, or at least " + min + " characters";
            }
        };
    }
}
