package dev.lifeguard.lb;

import static org.awaitility.Awaitility.await;
import static org.hamcrest.MatcherAssert.assertThat;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.is;
import static org.hamcrest.Matchers.lessThan;
import static org.hamcrest.Matchers.not;
import static org.hamcrest.Matchers.notNullValue;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import org.junit.jupiter.api.Test;

import dev.lifeguard.testing.Ports;
import dev.lifeguard.testing.WrappedAgent;

/** A planned stop drains first: a load balancer polling readiness sees 503 draining before the child gets SIGTERM. */
class DrainIT {

    /** One answer a poller got, by the wall clock. */
    private record Poll(long atMillis, int status, String body) {
    }

    /** Polls {@code /q/health/ready} every 100 ms, as a load balancer's health check does, until stopped. */
    private static final class Poller implements AutoCloseable {
        private final HttpClient client = HttpClient.newBuilder().connectTimeout(Duration.ofMillis(500)).build();
        private final ScheduledExecutorService timer = Executors.newSingleThreadScheduledExecutor();
        private final List<Poll> polls = new CopyOnWriteArrayList<>();

        Poller(int port) {
            HttpRequest ready = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/q/health/ready"))
                    .header("User-Agent", "drain-test-poller").timeout(Duration.ofMillis(500)).build();
            timer.scheduleAtFixedRate(() -> {
                try {
                    HttpResponse<String> r = client.send(ready, HttpResponse.BodyHandlers.ofString());
                    polls.add(new Poll(System.currentTimeMillis(), r.statusCode(), r.body()));
                } catch (Exception e) {
                    polls.add(new Poll(System.currentTimeMillis(), -1, e.toString()));
                }
            }, 0, 100, TimeUnit.MILLISECONDS);
        }

        Poll firstDraining() {
            return polls.stream().filter(p -> p.status() == 503 && p.body().contains("\"draining\"")).findFirst().orElse(null);
        }

        @Override
        public void close() {
            timer.shutdownNow();
        }
    }

    private static long stoppingAt(String stdout) {
        Matcher m = Pattern.compile("test-upstream: stopping-at-epoch-millis=(\\d+)").matcher(stdout);
        return m.find() ? Long.parseLong(m.group(1)) : -1;
    }

    @Test
    void sigtermDrainsUntilTheSteadyPollerHasSeen503ThenStopsTheChild() throws Exception {
        int port = Ports.closed();
        try (WrappedAgent agent = WrappedAgent.start(WrappedAgent.fastSettings(port, "lifeguard.drain.timeout", "20s"),
                WrappedAgent.testUpstream(port, "--report-sigterm"));
                Poller poller = new Poller(agent.port())) {
            await().atMost(Duration.ofSeconds(30)).until(() -> poller.polls.stream().filter(p -> p.status() == 200).count() >= 5);
            WrappedAgent.signal("TERM", agent.pid());
            assertThat(agent.process().waitFor(30, TimeUnit.SECONDS), is(true));
            Poll draining = poller.firstDraining();
            assertThat("the poller saw 503 draining: " + poller.polls, draining, notNullValue());
            long stopping = stoppingAt(agent.stdout());
            assertThat("the child was stopped: " + agent.stdout(), stopping > 0, is(true));
            assertThat("the poller saw 503 draining before the child was stopped", draining.atMillis(), lessThan(stopping + 1));
            String log = agent.stdout();
            assertThat(log, containsString("Drained: observed by 1 poller(s)"));
            assertThat("drained before the child's stop began", log.indexOf("Drained: observed"), lessThan(log.indexOf("Stopping process")));
            assertEquals(143, agent.process().exitValue(), "Lifeguard exits with the child's status: it ended on SIGTERM");
        }
    }

    @Test
    void anAdminDrainTakesTheServiceOutOfRotationKeepsItRunningAndARestartBringsItBack() throws Exception {
        int port = Ports.closed();
        try (WrappedAgent agent = WrappedAgent.start(WrappedAgent.fastSettings(port), WrappedAgent.testUpstream(port))) {
            // Waits on the status, not on readiness: a test polling readiness steadily would be a poller the drain waits for.
            await().atMost(Duration.ofSeconds(30)).ignoreExceptions().until(() -> agent.status().getString("admission.status").equals("ready"));
            long child = agent.childPid();
            agent.http().get("/lifeguard/admin/drain").then().statusCode(200)
                    .body(containsString("\"observed\":true"), containsString("no load balancer polled steadily"),
                            containsString("requested through /lifeguard/admin/drain from 127.0.0.1"));
            agent.http().get("/q/health/ready").then().statusCode(503).body(containsString("\"cause\":\"draining\""));
            assertEquals("draining", agent.status().getString("admission.status"));
            assertEquals(child, agent.childPid(), "a drain alone stops nothing");
            agent.http().post("/lifeguard/admin/restart").then().statusCode(202);
            await().atMost(Duration.ofSeconds(30)).ignoreExceptions().untilAsserted(() -> agent.http().get("/q/health/ready").then().statusCode(200));
            assertEquals("ready", agent.status().getString("admission.status"));
        }
    }

    @Test
    void anOperatorsRestartWithNoPollerToWaitForDrainsAtOnceEveryTime() throws Exception {
        int port = Ports.closed();
        try (WrappedAgent agent = WrappedAgent.start(WrappedAgent.fastSettings(port, "lifeguard.drain.timeout", "20s"),
                WrappedAgent.testUpstream(port))) {
            for (int restart = 1; restart <= 5; restart++) {
                await().atMost(Duration.ofSeconds(30)).ignoreExceptions().until(() -> agent.status().getString("admission.status").equals("ready"));
                long child = agent.childPid();
                agent.http().post("/lifeguard/admin/restart").then().statusCode(202);
                // Well within the drain timeout: with no poller there is nothing to wait for.
                int n = restart;
                await().atMost(Duration.ofSeconds(10)).ignoreExceptions()
                        .untilAsserted(() -> assertNotEquals(child, agent.childPid(), "restart " + n + " never came: " + agent.stdout()));
            }
            assertThat(agent.stdout(), not(containsString("Uncaught exception")));
        }
    }

    @Test
    void anOperatorsRestartDrainsTheSteadyPollerFirstAndTheNewChildComesBackIntoRotation() throws Exception {
        int port = Ports.closed();
        try (WrappedAgent agent = WrappedAgent.start(WrappedAgent.fastSettings(port, "lifeguard.drain.timeout", "20s"),
                WrappedAgent.testUpstream(port, "--report-sigterm"));
                Poller poller = new Poller(agent.port())) {
            await().atMost(Duration.ofSeconds(30)).until(() -> poller.polls.stream().filter(p -> p.status() == 200).count() >= 5);
            long first = agent.childPid();
            agent.http().post("/lifeguard/admin/restart").then().statusCode(202);
            await().atMost(Duration.ofSeconds(30)).ignoreExceptions().until(() -> agent.childPid() != first && agent.childPid() > 0);
            await().atMost(Duration.ofSeconds(30)).until(() -> poller.polls.get(poller.polls.size() - 1).status() == 200);
            Poll draining = poller.firstDraining();
            assertThat("the poller saw 503 draining: " + poller.polls, draining, notNullValue());
            long stopping = stoppingAt(agent.stdout());
            assertThat("the first child was stopped: " + agent.stdout(), stopping > 0, is(true));
            assertThat("the poller saw 503 draining before the child was stopped", draining.atMillis(), lessThan(stopping + 1));
            assertThat(agent.stdout(), containsString("Draining (an operator's restart)"));
            assertEquals("ready", agent.status().getString("admission.status"), "the drain ended with the restart");
        }
    }
}
