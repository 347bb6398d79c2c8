package dev.lifeguard.report;

import java.time.Clock;
import java.util.List;
import java.util.Locale;
import java.util.Optional;

import jakarta.inject.Singleton;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.Context;
import jakarta.ws.rs.core.MediaType;

import org.eclipse.microprofile.config.inject.ConfigProperty;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;

import dev.lifeguard.config.Redaction;
import dev.lifeguard.diagnose.Degraded;
import dev.lifeguard.diagnose.GatewayDeadline;
import dev.lifeguard.diagnose.Incidents;
import dev.lifeguard.diagnose.KeepAliveCheck;
import dev.lifeguard.diagnose.OverloadWatch;
import dev.lifeguard.kubernetes.PodApi;
import dev.lifeguard.kubernetes.PodEvents;
import dev.lifeguard.kubernetes.ReadinessGate;
import dev.lifeguard.lb.AgentCheckServer;
import dev.lifeguard.lb.HaproxyPush;
import dev.lifeguard.lb.LoadBalancerDrain;
import dev.lifeguard.lb.Pollers;
import dev.lifeguard.supervise.ChildExit;
import dev.lifeguard.supervise.DrainGate;
import dev.lifeguard.supervise.Restart;
import dev.lifeguard.supervise.Supervisor;
import dev.lifeguard.supervise.SupervisorStatus;
import dev.lifeguard.watch.Admission;
import dev.lifeguard.watch.Transition;
import dev.lifeguard.watch.Watchers;
import io.quarkus.runtime.annotations.RegisterForReflection;
import io.vertx.core.http.HttpServerRequest;

/**
 * {@code GET /lifeguard/status}: every check's verdict with its evidence, and the recent transitions. Open to all, with
 * the wrapped command's secret-looking arguments masked; what the process wrote (its last lines, a thread dump) only to
 * a request {@link AdminAccess} admits, {@code null} for others.
 */
@Singleton
@Path("/lifeguard/status")
public class StatusResource {

    /**
     * The whole picture. Immutable.
     *
     * @param access how this request was admitted to what the process wrote: {@code token}, {@code loopback}, or
     *     {@code none} (the restart records' {@code output} is null)
     */
    @RegisterForReflection
    public record Status(String version, boolean ready, String access, AdmissionView admission, IncidentsResource.IncidentView incident,
            CheckView upstream, List<CheckView> checks, List<TransitionView> transitions, SupervisorView supervisor, LoadBalancersView loadBalancers,
            GatewayView gateway, KeepAliveView keepAlive, DegradedView degraded, KubernetesView kubernetes) {
    }

    /**
     * What Lifeguard tells Kubernetes: {@code state} says on (for which pod), off and why, or what the API server
     * refused; {@code readinessGate} the condition last set (null without one); {@code eventsPosted} the calls that
     * posted or updated an Event. Immutable.
     */
    @RegisterForReflection
    public record KubernetesView(String state, String readinessGate, int eventsPosted) {
    }

    /**
     * The keep-alive trap, with {@code lifeguard.gateway.keepalive}: how long the upstream kept an idle connection
     * ({@code closedAfterMs}, null when it kept it past the gateway's keep-alive) and whether that is shorter than the
     * gateway's (a source of sporadic 502s); null before the first measurement. Immutable.
     */
    @RegisterForReflection
    public record KeepAliveView(String at, String gatewayKeepalive, Double closedAfterMs, boolean noKeepAlive, boolean trap, String finding) {
        static KeepAliveView of(KeepAliveCheck.Finding f) {
            return new KeepAliveView(f.at().toString(), f.gatewayKeepalive().toString(), f.closedAfter().map(CheckView::millis).orElse(null),
                    f.noKeepAlive(), f.trap(), f.describe());
        }
    }

    /** Ready, but overloaded: since when, each sign, and the weight load balancers are told to give it; null when not. Immutable. */
    @RegisterForReflection
    public record DegradedView(String since, List<String> signs, int weightPercent) {
        static DegradedView of(Degraded d) {
            return new DegradedView(d.since().toString(), d.signs(), d.weightPercent());
        }
    }

    /**
     * The upstream's latest answer time against the gateway's timeout; null without {@code lifeguard.gateway.timeout}
     * or before an answer. {@code nearSince} is null while answers stay below {@code warnAt} of it. Immutable.
     */
    @RegisterForReflection
    public record GatewayView(String timeout, double warnAt, double latestMs, double share, String nearSince) {
        static GatewayView of(GatewayDeadline.Standing s) {
            return new GatewayView(s.timeout().toString(), s.warnAt(), CheckView.millis(s.latest()), Math.round(s.share() * 1000) / 1000.0,
                    s.near() ? s.nearSince().toString() : null);
        }
    }

    /** What load balancers are told: ready, draining or not ready, with the first failing check's cause. Immutable. */
    @RegisterForReflection
    public record AdmissionView(String status, String check, String cause, String explanation, String since) {
        static AdmissionView of(Admission a) {
            return new AdmissionView(a.status().name().toLowerCase(Locale.ROOT), a.check(), a.code(), a.explanation(), a.since().toString());
        }
    }

    /**
     * How load balancers are reached: the agent-check port's state and the push to HAProxy's Runtime API (each null when
     * off), the pollers remembered, and the drain (null while none was asked for). Immutable.
     */
    @RegisterForReflection
    public record LoadBalancersView(String agentCheck, String haproxyPush, int pollers, DrainView drain) {
    }

    /** A drain: since when, why, and once it ended, whether the load balancers observed it. Immutable. */
    @RegisterForReflection
    public record DrainView(String since, String why, Boolean observed, String account) {
    }

    /** The supervised process, its last exit and the restart history; null when nothing is wrapped or looked for. Immutable. */
    @RegisterForReflection
    public record SupervisorView(String state, long pid, List<String> command, String lastExit, int restartsInWindow,
            int maxRestarts, List<RestartView> restarts, String unexpected) {
    }

    /** A restart (or the decision not to) with its evidence and, for an admitted request, the process's last output. Immutable. */
    @RegisterForReflection
    public record RestartView(String at, long pid, String cause, String explanation, String advice, long restartInMs, List<String> evidence,
            List<String> output) {
        static RestartView of(Restart i, boolean showOutput) {
            return new RestartView(i.at().toString(), i.pid(), i.cause().code(), i.explanation(), i.advice(), i.restartIn(), i.evidence(),
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
    private final AgentCheckServer agentCheck;
    private final LoadBalancerDrain drain;
    private final Pollers pollers;
    private final HaproxyPush push;
    private final Incidents incidents;
    private final GatewayDeadline gateway;
    private final OverloadWatch overload;
    private final KeepAliveCheck keepAlive;
    private final PodApi kubernetes;
    private final ReadinessGate readinessGate;
    private final PodEvents events;
    private final ObjectMapper json;
    private final SharedRender rendered = new SharedRender();

    StatusResource(Watchers watchers, Supervisor supervisor, AdminAccess access, Clock clock,
            @ConfigProperty(name = "quarkus.application.version", defaultValue = "unknown") String version, AgentCheckServer agentCheck,
            LoadBalancerDrain drain, Pollers pollers, HaproxyPush push, Incidents incidents, GatewayDeadline gateway, OverloadWatch overload, KeepAliveCheck keepAlive, PodApi kubernetes, ReadinessGate readinessGate, PodEvents events,
            ObjectMapper json) {
        this.json = json;
        this.kubernetes = kubernetes;
        this.readinessGate = readinessGate;
        this.events = events;
        this.gateway = gateway;
        this.keepAlive = keepAlive;
        this.overload = overload;
        this.incidents = incidents;
        this.push = push;
        this.agentCheck = agentCheck;
        this.drain = drain;
        this.pollers = pollers;
        this.clock = clock;
        this.watchers = watchers;
        this.supervisor = supervisor;
        this.access = access;
        this.version = version;
    }

    /** The status as JSON; readers who come together share a render (with a thousand checks it is half a megabyte). */
    @GET
    @Produces(MediaType.APPLICATION_JSON)
    public byte[] status(@Context HttpServerRequest request) {
        AdminAccess.Decision decision = access.decide(request);
        return rendered.get(decision.code(), () -> {
            try {
                return json.writeValueAsBytes(status(decision));
            } catch (JsonProcessingException e) {
                throw new IllegalStateException("cannot render the status", e);
            }
        });
    }

    private Status status(AdminAccess.Decision decision) {
        List<CheckView> all = watchers.all().stream().map(w -> CheckView.of(w.verdict())).toList();
        SupervisorStatus s = supervisor.status();
        SupervisorView child = !s.active() ? null
                : new SupervisorView(s.state().code(), s.pid(), Redaction.argv(s.command()), s.lastExit().map(ChildExit::describe).orElse(null),
                        s.restartsInWindow(clock.instant()), s.maxRestarts(),
                        s.history().stream().map(i -> RestartView.of(i, decision.granted())).toList(), s.unexpected());
        Admission admission = watchers.admission();
        Optional<DrainGate.DrainOutcome> outcome = drain.outcome();
        DrainView drainView = drain.drainUnderWay().map(d -> new DrainView(d.since().toString(), d.why(),
                outcome.map(DrainGate.DrainOutcome::observed).orElse(null), outcome.map(DrainGate.DrainOutcome::account).orElse(null))).orElse(null);
        LoadBalancersView lb = new LoadBalancersView(agentCheck.state().isEmpty() ? null : agentCheck.state(),
                push.state().isEmpty() ? null : push.state(), pollers.size(), drainView);
        IncidentsResource.IncidentView open = incidents.open().map(i -> IncidentsResource.IncidentView.of(i, clock.instant())).orElse(null);
        return new Status(version, admission.ready(), decision.code(), AdmissionView.of(admission), open, all.get(0), all.subList(1, all.size()),
                watchers.history().stream().map(TransitionView::of).toList(), child, lb, gateway.standing().map(GatewayView::of).orElse(null),
                keepAlive.finding().map(KeepAliveView::of).orElse(null), overload.current().map(DegradedView::of).orElse(null),
                new KubernetesView(kubernetes.state(), readinessGate.state().isEmpty() ? null : readinessGate.state(), events.posted()));
    }
}
