package dev.lifeguard.report;

import java.util.LinkedHashMap;
import java.util.Map;

import jakarta.ws.rs.GET;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;

import dev.lifeguard.supervise.Supervisor;
import dev.lifeguard.watch.Verdict;
import dev.lifeguard.watch.Watchers;

/**
 * {@code GET /lifeguard/upstream/live}: 503 while the upstream is judged hung or crash-looping, 200 otherwise. An
 * application container's livenessProbe points here, so the kubelet restarts it on Lifeguard's judgement.
 */
@Path("/lifeguard/upstream/live")
public class UpstreamLivenessResource {

    private final Supervisor supervisor;
    private final Watchers watchers;

    UpstreamLivenessResource(Supervisor supervisor, Watchers watchers) {
        this.supervisor = supervisor;
        this.watchers = watchers;
    }

    @GET
    @Produces(MediaType.APPLICATION_JSON)
    public Response live() {
        Verdict upstream = watchers.upstream();
        boolean dead = supervisor.upstreamDead();
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("live", !dead);
        body.put("state", upstream.state().code());
        body.put("cause", upstream.cause().code());
        body.put("explanation", upstream.explanation());
        return Response.status(dead ? 503 : 200).entity(body).build();
    }
}
