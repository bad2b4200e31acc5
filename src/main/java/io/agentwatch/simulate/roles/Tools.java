package io.agentwatch.simulate.roles;

import static io.agentwatch.avro.Operation.DELEGATE;
import static io.agentwatch.avro.Operation.DELETE;
import static io.agentwatch.avro.Operation.EXECUTE;
import static io.agentwatch.avro.Operation.READ;
import static io.agentwatch.avro.Operation.SEND;
import static io.agentwatch.avro.Operation.WRITE;
import static io.agentwatch.avro.Sensitivity.CONFIDENTIAL;
import static io.agentwatch.avro.Sensitivity.INTERNAL;
import static io.agentwatch.avro.Sensitivity.PUBLIC;
import static io.agentwatch.avro.Sensitivity.RESTRICTED;

import io.agentwatch.simulate.model.Tool;

/**
 * The simulated organisation's tools (MCP servers and APIs). Boundaries: {@code corp} (internal
 * SaaS and wiki), {@code customer-mail} (mail to customers' domains), {@code finance} (billing
 * database), {@code bank-api}, {@code git}, {@code internet} (the open web), {@code hr} (HRIS),
 * {@code prod} (production cluster, vault).
 */
public final class Tools {
    // Support desk.
    public static final Tool READ_INBOX = new Tool("read_inbox", READ, "mail:read", "corp", CONFIDENTIAL);
    public static final Tool READ_TICKET = new Tool("read_ticket", READ, "tickets:read", "corp", CONFIDENTIAL);
    public static final Tool CRM_LOOKUP = new Tool("crm_lookup", READ, "crm:read", "corp", CONFIDENTIAL);
    public static final Tool KB_SEARCH = new Tool("kb_search", READ, "kb:read", "corp", INTERNAL);
    public static final Tool ORDER_STATUS = new Tool("order_status", READ, "orders:read", "corp", INTERNAL);
    public static final Tool UPDATE_TICKET = new Tool("update_ticket", WRITE, "tickets:write", "corp", CONFIDENTIAL);
    public static final Tool ESCALATE_TICKET = new Tool("escalate_ticket", WRITE, "tickets:write", "corp", INTERNAL);
    public static final Tool SEND_EMAIL = new Tool("send_email", SEND, "mail:send", "customer-mail", CONFIDENTIAL);

    // Finance.
    public static final Tool DB_QUERY = new Tool("db_query", READ, "finance-db:read", "finance", RESTRICTED);
    public static final Tool DB_UPDATE = new Tool("db_update", WRITE, "finance-db:write", "finance", RESTRICTED);
    public static final Tool CREATE_INVOICE = new Tool("create_invoice", WRITE, "invoices:write", "finance", CONFIDENTIAL);
    public static final Tool VOID_INVOICE = new Tool("void_invoice", DELETE, "invoices:write", "finance", CONFIDENTIAL);
    public static final Tool RENDER_PDF = new Tool("render_pdf", WRITE, "docs:write", "corp", CONFIDENTIAL);
    public static final Tool FETCH_BANK_STATEMENT =
            new Tool("fetch_bank_statement", READ, "banking:read", "bank-api", RESTRICTED);
    public static final Tool ISSUE_REFUND = new Tool("issue_refund", EXECUTE, "payments:refund", "finance", RESTRICTED);

    // Code.
    public static final Tool READ_ISSUE = new Tool("read_issue", READ, "tickets:read", "corp", INTERNAL);
    public static final Tool CODE_SEARCH = new Tool("code_search", READ, "repo:read", "git", INTERNAL);
    public static final Tool REPO_READ = new Tool("repo_read", READ, "repo:read", "git", INTERNAL);
    public static final Tool REPO_WRITE = new Tool("repo_write", WRITE, "repo:write", "git", INTERNAL);
    public static final Tool RUN_TESTS = new Tool("run_tests", EXECUTE, "ci:run", "git", INTERNAL);
    public static final Tool OPEN_PULL_REQUEST = new Tool("open_pull_request", WRITE, "repo:write", "git", INTERNAL);
    public static final Tool COMMENT_PULL_REQUEST =
            new Tool("comment_pull_request", WRITE, "repo:write", "git", INTERNAL);
    public static final Tool DELETE_BRANCH = new Tool("delete_branch", DELETE, "repo:write", "git", INTERNAL);

    // Web and documents.
    public static final Tool WEB_SEARCH = new Tool("web_search", READ, "web:search", "internet", PUBLIC);
    public static final Tool WEB_FETCH = new Tool("web_fetch", READ, "web:fetch", "internet", PUBLIC);
    public static final Tool READ_DOC = new Tool("read_doc", READ, "docs:read", "corp", INTERNAL);
    public static final Tool WRITE_DOC = new Tool("write_doc", WRITE, "docs:write", "corp", INTERNAL);
    public static final Tool SHARE_DOC = new Tool("share_doc", SEND, "docs:share", "corp", INTERNAL);

    // People.
    public static final Tool HRIS_LOOKUP = new Tool("hris_lookup", READ, "hr:read", "hr", RESTRICTED);
    public static final Tool HRIS_UPDATE = new Tool("hris_update", WRITE, "hr:write", "hr", RESTRICTED);
    public static final Tool HEADCOUNT_REPORT = new Tool("headcount_report", READ, "hr:reports", "hr", RESTRICTED);
    public static final Tool CALENDAR_LOOKUP = new Tool("calendar_lookup", READ, "calendar:read", "corp", INTERNAL);
    public static final Tool READ_CHAT = new Tool("read_chat", READ, "chat:read", "corp", INTERNAL);
    public static final Tool SEND_CHAT = new Tool("send_chat", SEND, "chat:send", "corp", INTERNAL);

    // Production operations.
    public static final Tool GET_METRICS = new Tool("get_metrics", READ, "monitoring:read", "prod", INTERNAL);
    public static final Tool READ_LOGS = new Tool("read_logs", READ, "logs:read", "prod", CONFIDENTIAL);
    public static final Tool KUBECTL_GET = new Tool("kubectl_get", READ, "k8s:read", "prod", INTERNAL);
    public static final Tool RESTART_SERVICE = new Tool("restart_service", EXECUTE, "k8s:write", "prod", INTERNAL);
    public static final Tool DEPLOY = new Tool("deploy", EXECUTE, "deploy:execute", "prod", CONFIDENTIAL);
    public static final Tool READ_SECRET = new Tool("read_secret", READ, "secrets:read", "prod", RESTRICTED);
    public static final Tool CREATE_INCIDENT = new Tool("create_incident", WRITE, "incidents:write", "corp", INTERNAL);

    // Agents and egress.
    public static final Tool DELEGATE_TASK = new Tool("delegate_task", DELEGATE, "agents:delegate", "corp", INTERNAL);
    public static final Tool HTTP_POST = new Tool("http_post", SEND, "web:post", "internet", PUBLIC);
    public static final Tool UPLOAD_FILE = new Tool("upload_file", WRITE, "files:upload", "internet", PUBLIC);

    private Tools() {
    }
}
