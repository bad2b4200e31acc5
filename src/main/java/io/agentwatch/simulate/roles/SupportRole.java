package io.agentwatch.simulate.roles;

import static io.agentwatch.simulate.roles.Tools.CRM_LOOKUP;
import static io.agentwatch.simulate.roles.Tools.ESCALATE_TICKET;
import static io.agentwatch.simulate.roles.Tools.KB_SEARCH;
import static io.agentwatch.simulate.roles.Tools.ORDER_STATUS;
import static io.agentwatch.simulate.roles.Tools.READ_INBOX;
import static io.agentwatch.simulate.roles.Tools.READ_TICKET;
import static io.agentwatch.simulate.roles.Tools.SEND_EMAIL;
import static io.agentwatch.simulate.roles.Tools.UPDATE_TICKET;

import io.agentwatch.simulate.model.ActivityProfile;
import io.agentwatch.simulate.model.Agent;
import io.agentwatch.simulate.model.Fleet;
import io.agentwatch.simulate.model.Rand;
import io.agentwatch.simulate.model.Role;
import io.agentwatch.simulate.model.Step;
import io.agentwatch.simulate.model.Task;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.List;

/**
 * Customer support: answers mail (inbox, CRM, knowledge base, reply to the customer) or triages
 * the ticket queue. Most replies go to a customer it never wrote to before, which is what makes
 * recipient novelty a weak signal for this role.
 */
final class SupportRole implements Role {
    private static final String AUDIENCE = "https://mcp.corp.example/support";
    private static final int REMEMBERED_CUSTOMERS = 40;

    private final Deque<String> recentRecipients = new ArrayDeque<>();

    @Override
    public String name() {
        return "support";
    }

    @Override
    public ActivityProfile profile() {
        return ActivityProfile.OFFICE_HOURS;
    }

    @Override
    public double sessionsPerBusyHour() {
        return 0.9;
    }

    @Override
    public Task nextTask(Agent self, Fleet fleet) {
        Rand rand = self.rand();
        return rand.chance(0.7) ? answerMail(rand) : triageQueue(rand);
    }

    private Task answerMail(Rand rand) {
        List<Step> steps = new ArrayList<>();
        steps.add(READ_INBOX.on("mailbox:support"));
        for (int i = rand.between(1, 3); i > 0; i--) {
            String ticket = ticket(rand);
            if (rand.chance(0.5)) {
                steps.add(READ_TICKET.on(ticket));
            }
            steps.add(CRM_LOOKUP.on("crm:customer/C-" + rand.between(10000, 99999)));
            if (rand.chance(0.4)) {
                steps.add(ORDER_STATUS.on("orders:ORD-" + rand.between(100000, 999999)));
            }
            for (int k = rand.between(1, 2); k > 0; k--) {
                steps.add(KB_SEARCH.on("kb:" + rand.pick(Vocabulary.KB_TOPICS)));
            }
            if (rand.chance(0.9)) {
                steps.add(SEND_EMAIL.on(recipient(rand)));
            }
            if (rand.chance(0.6)) {
                steps.add(UPDATE_TICKET.on(ticket));
            }
            if (rand.chance(0.02)) {
                steps.add(ESCALATE_TICKET.on("queue:tier2-support"));
            }
        }
        return new Task("answer customer email in mailbox:support", AUDIENCE,
                List.of("mail:read", "tickets:read", "crm:read", "orders:read", "kb:read", "mail:send",
                        "tickets:write"),
                List.of("corp", "customer-mail"), steps);
    }

    private Task triageQueue(Rand rand) {
        List<Step> steps = new ArrayList<>();
        for (int i = rand.between(3, 8); i > 0; i--) {
            String ticket = ticket(rand);
            steps.add(READ_TICKET.on(ticket));
            if (rand.chance(0.5)) {
                steps.add(KB_SEARCH.on("kb:" + rand.pick(Vocabulary.KB_TOPICS)));
            }
            if (rand.chance(0.3)) {
                steps.add(CRM_LOOKUP.on("crm:customer/C-" + rand.between(10000, 99999)));
            }
            if (rand.chance(0.85)) {
                steps.add(UPDATE_TICKET.on(ticket));
            }
            if (rand.chance(0.01)) {
                steps.add(ESCALATE_TICKET.on("queue:tier2-support"));
            }
        }
        return new Task("triage the support ticket queue", AUDIENCE,
                List.of("tickets:read", "tickets:write", "kb:read", "crm:read"), List.of("corp"), steps);
    }

    /** Mostly a new customer; now and then someone it answered recently writes back. */
    private String recipient(Rand rand) {
        if (!recentRecipients.isEmpty() && rand.chance(0.2)) {
            return rand.pick(List.copyOf(recentRecipients));
        }
        String address = "mailto:" + Vocabulary.person(rand) + "@" + rand.pick(Vocabulary.CUSTOMER_DOMAINS);
        recentRecipients.addFirst(address);
        if (recentRecipients.size() > REMEMBERED_CUSTOMERS) {
            recentRecipients.removeLast();
        }
        return address;
    }

    private static String ticket(Rand rand) {
        return "ticket:T-" + rand.between(40000, 99999);
    }

    @Override
    public List<Step> sensitiveReads(Rand rand) {
        List<Step> reads = new ArrayList<>();
        for (int i = rand.between(2, 4); i > 0; i--) {
            reads.add(CRM_LOOKUP.on("crm:customer/C-" + rand.between(10000, 99999)));
        }
        reads.add(CRM_LOOKUP.on("crm:export/customers?fields=email,phone,address"));
        return reads;
    }
}
