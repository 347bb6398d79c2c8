package dev.lifeguard.report;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Locale;
import java.util.Optional;

import jakarta.ws.rs.GET;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.Context;
import jakarta.ws.rs.core.MediaType;

import org.eclipse.microprofile.config.inject.ConfigProperty;

import dev.lifeguard.config.Durations;
import dev.lifeguard.diagnose.Degraded;
import dev.lifeguard.diagnose.Incident;
import dev.lifeguard.diagnose.Incidents;
import dev.lifeguard.diagnose.OverloadWatch;
import dev.lifeguard.supervise.Restart;
import dev.lifeguard.supervise.Supervisor;
import dev.lifeguard.watch.Admission;
import dev.lifeguard.watch.Watchers;
import io.vertx.core.http.HttpServerRequest;

/**
 * The status page at {@code /} and {@code /lifeguard}: plain HTML rendered here, no script, refreshed every 5 s, for an
 * operator at 3 a.m.: the state and cause in words, the open incident with its evidence and advice, the upstream's
 * probes of the last hour as a chart, recent incidents and restarts. What the process wrote only for a request
 * {@link AdminAccess} admits, as in {@code /lifeguard/status}.
 */
@Path("/")
public class StatusPage {

    private static final int WIDTH = 720;
    private static final int HEIGHT = 160;
    private static final int SHOWN = 10;

    private final Watchers watchers;
    private final Incidents incidents;
    private final Supervisor supervisor;
    private final ProbeSeries series;
    private final OverloadWatch overload;
    private final AdminAccess access;
    private final Clock clock;
    private final String version;

    StatusPage(Watchers watchers, Incidents incidents, Supervisor supervisor, ProbeSeries series, OverloadWatch overload, AdminAccess access,
            Clock clock, @ConfigProperty(name = "quarkus.application.version", defaultValue = "unknown") String version) {
        this.watchers = watchers;
        this.overload = overload;
        this.incidents = incidents;
        this.supervisor = supervisor;
        this.series = series;
        this.access = access;
        this.clock = clock;
        this.version = version;
    }

    @GET
    @Produces(MediaType.TEXT_HTML)
    public String root(@Context HttpServerRequest request) {
        return page(access.decide(request).granted());
    }

    @GET
    @Path("lifeguard")
    @Produces(MediaType.TEXT_HTML)
    public String lifeguard(@Context HttpServerRequest request) {
        return page(access.decide(request).granted());
    }

    private String page(boolean showOutput) {
        Instant now = clock.instant();
        Admission a = watchers.admission();
        Optional<Degraded> degraded = a.status() == Admission.Status.READY ? overload.current() : Optional.empty();
        String state = switch (a.status()) {
            case READY -> degraded.isPresent() ? "Ready, degraded" : "Ready";
            case DRAINING -> "Draining";
            case NOT_READY -> "Not ready: " + a.code();
        };
        StringBuilder b = new StringBuilder(8_192);
        b.append("<!doctype html>\n<html lang=\"en\"><head><meta charset=\"utf-8\"><meta http-equiv=\"refresh\" content=\"5\">")
                .append("<link rel=\"icon\" href=\"data:,\"><title>").append(esc(state)).append(" · Lifeguard</title><style>")
                .append("body{font:15px/1.4 system-ui,sans-serif;margin:2em;max-width:60em;color:#222}")
                .append("h1{padding:.4em .6em;border-radius:4px;color:#fff}.ready{background:#2e7d32}.draining{background:#ef6c00}")
                .append(".not_ready{background:#c62828}.degraded{background:#f9a825}table{border-collapse:collapse}td,th{padding:.2em .6em;text-align:left;")
                .append("border-bottom:1px solid #ddd;vertical-align:top}pre{background:#f4f4f4;padding:.6em;overflow:auto}")
                .append("svg{background:#fafafa;border:1px solid #ddd}</style></head><body>\n");
        b.append("<h1 id=\"state\" class=\"").append(degraded.isPresent() ? "degraded" : a.status().name().toLowerCase(Locale.ROOT)).append("\">").append(esc(state)).append("</h1>\n");
        b.append("<p id=\"explanation\">").append(esc(a.explanation())).append(" <small>since ").append(esc(a.since().toString()))
                .append("</small></p>\n");
        degraded.ifPresent(d -> {
            b.append("<div id=\"degraded\"><p><b>Overloaded, still serving</b> since ").append(esc(d.since().toString()))
                    .append(": load balancers give it ").append(d.weightPercent()).append("% of its weight.</p><ul>");
            d.signs().forEach(sign -> b.append("<li>").append(esc(sign)).append("</li>"));
            b.append("</ul></div>\n");
        });
        List<Restart> history = supervisor.status().history();
        incidents.open().ifPresent(i -> openIncident(b, i, now, showOutput, history));
        chart(b, series.samples(), now);
        recentIncidents(b, incidents.all(), now);
        restarts(b, history);
        b.append("<p><small>Lifeguard ").append(esc(version)).append(" · <a href=\"/lifeguard/status\">status (JSON)</a> · ")
                .append("<a href=\"/lifeguard/incidents\">incidents (JSON)</a> · <a href=\"/q/metrics\">metrics</a></small></p>\n</body></html>\n");
        return b.toString();
    }

    private static void openIncident(StringBuilder b, Incident i, Instant now, boolean showOutput, List<Restart> history) {
        b.append("<section id=\"incident\"><h2>Incident ").append(i.id()).append(": ").append(esc(i.cause())).append(", for ")
                .append(esc(Durations.elapsed(i.duration(now)))).append("</h2>\n<p>").append(esc(i.explanation())).append("</p>\n")
                .append("<p><b>Users behind a gateway see:</b> ").append(esc(i.usersSaw())).append("</p>\n")
                .append("<p><b>Advice:</b> ").append(esc(i.advice())).append("</p>\n<ul id=\"evidence\">");
        i.evidence().forEach(e -> b.append("<li>").append(esc(e)).append("</li>"));
        b.append("</ul>\n");
        Restart last = history.isEmpty() ? null : history.get(history.size() - 1);
        // Only a restart of this incident: an older one's output would tell another story.
        if (showOutput && last != null && !last.at().isBefore(i.began()) && !last.output().isEmpty()) {
            List<String> output = last.output();
            b.append("<h3>The process's last output</h3><pre>");
            output.subList(Math.max(0, output.size() - 40), output.size()).forEach(l -> b.append(esc(l)).append('\n'));
            b.append("</pre>\n");
        }
        b.append("</section>\n");
    }

    /** Latency of every probe of the last hour, failures as red marks; the last probe is a point of its own. */
    private static void chart(StringBuilder b, List<ProbeSeries.Sample> samples, Instant now) {
        b.append("<section id=\"chart\"><h2>The upstream's probes, the last hour</h2>\n");
        if (samples.isEmpty()) {
            b.append("<p>No probe yet.</p></section>\n");
            return;
        }
        // The last hour, or since the first probe when Lifeguard has run for less.
        Instant first = samples.get(0).at();
        Instant from = first.isAfter(now.minus(ProbeSeries.SPAN)) ? first : now.minus(ProbeSeries.SPAN);
        Duration span = Duration.between(from, now).isZero() ? Duration.ofSeconds(1) : Duration.between(from, now);
        double top = Math.max(1, samples.stream().mapToDouble(s -> millis(s.latency())).max().orElse(1));
        long passed = samples.stream().filter(ProbeSeries.Sample::ok).count();
        b.append(String.format(Locale.ROOT, "<p id=\"availability\">%.1f%% of %d probes passed since %s; slowest %.1f ms</p>%n",
                100.0 * passed / samples.size(), samples.size(), from, top));
        b.append("<svg width=\"").append(WIDTH).append("\" height=\"").append(HEIGHT).append("\" viewBox=\"0 0 ").append(WIDTH).append(' ')
                .append(HEIGHT).append("\" role=\"img\" aria-label=\"probe latency over the last hour\"><polyline fill=\"none\" stroke=\"#1565c0\" points=\"");
        for (ProbeSeries.Sample s : samples) {
            b.append(String.format(Locale.ROOT, "%.1f,%.1f ", x(s.at(), from, span), y(s.latency(), top)));
        }
        b.append("\"/>");
        for (ProbeSeries.Sample s : samples) {
            if (!s.ok()) {
                double x = x(s.at(), from, span);
                b.append(String.format(Locale.ROOT, "<line x1=\"%.1f\" x2=\"%.1f\" y1=\"%d\" y2=\"%d\" stroke=\"#c62828\"/>", x, x, HEIGHT - 12, HEIGHT));
            }
        }
        ProbeSeries.Sample last = samples.get(samples.size() - 1);
        b.append(String.format(Locale.ROOT, "<circle id=\"last-probe\" cx=\"%.1f\" cy=\"%.1f\" r=\"4\" fill=\"%s\" data-latency-ms=\"%s\" data-at=\"%s\"/>",
                x(last.at(), from, span), y(last.latency(), top), last.ok() ? "#1565c0" : "#c62828", CheckView.millis(last.latency()), last.at()));
        b.append("</svg></section>\n");
    }

    private static double millis(Duration d) {
        return d.toNanos() / 1e6;
    }

    private static double x(Instant at, Instant from, Duration span) {
        return Math.max(0, Math.min(WIDTH, WIDTH * Duration.between(from, at).toMillis() / (double) span.toMillis()));
    }

    private static double y(Duration latency, double top) {
        return HEIGHT - 14 - (HEIGHT - 24) * Math.min(1, millis(latency) / top);
    }

    private static void recentIncidents(StringBuilder b, List<Incident> all, Instant now) {
        b.append("<section id=\"incidents\"><h2>Recent incidents</h2>\n");
        if (all.isEmpty()) {
            b.append("<p>None since Lifeguard started.</p></section>\n");
            return;
        }
        b.append("<table><tr><th>#</th><th>began</th><th>lasted</th><th>cause</th><th>restarts</th><th>explanation</th></tr>\n");
        all.stream().limit(SHOWN).forEach(i -> b.append("<tr><td>").append(i.id()).append("</td><td>").append(esc(i.began().toString()))
                .append("</td><td>").append(esc(Durations.elapsed(i.duration(now)))).append(i.open() ? " (open)" : "").append("</td><td>")
                .append(esc(i.cause())).append("</td><td>").append(i.restarts()).append("</td><td>").append(esc(i.explanation()))
                .append("</td></tr>\n"));
        b.append("</table></section>\n");
    }

    private static void restarts(StringBuilder b, List<Restart> history) {
        if (history.isEmpty()) {
            return;
        }
        b.append("<section id=\"restarts\"><h2>Restarts</h2>\n<table><tr><th>at</th><th>process</th><th>cause</th><th>explanation</th></tr>\n");
        for (int i = history.size() - 1; i >= Math.max(0, history.size() - SHOWN); i--) {
            Restart r = history.get(i);
            b.append("<tr><td>").append(esc(r.at().toString())).append("</td><td>").append(r.pid()).append("</td><td>").append(esc(r.cause().code()))
                    .append("</td><td>").append(esc(r.explanation())).append("</td></tr>\n");
        }
        b.append("</table></section>\n");
    }

    static String esc(String text) {
        if (text == null) {
            return "";
        }
        StringBuilder out = new StringBuilder(text.length() + 16);
        for (int i = 0; i < text.length(); i++) {
            char c = text.charAt(i);
            switch (c) {
                case '<' -> out.append("&lt;");
                case '>' -> out.append("&gt;");
                case '&' -> out.append("&amp;");
                case '"' -> out.append("&quot;");
                case '\'' -> out.append("&#39;");
                default -> out.append(c);
            }
        }
        return out.toString();
    }
}
