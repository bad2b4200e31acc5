package io.agentwatch.simulate.model;

import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashSet;
import java.util.List;

/**
 * One task of an agent, which is one session with one task-scoped token.
 *
 * @param purpose    the token's purpose text
 * @param audience   the API the token is for
 * @param scopes     the token's scopes: every scope the task may need, used or not
 * @param boundaries the token's allowed trust boundaries; null when the token does not restrict them
 * @param steps      the calls, in order
 */
public record Task(String purpose, String audience, List<String> scopes, List<String> boundaries, List<Step> steps) {

    public Task {
        scopes = List.copyOf(scopes);
        boundaries = boundaries == null ? null : List.copyOf(boundaries);
        steps = List.copyOf(steps);
    }

    public Task withSteps(List<Step> newSteps) {
        return new Task(purpose, audience, scopes, boundaries, newSteps);
    }

    /** The same task with a broader token: what an over-provisioned broker hands out. */
    public Task grantingAlso(Collection<String> moreScopes, Collection<String> moreBoundaries) {
        List<String> newBoundaries = boundaries == null ? null : union(boundaries, moreBoundaries);
        return new Task(purpose, audience, union(scopes, moreScopes), newBoundaries, steps);
    }

    private static List<String> union(Collection<String> a, Collection<String> b) {
        LinkedHashSet<String> all = new LinkedHashSet<>(a);
        all.addAll(b);
        return new ArrayList<>(all);
    }
}
