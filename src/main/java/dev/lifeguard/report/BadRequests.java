package dev.lifeguard.report;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;

import io.vertx.core.http.HttpHeaders;
import io.vertx.core.http.HttpVersion;
import io.vertx.ext.web.Router;

/**
 * A request that breaks HTTP itself, an HTTP/1.1 request without a {@code Host} header, is answered 400 without a log
 * line: anyone who reaches the port can send it, and a line each would be a log flood anyone can cause. Stateless.
 */
@ApplicationScoped
class BadRequests {

    void route(@Observes Router router) {
        router.route().order(Integer.MIN_VALUE).failureHandler(ctx -> {
            if (ctx.statusCode() == 400 && ctx.request().version() != HttpVersion.HTTP_2 && ctx.request().getHeader(HttpHeaders.HOST) == null) {
                ctx.response().setStatusCode(400).end();
            } else {
                ctx.next();
            }
        });
    }
}
