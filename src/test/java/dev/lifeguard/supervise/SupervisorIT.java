package dev.lifeguard.supervise;

import static org.awaitility.Awaitility.await;
import static org.hamcrest.MatcherAssert.assertThat;
import static org.hamcrest.Matchers.allOf;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.greaterThan;
import static org.hamcrest.Matchers.hasItem;
import static org.hamcrest.Matchers.is;
import static org.hamcrest.Matchers.lessThan;
import static org.hamcrest.Matchers.not;
import static org.hamcrest.Matchers.nullValue;
import static org.junit.jupiter.api.Assertions.assertEquals;

import java.time.Duration;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.Test;

import dev.lifeguard.testing.FaultyServer;
import dev.lifeguard.testing.Ports;
import dev.lifeguard.testing.WrappedAgent;
import io.restassured.path.json.JsonPath;

/** Wrap mode end to end: the packaged Lifeguard supervising a real JVM child, with real signals. */
class SupervisorIT {

    private static final Duration WAIT = Duration.ofSeconds(30);

    private static Map<String, String> settings(int port, String... more) {
        return WrappedAgent.fastSettings(port, more);
    }

    private static WrappedAgent wrapTestUpstream(String... more) throws Exception {
        int port = Ports.closed();
        WrappedAgent agent = WrappedAgent.start(settings(port, more), WrappedAgent.testUpstream(port));
        awaitReady(agent);
        return agent;
    }

    private static void awaitReady(WrappedAgent agent) {
        await().atMost(WAIT).ignoreExceptions().untilAsserted(() -> agent.http().get("/q/health/ready").then().statusCode(200));
    }

    private static JsonPath awaitRestart(WrappedAgent agent, String cause) {
        await().atMost(WAIT).ignoreExceptions().untilAsserted(() -> assertThat(agent.status().getList("supervisor.restarts.cause"), hasItem(cause)));
        return agent.status();
    }

    @Test
    void restartsAChildThatCrashesAndReportsItsExitCode() throws Exception {
        try (WrappedAgent agent = wrapTestUpstream()) {
            long first = agent.childPid();
            agent.http().get("/q/health/ready").then().statusCode(200);
            crash(agent, 3);
            JsonPath status = awaitRestart(agent, "crashed");
            assertThat(status.getString("supervisor.restarts[0].explanation"), containsString("exited with status 3"));
            assertThat(status.getList("supervisor.restarts[0].output"), hasItem("stderr: test-upstream: crashing with status 3"));
            assertThat(status.getList("supervisor.restarts[0].output"), hasItem(containsString("exit-at-epoch-micros=")));
            awaitReady(agent);
            assertThat(agent.childPid(), not(equalTo(first)));
            agent.http().get("/q/metrics").then().body(containsString("lifeguard_restarts_total{reason=\"crashed\"} 1.0"));
        }
    }

    @Test
    void namesTheSignalThatKilledTheChild() throws Exception {
        try (WrappedAgent agent = wrapTestUpstream()) {
            WrappedAgent.signal("KILL", agent.childPid());
            JsonPath status = awaitRestart(agent, "killed");
            assertThat(status.getString("supervisor.restarts[0].explanation"), containsString("killed by SIGKILL (status 137)"));
            awaitReady(agent);
        }
    }

    @Test
    void aKillIsAnEventOfItsOwnThatLeavesTheProbeFiguresAlone() throws Exception {
        try (WrappedAgent agent = wrapTestUpstream("lifeguard.restart.backoff", "3s")) {
            ProcessHandle child = ProcessHandle.of(agent.childPid()).orElseThrow();
            // Long enough that the child's run time cannot pass for a probe's latency (timeout 250 ms).
            await().atMost(WAIT).until(() -> child.info().startInstant().orElseThrow().isBefore(java.time.Instant.now().minusSeconds(3)));
            long probesBefore = agent.status().getLong("upstream.probes");
            WrappedAgent.signal("KILL", child.pid());
            await().atMost(WAIT).ignoreExceptions().untilAsserted(() -> assertEquals("backing_off", agent.status().getString("supervisor.state")));
            await().atMost(WAIT).untilAsserted(() -> assertThat(agent.status().getLong("upstream.probes"), greaterThan(probesBefore + 3)));
            JsonPath status = agent.status();
            assertEquals("killed", status.getString("upstream.cause"));
            assertThat(status.getString("upstream.explanation"), containsString("killed by SIGKILL"));
            // The last probe is the probe's own: its cause, its latency, and no exit status posing as an HTTP status.
            assertEquals("connection_refused", status.getString("upstream.last.cause"));
            assertThat(status.getDouble("upstream.last.latencyMs"), lessThan(1250.0));
            assertThat(status.get("upstream.last.status"), nullValue());
            String metrics = agent.http().get("/q/metrics").then().statusCode(200).extract().asString();
            double slowestFailure = Double.parseDouble(metrics.lines()
                    .filter(l -> l.startsWith("lifeguard_probe_duration_seconds_max{") && l.contains("outcome=\"failure\""))
                    .findFirst().orElseThrow().replaceAll(".* ", ""));
            assertThat(slowestFailure, lessThan(1.25));
            // One kill is one event: counted as a restart, never as failed probes.
            assertEquals(List.of(), metrics.lines().filter(l -> l.startsWith("lifeguard_probe_failures_total") && l.contains("cause=\"killed\"")).toList());
            assertThat(metrics, containsString("lifeguard_incidents_total{cause=\"killed\"} 1.0"));
            awaitReady(agent);
            assertThat(agent.http().get("/q/metrics").then().extract().asString(), containsString("lifeguard_restarts_total{reason=\"killed\"} 1.0"));
        }
    }

    @Test
    void aCrashIsAnIncidentFromLeavingRotationToComingBackWithItsRestartAndAnOperatorsRestartIsNone() throws Exception {
        try (WrappedAgent agent = wrapTestUpstream()) {
            crash(agent, 3);
            await().atMost(WAIT).ignoreExceptions().untilAsserted(() -> assertThat(agent.status().getString("incident.cause"), equalTo("crashed")));
            awaitReady(agent);
            await().atMost(WAIT).ignoreExceptions().untilAsserted(() -> assertThat(agent.status().get("incident"), nullValue()));
            JsonPath incidents = new JsonPath(agent.http().get("/lifeguard/incidents").then().statusCode(200).extract().asString());
            assertEquals(1, incidents.getList("").size(), incidents.prettify());
            assertEquals(false, incidents.getBoolean("[0].open"));
            assertEquals(1, incidents.getInt("[0].restarts"));
            assertThat(incidents.getString("[0].usersSaw"), containsString("502 Bad Gateway"));
            assertThat(incidents.getList("[0].evidence"), hasItem(containsString("restart: crashed: process")));
            assertThat(incidents.getLong("[0].durationMs"), greaterThan(0L));
            assertThat(agent.stdout(), allOf(containsString("Incident 1 opened [crashed] upstream"), containsString("Incident 1 closed after")));
            String metrics = agent.http().get("/q/metrics").then().extract().asString();
            assertThat(metrics, allOf(containsString("lifeguard_incidents_total{cause=\"crashed\"} 1.0"), containsString("lifeguard_incident_open 0.0"),
                    containsString("lifeguard_incident_duration_seconds_count 1")));
            // Planned: no incident.
            agent.http().post("/lifeguard/admin/restart").then().statusCode(202);
            await().atMost(WAIT).ignoreExceptions().untilAsserted(() -> assertThat(agent.status().getList("supervisor.restarts.cause"),
                    hasItem("restart_requested")));
            awaitReady(agent);
            String after = agent.http().get("/lifeguard/incidents").asString();
            assertEquals(1, new JsonPath(after).getList("").size(), after + agent.stdout());
        }
    }

    @Test
    void answersNearTheGatewaysTimeoutAreReportedBeforeTheyBecome504s() throws Exception {
        try (WrappedAgent agent = wrapTestUpstream("lifeguard.upstream.timeout", "1s", "lifeguard.gateway.timeout", "240ms")) {
            agent.http().baseUri("http://127.0.0.1").port(upstreamPort(agent)).get("/slow?ms=200");
            await().atMost(WAIT).ignoreExceptions().untilAsserted(() -> assertThat(agent.status().get("gateway.nearSince"), not(nullValue())));
            assertThat(agent.status().getDouble("gateway.share"), greaterThan(0.8));
            assertEquals("ready", agent.status().getString("upstream.state"), "still answering: in rotation");
            assertThat(agent.stdout(), containsString("of the gateway's timeout (240ms, lifeguard.gateway.timeout)"));
            agent.http().baseUri("http://127.0.0.1").port(upstreamPort(agent)).get("/slow?ms=0");
            await().atMost(WAIT).ignoreExceptions().untilAsserted(() -> assertThat(agent.status().get("gateway.nearSince"), nullValue()));
            assertThat(agent.http().get("/q/metrics").asString(), containsString("lifeguard_gateway_timeout_share "));
        }
    }

    @Test
    void aServiceListeningOnAnotherPortThanTheProbedOneIsNamedWrongPortWithWhereItListens() throws Exception {
        int probed = Ports.closed();
        int listens = Ports.closed();
        try (WrappedAgent agent = WrappedAgent.start(settings(probed, "lifeguard.upstream.startup-grace", "1s"), WrappedAgent.testUpstream(listens))) {
            await().atMost(WAIT).ignoreExceptions().untilAsserted(() -> agent.http().get("/q/health/ready").then().statusCode(503)
                    .body("checks.find { it.name == 'upstream' }.data.cause", equalTo("wrong_port")));
            assertThat(agent.status().getString("upstream.explanation"), allOf(
                    containsString("process " + agent.childPid() + " listens on 127.0.0.1:" + listens),
                    containsString("not on port " + probed + " where the probe connects")));
            assertEquals(1, agent.stdout().split("Started process", -1).length - 1, "a service that runs is not restarted for it");
        }
    }

    @Test
    void aStoppedChildIsNotReadyBeforeAnyProbeCouldTell() throws Exception {
        // Probes every 30 s with a 10 s timeout: only the watch on the process's state explains a 503 within the wait.
        try (WrappedAgent agent = wrapTestUpstream("lifeguard.upstream.interval", "30s", "lifeguard.upstream.timeout", "10s")) {
            long probes = agent.status().getLong("upstream.probes");
            WrappedAgent.signal("STOP", agent.childPid());
            await().atMost(Duration.ofSeconds(20)).ignoreExceptions().untilAsserted(() -> agent.http().get("/q/health/ready").then().statusCode(503)
                    .body("checks.find { it.name == 'upstream' }.data.cause", equalTo("stopped")));
            assertEquals(probes, agent.status().getLong("upstream.probes"), "no probe ran meanwhile");
            WrappedAgent.signal("CONT", agent.childPid());
        }
    }

    @Test
    void reportsAStoppedChildAtOnceThenRestartsItAsHung() throws Exception {
        // A failure threshold that only the hang timer could outlast: a stopped process is definite evidence.
        try (WrappedAgent agent = wrapTestUpstream("lifeguard.restart.hang-after", "3s", "lifeguard.upstream.failure-threshold", "50")) {
            long pid = agent.childPid();
            WrappedAgent.signal("STOP", pid);
            // Readiness names the stop from the first failed probe on, well before the hang timer.
            await().atMost(WAIT).ignoreExceptions().untilAsserted(() -> agent.http().get("/q/health/ready").then().statusCode(503)
                    .body("checks.find { it.name == 'upstream' }.data.cause", equalTo("stopped")));
            assertThat(agent.status().getList("supervisor.restarts"), is(List.of()));
            JsonPath status = awaitRestart(agent, "hung");
            assertThat(status.getString("supervisor.restarts[0].explanation"), containsString("stopped (state T"));
            assertThat(status.getList("supervisor.restarts[0].evidence"), hasItem("state: stopped by a signal (T)"));
            awaitReady(agent);
            assertThat(agent.childPid(), not(equalTo(pid)));
        }
    }

    @Test
    void restartsADeadlockedJvmWithAThreadDumpAsEvidence() throws Exception {
        try (WrappedAgent agent = wrapTestUpstream()) {
            agent.http().baseUri("http://127.0.0.1").port(upstreamPort(agent)).get("/deadlock").then().statusCode(200);
            JsonPath status = awaitRestart(agent, "hung");
            assertThat(status.getString("supervisor.restarts[0].explanation"), containsString("deadlocked"));
            assertThat(status.getList("supervisor.restarts[0].evidence"), hasItem(containsString("thread dump: ")));
            List<String> dump = status.getList("supervisor.restarts[0].output");
            assertThat(dump, hasItem(containsString("Found one Java-level deadlock")));
            assertThat(dump, hasItem(containsString("deadlock-left-then-right")));
            awaitReady(agent);
            // Judged hung until the new child runs; Lifeguard did the restart, so the kubelet need not.
            agent.http().get("/lifeguard/upstream/live").then().statusCode(200);
        }
    }

    @Test
    void namesADeadlockedChildBlockedFromProcAloneWithoutAThreadDump() throws Exception {
        try (WrappedAgent agent = wrapTestUpstream("lifeguard.restart.thread-dump", "false")) {
            agent.http().baseUri("http://127.0.0.1").port(upstreamPort(agent)).get("/deadlock").then().statusCode(200);
            JsonPath status = awaitRestart(agent, "hung");
            assertThat(status.getString("supervisor.restarts[0].explanation"), containsString("is blocked (asleep without answering"));
            // Where in the kernel it sleeps: a JVM's main thread waits on a futex.
            assertThat(status.getList("supervisor.restarts[0].evidence"), hasItem(containsString("waiting in: futex")));
        }
    }

    @Test
    void namesABusyChildAsBusyAndRestartsIt() throws Exception {
        try (WrappedAgent agent = wrapTestUpstream("lifeguard.restart.thread-dump", "false")) {
            agent.http().baseUri("http://127.0.0.1").port(upstreamPort(agent)).get("/busy").then().statusCode(200);
            JsonPath status = awaitRestart(agent, "hung");
            assertThat(status.getString("supervisor.restarts[0].explanation"), containsString("is busy (burning CPU"));
            assertThat(status.getList("supervisor.restarts[0].evidence"), hasItem(containsString("of a core over the hang window")));
            awaitReady(agent);
        }
    }

    @Test
    void theChildIsTheOomKillersFirstChoiceOverLifeguard() throws Exception {
        try (WrappedAgent agent = wrapTestUpstream()) {
            awaitReady(agent);
            int lifeguard = Integer.parseInt(java.nio.file.Files.readString(java.nio.file.Path.of("/proc", Long.toString(agent.pid()),
                    "oom_score_adj")).strip());
            int child = Integer.parseInt(java.nio.file.Files.readString(java.nio.file.Path.of("/proc", Long.toString(agent.childPid()),
                    "oom_score_adj")).strip());
            assertEquals(Math.min(1000, lifeguard + 500), child);
        }
    }

    @Test
    void namesAChildOutOfFileDescriptorsAndRestartsIt() throws Exception {
        int port = Ports.closed();
        List<String> command = new java.util.ArrayList<>(List.of("sh", "-c", "ulimit -n 128 && exec \"$@\"", "sh"));
        command.addAll(WrappedAgent.testUpstream(port));
        try (WrappedAgent agent = WrappedAgent.start(settings(port, "lifeguard.restart.thread-dump", "false"), command)) {
            awaitReady(agent);
            // Every descriptor taken: it can accept no connection, and its probes wait in the listen queue.
            agent.http().baseUri("http://127.0.0.1").port(port).get("/leak-fds?share=1").then().statusCode(200);
            JsonPath status = awaitRestart(agent, "hung");
            assertThat(status.getString("supervisor.restarts[0].explanation"), containsString("is out of file descriptors"));
            assertThat(status.getList("supervisor.restarts[0].evidence"), hasItem(containsString("open files: 12")));
            awaitReady(agent);
        }
    }

    @Test
    void namesABusyChildAsBusyOnAMachineWhoseCoresAreAllTaken() throws Exception {
        // Six threads spinning beside it on two cores: the busy child gets a small share of a core, yet wants a whole one.
        java.util.concurrent.atomic.AtomicBoolean spin = new java.util.concurrent.atomic.AtomicBoolean(true);
        List<Thread> load = new java.util.ArrayList<>();
        for (int i = 0; i < 6; i++) {
            Thread t = new Thread(() -> {
                while (spin.get()) {
                    Thread.onSpinWait();
                }
            }, "test-load-" + i);
            t.setDaemon(true);
            t.start();
            load.add(t);
        }
        try (WrappedAgent agent = wrapTestUpstream("lifeguard.restart.thread-dump", "false")) {
            agent.http().baseUri("http://127.0.0.1").port(upstreamPort(agent)).get("/busy").then().statusCode(200);
            JsonPath status = awaitRestart(agent, "hung");
            assertThat(status.getString("supervisor.restarts[0].explanation"), containsString("is busy (burning CPU"));
        } finally {
            spin.set(false);
        }
    }

    @Test
    void forwardsHupUsr1AndWinchToTheChildAndKeepsRunning() throws Exception {
        int port = Ports.closed();
        try (WrappedAgent agent = WrappedAgent.start(settings(port),
                List.of("sh", "-c", "for s in HUP USR1 WINCH; do trap \"echo child got $s\" $s; done; echo child started; "
                        + "while :; do sleep 0.05; done"))) {
            await().atMost(WAIT).untilAsserted(() -> assertThat(agent.stdout(), containsString("child started")));
            for (String signal : List.of("HUP", "USR1", "WINCH")) {
                WrappedAgent.signal(signal, agent.pid());
                await().atMost(WAIT).untilAsserted(() -> assertThat(agent.stdout(), containsString("child got " + signal)));
            }
            assertThat(agent.process().isAlive(), is(true));
        }
    }

    @Test
    void sendsSigkillAfterTheGraceWhenTheChildIgnoresSigterm() throws Exception {
        int port = Ports.closed();
        try (WrappedAgent agent = WrappedAgent.start(settings(port, "lifeguard.restart.grace", "1s"),
                WrappedAgent.testUpstream(port, "--ignore-sigterm"))) {
            awaitReady(agent);
            WrappedAgent.signal("TERM", agent.pid());
            assertThat(agent.process().waitFor(20, TimeUnit.SECONDS), is(true));
            assertEquals(137, agent.process().exitValue(), "Lifeguard exits with the child's status: killed by SIGKILL");
            assertThat(agent.stdout(), containsString("test-upstream: ignoring SIGTERM"));
            assertThat(agent.stdout(), containsString("ignored SIGTERM for 1s: SIGKILL"));
        }
    }

    @Test
    void stopsTheChildGracefullyOnSigtermAndExitsWithItsStatus() throws Exception {
        int port = Ports.closed();
        try (WrappedAgent agent = WrappedAgent.start(settings(port),
                List.of("sh", "-c", "trap 'echo child got SIGTERM; exit 7' TERM; echo child started; while :; do sleep 0.05; done"))) {
            await().atMost(WAIT).untilAsserted(() -> assertThat(agent.stdout(), containsString("child started")));
            WrappedAgent.signal("TERM", agent.pid());
            assertThat(agent.process().waitFor(20, TimeUnit.SECONDS), is(true));
            assertEquals(7, agent.process().exitValue());
            assertThat(agent.stdout(), containsString("child got SIGTERM"));
        }
    }

    @Test
    void restartPolicyNeverEndsWithTheChildAndItsStatus() throws Exception {
        int port = Ports.closed();
        try (WrappedAgent agent = WrappedAgent.start(settings(port, "lifeguard.restart.policy", "never"), List.of("sh", "-c", "echo bye; exit 4"))) {
            assertThat(agent.process().waitFor(30, TimeUnit.SECONDS), is(true));
            assertEquals(4, agent.process().exitValue());
            assertThat(agent.stdout(), allOf(containsString("[crashed]"), containsString("restart policy never: not restarting")));
        }
    }

    @Test
    void restartPolicyOnFailureEndsWithACleanExitNamedExited() throws Exception {
        int port = Ports.closed();
        try (WrappedAgent agent = WrappedAgent.start(settings(port, "lifeguard.restart.policy", "on-failure"), List.of("sh", "-c", "exit 0"))) {
            assertThat(agent.process().waitFor(30, TimeUnit.SECONDS), is(true));
            assertEquals(0, agent.process().exitValue());
            assertThat(agent.stdout(), containsString("exited with status 0"));
            assertEquals(1, agent.stdout().split("Started process", -1).length - 1);
        }
    }

    @Test
    void sigtermReachesWhatTheChildStartedInItsGroup() throws Exception {
        int port = Ports.closed();
        try (WrappedAgent agent = WrappedAgent.start(settings(port), List.of("sh", "-c",
                "sh -c 'trap \"echo grandchild got SIGTERM; exit 0\" TERM; echo grandchild started; while :; do sleep 0.05; done' & wait"))) {
            await().atMost(WAIT).untilAsserted(() -> assertThat(agent.stdout(), containsString("grandchild started")));
            WrappedAgent.signal("TERM", agent.pid());
            assertThat(agent.process().waitFor(20, TimeUnit.SECONDS), is(true));
            assertThat(agent.stdout(), containsString("grandchild got SIGTERM"));
        }
    }

    @Test
    void probesEvery100MsAfterARestartUntilReadyWhateverTheInterval() throws Exception {
        int port = Ports.closed();
        // A service that takes a second to listen: at a 5 s interval that is one probe at most, at 100 ms several.
        List<String> slowStart = new java.util.ArrayList<>(List.of("sh", "-c", "sleep 1; exec \"$@\"", "sh"));
        slowStart.addAll(WrappedAgent.testUpstream(port));
        try (WrappedAgent agent = WrappedAgent.start(settings(port, "lifeguard.upstream.interval", "5s", "lifeguard.upstream.timeout", "1s"),
                slowStart)) {
            awaitReady(agent);
            long before = agent.status().getLong("upstream.probes");
            crash(agent, 3);
            awaitRestart(agent, "crashed");
            awaitReady(agent);
            assertThat(agent.status().getLong("upstream.probes") - before, greaterThan(3L));
        }
    }

    @Test
    void sigintStopsTheChildGracefullyLikeSigterm() throws Exception {
        int port = Ports.closed();
        try (WrappedAgent agent = WrappedAgent.start(settings(port),
                List.of("sh", "-c", "trap 'echo child got SIGTERM; exit 9' TERM; echo child started; while :; do sleep 0.05; done"))) {
            await().atMost(WAIT).untilAsserted(() -> assertThat(agent.stdout(), containsString("child started")));
            WrappedAgent.signal("INT", agent.pid());
            assertThat(agent.process().waitFor(20, TimeUnit.SECONDS), is(true));
            assertEquals(9, agent.process().exitValue());
            assertThat(agent.stdout(), containsString("child got SIGTERM"));
        }
    }

    @Test
    void stopsRestartingWhenTheBudgetIsSpent() throws Exception {
        int port = Ports.closed();
        try (WrappedAgent agent = WrappedAgent.start(settings(port, "lifeguard.restart.max-restarts", "2", "lifeguard.restart.backoff", "100ms"),
                WrappedAgent.testUpstream(port, "--exit=5"))) {
            await().atMost(WAIT).ignoreExceptions().untilAsserted(() -> assertEquals("crash_loop", agent.status().getString("supervisor.state")));
            JsonPath status = agent.status();
            assertThat(status.getList("supervisor.restarts.cause"), equalTo(List.of("crashed", "crashed", "crash_loop")));
            // What the restarts have in common, and that each died before it ever answered.
            assertThat(status.getString("supervisor.restarts[2].explanation"), allOf(containsString("spent the budget (all 3 were crashed)"),
                    containsString("exited with status 5 after running"), containsString("before it ever answered")));
            assertEquals(2, status.getInt("supervisor.restartsInWindow"));
            assertEquals(2, status.getInt("supervisor.maxRestarts"));
            assertThat(status.getString("upstream.cause"), equalTo("crash_loop"));
            agent.http().get("/q/health/ready").then().statusCode(503)
                    .body("checks.find { it.name == 'upstream' }.data.cause", equalTo("crash_loop"));
            agent.http().get("/lifeguard/upstream/live").then().statusCode(503).body("cause", equalTo("crash_loop"));
            agent.http().get("/q/health/live").then().statusCode(200);
        }
    }

    @Test
    void aBudgetOfZeroRestartsNothingAndWhenSpentLifeguardStaysOrExitsWithTheChildsStatus() throws Exception {
        int port = Ports.closed();
        try (WrappedAgent agent = WrappedAgent.start(settings(port, "lifeguard.restart.max-restarts", "0"), WrappedAgent.testUpstream(port, "--exit=5"))) {
            await().atMost(WAIT).ignoreExceptions().untilAsserted(() -> assertEquals("crash_loop", agent.status().getString("supervisor.state")));
            assertThat(agent.status().getList("supervisor.restarts.cause"), equalTo(List.of("crash_loop")));
            assertEquals(1, agent.stdout().split("Started process", -1).length - 1);
            agent.http().get("/lifeguard/upstream/live").then().statusCode(503);
        }
        try (WrappedAgent agent = WrappedAgent.start(settings(port, "lifeguard.restart.max-restarts", "0", "lifeguard.restart.when-budget-spent", "exit"),
                WrappedAgent.testUpstream(port, "--exit=5"))) {
            assertThat(agent.process().waitFor(30, TimeUnit.SECONDS), is(true));
            assertEquals(5, agent.process().exitValue(), "Lifeguard exits with the child's status, for the kubelet's CrashLoopBackOff");
            assertThat(agent.stdout(), containsString("when-budget-spent=exit"));
        }
    }

    @Test
    void restartsSpentOfTheBudgetDecayWithTheWindow() throws Exception {
        try (WrappedAgent agent = wrapTestUpstream("lifeguard.restart.window", "3s")) {
            crash(agent, 3);
            awaitRestart(agent, "crashed");
            awaitReady(agent);
            assertEquals(1, agent.status().getInt("supervisor.restartsInWindow"));
            // The restart leaves the window 3 s after it: the budget is whole again.
            await().atMost(WAIT).untilAsserted(() -> assertEquals(0, agent.status().getInt("supervisor.restartsInWindow")));
        }
    }

    @Test
    void forwardsAFloodOfOutputWholeAndInOrder() throws Exception {
        int lines = 200_000;
        try (WrappedAgent agent = wrapTestUpstream()) {
            agent.http().baseUri("http://127.0.0.1").port(upstreamPort(agent)).get("/flood?lines=" + lines).then().statusCode(200);
            await().atMost(WAIT).untilAsserted(() -> assertThat(agent.stdout(), containsString("flood-out " + (lines - 1) + " ")));
            await().atMost(WAIT).untilAsserted(() -> assertThat(agent.stderr(), containsString("flood-err " + (lines - 1) + " ")));
            assertInOrder(agent.stdout(), "flood-out ", lines);
            assertInOrder(agent.stderr(), "flood-err ", lines);
        }
    }

    @Test
    void admitsRestartsOnlyWithTheBearerToken() throws Exception {
        String token = "s3cret-token-for-tests-0123456789";
        // Requests here come from loopback, which is trusted by default (AccessIT): distrust it to test the token.
        try (WrappedAgent agent = wrapTestUpstream("lifeguard.admin.token", token, "lifeguard.admin.loopback-trusted", "false")) {
            agent.http().post("/lifeguard/admin/restart").then().statusCode(401);
            agent.http().header("Authorization", "Bearer wrong-token-wrong-token").post("/lifeguard/admin/restart").then().statusCode(401);
            long before = agent.childPid();
            agent.http().header("Authorization", "Bearer " + token).post("/lifeguard/admin/restart").then().statusCode(202);
            awaitRestart(agent, "restart_requested");
            awaitReady(agent);
            assertThat(agent.childPid(), not(equalTo(before)));
        }
        try (WrappedAgent agent = wrapTestUpstream("lifeguard.admin.loopback-trusted", "false")) {
            agent.http().post("/lifeguard/admin/restart").then().statusCode(403)
                    .body("error", containsString("lifeguard.admin.token"));
        }
    }

    @Test
    void anAdminRestartDuringTheBackOffStartsOneChildNotTwo() throws Exception {
        String token = "s3cret-token-for-tests-0123456789";
        try (WrappedAgent agent = wrapTestUpstream("lifeguard.admin.token", token, "lifeguard.restart.backoff", "3s")) {
            crash(agent, 3);
            await().atMost(WAIT).ignoreExceptions().untilAsserted(() -> assertEquals("backing_off", agent.status().getString("supervisor.state")));
            agent.http().header("Authorization", "Bearer " + token).post("/lifeguard/admin/restart").then().statusCode(202);
            awaitReady(agent);
            // The back-off's own restart, still pending when the operator's came, must not start another.
            await().during(Duration.ofSeconds(4)).atMost(WAIT)
                    .untilAsserted(() -> assertEquals(2, agent.stdout().split("Started process", -1).length - 1, agent.stdout()));
        }
    }

    @Test
    void nothingTheCommandStartedOutlivesLifeguardsStopEvenInAnotherSessionIgnoringSigterm() throws Exception {
        String escapee = "301." + System.nanoTime() % 1_000_000;
        int port = Ports.closed();
        try (WrappedAgent agent = WrappedAgent.start(settings(port, "lifeguard.restart.grace", "1s"),
                List.of("sh", "-c", "(trap '' TERM; exec setsid sleep " + escapee + ") & echo started; wait"))) {
            await().atMost(WAIT).until(() -> !running(escapee).isEmpty());
            WrappedAgent.signal("TERM", agent.pid());
            assertThat(agent.process().waitFor(20, TimeUnit.SECONDS), is(true));
            await().atMost(Duration.ofSeconds(5)).untilAsserted(() -> assertEquals(List.of(), running(escapee), agent.stdout()));
        } finally {
            running(escapee).forEach(ProcessHandle::destroyForcibly);
        }
    }

    @Test
    void whatAnExitedChildLeftRunningIsKilledAndNamedBeforeTheRestart() throws Exception {
        String escapee = "302." + System.nanoTime() % 1_000_000;
        int port = Ports.closed();
        try (WrappedAgent agent = WrappedAgent.start(settings(port, "lifeguard.restart.backoff", "1s", "lifeguard.restart.max-restarts", "1"),
                List.of("sh", "-c", "setsid sleep " + escapee + " & exit 3"))) {
            JsonPath status = awaitRestart(agent, "crashed");
            assertThat(status.getList("supervisor.restarts[0].evidence"), hasItem(allOf(containsString("left running"), containsString("sleep " + escapee))));
            await().atMost(Duration.ofSeconds(5)).untilAsserted(() -> assertEquals(List.of(), running(escapee)));
        } finally {
            running(escapee).forEach(ProcessHandle::destroyForcibly);
        }
    }

    private static List<ProcessHandle> running(String argument) {
        return ProcessHandle.allProcesses().filter(p -> p.info().arguments().map(a -> List.of(a).contains(argument)).orElse(false)).toList();
    }

    @Test
    void theChildEndsWhenLifeguardIsKilled() throws Exception {
        try (WrappedAgent agent = wrapTestUpstream()) {
            ProcessHandle child = ProcessHandle.of(agent.childPid()).orElseThrow();
            WrappedAgent.signal("KILL", agent.pid());
            await().atMost(WAIT).until(() -> !child.isAlive());
        }
    }

    private static void crash(WrappedAgent agent, int code) {
        agent.http().baseUri("http://127.0.0.1").port(upstreamPort(agent)).get("/crash?code=" + code);
    }

    private static int upstreamPort(WrappedAgent agent) {
        String target = agent.status().getString("upstream.target");
        return Integer.parseInt(target.replaceAll(".*:(\\d+)/.*", "$1"));
    }

    private static void assertInOrder(String output, String prefix, int lines) {
        int next = 0;
        for (String line : output.split("\n")) {
            int at = line.indexOf(prefix);
            if (at >= 0) {
                String rest = line.substring(at + prefix.length());
                int number = Integer.parseInt(rest.substring(0, rest.indexOf(' ')));
                assertEquals(next, number, "line " + next + " of " + prefix.strip() + " is missing or out of order");
                next++;
            }
        }
        assertThat(next, allOf(greaterThan(0), equalTo(lines)));
    }

    @Test
    void aProcessThatResetsEveryConnectionForTheHangWindowIsRestartedForWhatItDidNotForBeingAsleep() throws Exception {
        int port = Ports.closed();
        List<String> faulty = List.of(ProcessHandle.current().info().command().orElse("java"), "-cp", Path.of("target", "test-classes").toString(),
                FaultyServer.class.getName(), Integer.toString(port), "RESET", "3000");
        try (WrappedAgent agent = WrappedAgent.start(settings(port), faulty)) {
            JsonPath status = awaitRestart(agent, "hung");
            String why = status.getString("supervisor.restarts[0].explanation");
            assertThat(why, allOf(containsString("connection_reset"), containsString("every probe")));
            assertThat(why, not(containsString("blocked")));
        }
    }
}
