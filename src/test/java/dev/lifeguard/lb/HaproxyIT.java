package dev.lifeguard.lb;

import static org.awaitility.Awaitility.await;
import static org.hamcrest.MatcherAssert.assertThat;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.is;
import static org.hamcrest.Matchers.not;
import static org.hamcrest.Matchers.startsWith;
import static org.junit.jupiter.api.Assertions.assertEquals;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;

import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import dev.lifeguard.testing.Haproxy;
import dev.lifeguard.testing.Ports;
import dev.lifeguard.testing.WrappedAgent;

/** Lifeguard behind a real HAProxy: what HAProxy's own stats say, and when. */
class HaproxyIT {

    private static final Duration WAIT = Duration.ofSeconds(30);

    @BeforeAll
    static void haproxy() {
        Haproxy.assumeInstalled();
    }

    /** A backend of wrapped servers, each checked on Lifeguard's readiness and its agent-check port. */
    private static String config(int frontend, String servers) {
        return """
                defaults
                    mode http
                    timeout connect 1s
                    timeout client 10s
                    timeout server 10s

                frontend fe
                    bind 127.0.0.1:%d
                    default_backend be

                backend be
                    option httpchk GET /q/health/ready
                %s
                """.formatted(frontend, servers);
    }

    private static String server(String name, int port, WrappedAgent agent, int agentPort) {
        return "    server %s 127.0.0.1:%d check port %d inter 1s fall 1 rise 1 agent-check agent-port %d agent-inter 200ms\n"
                .formatted(name, port, agent.port(), agentPort);
    }

    private static void get(String url) throws IOException, InterruptedException {
        HttpClient.newHttpClient().send(HttpRequest.newBuilder(URI.create(url)).build(), HttpResponse.BodyHandlers.discarding());
    }

    @Test
    void aCrashTakesTheServerOutBeforeTheRestartAndHaproxysStatsNameTheCause() throws Exception {
        int port = Ports.closed();
        int agentPort = Ports.closed();
        try (WrappedAgent agent = WrappedAgent.start(WrappedAgent.fastSettings(port, "lifeguard.agent-check.port", Integer.toString(agentPort),
                "lifeguard.restart.backoff", "3s"), WrappedAgent.testUpstream(port));
                Haproxy haproxy = Haproxy.start(config(Ports.closed(), server("s1", port, agent, agentPort)))) {
            await().atMost(WAIT).until(() -> haproxy.server("be", "s1").get("status").equals("UP"));
            get("http://127.0.0.1:" + port + "/crash?code=3");
            AtomicReference<Map<String, String>> down = new AtomicReference<>();
            await().atMost(WAIT).pollInterval(Duration.ofMillis(20)).until(() -> {
                Map<String, String> row = haproxy.server("be", "s1");
                down.set(row);
                return row.get("status").startsWith("DOWN");
            });
            assertEquals("backing_off", agent.status().getString("supervisor.state"), "out of rotation before the restart");
            assertThat("HAProxy's own words for the agent's reply", down.get().get("last_agt"),
                    containsString("via agent : down (crashed: process "));
            assertThat(down.get().get("last_agt"), containsString("exited with status 3 after running"));
            assertThat(down.get().get("status"), startsWith("DOWN (agent)"));
            await().atMost(WAIT).until(() -> haproxy.server("be", "s1").get("status").equals("UP"));
        }
    }

    @Test
    void thePushTakesACrashedServerOutAndBringsItBackWithoutWaitingForHaproxysChecks() throws Exception {
        int port = Ports.closed();
        int agentPort = Ports.closed();
        int lifeguardPort = Ports.closed();
        WrappedAgent agent = null;
        // Checks so rare (every 30 s) that only a push explains HAProxy knowing within the test.
        try (Haproxy haproxy = Haproxy.start(config(Ports.closed(), "    server s1 127.0.0.1:%d check port %d inter 30s fall 1 rise 1 agent-check agent-port %d agent-inter 30s\n"
                .formatted(port, lifeguardPort, agentPort)))) {
            agent = WrappedAgent.start(lifeguardPort, WrappedAgent.fastSettings(port, "lifeguard.agent-check.port", Integer.toString(agentPort),
                    "lifeguard.haproxy.runtime-api", haproxy.socket().toString(), "lifeguard.haproxy.server", "be/s1",
                    "lifeguard.restart.backoff", "3s"), WrappedAgent.testUpstream(port));
            WrappedAgent lifeguard = agent;
            await().atMost(WAIT).pollInterval(Duration.ofMillis(20)).until(() -> haproxy.server("be", "s1").get("status").equals("UP"));
            get("http://127.0.0.1:" + port + "/crash?code=3");
            await().atMost(WAIT).pollInterval(Duration.ofMillis(20)).until(() -> haproxy.server("be", "s1").get("status").startsWith("DOWN"));
            assertEquals("backing_off", lifeguard.status().getString("supervisor.state"), "pushed out of rotation before the restart");
            await().atMost(WAIT).pollInterval(Duration.ofMillis(20)).until(() -> haproxy.server("be", "s1").get("status").equals("UP"));
            assertThat(lifeguard.stdout(), containsString("Pushed to HAProxy: set server be/s1 agent down (crashed)"));
            assertThat(lifeguard.stdout(), containsString("Pushed to HAProxy: set server be/s1 agent up (ok)"));
            assertThat(lifeguard.status().getString("loadBalancers.haproxyPush"), containsString("be/s1"));
        } finally {
            if (agent != null) {
                agent.close();
            }
        }
    }

    @Test
    void anOperatorsMaintenanceIsNeverOverridden() throws Exception {
        int port = Ports.closed();
        int agentPort = Ports.closed();
        try (Haproxy haproxy = Haproxy.start(config(Ports.closed(), "    server s1 127.0.0.1:%d check port %d inter 30s agent-check agent-port %d agent-inter 30s\n"
                .formatted(port, Ports.closed(), agentPort)))) {
            haproxy.command("set server be/s1 state maint");
            try (WrappedAgent agent = WrappedAgent.start(WrappedAgent.fastSettings(port, "lifeguard.agent-check.port", Integer.toString(agentPort),
                    "lifeguard.haproxy.runtime-api", haproxy.socket().toString(), "lifeguard.haproxy.server", "be/s1"),
                    WrappedAgent.testUpstream(port))) {
                await().atMost(WAIT).until(() -> agent.stdout().contains("be/s1 is in an operator's MAINT"));
                assertThat(haproxy.server("be", "s1").get("status"), startsWith("MAINT"));
                assertThat(agent.stdout(), not(containsString("Pushed to HAProxy")));
            }
        }
    }

    @Test
    void aRollingRestartDrainsFirstAndCostsAClientNoRequest() throws Exception {
        int[] ports = {Ports.closed(), Ports.closed()};
        int[] agentPorts = {Ports.closed(), Ports.closed()};
        int[] lifeguardPorts = {Ports.closed(), Ports.closed()};
        int frontend = Ports.closed();
        StringBuilder servers = new StringBuilder();
        for (int i = 0; i < 2; i++) {
            servers.append("    server s%d 127.0.0.1:%d check port %d inter 1s fall 1 rise 1 agent-check agent-port %d agent-inter 500ms\n"
                    .formatted(i + 1, ports[i], lifeguardPorts[i], agentPorts[i]));
        }
        try (Haproxy haproxy = Haproxy.start(config(frontend, servers.toString()));
                WrappedAgent first = backend(haproxy, 0, ports, agentPorts, lifeguardPorts);
                WrappedAgent second = backend(haproxy, 1, ports, agentPorts, lifeguardPorts)) {
            await().atMost(WAIT).until(() -> haproxy.server("be", "s1").get("status").equals("UP")
                    && haproxy.server("be", "s2").get("status").equals("UP"));
            // Each request takes 1 s: at 100 a second, about 100 are always in flight, about 50 on the server stopped.
            try (SteadyClient client = new SteadyClient("http://127.0.0.1:" + frontend + "/work?ms=1000")) {
                await().atMost(WAIT).until(() -> client.ok() >= 100);
                WrappedAgent.signal("TERM", first.pid());
                assertThat(first.process().waitFor(30, TimeUnit.SECONDS), is(true));
                long afterStop = client.ok();
                await().atMost(WAIT).until(() -> client.ok() >= afterStop + 100);
                assertEquals(List.of(), client.errors(), "requests that failed during the rolling restart");
            }
            assertThat(first.stdout(), containsString("Drained: observed by"));
            assertThat(first.stdout(), containsString("HAProxy has no session left to the server"));
            assertThat(first.stdout(), containsString("Pushed to HAProxy: set server be/s1 weight 0 (draining)"));
        }
    }

    private static WrappedAgent backend(Haproxy haproxy, int i, int[] ports, int[] agentPorts, int[] lifeguardPorts) throws IOException {
        return WrappedAgent.start(lifeguardPorts[i], WrappedAgent.fastSettings(ports[i], "lifeguard.agent-check.port", Integer.toString(agentPorts[i]),
                "lifeguard.haproxy.runtime-api", haproxy.socket().toString(), "lifeguard.haproxy.server", "be/s" + (i + 1),
                "lifeguard.drain.timeout", "15s"), WrappedAgent.testUpstream(ports[i]));
    }

    /** Sends a request every 10 ms (100 a second) over kept-alive connections, and keeps what failed. */
    private static final class SteadyClient implements AutoCloseable {
        private final HttpClient client = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();
        private final ScheduledExecutorService timer = Executors.newScheduledThreadPool(4);
        private final AtomicLong ok = new AtomicLong();
        private final List<String> errors = new CopyOnWriteArrayList<>();

        SteadyClient(String url) {
            HttpRequest request = HttpRequest.newBuilder(URI.create(url)).timeout(Duration.ofSeconds(5)).build();
            timer.scheduleAtFixedRate(() -> client.sendAsync(request, HttpResponse.BodyHandlers.discarding()).whenComplete((r, e) -> {
                if (e != null) {
                    errors.add(e.toString());
                } else if (r.statusCode() != 200) {
                    errors.add("HTTP " + r.statusCode());
                } else {
                    ok.incrementAndGet();
                }
            }), 0, 10, TimeUnit.MILLISECONDS);
        }

        long ok() {
            return ok.get();
        }

        List<String> errors() {
            return List.copyOf(errors);
        }

        @Override
        public void close() {
            timer.shutdownNow();
        }
    }

    @Test
    void anHaproxyThatStartsAfterLifeguardOrIsRestartedGetsLifeguardsStateFromTheResync() throws Exception {
        int port = Ports.closed();
        int agentPort = Ports.closed();
        int lifeguardPort = Ports.closed();
        Path dir = Files.createTempDirectory("lifeguard-haproxy");
        String config = config(Ports.closed(), "    server s1 127.0.0.1:%d check port %d inter 30s fall 1 rise 1 agent-check agent-port %d agent-inter 30s\n"
                .formatted(port, lifeguardPort, agentPort));
        try (WrappedAgent agent = WrappedAgent.start(lifeguardPort, WrappedAgent.fastSettings(port, "lifeguard.agent-check.port",
                Integer.toString(agentPort), "lifeguard.haproxy.runtime-api", dir.resolve("admin.sock").toString(), "lifeguard.haproxy.server",
                "be/s1", "lifeguard.haproxy.resync", "500ms", "lifeguard.upstream.startup-grace", "0s"), WrappedAgent.testUpstream(port))) {
            await().atMost(WAIT).ignoreExceptions().until(() -> agent.status().getString("admission.status").equals("ready"));
            get("http://127.0.0.1:" + port + "/status?code=500");
            await().atMost(WAIT).ignoreExceptions().until(() -> agent.status().getString("admission.status").equals("not_ready"));
            await().atMost(WAIT).until(() -> agent.stdout().contains("Cannot push to HAProxy's Runtime API"));
            for (int start = 0; start < 2; start++) {
                // A new HAProxy starts the server UP and checks it only every 30 s: only a push explains DOWN.
                try (Haproxy haproxy = Haproxy.start(config, dir)) {
                    await().atMost(WAIT).pollInterval(Duration.ofMillis(20)).until(() -> haproxy.server("be", "s1").get("status").startsWith("DOWN"));
                }
            }
            // Logged once the push is done, which HAProxy may show a moment before.
            await().atMost(WAIT).untilAsserted(() -> assertThat(agent.stdout(), containsString("HAProxy's Runtime API at " + dir.resolve("admin.sock")
                    + " answers again")));
            assertThat(agent.http().get("/q/metrics").asString(), containsString("lifeguard_lb_push_failures_total"));
        }
    }
}
