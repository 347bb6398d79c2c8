package dev.lifeguard.report;

import java.net.InetAddress;
import java.net.UnknownHostException;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.time.Clock;
import java.time.Instant;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.regex.Pattern;

import jakarta.inject.Inject;
import jakarta.inject.Singleton;
import jakarta.ws.rs.core.HttpHeaders;

import org.jboss.logging.Logger;

import dev.lifeguard.config.AdminSpec;
import dev.lifeguard.config.LifeguardConfig;
import io.quarkus.runtime.Startup;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.core.net.SocketAddress;

/**
 * Who may read what the process wrote (output tails, thread dumps) and use the admin endpoints: one rule for every
 * resource. A request that presents an {@code Authorization} header is judged by it alone, from any address: the
 * configured bearer token (compared in constant time) or nothing. A request without one is admitted from loopback
 * (127.0.0.0/8, ::1: {@code kubectl port-forward}, a shell in the pod) unless {@code lifeguard.admin.loopback-trusted}
 * is false. The address is the TCP peer's: {@code quarkus.http.proxy.*} is off, so {@code X-Forwarded-For} and
 * {@code Forwarded} never make a request count as loopback. An address that sends {@value #GUESSES} wrong tokens within
 * a minute is refused (429) until the minute is over, whatever it sends, and said once. Thread-safe.
 */
@Singleton
@Startup
class AdminAccess {

    /** What a request may do. */
    enum Decision {
        /** It presented the admin token. */
        TOKEN("token"),
        /** It came from loopback without credentials, and loopback is trusted. */
        LOOPBACK("loopback"),
        /** A token is configured, and the request presented none (and is not from trusted loopback): 401. */
        NO_TOKEN("none"),
        /** It presented something other than the configured token: 401, from any address. */
        WRONG_TOKEN("none"),
        /** No token is configured, and the request is not from trusted loopback (or presented a token anyway): 403. */
        DISABLED("none"),
        /** Its address sent {@value AdminAccess#GUESSES} wrong tokens within the minute: 429, whatever it sends now. */
        THROTTLED("none");

        private final String code;

        Decision(String code) {
            this.code = code;
        }

        boolean granted() {
            return this == TOKEN || this == LOOPBACK;
        }

        /** How the status page names it: {@code token}, {@code loopback} or {@code none}. */
        String code() {
            return code;
        }
    }

    private static final Logger LOG = Logger.getLogger(AdminAccess.class);
    private static final Pattern IPV4 = Pattern.compile("\\d{1,3}(\\.\\d{1,3}){3}");
    /** Wrong tokens an address may send within a minute. */
    static final int GUESSES = 10;
    /** Addresses remembered at most: a flood from many addresses must not fill the memory. */
    private static final int ADDRESSES = 10_000;

    /** One address's wrong tokens in the minute that began at {@code since}. */
    private record Guesses(Instant since, int count) {
    }

    private final Optional<byte[]> token;
    private final boolean loopbackTrusted;
    private final Clock clock;
    private final Map<String, Guesses> guesses = new ConcurrentHashMap<>();

    @Inject
    AdminAccess(LifeguardConfig config) {
        this(AdminSpec.from(config));
    }

    private AdminAccess(AdminSpec spec) {
        this(spec.token(), spec.loopbackTrusted());
    }

    AdminAccess(Optional<String> token, boolean loopbackTrusted) {
        this(token, loopbackTrusted, Clock.systemUTC());
    }

    AdminAccess(Optional<String> token, boolean loopbackTrusted, Clock clock) {
        this.token = token.map(t -> t.getBytes(StandardCharsets.UTF_8));
        this.loopbackTrusted = loopbackTrusted;
        this.clock = clock;
    }

    Decision decide(HttpServerRequest request) {
        SocketAddress peer = request.remoteAddress();
        return decide(peer == null ? null : peer.hostAddress(), request.getHeader(HttpHeaders.AUTHORIZATION));
    }

    /** The decision for a request from {@code address} (an IP literal, never resolved) with this Authorization header (or null). */
    Decision decide(String address, String authorization) {
        if (authorization != null) {
            if (token.isEmpty()) {
                return Decision.DISABLED;
            }
            Instant now = clock.instant();
            String from = String.valueOf(address);
            Guesses before = guesses.get(from);
            if (before != null && now.isBefore(before.since().plusSeconds(60)) && before.count() >= GUESSES) {
                return Decision.THROTTLED;
            }
            if (bearer(authorization).map(given -> MessageDigest.isEqual(given, token.get())).orElse(false)) {
                return Decision.TOKEN;
            }
            wrong(from, now);
            return Decision.WRONG_TOKEN;
        }
        if (loopbackTrusted && loopback(address)) {
            return Decision.LOOPBACK;
        }
        return token.isPresent() ? Decision.NO_TOKEN : Decision.DISABLED;
    }

    /** Counts a wrong token from {@code from}; the one that spends its minute's guesses is logged, once a minute. */
    private void wrong(String from, Instant now) {
        if (guesses.size() >= ADDRESSES) {
            guesses.values().removeIf(g -> !now.isBefore(g.since().plusSeconds(60)));
        }
        Guesses after = guesses.compute(from, (k, g) -> g == null || !now.isBefore(g.since().plusSeconds(60)) ? new Guesses(now, 1)
                : new Guesses(g.since(), g.count() + 1));
        if (after.count() == GUESSES) {
            LOG.warnf("%d wrong admin tokens from %s within a minute: its admin requests are refused (429) until %s", GUESSES, from,
                    after.since().plusSeconds(60));
        }
    }

    /** Why a request was refused, and what would admit it. */
    String refusal(Decision decision, String address) {
        String orLoopback = loopbackTrusted ? ", or ask from loopback (kubectl port-forward, a shell in the pod) without one" : "";
        return switch (decision) {
            case NO_TOKEN -> "send Authorization: Bearer <lifeguard.admin.token>" + orLoopback;
            case WRONG_TOKEN -> "wrong bearer token: send Authorization: Bearer <lifeguard.admin.token>" + orLoopback;
            case THROTTLED -> GUESSES + " wrong tokens from " + address + " within a minute: try again when the minute is over";
            case DISABLED -> "no lifeguard.admin.token or lifeguard.admin.token-file is configured, so "
                    + (loopbackTrusted ? "only a request from loopback without an Authorization header is admitted, not one from " + address
                            : "and lifeguard.admin.loopback-trusted=false, so admin is disabled");
            default -> "";
        };
    }

    private static Optional<byte[]> bearer(String authorization) {
        if (!authorization.regionMatches(true, 0, "Bearer ", 0, 7)) {
            return Optional.empty();
        }
        return Optional.of(authorization.substring(7).strip().getBytes(StandardCharsets.UTF_8));
    }

    /** Whether an IP literal is a loopback address (127.0.0.0/8, ::1, ::ffff:127.x.y.z); a host name never is. */
    static boolean loopback(String address) {
        if (address == null || !(IPV4.matcher(address).matches() || address.indexOf(':') >= 0)) {
            return false;
        }
        try {
            return InetAddress.getByName(address).isLoopbackAddress();
        } catch (UnknownHostException e) {
            return false;
        }
    }
}
