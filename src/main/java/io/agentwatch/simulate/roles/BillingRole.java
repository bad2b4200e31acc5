package io.agentwatch.simulate.roles;

import static io.agentwatch.simulate.roles.Tools.CREATE_INVOICE;
import static io.agentwatch.simulate.roles.Tools.DB_QUERY;
import static io.agentwatch.simulate.roles.Tools.DB_UPDATE;
import static io.agentwatch.simulate.roles.Tools.FETCH_BANK_STATEMENT;
import static io.agentwatch.simulate.roles.Tools.ISSUE_REFUND;
import static io.agentwatch.simulate.roles.Tools.READ_INBOX;
import static io.agentwatch.simulate.roles.Tools.RENDER_PDF;
import static io.agentwatch.simulate.roles.Tools.SEND_EMAIL;
import static io.agentwatch.simulate.roles.Tools.VOID_INVOICE;

import io.agentwatch.simulate.model.ActivityProfile;
import io.agentwatch.simulate.model.Agent;
import io.agentwatch.simulate.model.Fleet;
import io.agentwatch.simulate.model.Rand;
import io.agentwatch.simulate.model.Role;
import io.agentwatch.simulate.model.Step;
import io.agentwatch.simulate.model.Task;
import java.util.ArrayList;
import java.util.List;

/**
 * Billing: issues invoices (finance database, then mail to a known billing contact), reconciles
 * bank statements into the ledger, and answers billing questions. Few tables, a small fixed set
 * of contacts: this role's targets repeat, unlike support's.
 */
final class BillingRole implements Role {
    private static final String AUDIENCE = "https://mcp.corp.example/finance";
    private static final List<String> MAILBOXES = List.of("ap", "billing", "accounts.payable", "finance");
    private static final List<String> BANK_ACCOUNTS = List.of("bank:accounts/OPERATING-01/statement",
            "bank:accounts/COLLECTIONS-02/statement");

    private final List<String> contacts = new ArrayList<>();
    private int invoiceNumber;

    BillingRole(Rand rand) {
        for (int i = rand.between(8, 12); i > 0; i--) {
            contacts.add("mailto:" + rand.pick(MAILBOXES) + "@" + rand.pick(Vocabulary.CUSTOMER_DOMAINS));
        }
        invoiceNumber = rand.between(10000, 50000);
    }

    @Override
    public String name() {
        return "billing";
    }

    @Override
    public ActivityProfile profile() {
        return ActivityProfile.OFFICE_HOURS;
    }

    @Override
    public double sessionsPerBusyHour() {
        return 1.0;
    }

    @Override
    public Task nextTask(Agent self, Fleet fleet) {
        Rand rand = self.rand();
        double r = rand.uniform(0, 1);
        if (r < 0.45) {
            return issueInvoices(rand);
        }
        return r < 0.8 ? reconcile(rand) : answerQuestion(rand);
    }

    private Task issueInvoices(Rand rand) {
        List<Step> steps = new ArrayList<>();
        steps.add(DB_QUERY.on("db:finance.subscriptions"));
        for (int i = rand.between(1, 4); i > 0; i--) {
            String invoice = "invoice:INV-2026-" + (++invoiceNumber);
            steps.add(DB_QUERY.on("db:finance.customers_billing"));
            steps.add(CREATE_INVOICE.on(invoice));
            if (rand.chance(0.6)) {
                steps.add(RENDER_PDF.on("doc:invoices/" + invoice.substring("invoice:".length()) + ".pdf"));
            }
            if (rand.chance(0.85)) {
                steps.add(SEND_EMAIL.on(rand.pick(contacts)));
            }
        }
        if (rand.chance(0.04)) {
            steps.add(VOID_INVOICE.on("invoice:INV-2026-" + (invoiceNumber - rand.between(5, 200))));
        }
        return new Task("issue this cycle's invoices", AUDIENCE,
                List.of("finance-db:read", "invoices:write", "docs:write", "mail:send"),
                List.of("finance", "corp", "customer-mail"), steps);
    }

    private Task reconcile(Rand rand) {
        List<Step> steps = new ArrayList<>();
        steps.add(FETCH_BANK_STATEMENT.on(rand.pick(BANK_ACCOUNTS)));
        for (int i = rand.between(1, 3); i > 0; i--) {
            steps.add(DB_QUERY.on("db:finance.payments"));
        }
        steps.add(DB_QUERY.on("db:finance.invoices"));
        if (rand.chance(0.8)) {
            for (int i = rand.between(1, 3); i > 0; i--) {
                steps.add(DB_UPDATE.on("db:finance.ledger"));
            }
        }
        return new Task("reconcile bank statement with payments", AUDIENCE,
                List.of("banking:read", "finance-db:read", "finance-db:write"), List.of("finance", "bank-api"), steps);
    }

    private Task answerQuestion(Rand rand) {
        List<Step> steps = new ArrayList<>();
        steps.add(READ_INBOX.on("mailbox:billing"));
        steps.add(DB_QUERY.on("db:finance.invoices"));
        if (rand.chance(0.5)) {
            steps.add(DB_QUERY.on("db:finance.payments"));
        }
        if (rand.chance(0.05)) {
            steps.add(ISSUE_REFUND.on("payments:refund/INV-2026-" + (invoiceNumber - rand.between(5, 300))));
        }
        steps.add(SEND_EMAIL.on(rand.pick(contacts)));
        return new Task("answer a billing question from mailbox:billing", AUDIENCE,
                List.of("mail:read", "finance-db:read", "payments:refund", "mail:send"),
                List.of("corp", "finance", "customer-mail"), steps);
    }

    @Override
    public List<Step> sensitiveReads(Rand rand) {
        return List.of(DB_QUERY.on("db:finance.customers_billing"),
                DB_QUERY.on("db:finance.payments?select=card_last4,iban,amount&limit=" + rand.between(5, 50) + "000"));
    }
}
