package io.agentwatch.simulate.model;

/** Work handed to another agent by a DELEGATE call: who does it, and the task (with its token) it gets. */
public record Delegation(Agent delegate, Task task) {
}
