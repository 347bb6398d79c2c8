package dev.lifeguard.supervise;

import static org.awaitility.Awaitility.await;
import static org.hamcrest.MatcherAssert.assertThat;
import static org.hamcrest.Matchers.containsString;
import static org.junit.jupiter.api.Assertions.assertEquals;

import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** The supervisor's one thread: a task that throws is reported, never silently dropped, and the next ones still run. */
class SupervisorThreadTest {

    private final List<String> reported = new CopyOnWriteArrayList<>();
    private final SupervisorThread thread = new SupervisorThread((what, failure) -> reported.add(what + ": " + failure), () -> { });

    @AfterEach
    void stop() {
        thread.shutdownNow();
    }

    @Test
    void aTaskThatThrowsIsReportedAndTheNextTasksStillRun() {
        List<String> ran = new CopyOnWriteArrayList<>();
        thread.execute("spawn", () -> {
            throw new IllegalStateException("no FIFO");
        });
        thread.execute("exited", () -> ran.add("exited"));
        thread.schedule("restart", () -> {
            throw new IllegalArgumentException("bad delay");
        }, Duration.ofMillis(10));
        thread.schedule("judge", () -> ran.add("judge"), Duration.ofMillis(20));
        await().atMost(Duration.ofSeconds(5)).untilAsserted(() -> assertEquals(List.of("exited", "judge"), ran));
        await().atMost(Duration.ofSeconds(5)).untilAsserted(() -> assertEquals(2, reported.size()));
        assertThat(reported.get(0), containsString("spawn: java.lang.IllegalStateException: no FIFO"));
        assertThat(reported.get(1), containsString("restart: java.lang.IllegalArgumentException: bad delay"));
    }
}
