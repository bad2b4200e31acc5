package io.agentwatch.simulate.attacks;

import static io.agentwatch.simulate.roles.Tools.DB_QUERY;
import static io.agentwatch.simulate.roles.Tools.DB_UPDATE;
import static io.agentwatch.simulate.roles.Tools.DEPLOY;
import static io.agentwatch.simulate.roles.Tools.HEADCOUNT_REPORT;
import static io.agentwatch.simulate.roles.Tools.HRIS_LOOKUP;
import static io.agentwatch.simulate.roles.Tools.HRIS_UPDATE;
import static io.agentwatch.simulate.roles.Tools.ISSUE_REFUND;
import static io.agentwatch.simulate.roles.Tools.KUBECTL_GET;
import static io.agentwatch.simulate.roles.Tools.READ_SECRET;

import io.agentwatch.avro.Outcome;
import io.agentwatch.simulate.model.Rand;
import io.agentwatch.simulate.model.Step;
import java.util.List;
import java.util.stream.Stream;

/**
 * The organisation's most valuable actions, by the role that owns them: what an agent drifting
 * out of its role goes for. Each run mixes restricted reads with at least one high-impact write
 * or execution (refund, salary bank account, production deploy).
 */
enum CrownJewels {
    FINANCE("billing", "settle a refund for a customer") {
        @Override
        List<Step> actions(Rand rand) {
            String ref = "EXT-" + rand.between(1000, 9999);
            return List.of(DB_QUERY.on("db:finance.payments"), DB_QUERY.on("db:finance.customers_billing"),
                    DB_UPDATE.on("db:finance.refunds"), ISSUE_REFUND.on("payments:refund/" + ref));
        }
    },
    PEOPLE("hr-assistant", "update an employee's payroll details") {
        @Override
        List<Step> actions(Rand rand) {
            String employee = "hris:employee/E-" + rand.between(10000, 14999);
            return List.of(HEADCOUNT_REPORT.on("report:compensation/all-employees"), HRIS_LOOKUP.on(employee),
                    HRIS_UPDATE.on(employee + "/bank-account"));
        }
    },
    PRODUCTION("devops", "ship a hotfix to payments-api") {
        @Override
        List<Step> actions(Rand rand) {
            return List.of(KUBECTL_GET.on("k8s:prod/payments-api"), READ_SECRET.on("vault:prod/payments-api/db-password"),
                    DEPLOY.on("deploy:payments-api@v0.0." + rand.between(1, 9) + "-hotfix"));
        }
    };

    private final String owner;
    private final String pretext;

    CrownJewels(String owner, String pretext) {
        this.owner = owner;
        this.pretext = pretext;
    }

    /** What the attacker claims the work is for, as it ends up in a token's purpose. */
    String pretext() {
        return pretext;
    }

    /** The calls, each explicitly OK: the broker's token allowed them and nothing stopped them. */
    abstract List<Step> actions(Rand rand);

    List<Step> run(Rand rand) {
        return actions(rand).stream().map(s -> s.outcome(Outcome.OK)).toList();
    }

    /** A set of jewels that does not belong to {@code role}, so using it is out of that role. */
    static CrownJewels notOwnedBy(String role, Rand rand) {
        return rand.pick(Stream.of(values()).filter(j -> !j.owner.equals(role)).toList());
    }
}
