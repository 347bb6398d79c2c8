package dev.lifeguard.report;

import static io.restassured.RestAssured.given;
import static org.hamcrest.MatcherAssert.assertThat;
import static org.hamcrest.Matchers.equalTo;

import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.logging.Handler;
import java.util.logging.LogRecord;
import java.util.logging.Logger;

import org.junit.jupiter.api.Test;

import dev.lifeguard.testing.FaultyServer.Mode;
import dev.lifeguard.testing.UpstreamResource;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;

/** A load balancer polls readiness many times a second: answering it must not write a log line, even when DOWN. */
@QuarkusTest
@WithTestResource(UpstreamResource.class)
class QuietHealthTest {

    @Test
    void answersHundredsOfDownChecksWithoutLogging() {
        UpstreamResource.upstream.mode(Mode.STATUS_500);
        try {
            ReadinessTest.awaitReady(503);
            List<String> lines = new CopyOnWriteArrayList<>();
            Handler capture = new Handler() {
                @Override
                public void publish(LogRecord record) {
                    lines.add(record.getLoggerName() + ": " + record.getMessage());
                }

                @Override
                public void flush() {
                }

                @Override
                public void close() {
                }
            };
            Logger root = Logger.getLogger("");
            root.addHandler(capture);
            try {
                for (int i = 0; i < 300; i++) {
                    given().get("/q/health/ready").then().statusCode(503);
                }
                // The capture sees what is logged: this line, and only this one.
                org.jboss.logging.Logger.getLogger("dev.lifeguard.canary").info("canary");
            } finally {
                root.removeHandler(capture);
            }
            assertThat(lines, equalTo(List.of("dev.lifeguard.canary: canary")));
        } finally {
            UpstreamResource.upstream.mode(Mode.OK);
            ReadinessTest.awaitReady(200);
        }
    }
}
