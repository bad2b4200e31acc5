package io.agentwatch.testing;

import static io.agentwatch.testing.Events.BILLING;
import static io.agentwatch.testing.Events.BILLING_BOUNDARIES;
import static io.agentwatch.testing.Events.BILLING_SCOPES;
import static io.agentwatch.testing.Events.MAILER;

import io.agentwatch.avro.Operation;
import io.agentwatch.avro.Sensitivity;
import io.agentwatch.avro.ToolCall;
import io.agentwatch.trace.TraceEvent;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import org.apache.avro.specific.SpecificRecord;

/**
 * Five working days of clean behaviour of two agents, from {@link MonitorHarness#START}
 * (Monday 2026-01-05 09:00 UTC):
 * <ul>
 * <li>the mailer, three sessions a day (09:00, 11:30, 14:00) of ten calls a minute apart: it
 * reads the support inbox and the CRM in boundary {@code corp} and replies to one of five
 * regular customers in {@code customer-mail};</li>
 * <li>the billing bot, three sessions a day (10:00, 12:30, 15:00) of ten calls in
 * {@code finance}: it lists open invoices, looks up customer accounts and updates invoices,
 * each session on invoices it never touched before.</li>
 * </ul>
 * The first two sessions of a day end with the broker revoking the token ("task finished"),
 * the third by idling out. That is 150 clean calls per agent on 5 distinct days: both
 * baselines are ACTIVE (100 calls on 3 days) well before the end.
 */
public final class BenignHistory {
    public static final int DAYS = 5;
    public static final int SESSIONS_PER_DAY = 3;
    public static final int CALLS_PER_SESSION = 10;
    public static final int CUSTOMERS = 5;

    private BenignHistory() {
    }

    /** Monday 09:00 of the week after the history: the first moment a test's own events may use. */
    public static Instant end() {
        return MonitorHarness.START.plus(Duration.ofDays(DAYS));
    }

    public static List<SpecificRecord> events() {
        List<SpecificRecord> out = new ArrayList<>();
        for (int day = 0; day < DAYS; day++) {
            Instant morning = MonitorHarness.START.plus(Duration.ofDays(day));
            for (int k = 0; k < SESSIONS_PER_DAY; k++) {
                mailerSession(out, day, k, morning.plus(Duration.ofMinutes(150L * k)));
                billingSession(out, day, k, morning.plus(Duration.ofMinutes(60 + 150L * k)));
            }
        }
        out.sort(Comparator.comparing(TraceEvent::eventTime)); // stable: issuance before its calls
        return out;
    }

    /** The tool calls of the history, for counting. */
    public static long calls(String agent) {
        return events().stream().filter(e -> e instanceof ToolCall c && c.getAgentId().equals(agent)).count();
    }

    private static void mailerSession(List<SpecificRecord> out, int day, int k, Instant start) {
        String session = "s-mailer-d" + day + "-" + k;
        String token = "t-mailer-d" + day + "-" + k;
        out.add(Events.mailerToken(token, session).setIssuedAt(start).setExpiresAt(start.plus(Duration.ofHours(1)))
                .build());
        for (int i = 0; i < CALLS_PER_SESSION; i++) {
            ToolCall.Builder c;
            if (i == CALLS_PER_SESSION - 1) {
                c = Events.listFolders(session, token);
            } else if (i % 3 == 0) {
                c = Events.readInbox(session, token);
            } else if (i % 3 == 1) {
                c = Events.crmLookup(session, token);
            } else {
                c = Events.replyToCustomer(session, token, (day * SESSIONS_PER_DAY + k + i) % CUSTOMERS);
            }
            out.add(c.setEventId(session + "-e" + i).setOccurredAt(start.plus(Duration.ofMinutes(i + 1))).build());
        }
        end(out, MAILER, token, k, start);
    }

    private static void billingSession(List<SpecificRecord> out, int day, int k, Instant start) {
        String session = "s-billing-d" + day + "-" + k;
        String token = "t-billing-d" + day + "-" + k;
        out.add(Events.token(BILLING, token, session, BILLING_SCOPES, BILLING_BOUNDARIES).setIssuedAt(start)
                .setExpiresAt(start.plus(Duration.ofHours(1))).build());
        for (int i = 0; i < CALLS_PER_SESSION; i++) {
            String invoice = "invoice:2026-" + day + k + i;
            ToolCall.Builder c = switch (i % 3) {
                case 0 -> Events.call(BILLING, session, token, "list_invoices", "invoices:open", "finance",
                        "billing:read");
                case 1 -> Events.call(BILLING, session, token, "lookup_account", "crm:accounts", "finance",
                        "billing:read").setSensitivity(Sensitivity.CONFIDENTIAL);
                default -> Events.call(BILLING, session, token, "update_invoice", invoice, "finance", "billing:write")
                        .setOperation(Operation.WRITE).setSensitivity(Sensitivity.CONFIDENTIAL);
            };
            out.add(c.setEventId(session + "-e" + i).setOccurredAt(start.plus(Duration.ofMinutes(i + 1))).build());
        }
        end(out, BILLING, token, k, start);
    }

    private static void end(List<SpecificRecord> out, String agent, String token, int k, Instant start) {
        if (k < SESSIONS_PER_DAY - 1) {
            out.add(Events.revoked(agent, token, start.plus(Duration.ofMinutes(CALLS_PER_SESSION + 2)),
                    "task finished"));
        }
    }
}
