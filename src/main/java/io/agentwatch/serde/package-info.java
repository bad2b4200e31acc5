/**
 * Avro values on Kafka in the Confluent Schema Registry wire format, with our own registry
 * client (Confluent's artifacts are not reachable from our build).
 *
 * <p>{@link io.agentwatch.serde.AvroSerdes#forClass} is the one way the application creates
 * value serdes. Keys are plain UTF-8 strings and do not go through this package.
 *
 * <p>Errors come in two families, on purpose:
 * <ul>
 *   <li>{@link io.agentwatch.serde.AvroSerdeException} (a Kafka {@code SerializationException})
 *       means <em>this record</em> is bad; its {@link io.agentwatch.serde.AvroSerdeException.Reason}
 *       code is meant for the dead-letter topic's headers.</li>
 *   <li>{@link io.agentwatch.serde.SchemaRegistryException} and its subclasses mean the registry
 *       or our configuration is wrong (unreachable, credentials, incompatible schema). They are
 *       not {@code SerializationException}s, so that an outage stops the application instead
 *       of sending every good record to the dead-letter topic.</li>
 * </ul>
 */
package io.agentwatch.serde;
