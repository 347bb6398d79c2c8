package dev.lifeguard.report;

import java.time.Duration;
import java.util.LinkedHashSet;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import jakarta.enterprise.event.ObservesAsync;

import dev.lifeguard.config.HttpSpec;
import dev.lifeguard.config.LifeguardConfig;
import io.netty.channel.Channel;
import io.netty.channel.ChannelHandler.Sharable;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.util.AttributeKey;
import io.netty.util.concurrent.EventExecutor;
import io.netty.util.concurrent.ScheduledFuture;
import io.quarkus.vertx.http.HttpServerStart;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpConnection;
import io.vertx.core.http.HttpServerOptions;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.core.http.HttpVersion;
import io.vertx.core.net.NetClient;
import io.vertx.core.net.NetClientOptions;
import io.vertx.core.net.impl.ConnectionBase;
import io.vertx.ext.web.Router;

/**
 * Holds Lifeguard's own port against slow clients (slowloris): a connection must send each request's head whole
 * within {@code lifeguard.http.head-timeout} of its opening, or of the first byte of its next request, or it is
 * closed; and once more than {@value #SHED_AT} connections are open, each new one closes the connection that has
 * waited longest for a head (idle kept-alive ones included), so that a load balancer or kubelet that opens a fresh
 * connection is answered however many slow ones an attacker opens. Requests in progress are never cut.
 *
 * <p>Quarkus's idle timeout restarts on every byte and it owns the server's connection handler, so the watch sits in
 * Netty: a handler on the listening channel puts a {@link Watch} first in every accepted connection's pipeline. The
 * listening channel is reached through the first request's connection; Lifeguard sends itself one request as soon
 * as it listens. Thread-safe: each watch is used on its connection's event loop only.
 */
@ApplicationScoped
class SlowClients {

    /** Open connections above which a new one displaces the one waiting longest for a head: well below Quarkus's cap. */
    static final int SHED_AT = 256;

    private static final AttributeKey<Watch> WATCH = AttributeKey.valueOf("lifeguard.slow-clients");

    private final long deadlineNanos;
    private final Vertx vertx;
    private final AtomicBoolean installed = new AtomicBoolean();
    private final AtomicInteger open = new AtomicInteger();
    /** Per event loop, the connections that wait for a head, longest first; each set is touched by its loop only. */
    private final Map<EventExecutor, LinkedHashSet<Watch>> waiting = new ConcurrentHashMap<>();

    SlowClients(LifeguardConfig config, Vertx vertx) {
        Duration deadline = HttpSpec.from(config).headTimeout();
        this.deadlineNanos = deadline.toNanos();
        this.vertx = vertx;
    }

    void route(@Observes Router router) {
        if (deadlineNanos == 0) {
            return;
        }
        router.route().order(Integer.MIN_VALUE).handler(ctx -> {
            HttpServerRequest request = ctx.request();
            HttpConnection connection = request.connection();
            if (connection instanceof ConnectionBase base) {
                Channel channel = base.channel();
                install(channel.parent());
                Watch watch = channel.attr(WATCH).get();
                if (watch != null) {
                    if (request.version() == HttpVersion.HTTP_2) {
                        // Streams of one connection, framed by HTTP/2 itself: not a head read byte by byte.
                        watch.exempt();
                    } else {
                        watch.requestBegan();
                        ctx.addEndHandler(done -> watch.requestEnded());
                    }
                }
            }
            ctx.next();
        });
    }

    /** Lifeguard's own first request, so that the watch is in place before anyone else connects. */
    void listening(@ObservesAsync HttpServerStart start) {
        HttpServerOptions options = start.options();
        if (deadlineNanos == 0 || options.getPort() <= 0) {
            return;
        }
        String host = switch (options.getHost()) {
            case "0.0.0.0" -> "127.0.0.1";
            case "::", "[::]" -> "::1";
            default -> options.getHost();
        };
        NetClient client = vertx.createNetClient(new NetClientOptions().setConnectTimeout(2_000).setIdleTimeout(5));
        client.connect(options.getPort(), host).onComplete(connected -> {
            if (connected.failed()) {
                client.close();
                return;
            }
            connected.result().handler(ignored -> {
            }).closeHandler(v -> client.close());
            connected.result().write("GET /q/health/live HTTP/1.1\r\nHost: lifeguard\r\nConnection: close\r\n\r\n");
        });
    }

    private void install(Channel listening) {
        if (listening != null && installed.compareAndSet(false, true)) {
            listening.pipeline().addFirst("lifeguard-slow-clients", new Acceptor());
        }
    }

    /** On the listening channel: every accepted connection gets a watch, first in its pipeline. */
    @Sharable
    private final class Acceptor extends ChannelInboundHandlerAdapter {
        @Override
        public void channelRead(ChannelHandlerContext ctx, Object msg) {
            if (msg instanceof Channel child) {
                open.incrementAndGet();
                child.closeFuture().addListener(closed -> open.decrementAndGet());
                Watch watch = new Watch();
                child.attr(WATCH).set(watch);
                child.pipeline().addFirst("lifeguard-head-deadline", watch);
            }
            ctx.fireChannelRead(msg);
        }
    }

    /** One connection: waiting for a head (with a deadline), in requests, idle between them, or exempt (HTTP/2). */
    private final class Watch extends ChannelInboundHandlerAdapter {
        private ChannelHandlerContext ctx;
        private LinkedHashSet<Watch> queue;
        private ScheduledFuture<?> deadline;
        private int inFlight;
        private boolean idle;
        private boolean exempt;

        @Override
        public void handlerAdded(ChannelHandlerContext ctx) {
            this.ctx = ctx;
            this.queue = waiting.computeIfAbsent(ctx.executor(), loop -> new LinkedHashSet<>());
            awaitHead();
            if (open.get() > SHED_AT) {
                Watch longest = queue.iterator().next();
                if (longest != this) {
                    longest.stopWaiting();
                    longest.ctx.close();
                }
            }
        }

        @Override
        public void channelRead(ChannelHandlerContext ctx, Object msg) {
            if (idle) {
                awaitHead();
            }
            ctx.fireChannelRead(msg);
        }

        @Override
        public void channelInactive(ChannelHandlerContext ctx) {
            stopWaiting();
            exempt = true;
            ctx.fireChannelInactive();
        }

        @Override
        public void handlerRemoved(ChannelHandlerContext ctx) {
            stopWaiting();
        }

        private void awaitHead() {
            stopWaiting();
            idle = false;
            queue.add(this);
            deadline = ctx.executor().schedule(() -> {
                if (inFlight == 0 && !idle && !exempt) {
                    ctx.close();
                }
            }, deadlineNanos, TimeUnit.NANOSECONDS);
        }

        private void stopWaiting() {
            if (deadline != null) {
                deadline.cancel(false);
                deadline = null;
            }
            if (queue != null) {
                queue.remove(this);
            }
        }

        void requestBegan() {
            onLoop(() -> {
                if (!exempt) {
                    inFlight++;
                    idle = false;
                    stopWaiting();
                }
            });
        }

        void requestEnded() {
            onLoop(() -> {
                if (!exempt && --inFlight == 0) {
                    // Kept alive and waiting for its next request: displaceable, but its deadline starts with a byte.
                    idle = true;
                    queue.add(this);
                }
            });
        }

        void exempt() {
            onLoop(() -> {
                exempt = true;
                stopWaiting();
            });
        }

        private void onLoop(Runnable task) {
            if (ctx == null) {
                return;
            }
            if (ctx.executor().inEventLoop()) {
                task.run();
            } else {
                ctx.executor().execute(task);
            }
        }
    }
}
