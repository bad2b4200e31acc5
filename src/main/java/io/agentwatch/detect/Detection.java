package io.agentwatch.detect;

import io.agentwatch.avro.Action;
import io.agentwatch.frameworks.Frameworks;
import io.agentwatch.model.Call;
import io.agentwatch.avro.Observation;
import io.agentwatch.avro.RevokeScope;
import io.agentwatch.avro.Severity;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;

/**
 * What a detector found, before the response step decides what to do about it.
 * {@code revokeScope} is what would have to be revoked to stop this particular harm (the
 * token for a misused credential, the session for a hijacked task, the agent for a stolen
 * credential); the policy decides whether to revoke at all. {@code key} identifies the incident
 * within its session: a detection whose key was already raised there is not reported again
 * (null: always reported). {@code drift} is what the detection adds to the session's drift
 * score; {@code implicates} are destinations that must never be learned if this detection ends
 * up revoking; {@code otherAgentsTokens} are tokens of other agents it shows to be stolen (the
 * owner's broker must revoke them too). {@code action}, when set, is the action an analyst's rule
 * asks for instead of the one its severity would give (the response tiers still bound it);
 * {@code references} are the framework items an analyst's rule declares (the built-in rules'
 * come from {@link Frameworks}' table).
 */
public record Detection(String detector, String rule, Severity severity, int score, String summary,
                        RevokeScope revokeScope, List<String> eventIds, List<String> tools, List<String> boundaries,
                        List<String> scopes, List<String> tokenIds, List<String> notes,
                        List<Observation> observations, String key, double drift, List<String> implicates,
                        List<String> otherAgentsTokens, Action action, List<Frameworks.Item> references) {

    public static final String CREDENTIAL = "CREDENTIAL";
    public static final String SCOPE_DRIFT = "SCOPE_DRIFT";
    public static final String CROSS_BOUNDARY = "CROSS_BOUNDARY";
    public static final String RATE_ANOMALY = "RATE_ANOMALY";
    /** An analyst's rule from rules.file. */
    public static final String RULE = "RULE";
    public static final String RESPONSE = "RESPONSE";
    /** Is the action consistent with the token's declared task (task baselines). */
    public static final String INTENT = "INTENT";
    /** Credential hygiene: tokens that live too long, outlive or leave their task, scopes never used. */
    public static final String HYGIENE = "HYGIENE";

    public static Builder of(String detector, String rule, Severity severity, int score) {
        return new Builder(detector, rule, severity, score);
    }

    public boolean atLeast(Severity s) {
        return severity.ordinal() >= s.ordinal();
    }

    /** The framework items this detection relates to: its own (an analyst's rule), else its rule's row. */
    public List<Frameworks.Item> frameworkItems() {
        return references.isEmpty() ? Frameworks.forRule(rule) : references;
    }

    /**
     * One detection of the same rule and event from two views (a chain judged by its boundary and
     * by its destination): the stronger's severity, score and summary, the wider revoke, and the
     * evidence of both, so an analyst reads one finding per rule and event. Both views share the
     * rule, so the action and framework items are the stronger's.
     */
    public Detection mergedWith(Detection o) {
        Detection strong = o.severity.ordinal() > severity.ordinal() ? o : this;
        return new Detection(detector, rule, strong.severity, Math.max(score, o.score), strong.summary,
                revokeScope.ordinal() >= o.revokeScope.ordinal() ? revokeScope : o.revokeScope,
                union(eventIds, o.eventIds), union(tools, o.tools), union(boundaries, o.boundaries),
                union(scopes, o.scopes), union(tokenIds, o.tokenIds), union(notes, o.notes),
                java.util.stream.Stream.concat(observations.stream(), o.observations.stream()).toList(), key,
                drift + o.drift, union(implicates, o.implicates), union(otherAgentsTokens, o.otherAgentsTokens),
                strong.action, strong.references);
    }

    private static List<String> union(List<String> a, List<String> b) {
        Set<String> all = new LinkedHashSet<>(a);
        all.addAll(b);
        return List.copyOf(all);
    }

    /** Collects evidence in the order it is added, without repeats. */
    public static final class Builder {
        private final String detector;
        private final String rule;
        private final Severity severity;
        private final int score;
        private String summary = "";
        private RevokeScope revokeScope = RevokeScope.SESSION;
        private final Set<String> eventIds = new LinkedHashSet<>();
        private final Set<String> tools = new LinkedHashSet<>();
        private final Set<String> boundaries = new LinkedHashSet<>();
        private final Set<String> scopes = new LinkedHashSet<>();
        private final Set<String> tokenIds = new LinkedHashSet<>();
        private final List<String> notes = new ArrayList<>();
        private final List<Observation> observations = new ArrayList<>();
        private String key;
        private double drift;
        private final Set<String> implicates = new LinkedHashSet<>();
        private final Set<String> otherAgentsTokens = new LinkedHashSet<>();
        private Action action;
        private final List<Frameworks.Item> references = new ArrayList<>();

        private Builder(String detector, String rule, Severity severity, int score) {
            this.detector = detector;
            this.rule = rule;
            this.severity = severity;
            this.score = Math.max(0, Math.min(100, score));
        }

        public Builder summary(String text) {
            summary = text;
            return this;
        }

        public Builder revoke(RevokeScope scope) {
            revokeScope = scope;
            return this;
        }

        public Builder event(String id) {
            add(eventIds, id);
            return this;
        }

        public Builder tool(String t) {
            add(tools, t);
            return this;
        }

        public Builder boundary(String b) {
            add(boundaries, b);
            return this;
        }

        public Builder scope(String s) {
            add(scopes, s);
            return this;
        }

        public Builder scopes(List<String> s) {
            if (s != null) {
                s.forEach(this::scope);
            }
            return this;
        }

        public Builder token(String t) {
            add(tokenIds, t);
            return this;
        }

        public Builder note(String n) {
            notes.add(n);
            return this;
        }

        /** De-duplication key within the session; see {@link Detection}. */
        public Builder key(String k) {
            key = k;
            return this;
        }

        public Builder drift(double d) {
            drift = d;
            return this;
        }

        public Builder implicate(String destination) {
            add(implicates, destination);
            return this;
        }

        public Builder otherAgentsToken(String tokenId) {
            add(otherAgentsTokens, tokenId);
            return this;
        }

        /** The action this detection asks for, in place of the one its severity would give. */
        public Builder action(Action a) {
            action = a;
            return this;
        }

        public Builder reference(Frameworks.Item item) {
            references.add(item);
            return this;
        }

        public Builder observe(Observation o) {
            observations.add(o);
            return this;
        }

        /** The call being judged goes last in the evidence: it is the trigger. */
        public Builder call(Call c) {
            event(c.eventId()).tool(c.tool()).boundary(c.boundary()).scope(c.requiredScope()).token(c.tokenId());
            return this;
        }

        private static void add(Set<String> set, String value) {
            if (value != null) {
                set.add(value);
            }
        }

        public Detection build() {
            return new Detection(detector, rule, severity, score, summary, revokeScope, List.copyOf(eventIds),
                    List.copyOf(tools), List.copyOf(boundaries), List.copyOf(scopes), List.copyOf(tokenIds),
                    List.copyOf(notes), List.copyOf(observations), key, drift, List.copyOf(implicates),
                    List.copyOf(otherAgentsTokens), action, List.copyOf(references));
        }
    }
}
