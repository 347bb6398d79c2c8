package dev.lifeguard.report;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;

import org.eclipse.microprofile.health.HealthCheckResponse;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;

import dev.lifeguard.lb.Pollers;
import dev.lifeguard.watch.CheckWatcher;
import dev.lifeguard.watch.Drain;
import dev.lifeguard.watch.Admission;
import dev.lifeguard.watch.Verdict;
import dev.lifeguard.watch.WatchListener;
import dev.lifeguard.watch.Watchers;
import io.netty.buffer.Unpooled;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpHeaders;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.ext.web.Router;

/**
 * Serves {@code GET /q/health/ready} from rendered bytes, ahead of SmallRye Health's handler, so a load balancer
 * polling thousands of times a second costs one buffer write per request: no check is called, no JSON is built,
 * nothing is logged. A change of what load balancers are told is rendered at once; a probe that changes only the
 * details (a latency, a count) marks the bytes stale, and a request renders them anew at most every
 * {@value #FRESH_MILLIS} ms: with a thousand checks, a render per probe made each round of probes cost the square
 * of their number.
 * <p>
 * The body is the MicroProfile Health format SmallRye itself produces, with the upstream and only the checks that are
 * not well (not ready, or ready with failures): a thousand healthy checks would be 250 KB per poll. {@code ?verbose}
 * names every check, as Kubernetes' {@code /readyz?verbose} does. Thread-safe.
 */
@ApplicationScoped
public class CachedReadiness implements WatchListener {

    private static final CharSequence JSON = HttpHeaders.createOptimized("application/json; charset=UTF-8");
    private static final CharSequence NO_STORE = HttpHeaders.createOptimized("no-store");

    /** How old stale details may be served. */
    static final long FRESH_MILLIS = 100;

    /** A rendered answer, when, and of which details. */
    private record Answer(int status, byte[] body, long renderedNanos, long details) {
    }

    private final Watchers watchers;
    private final ObjectMapper json;
    private final Pollers pollers;
    private final AtomicReference<Answer> compact = new AtomicReference<>();
    private final AtomicReference<Answer> verbose = new AtomicReference<>();
    /** Counts the probes and events that changed the details. */
    private final AtomicLong details = new AtomicLong();

    CachedReadiness(Watchers watchers, ObjectMapper json, Pollers pollers) {
        this.watchers = watchers;
        this.json = json;
        this.pollers = pollers;
    }

    void route(@Observes Router router) {
        router.get("/q/health/ready").order(-100).handler(ctx -> {
            HttpServerRequest request = ctx.request();
            String query = request.query();
            boolean all = query != null && query.contains("verbose");
            Answer a = (all ? verbose : compact).get();
            if (a == null || a.details() != details.get() && System.nanoTime() - a.renderedNanos() > FRESH_MILLIS * 1_000_000) {
                a = refresh(all);
            }
            String from = request.remoteAddress().hostAddress();
            String agent = request.getHeader(HttpHeaders.USER_AGENT);
            ctx.response().setStatusCode(a.status())
                    .putHeader(HttpHeaders.CONTENT_TYPE, JSON)
                    .putHeader(HttpHeaders.CACHE_CONTROL, NO_STORE)
                    .end(Buffer.buffer(Unpooled.wrappedBuffer(a.body())))
                    // Observed once answered: a drain counts this poller only when the 503 is on its way.
                    .onSuccess(v -> pollers.polled(from, "http", agent));
        });
    }

    @Override
    public void updated(Verdict verdict) {
        details.incrementAndGet();
    }

    @Override
    public void admissionChanged(Admission before, Admission after) {
        details.incrementAndGet();
        verbose.set(null);
        refresh(false);
    }

    private Answer refresh(boolean all) {
        Answer a = render(all, details.get());
        (all ? verbose : compact).set(a);
        return a;
    }

    private Answer render(boolean all, long version) {
        boolean up = !watchers.all().isEmpty();
        List<Map<String, Object>> checks = new ArrayList<>();
        Optional<Drain> drain = watchers.drain();
        if (drain.isPresent()) {
            up = false;
            checks.add(HealthChecks.drainCheck(drain.get()));
        }
        for (CheckWatcher w : watchers.all()) {
            Verdict v = w.verdict();
            up &= v.admitsTraffic();
            if (!all && !v.spec().isUpstream() && v.ready() && v.consecutiveFailures() == 0) {
                continue;
            }
            HealthCheckResponse r = HealthChecks.readiness(v);
            Map<String, Object> check = new LinkedHashMap<>();
            check.put("name", r.getName());
            check.put("status", r.getStatus().name());
            r.getData().ifPresent(data -> check.put("data", data));
            checks.add(check);
        }
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("status", up ? "UP" : "DOWN");
        body.put("checks", checks);
        try {
            return new Answer(up ? 200 : 503, json.writeValueAsBytes(body), System.nanoTime(), version);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("cannot render the readiness answer", e);
        }
    }
}
