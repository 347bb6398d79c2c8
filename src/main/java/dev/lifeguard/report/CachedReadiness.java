package dev.lifeguard.report;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
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
 * of their number. The body is the MicroProfile Health format SmallRye itself produces. Thread-safe.
 */
@ApplicationScoped
public class CachedReadiness implements WatchListener {

    private static final CharSequence JSON = HttpHeaders.createOptimized("application/json; charset=UTF-8");
    private static final CharSequence NO_STORE = HttpHeaders.createOptimized("no-store");

    /** How old stale details may be served. */
    static final long FRESH_MILLIS = 100;

    /** A rendered answer, and when. */
    private record Answer(int status, byte[] body, long renderedNanos) {
    }

    private final Watchers watchers;
    private final ObjectMapper json;
    private final Pollers pollers;
    private final AtomicReference<Answer> answer = new AtomicReference<>();
    /** A probe changed the details since the last render. */
    private volatile boolean stale = true;

    CachedReadiness(Watchers watchers, ObjectMapper json, Pollers pollers) {
        this.watchers = watchers;
        this.json = json;
        this.pollers = pollers;
    }

    void route(@Observes Router router) {
        router.get("/q/health/ready").order(-100).handler(ctx -> {
            Answer a = answer.get();
            if (a == null || stale && System.nanoTime() - a.renderedNanos() > FRESH_MILLIS * 1_000_000) {
                a = refresh();
            }
            HttpServerRequest request = ctx.request();
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
        stale = true;
    }

    @Override
    public void admissionChanged(Admission before, Admission after) {
        refresh();
    }

    private Answer refresh() {
        stale = false;
        Answer a = render();
        answer.set(a);
        return a;
    }

    private Answer render() {
        List<CheckWatcher> all = watchers.all();
        boolean up = !all.isEmpty();
        List<Map<String, Object>> checks = new ArrayList<>();
        Optional<Drain> drain = watchers.drain();
        if (drain.isPresent()) {
            up = false;
            checks.add(HealthChecks.drainCheck(drain.get()));
        }
        for (CheckWatcher w : all) {
            HealthCheckResponse r = HealthChecks.readiness(w.verdict());
            up &= r.getStatus() == HealthCheckResponse.Status.UP;
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
            return new Answer(up ? 200 : 503, json.writeValueAsBytes(body), System.nanoTime());
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("cannot render the readiness answer", e);
        }
    }
}
