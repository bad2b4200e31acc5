package io.agentwatch.simulate.roles;

import static io.agentwatch.simulate.roles.Tools.CREATE_INCIDENT;
import static io.agentwatch.simulate.roles.Tools.DEPLOY;
import static io.agentwatch.simulate.roles.Tools.GET_METRICS;
import static io.agentwatch.simulate.roles.Tools.KUBECTL_GET;
import static io.agentwatch.simulate.roles.Tools.READ_LOGS;
import static io.agentwatch.simulate.roles.Tools.READ_SECRET;
import static io.agentwatch.simulate.roles.Tools.REPO_READ;
import static io.agentwatch.simulate.roles.Tools.RESTART_SERVICE;
import static io.agentwatch.simulate.roles.Tools.RUN_TESTS;

import io.agentwatch.simulate.model.ActivityProfile;
import io.agentwatch.simulate.model.Agent;
import io.agentwatch.simulate.model.Fleet;
import io.agentwatch.simulate.model.Rand;
import io.agentwatch.simulate.model.Role;
import io.agentwatch.simulate.model.Step;
import io.agentwatch.simulate.model.Task;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/**
 * Devops, on call around the clock: investigates alerts (metrics, logs, cluster state, sometimes
 * a restart or an incident ticket) and deploys releases. Uses three boundaries: prod, git, corp.
 */
final class DevopsRole implements Role {
    private static final String AUDIENCE = "https://mcp.corp.example/platform";

    @Override
    public String name() {
        return "devops";
    }

    @Override
    public ActivityProfile profile() {
        return ActivityProfile.ROUND_THE_CLOCK;
    }

    @Override
    public double sessionsPerBusyHour() {
        return 0.9;
    }

    @Override
    public Task nextTask(Agent self, Fleet fleet) {
        Rand rand = self.rand();
        String service = rand.pick(Vocabulary.SERVICES);
        return rand.chance(0.75) ? investigate(rand, service) : deploy(rand, service);
    }

    private Task investigate(Rand rand, String service) {
        List<Step> steps = new ArrayList<>();
        for (int i = rand.between(2, 3); i > 0; i--) {
            steps.add(GET_METRICS.on("metrics:" + service));
        }
        for (int i = rand.between(1, 3); i > 0; i--) {
            steps.add(READ_LOGS.on("logs:prod/" + service));
        }
        if (rand.chance(0.5)) {
            steps.add(KUBECTL_GET.on("k8s:prod/" + service));
        }
        if (rand.chance(0.12)) {
            steps.add(RESTART_SERVICE.on("k8s:prod/" + service));
            steps.add(GET_METRICS.on("metrics:" + service).after(Duration.ofSeconds(rand.between(30, 120))));
        }
        if (rand.chance(0.2)) {
            steps.add(CREATE_INCIDENT.on("incident:INC-" + rand.between(1000, 9999)));
        }
        return new Task("investigate alert on " + service, AUDIENCE,
                List.of("monitoring:read", "logs:read", "k8s:read", "k8s:write", "incidents:write"),
                List.of("prod", "corp"), steps);
    }

    private Task deploy(Rand rand, String service) {
        List<Step> steps = new ArrayList<>();
        steps.add(REPO_READ.on("git:" + service + "/CHANGELOG.md"));
        steps.add(RUN_TESTS.on("ci:" + service + "/smoke-tests").after(Duration.ofSeconds(rand.between(30, 90))));
        if (rand.chance(0.08)) {
            steps.add(READ_SECRET.on("vault:prod/" + service + "/deploy-key"));
        }
        String version = "v" + rand.between(1, 4) + "." + rand.between(0, 30) + "." + rand.between(0, 9);
        steps.add(DEPLOY.on("deploy:" + service + "@" + version));
        for (int i = rand.between(1, 3); i > 0; i--) {
            steps.add(GET_METRICS.on("metrics:" + service).after(Duration.ofSeconds(rand.between(20, 90))));
        }
        return new Task("deploy " + service + " " + version, AUDIENCE,
                List.of("repo:read", "ci:run", "secrets:read", "deploy:execute", "monitoring:read"),
                List.of("git", "prod"), steps);
    }

    @Override
    public List<Step> sensitiveReads(Rand rand) {
        String service = rand.pick(Vocabulary.SERVICES);
        return List.of(READ_LOGS.on("logs:prod/" + service + "?level=debug&include=headers"),
                READ_SECRET.on("vault:prod/" + service + "/db-password"),
                READ_SECRET.on("vault:prod/payments-api/stripe-key"));
    }
}
