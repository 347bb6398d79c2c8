package dev.lifeguard.lb;

import java.time.Clock;

import jakarta.annotation.PreDestroy;
import jakarta.annotation.Priority;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import jakarta.interceptor.Interceptor;

import org.eclipse.microprofile.config.inject.ConfigProperty;
import org.jboss.logging.Logger;

import dev.lifeguard.config.DryRun;
import dev.lifeguard.config.LoadBalancerSpec;
import dev.lifeguard.diagnose.OverloadWatch;
import dev.lifeguard.watch.Watchers;
import io.quarkus.runtime.StartupEvent;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.net.NetServer;
import io.vertx.core.net.NetServerOptions;
import io.vertx.core.net.NetSocket;

/**
 * Serves HAProxy's agent-check on {@code lifeguard.agent-check.port}: each connection gets one line from the current
 * readiness and is closed; no upstream I/O, any number of pollers. A port that cannot be bound is said once, in the
 * log and the status, and Lifeguard keeps serving (HAProxy ignores an agent it cannot reach). Thread-safe.
 */
@ApplicationScoped
public class AgentCheckServer {

    private static final Logger LOG = Logger.getLogger(AgentCheckServer.class);

    private final Watchers watchers;
    private final OverloadWatch overload;
    private final Pollers pollers;
    private final LoadBalancerSpec spec;
    private final Clock clock;
    private final Vertx vertx;
    private final String host;
    private volatile NetServer server;
    /** For the status: listening on which port, or why not; empty when off. */
    private volatile String state = "";

    AgentCheckServer(Watchers watchers, OverloadWatch overload, Pollers pollers, LoadBalancerSpec spec, Clock clock, Vertx vertx,
            @ConfigProperty(name = "quarkus.http.host", defaultValue = "0.0.0.0") String host) {
        this.watchers = watchers;
        this.overload = overload;
        this.pollers = pollers;
        this.spec = spec;
        this.clock = clock;
        this.vertx = vertx;
        this.host = host;
    }

    void start(@Observes @Priority(Interceptor.Priority.APPLICATION + 700) StartupEvent event) {
        if (spec.agentCheckPort().isEmpty() || DryRun.active()) {
            return;
        }
        int port = spec.agentCheckPort().getAsInt();
        NetServer s = vertx.createNetServer(new NetServerOptions().setHost(host).setPort(port).setReuseAddress(true));
        s.connectHandler(this::answer);
        server = s;
        s.listen().onSuccess(bound -> {
            state = "listening on " + host + ":" + bound.actualPort();
            LOG.infof("Answering HAProxy's agent-check on %s:%d%s", host, bound.actualPort(),
                    spec.agentCheckAdmin() ? " (with the administrative words ready and drain: lifeguard.agent-check.admin=true)" : "");
        }).onFailure(e -> {
            state = "not listening: " + e.getMessage();
            LOG.errorf("lifeguard.agent-check.port: cannot listen on %s:%d (%s); HAProxy's agent checks get no answer, which HAProxy "
                    + "ignores. Free the port or choose another; Lifeguard goes on serving its HTTP endpoints", host, port, e.getMessage());
        });
    }

    private void answer(NetSocket socket) {
        String line = AgentCheckReply.of(watchers.admission(), overload.current(), spec.agentCheckAdmin(), spec.warmup(), clock.instant());
        String from = socket.remoteAddress().hostAddress();
        socket.exceptionHandler(e -> socket.close());
        socket.end(Buffer.buffer(line)).onSuccess(done -> pollers.polled(from, "agent-check", ""));
    }

    /** Listening on which port, or why not; empty when the agent-check is off. */
    public String state() {
        return state;
    }

    @PreDestroy
    void stop() {
        NetServer s = server;
        if (s != null) {
            s.close();
        }
    }
}
