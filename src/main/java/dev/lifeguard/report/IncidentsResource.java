package dev.lifeguard.report;

import java.time.Clock;
import java.time.Instant;
import java.util.List;

import jakarta.ws.rs.GET;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.MediaType;

import dev.lifeguard.diagnose.Incident;
import dev.lifeguard.diagnose.Incidents;
import io.quarkus.runtime.annotations.RegisterForReflection;

/**
 * {@code GET /lifeguard/incidents}: the failures kept, newest first, each with its cause, evidence, advice, what users
 * behind a gateway saw, and the restarts it took. Open to all: it holds no output of the process.
 */
@Path("/lifeguard/incidents")
public class IncidentsResource {

    /** One incident as JSON; {@code ended} null while it is open. Immutable. */
    @RegisterForReflection
    public record IncidentView(long id, boolean open, String check, String cause, String explanation, String advice, List<String> evidence,
            String usersSaw, String began, String ended, long durationMs, int restarts, String upstreamVersion) {
        static IncidentView of(Incident i, Instant now) {
            return new IncidentView(i.id(), i.open(), i.check(), i.cause(), i.explanation(), i.advice(), i.evidence(), i.usersSaw(),
                    i.began().toString(), i.ended() == null ? null : i.ended().toString(), i.duration(now).toMillis(), i.restarts(),
                    i.upstreamVersion());
        }
    }

    private final Incidents incidents;
    private final Clock clock;

    IncidentsResource(Incidents incidents, Clock clock) {
        this.incidents = incidents;
        this.clock = clock;
    }

    @GET
    @Produces(MediaType.APPLICATION_JSON)
    public List<IncidentView> all() {
        Instant now = clock.instant();
        return incidents.all().stream().map(i -> IncidentView.of(i, now)).toList();
    }
}
