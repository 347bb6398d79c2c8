package dev.lifeguard.report;

import java.time.Clock;
import java.util.List;

import jakarta.ws.rs.GET;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.Context;
import jakarta.ws.rs.core.MediaType;

import org.eclipse.microprofile.config.inject.ConfigProperty;

import dev.lifeguard.config.Redaction;
import dev.lifeguard.supervise.ChildExit;
import dev.lifeguard.supervise.Incident;
import dev.lifeguard.supervise.Supervisor;
import dev.lifeguard.supervise.SupervisorStatus;
import dev.lifeguard.watch.Transition;
import dev.lifeguard.watch.Watchers;
import io.quarkus.runtime.annotations.RegisterForReflection;
import io.vertx.core.http.HttpServerRequest;

/**
 * {@code GET /lifeguard/status}: every check's verdict with its evidence, and the recent transitions. Open to all, with
 * the wrapped command's secret-looking arguments masked; what the process wrote (its last lines, a thread dump) only to
 * a request {@link AdminAccess} admits, {@code null} for others.
 */
@Path("/lifeguard/status")
public class StatusResource {

    /**
     * The whole picture. Immutable.
     *
     * @param access how this request was admitted to what the process wrote: {@code token}, {@code loopback}, or
     *     {@code none} (the incidents' {@code output} is null)
     */
    @RegisterForReflection
    public record Status(String version, boolean ready, String access, CheckView upstream, List<CheckView> checks,
            List<TransitionView> transitions, SupervisorView supervisor) {
    }

    /** The supervised process, its last exit and the restart history; null when nothing is wrapped or looked for. Immutable. */
    @RegisterForReflection
    public record SupervisorView(String state, long pid, List<String> command, String lastExit, int restartsInWindow,
            int maxRestarts, List<IncidentView> restarts, String unexpected) {
    }

    /** A restart (or the decision not to) with its evidence and, for an admitted request, the process's last output. Immutable. */
    @RegisterForReflection
    public record IncidentView(String at, long pid, String cause, String explanation, String advice, long restartInMs, List<String> evidence,
            List<String> output) {
        static IncidentView of(Incident i, boolean showOutput) {
            return new IncidentView(i.at().toString(), i.pid(), i.cause().code(), i.explanation(), i.advice(), i.restartIn(), i.evidence(),
                    showOutput ? i.output() : null);
        }
    }

    /** A state change as JSON. Immutable. */
    @RegisterForReflection
    public record TransitionView(String check, String from, String to, String cause, String explanation, String at) {
        static TransitionView of(Transition t) {
            return new TransitionView(t.check(), t.from().code(), t.to().code(), t.cause().code(), t.explanation(), t.at().toString());
        }
    }

    private final Clock clock;
    private final Watchers watchers;
    private final Supervisor supervisor;
    private final AdminAccess access;
    private final String version;

    StatusResource(Watchers watchers, Supervisor supervisor, AdminAccess access, Clock clock,
            @ConfigProperty(name = "quarkus.application.version", defaultValue = "unknown") String version) {
        this.clock = clock;
        this.watchers = watchers;
        this.supervisor = supervisor;
        this.access = access;
        this.version = version;
    }

    @GET
    @Produces(MediaType.APPLICATION_JSON)
    public Status status(@Context HttpServerRequest request) {
        AdminAccess.Decision decision = access.decide(request);
        List<CheckView> all = watchers.all().stream().map(w -> CheckView.of(w.verdict())).toList();
        SupervisorStatus s = supervisor.status();
        SupervisorView child = !s.active() ? null
                : new SupervisorView(s.state().code(), s.pid(), Redaction.argv(s.command()), s.lastExit().map(ChildExit::describe).orElse(null),
                        s.restartsInWindow(clock.instant()), s.maxRestarts(),
                        s.history().stream().map(i -> IncidentView.of(i, decision.granted())).toList(), s.unexpected());
        return new Status(version, watchers.ready(), decision.code(), all.get(0), all.subList(1, all.size()),
                watchers.history().stream().map(TransitionView::of).toList(), child);
    }
}
