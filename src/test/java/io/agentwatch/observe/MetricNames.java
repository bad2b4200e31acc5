package io.agentwatch.observe;

import java.util.Set;

/**
 * Every metric and label name the dashboards may use, in one place. {@code DashboardsTest} fails
 * when a dashboard uses a name that is not here, so a dashboard cannot drift away from what the
 * application exposes without someone changing this list on purpose.
 */
public final class MetricNames {

    /**
     * agentwatch's own metrics, as Prometheus series names: the metrics contract of the
     * application (Micrometer's Prometheus registry names counters {@code *_total} and timers
     * {@code *_seconds_bucket/_count/_sum/_max}).
     */
    public static final Set<String> APP = Set.of(
            "agentwatch_events_in_total",
            "agentwatch_findings_total",
            "agentwatch_framework_findings_total",
            "agentwatch_revoke_commands_total",
            "agentwatch_revoke_commands_deduplicated_total",
            "agentwatch_approvals_total",
            "agentwatch_dlq_records_total",
            "agentwatch_agents",
            "agentwatch_store_entries",
            "agentwatch_punctuation_seconds_bucket",
            "agentwatch_punctuation_seconds_count",
            "agentwatch_punctuation_seconds_sum",
            "agentwatch_punctuation_seconds_max",
            "agentwatch_detection_latency_seconds_bucket",
            "agentwatch_detection_latency_seconds_count",
            "agentwatch_detection_latency_seconds_sum",
            "agentwatch_detection_latency_seconds_max",
            "agentwatch_record_processing_seconds_bucket",
            "agentwatch_record_processing_seconds_count",
            "agentwatch_record_processing_seconds_sum",
            "agentwatch_record_processing_seconds_max");

    /** Labels of the application metrics in the contract. */
    public static final Set<String> APP_LABELS = Set.of("type", "detector", "severity", "scope", "reason", "state", "store",
            "outcome", "framework", "item");

    /**
     * Kafka Streams' metrics as Micrometer's {@code KafkaStreamsMetrics} binder names them
     * ({@code kafka.<group without "-metrics">.<name>}, dots and dashes to underscores), exactly
     * the ones the dashboards rely on. Checked against a binder over an unstarted KafkaStreams
     * and a TopologyTestDriver with a RocksDB store, and against the running app by
     * {@code LiveDashboardsIT}, which fails when one of them is not exported. The app must keep
     * {@code metrics.recording.level} at INFO or finer for the {@code kafka_stream_state_*}
     * RocksDB properties and the topic metrics.
     */
    public static final Set<String> KAFKA_STREAMS = Set.of(
            "kafka_stream_client_state",
            "kafka_stream_alive_stream_threads",
            "kafka_stream_thread_process_rate",
            "kafka_stream_thread_commit_latency_avg",
            "kafka_stream_thread_commit_latency_max",
            "kafka_stream_thread_punctuate_latency_avg",
            "kafka_stream_thread_punctuate_latency_max",
            "kafka_stream_task_dropped_records_total",
            "kafka_stream_topic_records_consumed_total",
            "kafka_stream_topic_records_produced_total",
            "kafka_stream_state_estimate_num_keys",
            "kafka_stream_state_size_all_mem_tables",
            "kafka_stream_state_block_cache_usage",
            "kafka_stream_state_total_sst_files_size",
            "kafka_consumer_fetch_manager_records_lag_max");

    /** Labels of the Kafka Streams metrics above that the dashboards group or filter by. */
    public static final Set<String> KAFKA_STREAMS_LABELS = Set.of("thread_id", "client_id", "rocksdb_state_id", "topic");

    /** JVM and process metrics of Micrometer's JVM binders. */
    public static final Set<String> JVM = Set.of(
            "jvm_memory_used_bytes",
            "jvm_gc_pause_seconds_sum",
            "jvm_threads_live_threads",
            "process_cpu_usage");

    /** Labels of the JVM metrics above that the dashboards group or filter by. */
    public static final Set<String> JVM_LABELS = Set.of("area");

    /** Labels Prometheus adds at scrape time, and the bucket bound of histograms. */
    public static final Set<String> SCRAPE_LABELS = Set.of("instance", "job", "le");

    /**
     * Labels that would give each agent or session its own series. Metrics never carry them
     * (cardinality must not grow with the number of agents), so no query may use them either.
     */
    public static final Set<String> PER_AGENT_LABELS = Set.of("agent_id", "session_id", "token_id", "agent", "session");

    private MetricNames() {
    }
}
