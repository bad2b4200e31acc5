package io.agentwatch.cli;

import io.agentwatch.kafka.InputTopicsException;
import org.apache.kafka.common.config.ConfigException;

/** Exit codes of every command, and the mapping of failures onto them. */
public final class ExitCodes {
    public static final int OK = 0;
    public static final int FAILURE = 1;
    public static final int USAGE = 2;
    public static final int STREAMS_ERROR = 3;
    public static final int INTERRUPTED = 130;

    public static final String OK_TEXT = "0:Success (replay: the trace was read to the end, bad lines included).";
    public static final String FAILURE_TEXT = "1:Runtime failure (broker unreachable, I/O error).";
    public static final String USAGE_TEXT = "2:Unusable input: bad option, config, catalog or file, topics missing or not co-partitioned.";
    public static final String STREAMS_ERROR_TEXT = "3:Kafka Streams went to ERROR, or the cluster was gone longer than task.timeout.ms.";
    public static final String INTERRUPTED_TEXT = "130:Stopped by Ctrl-C (143: by SIGTERM); run and demo stop cleanly first.";

    private ExitCodes() {
    }

    /** Configuration and input problems are the user's to fix (2); anything else is a failure (1). */
    public static int codeFor(Throwable e) {
        if (e instanceof UsageException || e instanceof ConfigException || e instanceof IllegalArgumentException
                || e instanceof InputTopicsException) {
            return USAGE;
        }
        return FAILURE;
    }

    public static String describe(Throwable e) {
        String m = e.getMessage();
        return m == null || m.isBlank() ? e.getClass().getSimpleName() : m;
    }

    /** A problem with what the user gave us, with a message that says what to change. */
    public static final class UsageException extends RuntimeException {
        public UsageException(String message) {
            super(message);
        }
    }
}
