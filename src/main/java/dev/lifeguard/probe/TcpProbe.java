package dev.lifeguard.probe;

import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.time.Clock;
import java.time.Duration;

import dev.lifeguard.config.Target;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.core.net.NetClient;
import io.vertx.core.net.NetClientOptions;
import io.vertx.core.net.NetSocket;
import io.vertx.core.net.SocketAddress;

/** Probes a TCP port: it passes when a connection is accepted, which is then closed at once. Thread-safe. */
final class TcpProbe implements Probe {

    private final Target.Tcp target;
    private final long timeoutMillis;
    private final Vertx vertx;
    private final Clock clock;
    private final Resolver resolver;
    private final NetClient client;

    TcpProbe(Target.Tcp target, Duration timeout, Vertx vertx, Clock clock) {
        this.target = target;
        this.timeoutMillis = Math.max(1, timeout.toMillis());
        this.vertx = vertx;
        this.clock = clock;
        this.resolver = new Resolver(vertx);
        this.client = vertx.createNetClient(new NetClientOptions().setConnectTimeout((int) timeoutMillis));
    }

    @Override
    public Future<ProbeResult> probe() {
        long started = System.nanoTime();
        Promise<ProbeResult> result = Promise.promise();
        Phase[] phase = { Phase.RESOLVING };
        InetAddress[] resolved = { null };
        long timer = vertx.setTimer(timeoutMillis, id -> result.tryComplete(phase[0].timedOut(Duration.ofMillis(timeoutMillis),
                target.host(), target.port(), Resolver.resolvedTo(target.host(), resolved[0]), Duration.ofNanos(System.nanoTime() - started),
                clock.instant())));
        resolver.resolve(target.host())
                .compose(address -> {
                    phase[0] = Phase.CONNECTING;
                    resolved[0] = address;
                    return client.connect(SocketAddress.inetSocketAddress(new InetSocketAddress(address, target.port())));
                })
                .onComplete(r -> {
                    Duration latency = Duration.ofNanos(System.nanoTime() - started);
                    if (r.succeeded()) {
                        // Closed after the connect callback, not in it: Netty still holds the connect promise there, and
                        // fails it on close with an exception whose stack trace cost a tenth of the probe.
                        NetSocket socket = r.result();
                        vertx.runOnContext(v -> socket.close());
                        result.tryComplete(ProbeResult.ok("connected to " + target.host() + ":" + target.port(), latency, clock.instant(), 0));
                    } else {
                        result.tryComplete(ProbeResult.failed(FailureClassifier.classify(r.cause(), phase[0]), FailureClassifier.describe(r.cause())
                                + (phase[0] == Phase.CONNECTING ? Resolver.resolvedTo(target.host(), resolved[0]) : ""), latency, clock.instant(), 0));
                    }
                    vertx.cancelTimer(timer);
                });
        return result.future();
    }

    @Override
    public void close() {
        client.close();
    }
}
