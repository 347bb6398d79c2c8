package dev.lifeguard.probe;

import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.util.concurrent.TimeUnit;

import dev.lifeguard.config.Target;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpClient;
import io.vertx.core.http.HttpClientOptions;
import io.vertx.core.http.HttpClientRequest;
import io.vertx.core.http.HttpClientResponse;
import io.vertx.core.http.HttpHeaders;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.RequestOptions;
import io.vertx.core.net.NetClient;
import io.vertx.core.net.NetClientOptions;
import io.vertx.core.net.PemTrustOptions;
import io.vertx.core.net.SocketAddress;

/**
 * Probes an HTTP(S) URL with a fresh connection each time: resolve, connect, GET, check the status and, if asked, the
 * first 64 KiB of the body. One deadline covers all of it. Thread-safe.
 */
final class HttpProbe implements Probe {

    /** The most of a body ever read: enough for any health page, bounded against endless ones. */
    static final int MAX_BODY = 64 * 1024;
    /** How much of an unexpected answer's body is kept as evidence. */
    static final int EVIDENCE_BODY = 256;

    private final Target.Http target;
    private final long timeoutMillis;
    private final Vertx vertx;
    private final Clock clock;
    private final Resolver resolver;
    private final HttpClient client;
    /** For plain HTTP only, made at the first failure that needs it: asks a port whether it speaks HTTP/2 only. */
    private NetClient sniffer;
    private final String host;
    /** For plain http:// only: a TLS client that trusts anything, to tell whether a port that hung up on HTTP speaks TLS. */
    private NetClient tlsSniffer;

    HttpProbe(Target.Http target, Duration timeout, Vertx vertx, Clock clock) {
        this.target = target;
        this.timeoutMillis = Math.max(1, timeout.toMillis());
        this.vertx = vertx;
        this.clock = clock;
        this.resolver = new Resolver(vertx);
        this.host = target.uri().getHost();
        HttpClientOptions options = new HttpClientOptions()
                .setKeepAlive(false)
                .setConnectTimeout((int) timeoutMillis)
                .setSsl(target.https())
                // The handshake gets most of the time: a server that accepts and never answers the TLS hello is a TLS
                // failure, told before the probe's own deadline would call it a connect timeout.
                .setSslHandshakeTimeout(Math.max(1, timeoutMillis * 4 / 5))
                .setSslHandshakeTimeoutUnit(TimeUnit.MILLISECONDS)
                .setForceSni(target.https())
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

    /** Made at the first failure that needs them: most probes never do. */
    private synchronized NetClient sniffer() {
        if (sniffer == null) {
            sniffer = vertx.createNetClient(new NetClientOptions().setConnectTimeout((int) timeoutMillis));
        }
        return sniffer;
    }

    private synchronized NetClient tlsSniffer() {
        if (tlsSniffer == null) {
            tlsSniffer = vertx.createNetClient(new NetClientOptions().setSsl(true).setTrustAll(true).setHostnameVerificationAlgorithm("")
                    .setConnectTimeout((int) timeoutMillis));
        }
        return tlsSniffer;
    }

    @Override
    public synchronized void close() {
        client.close();
        if (sniffer != null) {
            sniffer.close();
        }
        if (tlsSniffer != null) {
            tlsSniffer.close();
        }
    }

    /** One probe: its phase, its deadline and its single result. */
    private final class Attempt {
        private final long started = System.nanoTime();
        private final Promise<ProbeResult> result = Promise.promise();
        private volatile Phase phase = Phase.RESOLVING;
        private volatile HttpClientRequest request;
        private volatile SocketAddress server;
        /** The failure found, while the port is asked whether it speaks HTTP/2 only; null otherwise. */
        private volatile ProbeResult explaining;
        private volatile InetAddress resolved;
        private long timer;

        Future<ProbeResult> start() {
            timer = vertx.setTimer(timeoutMillis, id -> timeOut());
            resolver.resolve(host).onComplete(r -> {
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
            server = SocketAddress.inetSocketAddress(new InetSocketAddress(address, target.port()));
            resolved = address;
            RequestOptions options = new RequestOptions()
                    .setMethod(HttpMethod.GET)
                    .setServer(server)
                    .setHost(host)
                    .setPort(target.port())
                    .setURI(target.pathAndQuery())
                    .putHeader(HttpHeaders.USER_AGENT, "lifeguard");
            target.hostHeader().ifPresent(h -> options.putHeader(HttpHeaders.HOST, h));
            client.request(options).onComplete(r -> {
                if (r.failed()) {
                    fail(r.cause());
                } else if (done()) {
                    r.result().reset();
                } else {
                    request = r.result();
                    phase = Phase.AWAITING_RESPONSE;
                    request.send().onComplete(s -> {
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
            // Closing the connection early must not be logged as the response's failure.
            response.exceptionHandler(this::fail);
            int status = response.statusCode();
            boolean statusAccepted = target.expectStatus().accepts(status);
            if (statusAccepted && target.expectBody().isEmpty()) {
                finish(ProbeResult.ok("HTTP " + status, elapsed(), clock.instant(), status));
                return;
            }
            phase = Phase.READING_BODY;
            // Redirects are not followed (a loop would never end): one that is not accepted says where it leads.
            String location = response.getHeader(HttpHeaders.LOCATION);
            String redirect = statusAccepted || location == null ? ""
                    : ", redirects to " + Printable.line(location.substring(0, Math.min(location.length(), EVIDENCE_BODY)));
            int limit = statusAccepted ? MAX_BODY : EVIDENCE_BODY;
            Buffer body = Buffer.buffer();
            response.handler(chunk -> {
                if (done()) {
                    return;
                }
                body.appendBuffer(chunk, 0, Math.min(chunk.length(), limit - body.length()));
                if (statusAccepted && contains(body)) {
                    finish(ProbeResult.ok("HTTP " + status + ", body contains '" + target.expectBody().get() + "'", elapsed(), clock.instant(), status));
                } else if (body.length() >= limit) {
                    judgeBody(status, statusAccepted, redirect, body, true);
                }
            });
            response.endHandler(v -> judgeBody(status, statusAccepted, redirect, body, false));
        }

        private void judgeBody(int status, boolean statusAccepted, String redirect, Buffer body, boolean truncated) {
            if (done()) {
                return;
            }
            if (!statusAccepted) {
                finish(ProbeResult.failed(Cause.BAD_STATUS, "HTTP " + status + " (expected " + target.expectStatus() + ")" + redirect
                        + snippet(body, truncated), elapsed(), clock.instant(), status));
            } else if (contains(body)) {
                finish(ProbeResult.ok("HTTP " + status + ", body contains '" + target.expectBody().get() + "'", elapsed(), clock.instant(), status));
            } else {
                finish(ProbeResult.failed(Cause.BODY_MISMATCH, "HTTP " + status + " but the body" + (truncated ? " (first 64 KiB)" : "")
                        + " does not contain '" + target.expectBody().get() + "'" + snippet(body, truncated), elapsed(), clock.instant(), status));
            }
        }

        private boolean contains(Buffer body) {
            return body.toString(StandardCharsets.UTF_8).contains(target.expectBody().get());
        }

        private void timeOut() {
            ProbeResult found = explaining;
            finish(found != null ? found : phase.timedOut(Duration.ofMillis(timeoutMillis), host, target.port(), Resolver.resolvedTo(host, resolved),
                    elapsed(), clock.instant()));
        }

        private void fail(Throwable failure) {
            if (done() || explaining != null) {
                return;
            }
            Cause cause = FailureClassifier.classify(failure, phase);
            String where = phase == Phase.CONNECTING ? Resolver.resolvedTo(host, resolved) : "";
            ProbeResult failed = ProbeResult.failed(cause, FailureClassifier.describe(cause, failure) + where, elapsed(), clock.instant(), 0);
            boolean unanswered = cause == Cause.CONNECTION_CLOSED || cause == Cause.INVALID_RESPONSE || cause == Cause.CONNECTION_RESET;
            if (target.https() || phase != Phase.AWAITING_RESPONSE || !unanswered) {
                finish(failed);
                return;
            }
            // An HTTP/2-only server (gRPC, h2c) closes on an HTTP/1 request, after sending its SETTINGS frame that no
            // HTTP/1 decoder reads: ask the port in HTTP/2 before naming the failure.
            explaining = failed;
            Http2Preface.answered(sniffer(), server).onComplete(h2 -> {
                if (h2.succeeded() && h2.result()) {
                    finish(ProbeResult.failed(Cause.PROTOCOL_MISMATCH, "the port speaks HTTP/2 only (prior knowledge, as gRPC servers do), not "
                            + "HTTP/1: use grpc:// for a gRPC server", elapsed(), clock.instant(), 0));
                } else if (cause == Cause.CONNECTION_CLOSED) {
                    // A TLS port hangs up on a plain HTTP request without a byte: one TLS handshake tells it from a service that drops requests.
                    tlsSniffer().connect(server).onComplete(tls -> {
                        if (tls.succeeded()) {
                            tls.result().close();
                        }
                        finish(tls.succeeded() ? ProbeResult.failed(Cause.PROTOCOL_MISMATCH, "the port speaks TLS: use https:// ("
                                + failed.detail() + " on a plain HTTP request; a TLS handshake succeeded)", elapsed(), clock.instant(), 0) : failed);
                    });
                } else {
                    finish(failed);
                }
            });
        }

        private void finish(ProbeResult outcome) {
            if (result.tryComplete(outcome)) {
                vertx.cancelTimer(timer);
                HttpClientRequest r = request;
                if (r != null) {
                    // Never read the rest of a long or endless body: drop the connection.
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

    private static String snippet(Buffer body, boolean truncated) {
        if (body.length() == 0) {
            return "";
        }
        String text = Printable.line(body.getString(0, Math.min(body.length(), EVIDENCE_BODY), "UTF-8"));
        return ": \"" + text + (truncated || body.length() > EVIDENCE_BODY ? "…" : "") + "\"";
    }
}
