package io.agentwatch.state;

/** The learning parameters of a baseline, from config. */
public record BaselinePolicy(int minEvents, int minDays, long halfLifeMs, int maxValues) {
}
