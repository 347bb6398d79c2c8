package dev.lifeguard.report;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.util.Map;
import java.util.Optional;

import jakarta.ws.rs.HeaderParam;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.HttpHeaders;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;

import org.jboss.logging.Logger;

import dev.lifeguard.supervise.Supervisor;

/**
 * {@code POST /lifeguard/admin/restart}: restart the wrapped service now. Needs {@code Authorization: Bearer <token>}
 * with the configured {@code lifeguard.admin.token}; with no token configured the admin endpoints are disabled (403).
 */
@Path("/lifeguard/admin")
public class AdminResource {

    private static final Logger LOG = Logger.getLogger(AdminResource.class);

    private final Supervisor supervisor;
    private final Optional<byte[]> token;

    AdminResource(Supervisor supervisor) {
        this.supervisor = supervisor;
        this.token = supervisor.adminToken().map(t -> t.getBytes(StandardCharsets.UTF_8));
    }

    @POST
    @Path("/restart")
    @Produces(MediaType.APPLICATION_JSON)
    public Response restart(@HeaderParam(HttpHeaders.AUTHORIZATION) String authorization) {
        if (token.isEmpty()) {
            return Response.status(Response.Status.FORBIDDEN)
                    .entity(Map.of("error", "admin endpoints are disabled: set lifeguard.admin.token or lifeguard.admin.token-file")).build();
        }
        if (!authorized(authorization)) {
            return Response.status(Response.Status.UNAUTHORIZED).header(HttpHeaders.WWW_AUTHENTICATE, "Bearer realm=\"lifeguard\"")
                    .entity(Map.of("error", "missing or wrong bearer token")).build();
        }
        if (!supervisor.supervising()) {
            return Response.status(Response.Status.CONFLICT).entity(Map.of("error",
                    "nothing to restart: Lifeguard wraps no command (lifeguard -- command) and has found no process (lifeguard.process.*)")).build();
        }
        LOG.warnf("Restart requested through POST /lifeguard/admin/restart (child in state %s)", supervisor.state().code());
        supervisor.restartNow("requested through POST /lifeguard/admin/restart");
        return Response.accepted(Map.of("restarting", true, "previousState", supervisor.state().code())).build();
    }

    private boolean authorized(String authorization) {
        if (authorization == null || !authorization.regionMatches(true, 0, "Bearer ", 0, 7)) {
            return false;
        }
        byte[] given = authorization.substring(7).strip().getBytes(StandardCharsets.UTF_8);
        return MessageDigest.isEqual(given, token.get());
    }
}
