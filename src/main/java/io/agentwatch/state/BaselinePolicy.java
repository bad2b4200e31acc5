package io.agentwatch.state;

/**
 * The learning parameters of a baseline, from config: when it is ACTIVE, how fast it forgets,
 * how many values a grain keeps, and in how many clean sessions a new destination must appear
 * before it is known.
 */
public record BaselinePolicy(int minEvents, int minDays, long halfLifeMs, int maxValues, int quarantineSessions) {
}
