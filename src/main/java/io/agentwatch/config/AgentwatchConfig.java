package io.agentwatch.config;

import io.agentwatch.avro.Action;
import io.agentwatch.avro.Severity;
import io.agentwatch.config.Topics;
import io.agentwatch.serde.AvroSerdeConfig;
import io.agentwatch.serde.AvroSerdes;
import java.time.Duration;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Properties;
import org.apache.kafka.common.config.AbstractConfig;
import org.apache.kafka.common.config.ConfigDef;
import org.apache.kafka.common.config.ConfigDef.Importance;
import org.apache.kafka.common.config.ConfigDef.Range;
import org.apache.kafka.common.config.ConfigDef.Type;
import org.apache.kafka.common.config.ConfigDef.ValidList;
import org.apache.kafka.common.config.ConfigDef.ValidString;
import org.apache.kafka.streams.StreamsConfig;

/**
 * The one typed, documented configuration of agentwatch, in Kafka's ConfigDef style (name,
 * type, default, validator, doc). Keys starting with {@code kafka.} are passed through, without
 * the prefix, to Kafka Streams and its clients (bootstrap servers, security, tuning); agentwatch
 * only sets safe defaults for them (exactly_once_v2, an explicit state dir). Keys starting
 * with {@code schema.registry.} and the key {@code value.serde.class} go to the Avro serde.
 * Sources, later wins: defaults, the config file, environment variables {@code AGENTWATCH_*}
 * (see {@link ConfigLoader}), command-line overrides.
 */
public final class AgentwatchConfig extends AbstractConfig {
    public static final String KAFKA_PREFIX = "kafka.";

    public static final String TOPIC_TOOL_CALLS = "topic.tool.calls";
    public static final String TOPIC_TOKEN_ISSUANCES = "topic.token.issuances";
    public static final String TOPIC_TOKEN_REVOCATIONS = "topic.token.revocations";
    public static final String TOPIC_BASELINE_RESETS = "topic.baseline.resets";
    public static final String TOPIC_FINDINGS = "topic.findings";
    public static final String TOPIC_REVOKE_COMMANDS = "topic.revoke.commands";
    public static final String TOPIC_TOKEN_INDEX = "topic.token.index";
    public static final String TOPIC_DLQ = "topic.dlq";
    public static final String TOPIC_APPROVALS = "topic.approvals";
    public static final String TOPIC_FINDING_FEEDBACK = "topic.finding.feedback";

    public static final String SCHEMA_REGISTRY_URL = "schema.registry.url";
    public static final String CATALOG_FILE = "catalog.file";
    public static final String SUPPRESSIONS_FILE = "suppressions.file";
    public static final String RULES_FILE = "rules.file";
    public static final String RULES_MAX_COST = "rules.max.cost";
    public static final String RULES_WATCH = "rules.watch";
    public static final String FEEDBACK_SUPPRESSION_TTL = "feedback.suppression.ttl";

    public static final String BASELINE_MIN_EVENTS = "baseline.min.events";
    public static final String BASELINE_MIN_DAYS = "baseline.min.days";
    public static final String BASELINE_HALF_LIFE = "baseline.half.life";
    public static final String BASELINE_MAX_VALUES = "baseline.max.values";
    public static final String DESTINATION_QUARANTINE_SESSIONS = "baseline.destination.quarantine.sessions";
    public static final String DESTINATION_THRESHOLD_BITS = "chain.destination.threshold.bits";
    public static final String SESSION_IDLE_TIMEOUT = "session.idle.timeout";
    public static final String TOKEN_EXPIRY_LEEWAY = "token.expiry.leeway";
    public static final String STATE_RETENTION = "state.retention";
    public static final String STATE_TOKEN_MAX_LIFETIME = "state.token.max.lifetime";
    public static final String SESSION_MAX_OPEN = "session.max.open.per.agent";
    public static final String SESSION_MAX_BYTES = "session.max.bytes";
    public static final String MAX_FUTURE_SKEW = "event.max.future.skew";
    public static final String REPLAY_MAX_GAP = "replay.max.gap";
    public static final String REPLAY_MAX_LINE_BYTES = "replay.max.line.bytes";
    public static final String INPUT_MAX_FIELD_CHARS = "input.max.field.chars";
    public static final String INPUT_MAX_LIST_ENTRIES = "input.max.list.entries";
    public static final String PUNCTUATE_INTERVAL = "punctuate.interval";
    public static final String DRIFT_THRESHOLD_BITS = "drift.surprisal.threshold.bits";
    public static final String DRIFT_SESSION_SCORE = "drift.session.score";
    public static final String CHAIN_BOUNDARY_LIMIT = "chain.boundary.limit";
    public static final String CHAIN_BOUNDARY_WINDOW = "chain.boundary.window";
    public static final String RATE_WINDOW = "rate.window";
    public static final String RATE_FACTOR = "rate.factor";
    public static final String RATE_MIN_CALLS = "rate.min.calls";
    public static final String PROBING_DENIED_LIMIT = "probing.denied.limit";
    public static final String PROBING_WINDOW = "probing.window";

    public static final String TASK_TYPES_FILE = "task.types.file";
    public static final String TASK_MAX_TYPES = "task.max.types";
    public static final String TASK_MIN_SESSIONS = "task.min.sessions";

    public static final String HYGIENE_TTL_READONLY = "hygiene.ttl.readonly";
    public static final String HYGIENE_TTL_STANDARD = "hygiene.ttl.standard";
    public static final String HYGIENE_TTL_CRITICAL = "hygiene.ttl.critical";
    public static final String HYGIENE_SCOPES_READONLY = "hygiene.scopes.readonly";
    public static final String HYGIENE_SCOPES_CRITICAL = "hygiene.scopes.critical";
    public static final String HYGIENE_UNUSED_SCOPE_SESSIONS = "hygiene.unused.scope.sessions";
    public static final String HYGIENE_REPORT_INTERVAL = "hygiene.report.interval";

    public static final String RESPONSE_DRY_RUN = "response.dry.run";
    public static final String RESPONSE_ALERT_MIN_SEVERITY = "response.alert.min.severity";
    public static final String RESPONSE_REVOKE_MIN_SEVERITY = "response.revoke.min.severity";
    public static final String RESPONSE_REVOKE_SESSION_RISK = "response.revoke.session.risk";
    public static final String RESPONSE_REVOKE_AGENT_RULES = "response.revoke.agent.rules";
    public static final String RESPONSE_READONLY_MAX_ACTION = "response.tier.readonly.max.action";
    public static final String RESPONSE_CRITICAL_MIN_ACTION = "response.tier.critical.min.action";
    public static final String RESPONSE_COMMAND_TTL = "response.command.ttl";
    public static final String RESPONSE_CONFIRM_TIMEOUT = "response.confirm.timeout";
    public static final String RESPONSE_APPROVAL_WHEN = "response.approval.when";
    public static final String RESPONSE_APPROVAL_TIMEOUT = "response.approval.timeout";
    public static final String RESPONSE_SIGNING = "response.signing";
    public static final String RESPONSE_SIGNING_KEY_FILE = "response.signing.key.file";
    /** The HMAC key of earlier versions; refused with a pointer to its replacement. */
    static final String REMOVED_RESPONSE_SIGNING_KEY = "response.signing.key";

    public static final String INPUT_REQUIRE_SIGNATURE = "input.require.signature";
    public static final String INPUT_TRUSTED_KEYS_FILE = "input.trusted.keys.file";

    public static final String HTTP_PORT = "http.port";
    public static final String HTTP_BIND = "http.bind";
    public static final String ADMIN_TOKEN = "admin.token";
    public static final String HTTP_READ_TOKEN = "http.read.token";
    public static final String HTTP_REQUEST_TIMEOUT = "http.request.timeout";
    public static final String LOG_FORMAT = "log.format";

    public static final String KEYCLOAK_URL = "keycloak.url";
    public static final String KEYCLOAK_REALM = "keycloak.realm";
    public static final String KEYCLOAK_ADMIN_REALM = "keycloak.admin.realm";
    public static final String KEYCLOAK_ADMIN_CLIENT_ID = "keycloak.admin.client.id";
    public static final String KEYCLOAK_ADMIN_CLIENT_SECRET = "keycloak.admin.client.secret";
    public static final String KEYCLOAK_CLIENTS_FILE = "keycloak.clients.file";
    public static final String KEYCLOAK_AGENT_ID_TEMPLATE = "keycloak.agent.id.template";
    public static final String KEYCLOAK_POLL_INTERVAL = "keycloak.poll.interval";
    public static final String KEYCLOAK_EVENTS_SETTLE = "keycloak.events.settle";
    public static final String KEYCLOAK_HTTP_TIMEOUT = "keycloak.http.timeout";
    public static final String KEYCLOAK_BRIDGE_ID = "keycloak.bridge.id";
    public static final String KEYCLOAK_REQUIRE_SIGNED_COMMANDS = "keycloak.require.signed.commands";
    public static final String KEYCLOAK_COMMAND_KEYS_FILE = "keycloak.command.keys.file";
    public static final String TOPIC_KEYCLOAK_POSITION = "topic.keycloak.position";

    private static final String[] SEVERITIES = Arrays.stream(Severity.values()).map(Enum::name).toArray(String[]::new);
    /** The actions the response tiers can bound: REQUIRE_APPROVAL is the step-up's, not a tier's. */
    private static final String[] ACTIONS = Arrays.stream(Action.values()).filter(a -> a != Action.REQUIRE_APPROVAL)
            .map(Enum::name).toArray(String[]::new);

    public static final ConfigDef DEFINITION = new ConfigDef()
            .define(TOPIC_TOOL_CALLS, Type.STRING, Topics.TOOL_CALLS, Importance.MEDIUM, "Input topic of ToolCall events, keyed by agent id.")
            .define(TOPIC_TOKEN_ISSUANCES, Type.STRING, Topics.TOKEN_ISSUANCES, Importance.MEDIUM, "Input topic of TokenIssued events, keyed by agent id; co-partitioned with the tool calls.")
            .define(TOPIC_TOKEN_REVOCATIONS, Type.STRING, Topics.TOKEN_REVOCATIONS, Importance.MEDIUM, "Input topic of TokenRevoked events, keyed by agent id; co-partitioned with the tool calls.")
            .define(TOPIC_BASELINE_RESETS, Type.STRING, Topics.BASELINE_RESETS, Importance.MEDIUM, "Input topic of BaselineReset requests, keyed by agent id; co-partitioned with the tool calls. The admin endpoint writes to it, so a reset answered 202 survives a crash.")
            .define(TOPIC_FINDINGS, Type.STRING, Topics.FINDINGS, Importance.MEDIUM, "Output topic of Finding records for analysts.")
            .define(TOPIC_REVOKE_COMMANDS, Type.STRING, Topics.REVOKE_COMMANDS, Importance.MEDIUM, "Output topic of RevokeCommand records for the credential broker.")
            .define(TOPIC_TOKEN_INDEX, Type.STRING, Topics.TOKEN_INDEX, Importance.LOW, "Compacted topic of tokens keyed by token id (read back as a GlobalKTable for cross-agent checks).")
            .define(TOPIC_DLQ, Type.STRING, Topics.DLQ, Importance.MEDIUM, "Dead-letter topic: records that cannot be decoded or fail validation, with the reason in headers.")
            .define(TOPIC_APPROVALS, Type.STRING, Topics.APPROVALS, Importance.MEDIUM, "Input topic of ApprovalDecision records (a person's answer to a step-up approval), keyed by agent id; co-partitioned with the tool calls.")
            .define(TOPIC_FINDING_FEEDBACK, Type.STRING, Topics.FINDING_FEEDBACK, Importance.MEDIUM, "Input topic of FindingFeedback records (analysts' verdicts on findings), keyed by agent id; co-partitioned with the tool calls.")
            .define(SCHEMA_REGISTRY_URL, Type.STRING, "mock://agentwatch", Importance.HIGH, "Confluent-compatible schema registry URL(s), comma-separated; mock://NAME is an in-memory registry for tests and the demo.")
            .define(CATALOG_FILE, Type.STRING, "", Importance.MEDIUM, "Tool catalog (YAML or JSON) giving defaults for operation, boundary, sensitivity, scope and flags by tool name or glob. Empty: the built-in catalog of common tools.")
            .define(SUPPRESSIONS_FILE, Type.STRING, "", Importance.MEDIUM, "Suppression rules (YAML or JSON) for known false positives; reloadable at run time through the admin endpoint. Empty: none.")
            .define(RULES_FILE, Type.STRING, "", Importance.MEDIUM, "Analysts' rules (YAML or JSON): CEL conditions over the call, its token, the session so far and the baseline, each with id, severity, action and tags. Loaded at start (an invalid file stops the start, exit 2), reloaded through the admin endpoint and when the file changes (an invalid file is refused, the rules in force stay). Empty: none.")
            .define(RULES_MAX_COST, Type.LONG, 100_000L, Range.between(10L, 100_000_000L), Importance.LOW, "Highest estimated cost (units: one per expression node, one per ten characters a string operation may scan, times the list bound inside exists/all/filter/map) a rule's condition may have for one call; a rule above it is refused.")
            .define(RULES_WATCH, Type.BOOLEAN, true, Importance.LOW, "run/demo: reload rules.file when it changes on disk.")
            .define(FEEDBACK_SUPPRESSION_TTL, Type.STRING, "30d", Durations.positive(), Importance.MEDIUM, "How long (stream time, from the verdict) the suppression a FALSE_POSITIVE verdict creates lasts, unless the verdict gives its own expires_at.")
            .define(BASELINE_MIN_EVENTS, Type.INT, 100, Range.atLeast(1), Importance.HIGH, "Clean tool calls an agent's baseline must have learned before it is ACTIVE and the statistical detectors act.")
            .define(BASELINE_MIN_DAYS, Type.INT, 3, Range.between(1, 60), Importance.HIGH, "Distinct days (UTC) those clean calls must span before the baseline is ACTIVE.")
            .define(BASELINE_HALF_LIFE, Type.STRING, "14d", Durations.positive(), Importance.MEDIUM, "Half-life of the decayed counts in a baseline (stream time): behaviour not repeated fades away.")
            .define(BASELINE_MAX_VALUES, Type.INT, 256, Range.between(8, 100_000), Importance.MEDIUM, "Most values kept per grain (tools, targets, ...) per agent; the least recently seen are dropped, so state stays bounded.")
            .define(DESTINATION_QUARANTINE_SESSIONS, Type.INT, 3, Range.between(1, 100), Importance.HIGH, "Clean sessions in which a new destination (recipient, payee, URL host) must be used before it joins the baseline, so that one missed attack does not make the attacker's address normal.")
            .define(SESSION_IDLE_TIMEOUT, Type.STRING, "30m", Durations.positive(), Importance.MEDIUM, "A session with no call for this long (stream time), plus event.max.future.skew, has ended; if it raised nothing HIGH or CRITICAL, the baseline learns from it.")
            .define(TOKEN_EXPIRY_LEEWAY, Type.STRING, "30s", Importance.LOW, "Clock leeway when judging a call against a token's expiry.")
            .define(STATE_RETENTION, Type.STRING, "1h", Durations.positive(), Importance.LOW, "How long expired or revoked tokens are kept before they are purged (grace for late calls).")
            .define(STATE_TOKEN_MAX_LIFETIME, Type.STRING, "7d", Durations.positive(), Importance.LOW, "A token is purged from state (and from the token index of every instance) at the latest this long after its issuance plus state.retention, whatever expiry it claims; a later call with it reads as an unknown token.")
            .define(SESSION_MAX_OPEN, Type.INT, 256, Range.between(1, 100_000), Importance.LOW, "Most sessions one agent may have open at once; a new one beyond it closes the agent's oldest open session (not learned) with a LOW finding, so one agent cannot fill the state with sessions.")
            .define(SESSION_MAX_BYTES, Type.INT, 262_144, Range.between(16_384, 4_194_304), Importance.LOW, "Largest stored size of one session; a session that grows past it keeps only its latest calls and gives up what the baseline would learn from it (it is not learned), so a changelog record stays far below the producer's max.request.size.")
            .define(MAX_FUTURE_SKEW, Type.STRING, "5m", Durations.positive(), Importance.MEDIUM, "Records stamped further than this ahead of the wall clock go to the DLQ (future-timestamp), so one bad clock cannot expire every token of a partition; records stamped before 1970 go there too (pre-epoch-timestamp).")
            .define(REPLAY_MAX_GAP, Type.STRING, "90d", Durations.positive(), Importance.LOW, "replay only: a record further than this ahead of the trace's stream time (before the first accepted record: of the machine's clock, since a recorded trace does not come from the future) goes to the DLQ. Traces have nights and weekends between sessions, so this is far larger than event.max.future.skew.")
            .define(REPLAY_MAX_LINE_BYTES, Type.INT, 1_048_576, Range.between(1024, 64 * 1_048_576), Importance.LOW, "replay only: a trace line longer than this (bytes) is reported and skipped without being held in memory.")
            .define(INPUT_MAX_FIELD_CHARS, Type.INT, 2048, Range.between(64, 1_000_000), Importance.MEDIUM, "Longest string an input field may hold (ids, names, targets, scopes, attribute keys and values); a record with a longer one goes to the DLQ (field-too-long). Bounds what one record can put into state, findings and revoke commands.")
            .define(INPUT_MAX_LIST_ENTRIES, Type.INT, 256, Range.between(8, 100_000), Importance.LOW, "Most entries an input list or map may hold (scopes, boundaries, actor_chain, attributes); a record with more goes to the DLQ (too-many-entries).")
            .define(PUNCTUATE_INTERVAL, Type.STRING, "1m", Durations.positive(), Importance.LOW, "Stream-time interval of the sweep that closes idle sessions, purges tokens and checks unconfirmed revocations.")
            .define(DRIFT_THRESHOLD_BITS, Type.DOUBLE, 4.0, Range.between(0.5, 64), Importance.HIGH, "Surprisal (bits, -log2 probability) at or above which a value is UNSEEN/RARE enough to report. 4 bits = probability 1/16 given the agent's history.")
            .define(DRIFT_SESSION_SCORE, Type.DOUBLE, 12.0, Range.atLeast(1), Importance.MEDIUM, "Accumulated weighted surprisal in one session that raises a session-level drift finding (several mildly rare actions add up).")
            .define(DESTINATION_THRESHOLD_BITS, Type.DOUBLE, 2.0, Range.between(0, 64), Importance.HIGH, "Surprisal (bits) a never-used destination must have, from the agent's own rate of clean sessions that reach new destinations, before it can revoke: 2 bits = fewer than about one session in four reaches someone new. Below it, an agent that writes to new parties all the time gets LOW context findings instead.")
            .define(CHAIN_BOUNDARY_LIMIT, Type.INT, 4, Range.atLeast(2), Importance.MEDIUM, "A session touching more distinct boundaries than this (and more than its baseline's usual) within chain.boundary.window is flagged.")
            .define(CHAIN_BOUNDARY_WINDOW, Type.STRING, "10m", Durations.positive(), Importance.LOW, "Window for chain.boundary.limit.")
            .define(RATE_WINDOW, Type.STRING, "5m", Durations.positive(), Importance.LOW, "Window in which a session's calls are counted for the rate detector.")
            .define(RATE_FACTOR, Type.DOUBLE, 4.0, Range.atLeast(1.5), Importance.MEDIUM, "A window is anomalous when its calls exceed this multiple of the agent's usual (EWMA) and 6 robust deviations.")
            .define(RATE_MIN_CALLS, Type.INT, 60, Range.atLeast(1), Importance.LOW, "Fewest calls in a window before the rate detector may fire.")
            .define(PROBING_DENIED_LIMIT, Type.INT, 5, Range.atLeast(2), Importance.MEDIUM, "DENIED calls in one session within probing.window that count as probing.")
            .define(PROBING_WINDOW, Type.STRING, "10m", Durations.positive(), Importance.LOW, "Window for probing.denied.limit.")
            .define(TASK_TYPES_FILE, Type.STRING, "", Importance.MEDIUM, "Task-type mapping (YAML or JSON): patterns over a token's purpose (case-insensitive globs matching the whole purpose, or regexes found anywhere in it), first match wins, each naming a task type. With it, behaviour is learned per (agent, task type) as well as per agent, and an action normal for the agent but never seen for the token's task type is a finding (intent.unexpected_for_task). Empty: no task baselines (learning free-text purposes would memorise users' prompts).")
            .define(TASK_MAX_TYPES, Type.INT, 16, Range.between(1, 1000), Importance.LOW, "Most task types with a baseline per agent; the one learned least recently is dropped for a new one, so state stays bounded.")
            .define(TASK_MIN_SESSIONS, Type.INT, 5, Range.between(1, 10_000), Importance.MEDIUM, "Clean sessions of a task type an agent's task baseline must have learned before it judges calls of that task type.")
            .define(HYGIENE_TTL_READONLY, Type.STRING, "24h", Durations.positive(), Importance.MEDIUM, "Longest lifetime (expires_at - issued_at) of a token whose every scope matches hygiene.scopes.readonly; a longer one is a LOW finding (token.ttl_exceeded) when it is issued.")
            .define(HYGIENE_TTL_STANDARD, Type.STRING, "8h", Durations.positive(), Importance.MEDIUM, "Longest lifetime of a token in neither the read-only nor the critical tier.")
            .define(HYGIENE_TTL_CRITICAL, Type.STRING, "1h", Durations.positive(), Importance.MEDIUM, "Longest lifetime of a token that does not restrict scopes, or grants a scope matching hygiene.scopes.critical.")
            .define(HYGIENE_SCOPES_READONLY, Type.LIST, List.of("*:read", "read:*"), Importance.LOW, "Scope globs (case-insensitive) of the read-only token tier: a token all of whose scopes match is read-only.")
            .define(HYGIENE_SCOPES_CRITICAL, Type.LIST, List.of("*:write", "*:admin", "*:delete", "*:execute", "*:refund", "*:share", "*:delegate", "payments:*", "secrets:*", "deploy:*"), Importance.LOW, "Scope globs (case-insensitive) of the critical token tier: a token granting one of them (or not restricting scopes) is critical.")
            .define(HYGIENE_UNUSED_SCOPE_SESSIONS, Type.INT, 20, Range.between(1, 100_000), Importance.MEDIUM, "A scope granted to an agent's sessions this many times in a row without any call needing it is over-provisioned; the agent's periodic scope.unused finding lists it.")
            .define(HYGIENE_REPORT_INTERVAL, Type.STRING, "1d", Durations.positive(), Importance.LOW, "Stream time between two scope.unused findings of one agent (the report is made when one of its sessions ends).")
            .define(RESPONSE_DRY_RUN, Type.BOOLEAN, false, Importance.HIGH, "Findings only: decide actions but publish no revoke command.")
            .define(RESPONSE_ALERT_MIN_SEVERITY, Type.STRING, "MEDIUM", ValidString.in(SEVERITIES), Importance.MEDIUM, "Lowest severity whose finding is an ALERT (below: action NONE, context only).")
            .define(RESPONSE_REVOKE_MIN_SEVERITY, Type.STRING, "HIGH", ValidString.in(SEVERITIES), Importance.HIGH, "Lowest severity that revokes (the token for a credential violation, the session otherwise).")
            .define(RESPONSE_REVOKE_SESSION_RISK, Type.INT, 80, Range.between(1, 1000), Importance.MEDIUM, "Accumulated session risk that revokes the session whatever the severity of the last finding.")
            .define(RESPONSE_REVOKE_AGENT_RULES, Type.LIST, List.of(), Importance.MEDIUM, "Rules whose HIGH+ findings revoke every token of the agent instead of the token or session they name (e.g. token.foreign, if an agent that presents another agent's token is to be cut off everywhere). Empty: no agent-wide revocation.")
            .define(RESPONSE_READONLY_MAX_ACTION, Type.STRING, "REVOKE_TOKEN", ValidString.in(ACTIONS), Importance.MEDIUM, "Tier for low-risk calls (READ of PUBLIC/INTERNAL data that reaches no outside party): the strongest action they may trigger.")
            .define(RESPONSE_CRITICAL_MIN_ACTION, Type.STRING, "REVOKE_SESSION", ValidString.in(ACTIONS), Importance.MEDIUM, "Tier for high-impact calls (WRITE/DELETE/EXECUTE/DELEGATE on CONFIDENTIAL or RESTRICTED data, or catalog 'financial' tools): a revoke is at least this wide.")
            .define(RESPONSE_COMMAND_TTL, Type.STRING, "1h", Durations.positive(), Importance.LOW, "A revoke command's expires_at is the latest expiry of the tokens it covers, and at least issued_at + this, so that no command reaches the broker already stale.")
            .define(RESPONSE_CONFIRM_TIMEOUT, Type.STRING, "2m", Durations.positive(), Importance.MEDIUM, "A revoke command whose tokens are not reported revoked (TokenRevoked) within this stream time raises a RESPONSE finding.")
            .define(RESPONSE_APPROVAL_WHEN, Type.LIST, List.of(), ValidList.in(true, "restricted-write", "delegation", "money", "new-party"), Importance.HIGH, "Step-up approval: the high-impact calls that, rated MEDIUM by the detectors, suspend their token (a SUSPEND command) until a person approves (RESUME) or denies (revoke) on topic.approvals: restricted-write (WRITE or DELETE of RESTRICTED data), delegation (a DELEGATE call; a delegation broader than its delegator is revoked outright), money (a catalog 'financial' tool), new-party (a first payment or message to a party the agent never reached, after untrusted input in the session). Empty: no step-up, MEDIUM stays an ALERT. Brokers must understand SUSPEND and RESUME before this is set.")
            .define(RESPONSE_APPROVAL_TIMEOUT, Type.STRING, "15m", Durations.positive(), Importance.HIGH, "A suspension nobody decided within this time is revoked (the session): stream time of the agent's partition, or the wall clock when the partition is quiet.")
            .define(RESPONSE_SIGNING, Type.STRING, "ed25519", ValidString.in("ed25519", "none"), Importance.HIGH, "ed25519: every revoke command is signed with the key in response.signing.key.file, and run refuses to start without one; none: commands are published unsigned (the credential broker then trusts whoever can write to the command topic).")
            .define(RESPONSE_SIGNING_KEY_FILE, Type.STRING, "", Importance.HIGH, "Ed25519 private key file (PEM, made by `agentwatch keys`; mode 600) that signs revoke commands. The credential broker verifies with the matching .pub file. replay signs only when this is set.")
            .define(INPUT_REQUIRE_SIGNATURE, Type.BOOLEAN, false, Importance.HIGH, "Accept only input records signed by a trusted telemetry gateway (headers agentwatch-sig and agentwatch-kid, Ed25519 over the key and value bytes); others go to the DLQ (signature-missing, signature-unknown-key, signature-invalid). Not applied by replay, whose traces carry no headers.")
            .define(INPUT_TRUSTED_KEYS_FILE, Type.STRING, "", Importance.HIGH, "PEM file of the public keys (one PUBLIC KEY block each, the .pub files of `agentwatch keys`) of the gateways whose signatures input.require.signature accepts.")
            .define(HTTP_PORT, Type.INT, 8080, Range.between(0, 65535), Importance.MEDIUM, "Port of /metrics, /health, /ready and /agents/{id}; 0 picks a free port.")
            .define(HTTP_BIND, Type.STRING, "127.0.0.1", Importance.MEDIUM, "Address the HTTP server binds to; loopback unless you set it.")
            .define(ADMIN_TOKEN, Type.PASSWORD, null, Secrets.atLeast(16), Importance.MEDIUM, "Bearer token required by admin calls (baseline reset, suppression reload); the same on every instance, at least 16 characters. Unset: admin calls are refused.")
            .define(HTTP_READ_TOKEN, Type.PASSWORD, null, Secrets.atLeast(16), Importance.HIGH, "Bearer token required by GET /agents/{id} (the admin token works too); the same on every instance, at least 16 characters. Unset: /agents is open, and then http.bind must be a loopback address.")
            .define(HTTP_REQUEST_TIMEOUT, Type.STRING, "5s", Durations.positive(), Importance.LOW, "Longest time a client may take to send its request, and to take the answer; then the connection is closed, so slow clients cannot hold the HTTP threads.")
            .define(LOG_FORMAT, Type.STRING, "text", ValidString.in("text", "json"), Importance.LOW, "text, or json for one JSON object per finding / revoke command log line.")
            .define(KEYCLOAK_URL, Type.STRING, "", Importance.HIGH, "keycloak-bridge: base URL of Keycloak (http://host:8080, with the path prefix if any, no /realms).")
            .define(KEYCLOAK_REALM, Type.STRING, "", Importance.HIGH, "keycloak-bridge: the realm whose agents' tokens are bridged.")
            .define(KEYCLOAK_ADMIN_REALM, Type.STRING, "", Importance.MEDIUM, "keycloak-bridge: realm of the bridge's own client (keycloak.admin.client.id). Empty: keycloak.realm.")
            .define(KEYCLOAK_ADMIN_CLIENT_ID, Type.STRING, "agentwatch-bridge", Importance.HIGH, "keycloak-bridge: confidential client whose service account reads events and sets client notBefore (realm-management roles view-events, view-realm, manage-clients, view-users).")
            .define(KEYCLOAK_ADMIN_CLIENT_SECRET, Type.PASSWORD, null, Importance.HIGH, "keycloak-bridge: secret of keycloak.admin.client.id.")
            .define(KEYCLOAK_CLIENTS_FILE, Type.STRING, "", Importance.HIGH, "keycloak-bridge: YAML or JSON file mapping Keycloak clientIds to agent ids (SPIFFE) and, optionally, the trust boundaries their tokens allow. Clients in neither this file nor keycloak.agent.id.template are not agents: their events are skipped.")
            .define(KEYCLOAK_AGENT_ID_TEMPLATE, Type.STRING, "", Importance.MEDIUM, "keycloak-bridge: agent id of clients not in keycloak.clients.file, with {client_id} replaced, e.g. spiffe://corp.example/agents/{client_id}. Empty: only the listed clients are agents.")
            .define(KEYCLOAK_POLL_INTERVAL, Type.STRING, "1s", Durations.positive(), Importance.MEDIUM, "keycloak-bridge: how often Keycloak's events are read; also the longest wait for a revoke command.")
            .define(KEYCLOAK_EVENTS_SETTLE, Type.STRING, "5s", Durations.positive(), Importance.LOW, "keycloak-bridge: events are re-read for this long after their timestamp, so that an event stored a moment after a later one is not missed. Longer than Keycloak's slowest request.")
            .define(KEYCLOAK_HTTP_TIMEOUT, Type.STRING, "10s", Durations.positive(), Importance.LOW, "keycloak-bridge: timeout of each call to Keycloak; a call that fails or times out is retried, the revoke command is not dropped.")
            .define(KEYCLOAK_BRIDGE_ID, Type.STRING, "agentwatch-keycloak-bridge", Importance.MEDIUM, "keycloak-bridge: Kafka transactional.id and consumer group of the bridge (the realm name is appended). One bridge per realm: a second one with the same id fences the first.")
            .define(KEYCLOAK_REQUIRE_SIGNED_COMMANDS, Type.BOOLEAN, true, Importance.HIGH, "keycloak-bridge: act only on revoke commands signed by a key in keycloak.command.keys.file (and not altered, expired or replayed); the bridge refuses to start without that file. false: without the file, act on every command read from the topic (access to it is then the only control).")
            .define(KEYCLOAK_COMMAND_KEYS_FILE, Type.STRING, "", Importance.HIGH, "keycloak-bridge: PEM file of the agentwatch public keys (the .pub files of `agentwatch keys`, concatenated) whose signatures on revoke commands it trusts. When set, every command is verified; refused ones are dead-lettered with the reason.")
            .define(TOPIC_KEYCLOAK_POSITION, Type.STRING, Topics.KEYCLOAK_POSITION, Importance.LOW, "keycloak-bridge: compacted topic holding the bridge's position in Keycloak's event log, written in the same transaction as the events it published.");

    public AgentwatchConfig(Map<?, ?> props) {
        super(DEFINITION, props, false);
        if (props.containsKey(REMOVED_RESPONSE_SIGNING_KEY)) {
            throw new org.apache.kafka.common.config.ConfigException(REMOVED_RESPONSE_SIGNING_KEY + " (an HMAC key) is"
                    + " no longer used: revoke commands are signed with Ed25519. Create a key pair with `agentwatch keys`,"
                    + " set " + RESPONSE_SIGNING_KEY_FILE + " to its .key file and remove " + REMOVED_RESPONSE_SIGNING_KEY);
        }
    }

    public Duration duration(String key) {
        return Durations.parse(getString(key));
    }

    public Severity severity(String key) {
        return Severity.valueOf(getString(key));
    }

    public Action action(String key) {
        return Action.valueOf(getString(key));
    }

    /**
     * Kafka Streams properties: agentwatch's safe defaults, then every {@code kafka.*} key
     * without its prefix. exactly_once_v2 unless the user says otherwise.
     */
    public Properties streamsProperties() {
        Properties p = new Properties();
        p.put(StreamsConfig.APPLICATION_ID_CONFIG, "agentwatch");
        p.put(StreamsConfig.PROCESSING_GUARANTEE_CONFIG, StreamsConfig.EXACTLY_ONCE_V2);
        p.put(StreamsConfig.STATE_DIR_CONFIG, "agentwatch-state");
        p.put(StreamsConfig.producerPrefix("acks"), "all");
        // Wait briefly for data known to be on another input partition before processing out of
        // timestamp order, so a token's issuance is seen before the calls that use it (KIP-695:
        // no wait when that partition has nothing to fetch).
        p.put(StreamsConfig.MAX_TASK_IDLE_MS_CONFIG, "1000");
        p.putAll(kafkaOverrides());
        return p;
    }

    /** The {@code kafka.*} keys, prefix stripped. */
    public Map<String, Object> kafkaOverrides() {
        return originalsWithPrefix(KAFKA_PREFIX, true);
    }

    /**
     * Settings for the value serde: the registry URL, every key of agentwatch's serde (retries,
     * timeouts, truststore) and every schema.registry.* / basic.auth.* / bearer.auth.* key (for a
     * plugged-in serde such as Confluent's).
     */
    public Map<String, Object> serdeConfig() {
        Map<String, Object> m = new HashMap<>();
        originals().forEach((k, v) -> {
            String key = k.toLowerCase(Locale.ROOT);
            if (AvroSerdeConfig.names().contains(key) || key.startsWith("schema.registry.")
                    || key.startsWith("basic.auth.") || key.startsWith("bearer.auth.")
                    || key.equals(AvroSerdes.VALUE_SERDE_CLASS)) {
                m.put(k, v);
            }
        });
        m.put(SCHEMA_REGISTRY_URL, getString(SCHEMA_REGISTRY_URL));
        return m;
    }
}
