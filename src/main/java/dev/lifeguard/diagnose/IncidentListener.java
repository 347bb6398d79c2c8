package dev.lifeguard.diagnose;

/** Told when an incident opens and when it closes; called under the incident book's lock: must be quick. */
public interface IncidentListener {

    default void opened(Incident incident) {
    }

    default void closed(Incident incident) {
    }
}
