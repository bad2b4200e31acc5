package io.agentwatch.catalog;

/** Properties of a tool that producers rarely label but the chaining detectors need. */
public enum ToolFlag {
    /** Brings attacker-controllable content into the session (web fetch, inbound email). */
    UNTRUSTED_INPUT,
    /** Returns private or personal data. */
    PRIVATE_DATA,
    /** Moves data out of the organisation (send email, HTTP POST, upload). */
    EXTERNAL_SINK,
    /** Moves money or commits a financial transaction: the strictest response tier. */
    FINANCIAL
}
