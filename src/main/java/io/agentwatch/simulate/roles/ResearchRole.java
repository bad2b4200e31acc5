package io.agentwatch.simulate.roles;

import static io.agentwatch.simulate.roles.Tools.DELEGATE_TASK;
import static io.agentwatch.simulate.roles.Tools.READ_DOC;
import static io.agentwatch.simulate.roles.Tools.SHARE_DOC;
import static io.agentwatch.simulate.roles.Tools.WEB_FETCH;
import static io.agentwatch.simulate.roles.Tools.WEB_SEARCH;
import static io.agentwatch.simulate.roles.Tools.WRITE_DOC;

import io.agentwatch.avro.Sensitivity;
import io.agentwatch.simulate.model.ActivityProfile;
import io.agentwatch.simulate.model.Agent;
import io.agentwatch.simulate.model.Delegation;
import io.agentwatch.simulate.model.Fleet;
import io.agentwatch.simulate.model.Rand;
import io.agentwatch.simulate.model.Role;
import io.agentwatch.simulate.model.Step;
import io.agentwatch.simulate.model.Task;
import java.util.ArrayList;
import java.util.List;

/**
 * Research: searches and reads the open web (untrusted input), reads internal documents, some
 * of them confidential, and writes a brief. Its tokens do not restrict boundaries (the web has
 * no fixed list of sites), so only the behavioural detectors can stop its exfiltration.
 */
final class ResearchRole implements Role {
    private static final String AUDIENCE = "https://mcp.corp.example/research";

    @Override
    public String name() {
        return "research";
    }

    @Override
    public ActivityProfile profile() {
        return ActivityProfile.OFFICE_HOURS;
    }

    @Override
    public double sessionsPerBusyHour() {
        return 0.8;
    }

    @Override
    public Task nextTask(Agent self, Fleet fleet) {
        Rand rand = self.rand();
        String topic = rand.pick(Vocabulary.RESEARCH_TOPICS);
        List<Step> steps = new ArrayList<>(webSources(rand, topic, rand.between(1, 3), rand.between(2, 7)));
        for (int i = rand.between(1, 3); i > 0; i--) {
            String space = rand.pick(Vocabulary.WIKI_SPACES);
            Step read = READ_DOC.on("doc:corp/" + space + "/" + Vocabulary.slug(topic, rand));
            steps.add(space.equals("strategy") || rand.chance(0.15) ? read.sensitivity(Sensitivity.CONFIDENTIAL) : read);
        }
        if (rand.chance(0.08)) {
            fleet.otherOfRole(self, "research", rand).ifPresent(peer -> steps.add(
                    DELEGATE_TASK.on("agent:" + peer.name())
                            .delegating(new Delegation(peer, collectSources(self, rand, topic)))));
        }
        if (rand.chance(0.9)) {
            steps.add(WRITE_DOC.on("doc:corp/research/" + Vocabulary.slug(topic, rand)));
        }
        if (rand.chance(0.04)) {
            steps.add(SHARE_DOC.on("group:" + rand.pick(Vocabulary.TEAMS)));
        }
        return new Task("research brief on " + topic, AUDIENCE,
                List.of("web:search", "web:fetch", "docs:read", "docs:write", "docs:share", "agents:delegate"),
                null, steps);
    }

    private static Task collectSources(Agent self, Rand rand, String topic) {
        return new Task("collect sources on " + topic + " for " + self.name(), AUDIENCE,
                List.of("web:search", "web:fetch"), null, webSources(rand, topic, rand.between(1, 2), rand.between(2, 4)));
    }

    private static List<Step> webSources(Rand rand, String topic, int searches, int fetches) {
        List<Step> steps = new ArrayList<>();
        for (int i = 0; i < searches; i++) {
            steps.add(WEB_SEARCH.on("search:" + topic.replace('-', '+') + (i == 0 ? "" : "+" + (2024 + i))));
        }
        for (int i = 0; i < fetches; i++) {
            steps.add(WEB_FETCH.on("https://" + rand.pick(Vocabulary.WEB_SITES) + "/" + Vocabulary.slug(topic, rand)));
        }
        return steps;
    }

    @Override
    public List<Step> sensitiveReads(Rand rand) {
        List<Step> reads = new ArrayList<>();
        for (int i = rand.between(1, 3); i > 0; i--) {
            reads.add(READ_DOC.on("doc:corp/strategy/" + Vocabulary.slug("board-deck", rand))
                    .sensitivity(Sensitivity.CONFIDENTIAL));
        }
        reads.add(READ_DOC.on("doc:corp/sales/pipeline-forecast-q1").sensitivity(Sensitivity.CONFIDENTIAL));
        return reads;
    }
}
