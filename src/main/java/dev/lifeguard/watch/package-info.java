/** Schedules each check's probes, applies thresholds and hysteresis, and holds the current {@link dev.lifeguard.watch.Verdict} of every check. */
package dev.lifeguard.watch;
