package dev.lifeguard.report;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;

import io.vertx.core.http.HttpHeaders;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.HttpVersion;
import io.vertx.ext.web.Router;

/**
 * What anyone who reaches the port may send, answered at the door: an HTTP/1.1 request without a {@code Host} header
 * gets 400 without a log line (a line each would be a log flood anyone can cause), and the health and metrics
 * endpoints, which only read, answer GET and HEAD only (405 with {@code Allow} to TRACE, POST and the rest). Stateless.
 */
@ApplicationScoped
class BadRequests {

    void route(@Observes Router router) {
        router.routeWithRegex("/q/(health(/.*)?|metrics)").order(Integer.MIN_VALUE).handler(ctx -> {
            HttpMethod method = ctx.request().method();
            if (method == HttpMethod.GET || method == HttpMethod.HEAD) {
                ctx.next();
            } else {
                ctx.response().setStatusCode(405).putHeader(HttpHeaders.ALLOW, "GET, HEAD").end();
            }
        });
        router.route().order(Integer.MIN_VALUE).failureHandler(ctx -> {
            if (ctx.statusCode() == 400 && ctx.request().version() != HttpVersion.HTTP_2 && ctx.request().getHeader(HttpHeaders.HOST) == null) {
                ctx.response().setStatusCode(400).end();
            } else {
                ctx.next();
            }
        });
    }
}
