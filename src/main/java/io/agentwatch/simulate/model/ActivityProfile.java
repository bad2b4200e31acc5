package io.agentwatch.simulate.model;

import java.time.DayOfWeek;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.ZonedDateTime;

/** When agents work: relative activity (0..1) by UTC hour of day and day of week. */
public enum ActivityProfile {
    /** Follows the people it serves: busy 09-17 UTC, a lunch dip, quiet nights, light weekends. */
    OFFICE_HOURS(new double[] {
        0.03, 0.03, 0.03, 0.03, 0.03, 0.05, 0.1, 0.35, 0.8, 1.0, 1.0, 1.0,
        0.7, 1.0, 1.0, 1.0, 1.0, 0.7, 0.35, 0.2, 0.1, 0.06, 0.04, 0.03}, 0.2),
    /** Operations work: alerts arrive at any hour, somewhat more in the day, weekends too. */
    ROUND_THE_CLOCK(new double[] {
        0.5, 0.45, 0.45, 0.45, 0.5, 0.55, 0.65, 0.8, 0.9, 1.0, 1.0, 1.0,
        0.9, 1.0, 1.0, 1.0, 1.0, 0.9, 0.8, 0.7, 0.65, 0.6, 0.55, 0.5}, 0.8);

    private final double[] byHour;
    private final double weekend;

    ActivityProfile(double[] byHour, double weekend) {
        this.byHour = byHour;
        this.weekend = weekend;
    }

    public double weight(Instant t) {
        ZonedDateTime utc = t.atZone(ZoneOffset.UTC);
        DayOfWeek day = utc.getDayOfWeek();
        boolean isWeekend = day == DayOfWeek.SATURDAY || day == DayOfWeek.SUNDAY;
        return byHour[utc.getHour()] * (isWeekend ? weekend : 1.0);
    }
}
