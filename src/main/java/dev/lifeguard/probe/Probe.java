package dev.lifeguard.probe;

import java.time.Clock;
import java.time.Duration;

import dev.lifeguard.config.Target;
import io.vertx.core.Future;
import io.vertx.core.Vertx;

/** Probes one target once. Implementations are thread-safe; the returned future always succeeds: a failure is a result. */
public interface Probe extends AutoCloseable {

    /** Probes once, finishing within the timeout it was built with. */
    Future<ProbeResult> probe();

    @Override
    default void close() {
    }

    static Probe of(Target target, Duration timeout, Vertx vertx, Clock clock) {
        if (target instanceof Target.Http http) {
            return new HttpProbe(http, timeout, vertx, clock);
        }
        if (target instanceof Target.Grpc grpc) {
            return new GrpcProbe(grpc, timeout, vertx, clock);
        }
        if (target instanceof Target.Tcp tcp) {
            return new TcpProbe(tcp, timeout, vertx, clock);
        }
        return new ExecProbe((Target.Exec) target, timeout, vertx, clock);
    }
}
