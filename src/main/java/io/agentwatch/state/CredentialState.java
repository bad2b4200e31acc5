package io.agentwatch.state;

import java.util.ArrayList;
import java.util.Collection;
import java.util.Collections;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;

/**
 * What agentwatch keeps per agent about how its credentials are used, beside the baselines:
 * per scope granted to its sessions, when a call last needed it and how many clean sessions in
 * a row were granted it without needing it (over-provisioning); the tokens that outlived the
 * last call of their task; when its scopes were last reported; and the step-up approvals that
 * wait for a person. Small and bounded: at most {@value #MAX_SCOPES} scopes,
 * {@value #MAX_ENDED_TASK_TOKENS} tokens and {@value #MAX_APPROVALS} approvals.
 */
public final class CredentialState {
    static final int MAX_SCOPES = 64;
    static final int MAX_ENDED_TASK_TOKENS = 64;
    public static final int MAX_APPROVALS = 32;

    /** One scope's use by the agent's sessions. */
    static final class ScopeUse {
        long lastUsedAt;
        int unusedRun;
    }

    /** A token still valid when its task's last call was long past, and until when it stays valid. */
    public record EndedTask(long endedAt, long expiresAt) {
    }

    TreeMap<String, ScopeUse> scopes = new TreeMap<>();
    LinkedHashMap<String, EndedTask> endedTaskTokens = new LinkedHashMap<>();
    long lastScopeReportAt;
    LinkedHashMap<String, PendingApproval> approvals = new LinkedHashMap<>();

    /**
     * A call at {@code time} needed {@code scope}, which the token's grant {@code granted}
     * covers; the session started at {@code sessionStart}.
     *
     * @return true when the state changed (the first use of the grant in this session)
     */
    public boolean used(String granted, long time, long sessionStart) {
        ScopeUse u = scopes.get(granted);
        if (u == null) {
            if (scopes.size() >= MAX_SCOPES) {
                return false;
            }
            u = new ScopeUse();
            scopes.put(granted, u);
        } else if (u.lastUsedAt >= sessionStart) {
            return false; // already counted for this session: no write per call
        }
        u.lastUsedAt = time;
        return true;
    }

    /**
     * A clean session that started at {@code sessionStart} ended, granted {@code granted}: a
     * grant no call needed since the session started extends its unused run, one that was used
     * ends it. Uses by a concurrent session of the agent count as uses, so a grant is never
     * called unused while the agent needs it somewhere.
     */
    public void sessionEnded(Set<String> granted, long sessionStart) {
        for (String scope : granted) {
            ScopeUse u = scopes.get(scope);
            if (u == null) {
                if (scopes.size() >= MAX_SCOPES) {
                    continue;
                }
                u = new ScopeUse();
                scopes.put(scope, u);
            }
            u.unusedRun = u.lastUsedAt >= sessionStart ? 0 : u.unusedRun + 1;
        }
    }

    /** Scopes granted in at least {@code sessions} clean sessions in a row that needed none of them, with their runs. */
    public Map<String, Integer> unusedScopes(int sessions) {
        Map<String, Integer> out = new TreeMap<>();
        scopes.forEach((scope, u) -> {
            if (u.unusedRun >= sessions) {
                out.put(scope, u.unusedRun);
            }
        });
        return out;
    }

    public long lastScopeReportAt() {
        return lastScopeReportAt;
    }

    public void scopesReported(long at) {
        lastScopeReportAt = at;
    }

    /**
     * Remembers that {@code tokenId}'s task ended at {@code endedAt} while the token stayed valid
     * until {@code expiresAt}. Tokens past their expiry are forgotten first, then the oldest.
     *
     * @return false when it was already remembered
     */
    public boolean taskEnded(String tokenId, long endedAt, long expiresAt) {
        if (endedTaskTokens.containsKey(tokenId)) {
            return false;
        }
        endedTaskTokens.values().removeIf(e -> e.expiresAt() < endedAt);
        endedTaskTokens.put(tokenId, new EndedTask(endedAt, expiresAt));
        while (endedTaskTokens.size() > MAX_ENDED_TASK_TOKENS) {
            endedTaskTokens.remove(endedTaskTokens.keySet().iterator().next());
        }
        return true;
    }

    /** When the task of {@code tokenId} ended while the token stayed valid, or null. */
    public EndedTask endedTask(String tokenId) {
        return tokenId == null ? null : endedTaskTokens.get(tokenId);
    }

    public void awaitApproval(PendingApproval p) {
        approvals.put(p.commandId(), p);
    }

    /** Removes and returns the approval the SUSPEND command {@code commandId} asked for, or null. */
    public PendingApproval decide(String commandId) {
        return approvals.remove(commandId);
    }

    public Collection<PendingApproval> approvals() {
        return Collections.unmodifiableCollection(approvals.values());
    }

    /** The pending approval that suspended {@code tokenId}, or null. */
    public PendingApproval suspending(String tokenId) {
        for (PendingApproval p : approvals.values()) {
            if (p.tokenIds().contains(tokenId)) {
                return p;
            }
        }
        return null;
    }

    /** Approvals due at stream time {@code now} or wall-clock time {@code wallNow} (either may be Long.MIN_VALUE). */
    public List<PendingApproval> due(long now, long wallNow) {
        List<PendingApproval> out = new ArrayList<>();
        for (PendingApproval p : approvals.values()) {
            if (p.deadline() <= now || p.wallDeadline() <= wallNow) {
                out.add(p);
            }
        }
        return out;
    }

    /** The oldest waiting approval when more than {@value #MAX_APPROVALS} wait, else null. */
    public PendingApproval overflow() {
        if (approvals.size() <= MAX_APPROVALS) {
            return null;
        }
        Iterator<PendingApproval> it = approvals.values().iterator();
        return it.next();
    }
}
