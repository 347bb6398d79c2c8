package dev.lifeguard.report;

import java.util.List;

import jakarta.ws.rs.GET;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.MediaType;

import dev.lifeguard.watch.Transition;
import dev.lifeguard.watch.Watchers;
import io.quarkus.runtime.annotations.RegisterForReflection;

/** {@code GET /lifeguard/status}: every check's verdict with its evidence, and the recent transitions. */
@Path("/lifeguard/status")
public class StatusResource {

    /** The whole picture. Immutable. */
    @RegisterForReflection
    public record Status(boolean ready, CheckView upstream, List<CheckView> checks, List<TransitionView> transitions) {
    }

    /** A state change as JSON. Immutable. */
    @RegisterForReflection
    public record TransitionView(String check, String from, String to, String cause, String explanation, String at) {
        static TransitionView of(Transition t) {
            return new TransitionView(t.check(), t.from().code(), t.to().code(), t.cause().code(), t.explanation(), t.at().toString());
        }
    }

    private final Watchers watchers;

    StatusResource(Watchers watchers) {
        this.watchers = watchers;
    }

    @GET
    @Produces(MediaType.APPLICATION_JSON)
    public Status status() {
        List<CheckView> all = watchers.all().stream().map(w -> CheckView.of(w.verdict())).toList();
        return new Status(watchers.ready(), all.get(0), all.subList(1, all.size()),
                watchers.history().stream().map(TransitionView::of).toList());
    }
}
