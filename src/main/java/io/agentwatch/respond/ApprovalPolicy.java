package io.agentwatch.respond;

import io.agentwatch.avro.Observation;
import io.agentwatch.avro.Operation;
import io.agentwatch.avro.Sensitivity;
import io.agentwatch.catalog.ToolFlag;
import io.agentwatch.config.AgentwatchConfig;
import io.agentwatch.detect.Detection;
import io.agentwatch.model.Call;
import io.agentwatch.state.SessionState;
import java.util.EnumSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;

/**
 * Which calls ask a person before they go on: the high-impact kinds configured in
 * response.approval.when, when the detectors rate the call MEDIUM (an ALERT, not a revoke). Such
 * a call's token is suspended until a person approves or denies, and revoked after
 * {@code timeoutMs} without a decision.
 */
public record ApprovalPolicy(Set<Kind> kinds, long timeoutMs) {
    public static final ApprovalPolicy OFF = new ApprovalPolicy(Set.of(), 0);

    /** The high-impact calls that may ask for approval, named as in the configuration. */
    public enum Kind {
        /** WRITE or DELETE of RESTRICTED data. */
        RESTRICTED_WRITE,
        /** A DELEGATE call; a delegation broader than its delegator is revoked outright. */
        DELEGATION,
        /** A catalog 'financial' tool. */
        MONEY,
        /**
         * A first payment or message to a party the agent never reached, after untrusted input in
         * the session. The detectors rate that LOW when nothing else is wrong (new parties are
         * common); after untrusted input it is the step an injection takes, so it asks a person.
         */
        NEW_PARTY;

        public String label() {
            return name().toLowerCase(Locale.ROOT).replace('_', '-');
        }

        static Kind of(String label) {
            return valueOf(label.strip().toUpperCase(Locale.ROOT).replace('-', '_'));
        }
    }

    public ApprovalPolicy {
        kinds = kinds.isEmpty() ? Set.of() : Set.copyOf(EnumSet.copyOf(kinds));
    }

    public static ApprovalPolicy from(AgentwatchConfig c) {
        List<String> labels = c.getList(AgentwatchConfig.RESPONSE_APPROVAL_WHEN);
        EnumSet<Kind> kinds = EnumSet.noneOf(Kind.class);
        labels.forEach(l -> kinds.add(Kind.of(l)));
        return new ApprovalPolicy(kinds, c.duration(AgentwatchConfig.RESPONSE_APPROVAL_TIMEOUT).toMillis());
    }

    public boolean isOn() {
        return !kinds.isEmpty();
    }

    /** The configured kind of high-impact call {@code call} is, in the order of {@link Kind}, or null. */
    public Kind kindOf(Call call, SessionState session, List<Detection> detections) {
        for (Kind k : Kind.values()) {
            if (kinds.contains(k) && is(k, call, session, detections)) {
                return k;
            }
        }
        return null;
    }

    private static boolean is(Kind k, Call call, SessionState session, List<Detection> detections) {
        return switch (k) {
            case RESTRICTED_WRITE -> (call.operation() == Operation.WRITE || call.operation() == Operation.DELETE)
                    && call.sensitivity() == Sensitivity.RESTRICTED;
            case DELEGATION -> call.operation() == Operation.DELEGATE;
            case MONEY -> call.has(ToolFlag.FINANCIAL);
            case NEW_PARTY -> call.reachesParty() && call.operation() != Operation.READ
                    && session.activity().untrustedInputEventId() != null
                    && detections.stream().anyMatch(ApprovalPolicy::namesNewParty);
        };
    }

    /** The detection reports a destination this agent never reached (not one merely in quarantine). */
    static boolean namesNewParty(Detection d) {
        for (Observation o : d.observations()) {
            if ("destination".equals(o.getGrain()) && "UNSEEN".equals(o.getVerdict())) {
                return true;
            }
        }
        return false;
    }
}
