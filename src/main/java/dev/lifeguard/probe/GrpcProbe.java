package dev.lifeguard.probe;

import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.time.Clock;
import java.time.Duration;

import dev.lifeguard.config.Durations;
import dev.lifeguard.config.Target;
import io.netty.handler.codec.http2.Http2Exception;
import io.netty.handler.ssl.NotSslRecordException;
import io.vertx.core.Future;
import io.vertx.core.MultiMap;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpClient;
import io.vertx.core.http.HttpClientOptions;
import io.vertx.core.http.HttpClientRequest;
import io.vertx.core.http.HttpClientResponse;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.HttpVersion;
import io.vertx.core.http.RequestOptions;
import io.vertx.core.net.PemTrustOptions;
import io.vertx.core.net.SocketAddress;

/**
 * Calls the standard gRPC health service, {@code grpc.health.v1.Health/Check}, over a fresh HTTP/2 connection each
 * time (clear text with prior knowledge for {@code grpc://}, TLS with ALPN for {@code grpcs://}), framing its two
 * tiny messages itself ({@link HealthMessages}). One deadline covers it all. Thread-safe.
 */
final class GrpcProbe implements Probe {

    static final String PATH = "/grpc.health.v1.Health/Check";

    private final Target.Grpc target;
    private final long timeoutMillis;
    /**
     * Netty's TCP connect timeout, a little shorter than the probe's: Vert.x hands out an HTTP/2 connection only once the
     * server's SETTINGS came, so a connection still pending when the probe times out, past this, was accepted by a
     * server that never answered.
     */
    private final long connectTimeoutMillis;
    private final Vertx vertx;
    private final Clock clock;
    private final Resolver resolver;
    private final HttpClient client;
    private final Buffer request;

    GrpcProbe(Target.Grpc target, Duration timeout, Vertx vertx, Clock clock) {
        this.target = target;
        this.timeoutMillis = Math.max(1, timeout.toMillis());
        this.connectTimeoutMillis = Math.max(1, timeoutMillis - Math.min(100, timeoutMillis / 4));
        this.vertx = vertx;
        this.clock = clock;
        this.resolver = new Resolver(vertx);
        this.request = HealthMessages.request(target.service());
        HttpClientOptions options = new HttpClientOptions()
                .setProtocolVersion(HttpVersion.HTTP_2)
                .setHttp2ClearTextUpgrade(false)
                .setKeepAlive(false)
                .setConnectTimeout((int) connectTimeoutMillis)
                .setSsl(target.tls())
                .setUseAlpn(target.tls())
                .setForceSni(target.tls())
                .setTrustAll(target.skipVerify())
                .setVerifyHost(!target.skipVerify());
        target.caFile().ifPresent(file -> options.setTrustOptions(new PemTrustOptions().addCertPath(file)));
        this.client = vertx.createHttpClient(options);
        // Each failure is reported through the probe's result; Vert.x would also log it at ERROR.
        client.connectionHandler(connection -> connection.exceptionHandler(failure -> {
        }));
    }

    @Override
    public Future<ProbeResult> probe() {
        return new Attempt().start();
    }

    @Override
    public void close() {
        client.close();
    }

    /** One call: its phase, its deadline and its single result. */
    private final class Attempt {
        private final long started = System.nanoTime();
        private final Promise<ProbeResult> result = Promise.promise();
        private volatile Phase phase = Phase.RESOLVING;
        private volatile HttpClientRequest call;
        private volatile long connecting;
        private volatile InetAddress resolved;
        private long timer;

        Future<ProbeResult> start() {
            timer = vertx.setTimer(timeoutMillis, id -> timeOut());
            resolver.resolve(target.host()).onComplete(r -> {
                if (r.succeeded()) {
                    connect(r.result());
                } else {
                    fail(r.cause());
                }
            });
            return result.future();
        }

        private void connect(InetAddress address) {
            if (done()) {
                return;
            }
            phase = Phase.CONNECTING;
            connecting = System.nanoTime();
            resolved = address;
            RequestOptions options = new RequestOptions()
                    .setMethod(HttpMethod.POST)
                    .setServer(SocketAddress.inetSocketAddress(new InetSocketAddress(address, target.port())))
                    .setHost(target.host())
                    .setPort(target.port())
                    .setURI(PATH)
                    .putHeader("content-type", "application/grpc")
                    .putHeader("te", "trailers")
                    // The server may give up when Lifeguard does: the time left, in milliseconds.
                    .putHeader("grpc-timeout", Math.max(1, timeoutMillis - elapsed().toMillis()) + "m")
                    .putHeader("user-agent", "lifeguard");
            client.request(options).onComplete(r -> {
                if (r.failed()) {
                    fail(r.cause());
                } else if (done()) {
                    r.result().reset();
                } else {
                    call = r.result();
                    phase = Phase.AWAITING_RESPONSE;
                    call.send(request).onComplete(s -> {
                        if (s.succeeded()) {
                            response(s.result());
                        } else {
                            fail(s.cause());
                        }
                    });
                }
            });
        }

        private void response(HttpClientResponse response) {
            if (done()) {
                return;
            }
            response.exceptionHandler(this::fail);
            if (response.version() != HttpVersion.HTTP_2) {
                // Over TLS, a server that offers no h2 in ALPN gets HTTP/1.1.
                finish(failed(Cause.PROTOCOL_MISMATCH, "the port answered over TLS in HTTP/1.1 (HTTP " + response.statusCode()
                        + "), not gRPC over HTTP/2: use https:// for an HTTP server"));
                return;
            }
            // A trailers-only answer (UNIMPLEMENTED, NOT_FOUND) carries its grpc-status in the headers.
            if (response.headers().contains("grpc-status")) {
                judge(response.headers(), Buffer.buffer());
                return;
            }
            String contentType = response.getHeader("content-type");
            if (response.statusCode() != 200 || contentType == null || !contentType.startsWith("application/grpc")) {
                finish(failed(Cause.PROTOCOL_MISMATCH, "the port answered HTTP/2 " + response.statusCode()
                        + (contentType == null ? "" : " (" + contentType + ")") + " without a gRPC status: it is an HTTP/2 server, not gRPC"));
                return;
            }
            phase = Phase.READING_BODY;
            Buffer body = Buffer.buffer();
            response.handler(chunk -> {
                if (body.length() + chunk.length() > HealthMessages.MAX_FRAME) {
                    finish(failed(Cause.INVALID_RESPONSE, "the answer is longer than " + HealthMessages.MAX_FRAME
                            + " bytes: no HealthCheckResponse"));
                } else {
                    body.appendBuffer(chunk);
                }
            });
            response.endHandler(v -> judge(response.trailers(), body));
        }

        /** The answer by its grpc-status and, when OK, the serving status in its message. */
        private void judge(MultiMap trailers, Buffer body) {
            if (done()) {
                return;
            }
            String code = trailers.get("grpc-status") == null ? null : Printable.line(trailers.get("grpc-status"));
            String message = trailers.get("grpc-message") == null ? null : Printable.line(trailers.get("grpc-message"));
            int status;
            try {
                status = Integer.parseInt(String.valueOf(code));
            } catch (NumberFormatException e) {
                finish(failed(Cause.INVALID_RESPONSE, code == null ? "the answer ended without a grpc-status" : "the grpc-status '" + code + "' is not a number"));
                return;
            }
            if (status != 0) {
                Cause cause = GrpcStatus.cause(status);
                finish(failed(cause, GrpcStatus.describe(cause, status, message, target.service())));
                return;
            }
            int serving;
            try {
                serving = HealthMessages.status(HealthMessages.message(body));
            } catch (IllegalArgumentException e) {
                finish(failed(Cause.INVALID_RESPONSE, e.getMessage()));
                return;
            }
            String what = (target.service().isEmpty() ? "the server" : "service '" + target.service() + "'") + " is "
                    + HealthMessages.statusName(serving);
            switch (serving) {
                case HealthMessages.SERVING -> finish(ProbeResult.ok(what, elapsed(), clock.instant(), 0));
                case HealthMessages.SERVICE_UNKNOWN -> finish(failed(Cause.SERVICE_UNKNOWN, what));
                default -> finish(failed(Cause.NOT_SERVING, what));
            }
        }

        private void timeOut() {
            if (phase == Phase.CONNECTING && Duration.ofNanos(System.nanoTime() - connecting).toMillis() >= connectTimeoutMillis) {
                // Netty's connect timeout would have failed a connect still pending: the server accepted, and said nothing.
                finish(failed(Cause.RESPONSE_TIMEOUT, "connected to " + target.host() + ":" + target.port() + ", but no HTTP/2 answer (SETTINGS) within "
                        + Durations.exact(Duration.ofMillis(timeoutMillis))));
            } else {
                finish(phase.timedOut(Duration.ofMillis(timeoutMillis), target.host(), target.port(), Resolver.resolvedTo(target.host(), resolved),
                        elapsed(), clock.instant()));
            }
        }

        private void fail(Throwable failure) {
            if (done()) {
                return;
            }
            // A reply that is no HTTP/2 (the settings frame must come first): a plain HTTP/1 server answering our preface.
            if (!target.tls() && phase != Phase.RESOLVING && FailureClassifier.find(failure, Http2Exception.class) != null) {
                finish(failed(Cause.PROTOCOL_MISMATCH, plainHttp(failure)
                        ? "the port answered in HTTP/1, not gRPC (HTTP/2): use http:// for an HTTP server"
                        : "the port's answer is not HTTP/2, so not gRPC (" + FailureClassifier.describe(failure) + ")"));
                return;
            }
            if (FailureClassifier.find(failure, NotSslRecordException.class) != null) {
                finish(failed(Cause.PROTOCOL_MISMATCH, "the port answered a TLS handshake in plain text: use grpc:// for a server without TLS"));
                return;
            }
            Cause cause = FailureClassifier.classify(failure, phase);
            String where = phase == Phase.CONNECTING ? Resolver.resolvedTo(target.host(), resolved) : "";
            finish(failed(cause, FailureClassifier.describe(failure) + where));
        }

        private ProbeResult failed(Cause cause, String detail) {
            return ProbeResult.failed(cause, detail, elapsed(), clock.instant(), 0);
        }

        private void finish(ProbeResult outcome) {
            if (result.tryComplete(outcome)) {
                vertx.cancelTimer(timer);
                HttpClientRequest r = call;
                if (r != null) {
                    r.connection().close();
                }
            }
        }

        private boolean done() {
            return result.future().isComplete();
        }

        private Duration elapsed() {
            return Duration.ofNanos(System.nanoTime() - started);
        }
    }

    /** Whether Netty's complaint quotes a first frame beginning with {@code HTTP/} (it gives the bytes in hexadecimal). */
    private static boolean plainHttp(Throwable failure) {
        String message = String.valueOf(FailureClassifier.find(failure, Http2Exception.class).getMessage());
        return message.toLowerCase(java.util.Locale.ROOT).contains("485454502f");
    }
}
