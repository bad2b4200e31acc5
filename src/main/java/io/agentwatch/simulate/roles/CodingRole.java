package io.agentwatch.simulate.roles;

import static io.agentwatch.simulate.roles.Tools.CODE_SEARCH;
import static io.agentwatch.simulate.roles.Tools.COMMENT_PULL_REQUEST;
import static io.agentwatch.simulate.roles.Tools.DELEGATE_TASK;
import static io.agentwatch.simulate.roles.Tools.DELETE_BRANCH;
import static io.agentwatch.simulate.roles.Tools.OPEN_PULL_REQUEST;
import static io.agentwatch.simulate.roles.Tools.READ_ISSUE;
import static io.agentwatch.simulate.roles.Tools.REPO_READ;
import static io.agentwatch.simulate.roles.Tools.REPO_WRITE;
import static io.agentwatch.simulate.roles.Tools.RUN_TESTS;
import static io.agentwatch.simulate.roles.Tools.WEB_FETCH;

import io.agentwatch.avro.Sensitivity;
import io.agentwatch.simulate.model.ActivityProfile;
import io.agentwatch.simulate.model.Agent;
import io.agentwatch.simulate.model.Delegation;
import io.agentwatch.simulate.model.Fleet;
import io.agentwatch.simulate.model.Rand;
import io.agentwatch.simulate.model.Role;
import io.agentwatch.simulate.model.Step;
import io.agentwatch.simulate.model.Task;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/**
 * A coding agent: reads an issue, searches and reads code, edits files, runs the tests until they
 * pass, opens a pull request; or reviews one. It works in a few repositories of its own and
 * touches many different files. Now and then it hands an integration run to a devops agent with
 * a narrower token (benign delegation, so delegation itself is not the anomaly).
 */
final class CodingRole implements Role {
    private static final String AUDIENCE = "https://mcp.corp.example/engineering";
    private static final Duration TEST_RUN = Duration.ofSeconds(50);

    private final List<String> repos = new ArrayList<>();

    CodingRole(Rand rand) {
        while (repos.size() < 3) {
            String repo = rand.pick(Vocabulary.REPOS);
            if (!repos.contains(repo)) {
                repos.add(repo);
            }
        }
    }

    @Override
    public String name() {
        return "coding";
    }

    @Override
    public ActivityProfile profile() {
        return ActivityProfile.OFFICE_HOURS;
    }

    @Override
    public double sessionsPerBusyHour() {
        return 0.55;
    }

    @Override
    public Task nextTask(Agent self, Fleet fleet) {
        Rand rand = self.rand();
        String repo = rand.chance(0.6) ? repos.get(0) : rand.pick(repos);
        return rand.chance(0.85) ? implement(self, fleet, repo) : review(rand, repo);
    }

    private Task implement(Agent self, Fleet fleet, String repo) {
        Rand rand = self.rand();
        List<Step> steps = new ArrayList<>();
        String issue = "jira:ENG-" + rand.between(1000, 9999);
        if (rand.chance(0.8)) {
            steps.add(READ_ISSUE.on(issue));
        }
        for (int i = rand.between(1, 3); i > 0; i--) {
            steps.add(CODE_SEARCH.on("git:" + repo));
        }
        List<String> files = new ArrayList<>();
        for (int i = rand.between(2, 7); i > 0; i--) {
            String file = Vocabulary.sourceFile(rand, repo);
            files.add(file);
            steps.add(REPO_READ.on(file));
        }
        if (rand.chance(0.15)) {
            steps.add(WEB_FETCH.on("https://" + rand.pick(Vocabulary.LIBRARIES) + "/docs/"
                    + rand.pick(Vocabulary.SOURCE_FILES)));
        }
        for (int round = rand.between(1, 4); round > 0; round--) {
            for (int i = rand.between(1, 3); i > 0; i--) {
                steps.add(REPO_WRITE.on(rand.chance(0.7) ? rand.pick(files) : Vocabulary.sourceFile(rand, repo)));
            }
            steps.add(RUN_TESTS.on("ci:" + repo + "/unit-tests").after(rand.lognormal(TEST_RUN, 0.5)));
        }
        if (rand.chance(0.85)) {
            steps.add(OPEN_PULL_REQUEST.on("git:" + repo + "/pulls"));
        }
        if (rand.chance(0.1)) {
            fleet.otherOfRole(self, "devops", rand).ifPresent(devops -> steps.add(
                    DELEGATE_TASK.on("agent:" + devops.name())
                            .delegating(new Delegation(devops, integrationRun(self, rand, repo)))));
        }
        if (rand.chance(0.05)) {
            steps.add(DELETE_BRANCH.on("git:" + repo + "/branches/agent/" + issue.substring("jira:".length())));
        }
        return new Task("implement " + issue + " in " + repo, AUDIENCE,
                List.of("tickets:read", "repo:read", "repo:write", "ci:run", "web:fetch", "agents:delegate"),
                List.of("corp", "git", "internet"), steps);
    }

    /** The delegate's token is narrower than this agent's own: read the repo and run CI, nothing else. */
    private static Task integrationRun(Agent self, Rand rand, String repo) {
        List<Step> steps = new ArrayList<>();
        steps.add(REPO_READ.on("git:" + repo + "/ci/integration.yaml"));
        for (int i = rand.between(1, 3); i > 0; i--) {
            steps.add(RUN_TESTS.on("ci:" + repo + "/integration-tests").after(rand.lognormal(TEST_RUN, 0.5)));
        }
        return new Task("run integration pipeline for " + repo + " for " + self.name(),
                "https://ci.corp.example", List.of("repo:read", "ci:run"), List.of("git"), steps);
    }

    private Task review(Rand rand, String repo) {
        List<Step> steps = new ArrayList<>();
        String pull = "git:" + repo + "/pulls/" + rand.between(100, 2999);
        steps.add(REPO_READ.on(pull));
        for (int i = rand.between(3, 10); i > 0; i--) {
            steps.add(REPO_READ.on(Vocabulary.sourceFile(rand, repo)));
        }
        for (int i = rand.between(1, 3); i > 0; i--) {
            steps.add(COMMENT_PULL_REQUEST.on(pull));
        }
        return new Task("review pull request " + pull.substring("git:".length()), AUDIENCE,
                List.of("repo:read", "repo:write"), List.of("git"), steps);
    }

    @Override
    public List<Step> sensitiveReads(Rand rand) {
        return List.of(
                REPO_READ.on("git:" + rand.pick(repos) + "/config/production.env").sensitivity(Sensitivity.CONFIDENTIAL),
                REPO_READ.on("git:infra-terraform/secrets/prod.tfvars").sensitivity(Sensitivity.RESTRICTED));
    }
}
