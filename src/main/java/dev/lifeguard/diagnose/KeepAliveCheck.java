package dev.lifeguard.diagnose;

import java.io.IOException;
import java.io.InputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.Locale;
import java.util.Optional;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicBoolean;

import jakarta.annotation.PreDestroy;
import jakarta.enterprise.context.ApplicationScoped;

import org.jboss.logging.Logger;

import dev.lifeguard.config.CheckSpecs;
import dev.lifeguard.config.Durations;
import dev.lifeguard.config.GatewaySpec;
import dev.lifeguard.config.InvalidConfigException;
import dev.lifeguard.config.LifeguardConfig;
import dev.lifeguard.config.Target;
import dev.lifeguard.watch.State;
import dev.lifeguard.watch.Transition;
import dev.lifeguard.watch.WatchListener;
import io.quarkus.runtime.configuration.ConfigurationException;

/**
 * The keep-alive trap: an upstream that closes idle connections sooner than the gateway keeps them open
 * ({@code lifeguard.gateway.keepalive}) makes the gateway send, now and then, a request on a connection the upstream
 * has just closed, and answer 502. Each time the upstream becomes ready, one request on a connection of its own, then
 * the wait to see when the upstream closes it, bounded by the gateway's keep-alive. Plain HTTP upstreams only. Thread-safe.
 */
@ApplicationScoped
public class KeepAliveCheck implements WatchListener {

    private static final Logger LOG = Logger.getLogger(KeepAliveCheck.class);
    /** Past the gateway's keep-alive, by this much, a connection still open is proof enough. */
    private static final Duration MARGIN = Duration.ofSeconds(1);
    private static final int MAX_HEAD = 16 * 1024;

    /**
     * What the upstream did with an idle connection. Immutable.
     *
     * @param closedAfter how long it kept the connection idle before it closed it; empty when it kept it past the gateway's keep-alive
     * @param noKeepAlive whether it answered {@code Connection: close}: no reuse, so no trap
     */
    public record Finding(Instant at, Duration gatewayKeepalive, Optional<Duration> closedAfter, boolean noKeepAlive) {

        /** Whether the gateway can reuse a connection that the upstream has closed: the source of sporadic 502s. */
        public boolean trap() {
            return !noKeepAlive && closedAfter.isPresent() && closedAfter.get().compareTo(gatewayKeepalive) < 0;
        }

        public String describe() {
            if (noKeepAlive) {
                return "the upstream closes every connection after one answer (Connection: close): the gateway never reuses one";
            }
            return closedAfter.map(d -> "the upstream closes idle connections after " + Durations.elapsed(d) + (trap()
                    ? ", sooner than the gateway keeps them (lifeguard.gateway.keepalive=" + Durations.exact(gatewayKeepalive) + ")"
                    : ", no sooner than the gateway (lifeguard.gateway.keepalive=" + Durations.exact(gatewayKeepalive) + ")"))
                    .orElse("the upstream kept an idle connection open past the gateway's keep-alive (" + Durations.exact(gatewayKeepalive) + ")");
        }
    }

    private final Optional<Duration> keepalive;
    private final Optional<Target.Http> upstream;
    private final ExecutorService thread = Executors.newSingleThreadExecutor(r -> {
        Thread t = new Thread(r, "lifeguard-keepalive");
        t.setDaemon(true);
        return t;
    });
    private final AtomicBoolean measuring = new AtomicBoolean();
    private volatile Finding finding;

    KeepAliveCheck(LifeguardConfig config) {
        try {
            this.keepalive = GatewaySpec.from(config).keepalive();
            Target target = CheckSpecs.from(config).get(0).target();
            this.upstream = target instanceof Target.Http http && !http.https() ? Optional.of(http) : Optional.empty();
        } catch (InvalidConfigException e) {
            throw new ConfigurationException("Invalid configuration: " + e.getMessage());
        }
        if (keepalive.isPresent() && upstream.isEmpty()) {
            LOG.info("lifeguard.gateway.keepalive is set, but the upstream is not a plain http:// URL: its keep-alive is not measured");
        }
    }

    /** The latest measurement, if any. */
    public Optional<Finding> finding() {
        return Optional.ofNullable(finding);
    }

    @Override
    public void transitioned(Transition t) {
        if (t.to() == State.READY && "upstream".equals(t.check()) && keepalive.isPresent() && upstream.isPresent()
                && measuring.compareAndSet(false, true)) {
            thread.execute(() -> {
                try {
                    measure(upstream.get(), keepalive.get());
                } finally {
                    measuring.set(false);
                }
            });
        }
    }

    private void measure(Target.Http target, Duration gateway) {
        Finding f;
        try {
            f = idle(target, gateway);
        } catch (IOException e) {
            LOG.debugf("Could not measure the upstream's keep-alive: %s", e);
            return;
        }
        Finding before = finding;
        finding = f;
        if (f.trap() && (before == null || !before.trap())) {
            LOG.warnf("[keep-alive] %s: now and then the gateway sends a request on a connection the upstream has just closed, and its user "
                    + "gets a 502. Advice: make the upstream keep idle connections longer than the gateway (Node.js server.keepAliveTimeout, "
                    + "gunicorn --keep-alive, Tomcat keepAliveTimeout, Go's http.Server IdleTimeout), or lower the gateway's keep-alive below it.",
                    f.describe());
        } else if (!f.trap() && before != null && before.trap()) {
            LOG.infof("Keep-alive: %s", f.describe());
        }
    }

    /** One request on a connection of its own, then the wait for the upstream to close it, at most the gateway's keep-alive and a margin. */
    static Finding idle(Target.Http target, Duration gateway) throws IOException {
        try (Socket socket = new Socket()) {
            socket.connect(new InetSocketAddress(target.uri().getHost(), target.port()), (int) Duration.ofSeconds(5).toMillis());
            String host = target.hostHeader().orElse(target.uri().getHost() + ":" + target.port());
            socket.getOutputStream().write(("GET " + target.pathAndQuery() + " HTTP/1.1\r\nHost: " + host + "\r\nUser-Agent: lifeguard\r\n"
                    + "Connection: keep-alive\r\n\r\n").getBytes(StandardCharsets.US_ASCII));
            InputStream in = socket.getInputStream();
            byte[] buffer = new byte[8192];
            StringBuilder head = new StringBuilder();
            long lastByte = System.nanoTime();
            long deadline = lastByte + gateway.plus(MARGIN).toNanos();
            while (true) {
                long left = deadline - System.nanoTime();
                if (left <= 0) {
                    return new Finding(Instant.now(), gateway, Optional.empty(), false);
                }
                socket.setSoTimeout((int) Math.max(1, left / 1_000_000));
                int n;
                try {
                    n = in.read(buffer);
                } catch (SocketTimeoutException e) {
                    return new Finding(Instant.now(), gateway, Optional.empty(), false);
                } catch (IOException reset) {
                    n = -1;
                }
                if (n < 0) {
                    boolean close = head.toString().toLowerCase(Locale.ROOT).contains("\r\nconnection: close");
                    return new Finding(Instant.now(), gateway, Optional.of(Duration.ofNanos(System.nanoTime() - lastByte)), close);
                }
                lastByte = System.nanoTime();
                // The idle time counts from the answer's last byte: a body still arriving is no idle connection.
                deadline = lastByte + gateway.plus(MARGIN).toNanos();
                if (head.length() < MAX_HEAD) {
                    head.append(new String(buffer, 0, Math.min(n, MAX_HEAD - head.length()), StandardCharsets.ISO_8859_1));
                }
            }
        }
    }

    @PreDestroy
    void stop() {
        thread.shutdownNow();
    }
}
