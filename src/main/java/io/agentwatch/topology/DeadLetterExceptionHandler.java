package io.agentwatch.topology;

import io.agentwatch.topology.DetectionObserver;
import io.agentwatch.serde.AvroSerdeException;
import io.agentwatch.serde.SchemaNotFoundException;
import io.agentwatch.serde.SchemaRegistryException;
import java.util.List;
import java.util.Map;
import org.apache.kafka.streams.errors.DeserializationExceptionHandler;
import org.apache.kafka.streams.errors.ErrorHandlerContext;
import org.apache.kafka.streams.errors.ProcessingExceptionHandler;
import org.apache.kafka.streams.processor.api.Record;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Kafka Streams' hook for records it cannot decode and for exceptions thrown while processing:
 * the raw record goes to the dead-letter topic with the reason in headers, the metric counts
 * it, and processing goes on. Never a crash, never a silent drop.
 */
public final class DeadLetterExceptionHandler implements DeserializationExceptionHandler, ProcessingExceptionHandler {
    /** Config key under which the app passes its dead-letter topic name. */
    public static final String DLQ_TOPIC_CONFIG = "agentwatch.dlq.topic";
    /** Config key under which the app passes its {@link DetectionObserver} instance. */
    public static final String OBSERVER_CONFIG = "agentwatch.observer";

    private static final Logger LOG = LoggerFactory.getLogger(DeadLetterExceptionHandler.class);

    private String dlqTopic;
    private DetectionObserver observer = DetectionObserver.NONE;

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
    }

    @Override
    public DeserializationExceptionHandler.Response handleError(ErrorHandlerContext context,
                                org.apache.kafka.clients.consumer.ConsumerRecord<byte[], byte[]> record,
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
                record.offset(), reason, exception.getMessage());
        observer.deadLetter(reason);
        return DeserializationExceptionHandler.Response.resume(List.of(DeadLetters.record(dlqTopic, record.key(), record.value(),
                new DeadLetters.Origin(record.topic(), record.partition(), record.offset()), reason, exception)));
    }

    @Override
    public ProcessingExceptionHandler.Response handleError(ErrorHandlerContext context, Record<?, ?> record,
                                                           Exception exception) {
        String reason = reasonOf(exception, "processing-error");
        LOG.error("Dead-lettered record from {}-{}@{} after a processing error in {}", context.topic(),
                context.partition(), context.offset(), context.processorNodeId(), exception);
        observer.deadLetter(reason);
        return ProcessingExceptionHandler.Response.resume(List.of(DeadLetters.record(dlqTopic,
                context.sourceRawKey(), context.sourceRawValue(),
                new DeadLetters.Origin(context.topic(), context.partition(), context.offset()), reason, exception)));
    }

    static boolean isRegistryOutage(Throwable e) {
        for (Throwable t = e; t != null; t = t.getCause()) {
            if (t instanceof SchemaRegistryException && !(t instanceof SchemaNotFoundException)) {
                return true;
            }
        }
        return false;
    }

    /** The exception's own reason code when it carries one (the serde's and the validator's do). */
    static String reasonOf(Throwable e, String fallback) {
        for (Throwable t = e; t != null; t = t.getCause()) {
            if (t instanceof ValidationException v) {
                return v.reason();
            }
            if (t instanceof AvroSerdeException a) {
                return a.reason().code();
            }
        }
        return fallback;
    }
}
