package dev.lifeguard.supervise;

import java.util.Optional;
import java.util.OptionalInt;

import dev.lifeguard.config.CheckSpec;
import dev.lifeguard.config.SupervisionSpec;
import dev.lifeguard.config.Target;
import dev.lifeguard.diagnose.WrongPort;
import dev.lifeguard.probe.Cause;
import dev.lifeguard.probe.ProbeResult;
import dev.lifeguard.watch.SupervisionEvent;

/**
 * Explains a failed upstream probe with what supervision knows and the probe cannot: the child's exit, a spent
 * restart budget, a process that is gone, a slow answer a side probe got, a stopped process, or one that listens
 * elsewhere. Configuration is fixed at construction; each call is given the supervisor's state of that moment.
 */
final class ProbeExplainer {

    private final SupervisionSpec spec;
    private final CheckSpec upstream;
    private final SlowProbe sideProbe;
    private final StoppedWatch stoppedWatch;
    private final String crashLoopAdvice;
    /** The upstream's port and host, where it has them (not an exec check). */
    private final OptionalInt port;
    private final String host;

    ProbeExplainer(SupervisionSpec spec, CheckSpec upstream, SlowProbe sideProbe, StoppedWatch stoppedWatch, String crashLoopAdvice) {
        this.spec = spec;
        this.upstream = upstream;
        this.sideProbe = sideProbe;
        this.stoppedWatch = stoppedWatch;
        this.crashLoopAdvice = crashLoopAdvice;
        this.port = SlowProbe.port(upstream.target());
        this.host = upstream.target() instanceof Target.Http http ? http.uri().getHost()
                : upstream.target() instanceof Target.Grpc grpc ? grpc.host()
                : upstream.target() instanceof Target.Tcp tcp ? tcp.host() : "";
    }

    /**
     * @param state the child's state
     * @param exit the wrapped child's last exit, or null
     * @param located the process found in sidecar mode, or null
     * @param process the process supervised now, or null
     */
    Optional<SupervisionEvent> explain(ProbeResult failed, ChildState state, ChildExit exit, LocatedProcess located, ChildProcess process) {
        if (state == ChildState.CRASH_LOOP && exit != null) {
            return Optional.of(new SupervisionEvent(Cause.CRASH_LOOP, "restart budget spent; last: " + exit.describe(), crashLoopAdvice, failed.at()));
        }
        if ((state == ChildState.BACKING_OFF || state == ChildState.EXITED) && exit != null) {
            return Optional.of(SupervisionEvent.of(exit.cause(), exit.describe() + (state == ChildState.BACKING_OFF ? "; restart pending" : ""),
                    failed.at()));
        }
        if (located != null && located.lost().isPresent()) {
            return located.lost();
        }
        if (failed.cause() == Cause.RESPONSE_TIMEOUT) {
            Optional<SlowProbe.Answer> slow = sideProbe.answeredSince(failed.at().minus(spec.slowTimeout())).filter(a -> a.slowerThan(upstream.timeout()));
            if (slow.isPresent()) {
                return Optional.of(new SupervisionEvent(Cause.SLOW, slow.get().describe(spec.slowTimeout(), upstream.timeout()), Cause.SLOW.advice(),
                        failed.at()));
            }
        }
        if (state != ChildState.RUNNING || process == null) {
            return Optional.empty();
        }
        Optional<SupervisionEvent> stopped = stoppedWatch.stopped(process, failed.at());
        if (stopped.isPresent() || failed.cause() != Cause.CONNECTION_REFUSED || port.isEmpty()
                || failed.at().isBefore(process.started().plus(upstream.startupGrace()))) {
            return stopped;
        }
        // Refused after the startup grace: is it listening somewhere else?
        return WrongPort.explain(process.handle(), host, port.getAsInt()).map(why -> SupervisionEvent.of(Cause.WRONG_PORT, why, failed.at()));
    }
}
