package dev.lifeguard.report;

import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.Context;
import jakarta.ws.rs.core.HttpHeaders;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;

import org.jboss.logging.Logger;

import dev.lifeguard.supervise.Supervisor;
import io.quarkus.runtime.annotations.RegisterForReflection;
import io.vertx.core.http.HttpServerRequest;

/**
 * {@code POST /lifeguard/admin/restart}: restart the wrapped service now. Admitted as {@link AdminAccess} decides: with
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

    private final Supervisor supervisor;
    private final AdminAccess access;

    AdminResource(Supervisor supervisor, AdminAccess access) {
        this.supervisor = supervisor;
        this.access = access;
    }

    @POST
    @Path("/restart")
    @Produces(MediaType.APPLICATION_JSON)
    public Response restart(@Context HttpServerRequest request) {
        AdminAccess.Decision decision = access.decide(request);
        if (!decision.granted()) {
            String address = request.remoteAddress() == null ? "?" : request.remoteAddress().hostAddress();
            Refusal refusal = new Refusal(access.refusal(decision, address));
            return decision == AdminAccess.Decision.DISABLED ? Response.status(Response.Status.FORBIDDEN).entity(refusal).build()
                    : Response.status(Response.Status.UNAUTHORIZED).header(HttpHeaders.WWW_AUTHENTICATE, "Bearer realm=\"lifeguard\"")
                            .entity(refusal).build();
        }
        if (!supervisor.supervising()) {
            return Response.status(Response.Status.CONFLICT).entity(new Refusal(
                    "nothing to restart: Lifeguard wraps no command (lifeguard -- command) and has found no process (lifeguard.process.*)")).build();
        }
        String previous = supervisor.status().state().code();
        LOG.warnf("Restart requested through POST /lifeguard/admin/restart from %s (%s; child in state %s)",
                request.remoteAddress() == null ? "?" : request.remoteAddress().hostAddress(),
                decision == AdminAccess.Decision.TOKEN ? "admin token" : "loopback, no token", previous);
        supervisor.restartNow("requested through POST /lifeguard/admin/restart");
        return Response.accepted(new Restarting(true, previous)).build();
    }
}
