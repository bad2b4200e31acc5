package io.agentwatch.topology;

import io.agentwatch.topology.DetectionObserver;
import io.agentwatch.serde.AvroSerdeException;
import io.agentwatch.serde.SchemaRegistryException;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.errors.RecordTooLargeException;
import org.apache.kafka.common.errors.RetriableException;
import org.apache.kafka.streams.errors.DeserializationExceptionHandler;
import org.apache.kafka.streams.errors.ErrorHandlerContext;
import org.apache.kafka.streams.errors.ProcessingExceptionHandler;
import org.apache.kafka.streams.errors.ProductionExceptionHandler;
import org.apache.kafka.streams.processor.api.Record;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Kafka Streams' hook for records it cannot decode, for exceptions thrown while processing
 * (the validator's refusals among them) and for outputs it cannot write: the raw input record
 * goes to the dead-letter topic with the reason in headers, the metric counts it, and
 * processing goes on. Never a crash, never a silent drop. One exception: a schema registry
 * that cannot be reached stops the stream thread, so that good records wait for it instead of
 * being dead-lettered.
 */
public final class DeadLetterExceptionHandler
        implements DeserializationExceptionHandler, ProcessingExceptionHandler, ProductionExceptionHandler {
    /** Config key under which the app passes its dead-letter topic name. */
    public static final String DLQ_TOPIC_CONFIG = "agentwatch.dlq.topic";
    /** Config key under which the app passes its {@link DetectionObserver} instance. */
    public static final String OBSERVER_CONFIG = "agentwatch.observer";

    private static final Logger LOG = LoggerFactory.getLogger(DeadLetterExceptionHandler.class);

    private String dlqTopic;
    private DetectionObserver observer = DetectionObserver.NONE;
    private int maxRecordBytes;

    @Override
    public void configure(Map<String, ?> configs) {
        dlqTopic = (String) configs.get(DLQ_TOPIC_CONFIG);
        if (dlqTopic == null) {
            throw new IllegalStateException(DLQ_TOPIC_CONFIG + " must be set by the application");
        }
        Object o = configs.get(OBSERVER_CONFIG);
        if (o instanceof DetectionObserver d) {
            observer = d;
        }
        maxRecordBytes = AgentwatchTopology.maxRequestBytes(configs);
    }

    @Override
    public DeserializationExceptionHandler.Response handleError(ErrorHandlerContext context,
                                                                ConsumerRecord<byte[], byte[]> record,
                                                                Exception exception) {
        if (isRegistryOutage(exception)) {
            // Not a bad record: the registry cannot be reached. Fail, so the record is retried
            // after a restart instead of good data going to the dead-letter topic.
            LOG.error("Schema registry unavailable while decoding {}-{}@{}: {}", record.topic(), record.partition(),
                    record.offset(), exception.getMessage());
            return DeserializationExceptionHandler.Response.fail();
        }
        String reason = reasonOf(exception, "undecodable");
        LOG.warn("Dead-lettered undecodable record from {}-{}@{}: {} ({})", record.topic(), record.partition(),
                record.offset(), reason, InputRules.printable(exception.getMessage(), DeadLetters.MAX_HEADER_CHARS));
        observer.deadLetter(reason);
        return DeserializationExceptionHandler.Response.resume(List.of(DeadLetters.record(dlqTopic, record.key(),
                record.value(), new DeadLetters.Origin(record.topic(), record.partition(), record.offset()), reason,
                exception, maxRecordBytes)));
    }

    @Override
    public ProcessingExceptionHandler.Response handleError(ErrorHandlerContext context, Record<?, ?> record,
                                                           Exception exception) {
        String reason = reasonOf(exception, "processing-error");
        if (exception instanceof ValidationException) {
            LOG.warn("Dead-lettered record from {}-{}@{}: {} ({})", context.topic(), context.partition(),
                    context.offset(), reason, exception.getMessage());
        } else {
            LOG.error("Dead-lettered record from {}-{}@{} after a processing error in {}", context.topic(),
                    context.partition(), context.offset(), context.processorNodeId(), exception);
        }
        observer.deadLetter(reason);
        return ProcessingExceptionHandler.Response.resume(List.of(deadLetterOfInput(context, reason, exception)));
    }

    /** An output the producer refused when sending it. */
    @Override
    public ProductionExceptionHandler.Response handleError(ErrorHandlerContext context,
                                                           ProducerRecord<byte[], byte[]> record, Exception exception) {
        if (exception instanceof RetriableException) {
            // A broker that is slow or short of replicas: the record is fine, try again.
            return ProductionExceptionHandler.Response.retry();
        }
        return deadLetterOutput(context, record.topic(), exception);
    }

    /** An output that could not be serialized, or is too large to send (see {@link SizeLimitedSerializer}). */
    @SuppressWarnings("rawtypes") // as declared by ProductionExceptionHandler
    @Override
    public ProductionExceptionHandler.Response handleSerializationError(ErrorHandlerContext context,
                                                                        ProducerRecord record, Exception exception,
                                                                        SerializationExceptionOrigin origin) {
        if (isRegistryOutage(exception)) {
            LOG.error("Schema registry unavailable while writing to {}: {}", record.topic(), exception.getMessage());
            return ProductionExceptionHandler.Response.fail();
        }
        return deadLetterOutput(context, record.topic(), exception);
    }

    /**
     * The output is lost, so its input goes to the dead-letter topic, with the output topic in a
     * header: an operator can see what was not published and why. An output produced by a
     * stream-time sweep has no input record: its dead letter carries the headers only.
     */
    private ProductionExceptionHandler.Response deadLetterOutput(ErrorHandlerContext context, String outputTopic,
                                                                 Exception exception) {
        if (dlqTopic.equals(outputTopic)) {
            // A dead letter the broker refused (dead letters are cut to the producer's limit, so the
            // topic's own limit is lower): nothing left to write it to. Kafka Streams counts it as dropped.
            LOG.error("Could not write a dead letter to {}: {}; check that its max.message.bytes is at least the"
                    + " producer's max.request.size", dlqTopic, exception.toString());
            return ProductionExceptionHandler.Response.resume();
        }
        String reason = reasonOf(exception, "unwritable-output");
        LOG.error("Could not write a record to {} ({}): {}; dead-lettered its input", outputTopic, reason,
                exception.toString());
        observer.deadLetter(reason);
        ProducerRecord<byte[], byte[]> deadLetter = deadLetterOfInput(context, reason, exception);
        deadLetter.headers().add(DeadLetters.OUTPUT_TOPIC, outputTopic.getBytes(StandardCharsets.UTF_8));
        return ProductionExceptionHandler.Response.resume(List.of(deadLetter));
    }

    private ProducerRecord<byte[], byte[]> deadLetterOfInput(ErrorHandlerContext context, String reason,
                                                             Exception exception) {
        return DeadLetters.record(dlqTopic, context.sourceRawKey(), context.sourceRawValue(),
                new DeadLetters.Origin(context.topic(), context.partition(), context.offset()), reason, exception,
                maxRecordBytes);
    }

    /**
     * The registry could not answer (unreachable, credentials, a broken answer), as opposed to
     * answering about this record's schema: a record-level refusal ({@link AvroSerdeException})
     * may wrap the registry's answer (an unknown id, a Protobuf schema), and is a bad record.
     */
    static boolean isRegistryOutage(Throwable e) {
        for (Throwable t = e; t != null; t = t.getCause()) {
            if (t instanceof AvroSerdeException) {
                return false;
            }
            if (t instanceof SchemaRegistryException) {
                return true;
            }
        }
        return false;
    }

    /**
     * The exception's own reason code when it carries one (the serde's and the validator's do);
     * {@code record-too-large} for a record over the producer's limit, wherever it was refused.
     */
    static String reasonOf(Throwable e, String fallback) {
        for (Throwable t = e; t != null; t = t.getCause()) {
            if (t instanceof ValidationException v) {
                return v.reason();
            }
            if (t instanceof AvroSerdeException a) {
                return a.reason().code();
            }
            if (t instanceof RecordTooLargeException) {
                return "record-too-large";
            }
        }
        return fallback;
    }
}
