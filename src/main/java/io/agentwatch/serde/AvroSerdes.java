package io.agentwatch.serde;

import java.lang.reflect.InvocationTargetException;
import java.util.Map;
import org.apache.avro.specific.SpecificRecord;
import org.apache.kafka.common.config.AbstractConfig;
import org.apache.kafka.common.config.ConfigDef;
import org.apache.kafka.common.config.ConfigException;
import org.apache.kafka.common.serialization.Serde;

/**
 * The one way the application creates value serdes. By default an {@link AvroSerde}; the
 * {@value #VALUE_SERDE_CLASS} key swaps in any other {@link Serde} with a public no-arg
 * constructor (for instance Confluent's {@code SpecificAvroSerde}), which is then configured
 * with the same config map as a value serde.
 */
public final class AvroSerdes {

    public static final String VALUE_SERDE_CLASS = "value.serde.class";

    private static final ConfigDef CONFIG_DEF = new ConfigDef()
            .define(VALUE_SERDE_CLASS, ConfigDef.Type.CLASS, AvroSerde.class, ConfigDef.Importance.LOW,
                    "Serde class for Avro values. Default: agentwatch's own AvroSerde. Any other class needs a"
                            + " public no-arg constructor and must produce and accept the generated"
                            + " SpecificRecord classes (for Confluent's SpecificAvroSerde: it does).");

    private AvroSerdes() {
    }

    /** A configured value serde for {@code type}. */
    public static <T extends SpecificRecord> Serde<T> forClass(Class<T> type, Map<String, ?> config) {
        Class<?> serdeClass = new AbstractConfig(CONFIG_DEF, config, false).getClass(VALUE_SERDE_CLASS);
        Serde<T> serde = serdeClass == AvroSerde.class ? new AvroSerde<>(type) : instantiate(serdeClass);
        serde.configure(config, false);
        return serde;
    }

    /**
     * Unchecked: a plugged-in serde is generic only by contract (its class names no record
     * type); a wrong one shows as a ClassCastException where its values are used.
     */
    @SuppressWarnings("unchecked")
    private static <T> Serde<T> instantiate(Class<?> serdeClass) {
        if (!Serde.class.isAssignableFrom(serdeClass)) {
            throw new ConfigException(VALUE_SERDE_CLASS, serdeClass.getName(),
                    "not an implementation of " + Serde.class.getName());
        }
        try {
            return (Serde<T>) serdeClass.getConstructor().newInstance();
        } catch (NoSuchMethodException | IllegalAccessException e) {
            throw new ConfigException(VALUE_SERDE_CLASS, serdeClass.getName(), "needs a public no-arg constructor");
        } catch (InstantiationException | InvocationTargetException e) {
            throw new ConfigException(VALUE_SERDE_CLASS, serdeClass.getName(), "its constructor failed: "
                    + (e.getCause() == null ? e : e.getCause()));
        }
    }
}
