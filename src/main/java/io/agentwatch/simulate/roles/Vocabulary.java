package io.agentwatch.simulate.roles;

import io.agentwatch.simulate.model.Rand;
import java.util.List;

/**
 * Names the simulated organisation deals with. Pools are large where real targets are varied
 * (customers, files, web pages) and small where they are not (tables, services), because the
 * detector has to learn both kinds.
 */
final class Vocabulary {
    static final List<String> FIRST_NAMES = List.of("ana", "ben", "chloe", "dmitri", "elena", "farah", "gustav",
            "hana", "ivan", "jun", "kofi", "lea", "mateo", "nadia", "oscar", "priya", "quentin", "rosa", "sven",
            "tariq", "uma", "victor", "wen", "ximena", "yusuf", "zoe", "amir", "bea", "carlos", "dana");
    static final List<String> LAST_NAMES = List.of("smith", "garcia", "mueller", "rossi", "novak", "kim", "okafor",
            "silva", "dubois", "tanaka", "nielsen", "khan", "lopez", "ivanova", "brown", "costa", "haddad", "berg",
            "moreau", "sato", "kowalski", "mensah", "olsen", "reyes", "fischer", "petrov", "wang", "ali", "jensen",
            "murphy");
    /** Customers' mail domains; a support agent writes to people at many of them. */
    static final List<String> CUSTOMER_DOMAINS = List.of("acme-retail.example", "blueriver.example",
            "northwind.example", "contoso.example", "globex.example", "initech.example", "umbrella-foods.example",
            "stark-logistics.example", "wayne-health.example", "tyrell-labs.example", "hooli.example",
            "vandelay.example", "cyberdyne.example", "soylent.example", "wonka.example", "oceanic.example",
            "aperture.example", "gringotts.example", "monarch.example", "pied-piper.example", "dunder.example",
            "prestige.example", "nakatomi.example", "massive-dynamic.example", "sirius.example", "zorg.example",
            "lunar-bakery.example", "redwood-clinic.example", "fjord-design.example", "alpine-tools.example",
            "mail.example", "webmail.example");
    static final List<String> KB_TOPICS = List.of("refund-policy", "password-reset", "shipping-times",
            "invoice-copy", "cancel-subscription", "upgrade-plan", "api-rate-limits", "sso-setup", "data-export",
            "two-factor", "billing-address", "delivery-damaged", "gdpr-request", "outage-status", "mobile-login",
            "discount-codes", "tax-exemption", "account-merge", "webhook-errors", "plan-comparison");
    static final List<String> FINANCE_TABLES = List.of("db:finance.invoices", "db:finance.payments",
            "db:finance.subscriptions", "db:finance.customers_billing");
    static final List<String> REPOS = List.of("payments-service", "web-frontend", "agent-runtime", "data-pipeline",
            "mobile-app", "infra-terraform", "search-indexer", "auth-service");
    static final List<String> SOURCE_DIRS = List.of("src/main", "src/api", "src/core", "src/util", "src/model",
            "src/handlers", "src/db", "lib", "internal/config", "internal/http", "tests/unit", "tests/integration");
    static final List<String> SOURCE_FILES = List.of("client", "server", "router", "cache", "retry", "schema",
            "validator", "parser", "mapper", "service", "repository", "handler", "metrics", "auth", "session",
            "queue", "worker", "scheduler", "config", "errors", "pagination", "serializer", "rate_limit", "events");
    static final List<String> SOURCE_EXTENSIONS = List.of(".py", ".ts", ".go", ".java");
    static final List<String> LIBRARIES = List.of("docs.python.example", "developer.mozilla.example",
            "kafka.apache.example", "pkg.go.example", "react.example", "postgresql.example");
    static final List<String> RESEARCH_TOPICS = List.of("vector-databases", "llm-evaluation", "pricing-benchmarks",
            "eu-ai-act", "competitor-roadmaps", "churn-drivers", "supply-chain-risk", "edge-inference",
            "customer-sentiment", "open-source-licensing", "market-sizing", "agent-security", "carbon-reporting");
    static final List<String> WEB_SITES = List.of("en.wikipedia.example", "arxiv.example", "news.example",
            "techcrunch.example", "gartner.example", "github.example", "stackoverflow.example", "gov.example",
            "statista.example", "medium.example", "reuters.example", "ycombinator.example", "blog.example");
    static final List<String> WIKI_SPACES = List.of("product", "engineering", "sales", "strategy", "research",
            "marketing", "customer-success");
    static final List<String> TEAMS = List.of("product-team", "exec-staff", "sales-leads", "engineering-leads");
    static final List<String> HR_POLICIES = List.of("parental-leave", "expenses", "remote-work", "pto",
            "travel", "benefits", "onboarding", "equipment", "code-of-conduct", "relocation");
    static final List<String> HR_FIELDS = List.of("address", "bank-account", "emergency-contact", "title",
            "manager", "cost-center", "work-location");
    static final List<String> SERVICES = List.of("checkout", "payments-api", "search", "auth", "notifications",
            "web-gateway", "ledger-sync", "recommendations");

    private Vocabulary() {
    }

    static String person(Rand rand) {
        return rand.pick(FIRST_NAMES) + "." + rand.pick(LAST_NAMES);
    }

    static String sourceFile(Rand rand, String repo) {
        return "git:" + repo + "/" + rand.pick(SOURCE_DIRS) + "/" + rand.pick(SOURCE_FILES)
                + rand.pick(SOURCE_EXTENSIONS);
    }

    static String employee(Rand rand) {
        return "hris:employee/E-" + rand.between(10000, 14999);
    }

    static String slug(String topic, Rand rand) {
        return topic + "-" + rand.between(100, 999);
    }
}
