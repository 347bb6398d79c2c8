package dev.lifeguard.report;

import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;

import jakarta.ws.rs.GET;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.Context;
import jakarta.ws.rs.core.HttpHeaders;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;

import org.jboss.logging.Logger;

import dev.lifeguard.lb.LoadBalancerDrain;
import dev.lifeguard.supervise.Supervisor;
import dev.lifeguard.watch.Drain;
import io.quarkus.runtime.annotations.RegisterForReflection;
import io.vertx.core.http.HttpServerRequest;

/**
 * {@code POST /lifeguard/admin/restart}: restart the wrapped service now; {@code POST} (or {@code GET})
 * {@code /lifeguard/admin/drain}: take it out of the load balancers' rotation. Admitted as {@link AdminAccess} decides: with
 * {@code Authorization: Bearer <lifeguard.admin.token>}, or from loopback without an Authorization header unless
 * {@code lifeguard.admin.loopback-trusted=false}. 401 for a missing or wrong token where one is configured, 403 where
 * none is (admin is then open to loopback alone, or to nobody).
 */
@Path("/lifeguard/admin")
public class AdminResource {

    private static final Logger LOG = Logger.getLogger(AdminResource.class);

    /** Why a request was refused. Immutable. */
    @RegisterForReflection
    public record Refusal(String error) {
    }

    /** A restart accepted. Immutable. */
    @RegisterForReflection
    public record Restarting(boolean restarting, String previousState) {
    }

    /** A drain done: whether the load balancers observed it, and how. Immutable. */
    @RegisterForReflection
    public record Drained(boolean observed, String account, String since, String why) {
    }

    private final Supervisor supervisor;
    private final AdminAccess access;
    private final LoadBalancerDrain drain;

    AdminResource(Supervisor supervisor, AdminAccess access, LoadBalancerDrain drain) {
        this.supervisor = supervisor;
        this.access = access;
        this.drain = drain;
    }

    /** The refusal to send, or null when the request is admitted. */
    private Response refused(HttpServerRequest request, AdminAccess.Decision decision) {
        if (decision.granted()) {
            return null;
        }
        Refusal refusal = new Refusal(access.refusal(decision, address(request)));
        if (decision == AdminAccess.Decision.THROTTLED) {
            return Response.status(Response.Status.TOO_MANY_REQUESTS).header("Retry-After", "60").entity(refusal).build();
        }
        return decision == AdminAccess.Decision.DISABLED ? Response.status(Response.Status.FORBIDDEN).entity(refusal).build()
                : Response.status(Response.Status.UNAUTHORIZED).header(HttpHeaders.WWW_AUTHENTICATE, "Bearer realm=\"lifeguard\"")
                        .entity(refusal).build();
    }

    private static String address(HttpServerRequest request) {
        return request.remoteAddress() == null ? "?" : request.remoteAddress().hostAddress();
    }

    /**
     * Takes the upstream out of the load balancers' rotation and answers once they have observed it (or at
     * {@code lifeguard.drain.timeout}); the service keeps serving what is sent to it. As GET too, for a Kubernetes
     * {@code preStop} {@code httpGet} hook, which blocks the container's SIGTERM until it returns. An operator's
     * restart brings the service back into rotation.
     */
    @POST
    @Path("/drain")
    @Produces(MediaType.APPLICATION_JSON)
    public CompletionStage<Response> drain(@Context HttpServerRequest request) {
        AdminAccess.Decision decision = access.decide(request);
        Response refusal = refused(request, decision);
        if (refusal != null) {
            return CompletableFuture.completedFuture(refusal);
        }
        String why = "requested through /lifeguard/admin/drain from " + address(request);
        LOG.warnf("Drain %s (%s)", why, decision == AdminAccess.Decision.TOKEN ? "admin token" : "loopback, no token");
        return drain.drain(why).thenApply(outcome -> {
            Drain d = drain.drainUnderWay().orElse(null);
            return Response.ok(new Drained(outcome.observed(), outcome.account(), d == null ? "" : d.since().toString(),
                    d == null ? why : d.why())).build();
        });
    }

    @GET
    @Path("/drain")
    @Produces(MediaType.APPLICATION_JSON)
    public CompletionStage<Response> drainForPreStop(@Context HttpServerRequest request) {
        return drain(request);
    }

    @POST
    @Path("/restart")
    @Produces(MediaType.APPLICATION_JSON)
    public Response restart(@Context HttpServerRequest request) {
        AdminAccess.Decision decision = access.decide(request);
        Response refusal = refused(request, decision);
        if (refusal != null) {
            return refusal;
        }
        if (!supervisor.supervising()) {
            return Response.status(Response.Status.CONFLICT).entity(new Refusal(
                    "nothing to restart: Lifeguard wraps no command (lifeguard -- command) and has found no process (lifeguard.process.*)")).build();
        }
        String previous = supervisor.status().state().code();
        LOG.warnf("Restart requested through POST /lifeguard/admin/restart from %s (%s; child in state %s)", address(request),
                decision == AdminAccess.Decision.TOKEN ? "admin token" : "loopback, no token", previous);
        supervisor.restartNow("requested through POST /lifeguard/admin/restart");
        return Response.accepted(new Restarting(true, previous)).build();
    }
}
