package dev.lifeguard.kubernetes;

import static org.awaitility.Awaitility.await;
import static org.hamcrest.MatcherAssert.assertThat;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.greaterThanOrEqualTo;
import static org.hamcrest.Matchers.hasItem;
import static org.hamcrest.Matchers.is;
import static org.junit.jupiter.api.Assertions.assertEquals;

import java.net.InetAddress;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Queue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import dev.lifeguard.testing.Ports;
import dev.lifeguard.testing.WrappedAgent;
import io.fabric8.kubernetes.api.model.ContainerStatusBuilder;
import io.fabric8.kubernetes.api.model.Event;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.PodBuilder;
import io.fabric8.kubernetes.api.model.PodCondition;
import io.fabric8.kubernetes.api.model.StatusBuilder;
import io.fabric8.kubernetes.api.model.discovery.v1.EndpointSlice;
import io.fabric8.kubernetes.api.model.discovery.v1.EndpointSliceBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.server.mock.KubernetesMixedDispatcher;
import io.fabric8.kubernetes.client.server.mock.KubernetesMockServer;
import io.fabric8.mockwebserver.Context;
import io.fabric8.mockwebserver.MockWebServer;
import io.fabric8.mockwebserver.ServerRequest;
import io.fabric8.mockwebserver.ServerResponse;
import io.restassured.path.json.JsonPath;

/**
 * A real Lifeguard wrapping a real child, in a pod as far as the API server knows: Fabric8's mock API server (CRUD
 * mode, with expectations where a refusal is needed) holds the pod, seeded with the kubelet's own conditions. No
 * cluster runs here; the code path is the one a cluster would see.
 */
class KubernetesIT {

    private static final Duration WAIT = Duration.ofSeconds(30);
    private static final String NAMESPACE = "shop";
    private static final String POD = "web-7d9f-abcde";
    private static final String GATE = "lifeguard.dev/upstream-ready";

    private KubernetesMockServer server;
    private KubernetesClient client;

    @BeforeEach
    void startApiServer() throws Exception {
        Map<ServerRequest, Queue<ServerResponse>> responses = new HashMap<>();
        server = new KubernetesMockServer(new Context(), new MockWebServer(), responses, new KubernetesMixedDispatcher(responses), false);
        server.init(InetAddress.getLoopbackAddress(), 0);
        client = server.createClient();
        Pod pod = new PodBuilder().withNewMetadata().withName(POD).withNamespace(NAMESPACE).withUid("7c0ffee0-1111-2222-3333-444455556666").endMetadata()
                .withNewSpec().addNewReadinessGate().withConditionType(GATE).endReadinessGate().addNewContainer().withName("app").withImage("app:1")
                .endContainer().endSpec()
                .withNewStatus()
                .addNewCondition().withType("PodScheduled").withStatus("True").withLastTransitionTime("2026-11-30T08:00:00Z").endCondition()
                .addNewCondition().withType("ContainersReady").withStatus("True").withLastTransitionTime("2026-11-30T08:00:05Z").endCondition()
                .addNewCondition().withType("Ready").withStatus("False").withReason("ReadinessGatesNotReady")
                        .withLastTransitionTime("2026-11-30T08:00:05Z").endCondition()
                .endStatus().build();
        client.pods().inNamespace(NAMESPACE).resource(pod).create();
    }

    @AfterEach
    void stopApiServer() {
        client.close();
        server.destroy();
    }

    private Map<String, String> settings(int port, String... more) {
        String[] all = new String[more.length + 8];
        System.arraycopy(new String[] { "lifeguard.kubernetes.pod-name", POD, "lifeguard.kubernetes.namespace", NAMESPACE,
                "lifeguard.kubernetes.pod-uid", "7c0ffee0-1111-2222-3333-444455556666", "lifeguard.kubernetes.readiness-gate", GATE }, 0, all, 0, 8);
        System.arraycopy(more, 0, all, 8, more.length);
        return WrappedAgent.fastSettings(port, all);
    }

    /** The mock API server, as Fabric8's client finds one outside a cluster (read at run time, in a native executable too). */
    private Map<String, String> apiServer() {
        return Map.of("KUBERNETES_MASTER", "http://127.0.0.1:" + server.getPort());
    }

    private Optional<PodCondition> condition(String type) {
        Pod pod = client.pods().inNamespace(NAMESPACE).withName(POD).get();
        return pod.getStatus().getConditions().stream().filter(c -> type.equals(c.getType())).findFirst();
    }

    private List<Event> events(String reason) {
        return client.v1().events().inNamespace(NAMESPACE).list().getItems().stream().filter(e -> reason.equals(e.getReason())).toList();
    }

    @Test
    void aCrashOfTheWrappedChildFlipsTheReadinessGateAndIsPostedAsEventsWhileTheKubeletsConditionsSurvive() throws Exception {
        int port = Ports.closed();
        try (WrappedAgent agent = WrappedAgent.start(Ports.closed(), settings(port), WrappedAgent.testUpstream(port), apiServer())) {
            await().atMost(WAIT).ignoreExceptions().until(() -> condition(GATE).orElseThrow().getStatus().equals("True"));
            assertEquals("Ready", condition(GATE).get().getReason());
            List<String> kubelets = List.of("PodScheduled", "ContainersReady", "Ready");
            long child = agent.childPid();
            ProcessHandle.of(child).orElseThrow().destroyForcibly();
            // A probe may see the connection close before the supervisor reaps the child: the gate then says
            // ConnectionClosed for a moment, and Killed once the exit is known.
            await().atMost(WAIT).ignoreExceptions().untilAsserted(() -> {
                PodCondition down = condition(GATE).orElseThrow();
                assertEquals("False", down.getStatus());
                assertEquals("Killed", down.getReason());
                assertThat(down.getMessage(), containsString("killed by SIGKILL"));
            });
            // Ready again once the new child answers; the kubelet's conditions are as they were, in their places.
            await().atMost(WAIT).ignoreExceptions().until(() -> condition(GATE).orElseThrow().getStatus().equals("True"));
            Pod pod = client.pods().inNamespace(NAMESPACE).withName(POD).get();
            assertEquals(kubelets, pod.getStatus().getConditions().subList(0, 3).stream().map(PodCondition::getType).toList());
            assertEquals("ReadinessGatesNotReady", condition("Ready").orElseThrow().getReason());
            assertEquals("2026-11-30T08:00:00Z", condition("PodScheduled").orElseThrow().getLastTransitionTime());

            await().atMost(WAIT).untilAsserted(() -> assertEquals(1, events("UpstreamRecovered").size()));
            List<Event> killed = events("UpstreamKilled");
            assertEquals(1, killed.size(), "one Event per reason, repeats folded into its count");
            Event k = killed.get(0);
            assertEquals("Warning", k.getType());
            assertEquals("Pod", k.getInvolvedObject().getKind());
            assertEquals(POD, k.getInvolvedObject().getName());
            assertEquals("7c0ffee0-1111-2222-3333-444455556666", k.getInvolvedObject().getUid());
            assertThat(k.getMessage(), containsString("killed by SIGKILL"));
            // The incident and the restart tell the same kill: one Event, counted twice.
            await().atMost(WAIT).untilAsserted(() -> assertThat(events("UpstreamKilled").get(0).getCount(), greaterThanOrEqualTo(2)));
            assertThat(agent.status().getString("kubernetes.state"), containsString("on: pod " + NAMESPACE + "/" + POD));
            // For k8s/README.md: the Events as kubectl describe pod would list them.
            client.v1().events().inNamespace(NAMESPACE).list().getItems().forEach(e -> System.out.printf("  %-8s %-18s x%d  %s%n", e.getType(),
                    e.getReason(), e.getCount(), e.getMessage()));
        }
    }

    @Test
    void aDrainSetsTheGateFalseAndIsObservedOnceTheEndpointSlicesHaveThePodNotReady() throws Exception {
        EndpointSlice slice = new EndpointSliceBuilder().withNewMetadata().withName("example-app-x7k2p").withNamespace(NAMESPACE)
                .addToLabels("kubernetes.io/service-name", "example-app").endMetadata().withAddressType("IPv4")
                .addNewEndpoint().withAddresses("10.1.2.3").withNewConditions().withReady(true).endConditions()
                        .withNewTargetRef().withKind("Pod").withName(POD).withNamespace(NAMESPACE).withUid("7c0ffee0-1111-2222-3333-444455556666")
                        .endTargetRef().endEndpoint()
                .addNewEndpoint().withAddresses("10.1.2.4").withNewConditions().withReady(true).endConditions()
                        .withNewTargetRef().withKind("Pod").withName("web-7d9f-other").withNamespace(NAMESPACE).endTargetRef().endEndpoint()
                .build();
        client.discovery().v1().endpointSlices().inNamespace(NAMESPACE).resource(slice).create();
        int port = Ports.closed();
        try (WrappedAgent agent = WrappedAgent.start(Ports.closed(), settings(port, "lifeguard.drain.timeout", "20s"), WrappedAgent.testUpstream(port), apiServer())) {
            await().atMost(WAIT).ignoreExceptions().until(() -> condition(GATE).orElseThrow().getStatus().equals("True"));
            CompletableFuture<String> drained = CompletableFuture.supplyAsync(() -> agent.http().post("/lifeguard/admin/drain").asString());
            await().atMost(WAIT).ignoreExceptions().until(() -> condition(GATE).orElseThrow().getReason().equals("Draining"));
            assertEquals("False", condition(GATE).get().getStatus());
            // The drain waits for Services to drop the pod: the EndpointSlice controller's part, played here.
            assertThat(drained.isDone(), is(false));
            EndpointSlice seen = client.discovery().v1().endpointSlices().inNamespace(NAMESPACE).withName("example-app-x7k2p").get();
            seen.getEndpoints().get(0).getConditions().setReady(false);
            client.discovery().v1().endpointSlices().inNamespace(NAMESPACE).resource(seen).update();
            JsonPath outcome = new JsonPath(drained.get(WAIT.toSeconds(), TimeUnit.SECONDS));
            assertEquals(true, outcome.getBoolean("observed"), outcome.prettify());
            assertThat(outcome.getString("account"), containsString("not ready in its 1 EndpointSlice(s)"));
            assertThat(events("Draining").get(0).getMessage(), containsString("/lifeguard/admin/drain"));
        }
    }

    @Test
    void theKubeletsWordOnAnOomKillJoinsTheIncidentAndThePodsDeletionStartsTheDrain() throws Exception {
        int port = Ports.closed();
        try (WrappedAgent agent = WrappedAgent.start(Ports.closed(), settings(port), WrappedAgent.testUpstream(port), apiServer())) {
            await().atMost(WAIT).ignoreExceptions().until(() -> condition(GATE).orElseThrow().getStatus().equals("True"));
            agent.http().baseUri("http://127.0.0.1").port(port).get("/status?code=500");
            await().atMost(WAIT).ignoreExceptions().until(() -> agent.status().getString("incident.cause").equals("bad_status"));
            // The kubelet reports that a container of the pod was OOM-killed, which no cgroup Lifeguard sees may show.
            Pod pod = client.pods().inNamespace(NAMESPACE).withName(POD).get();
            pod.getStatus().setContainerStatuses(List.of(new ContainerStatusBuilder().withName("app").withRestartCount(1).withReady(false)
                    .withNewLastState().withNewTerminated().withReason("OOMKilled").withExitCode(137).withFinishedAt("2026-11-30T09:00:00Z")
                    .endTerminated().endLastState().build()));
            client.pods().inNamespace(NAMESPACE).resource(pod).updateStatus();
            await().atMost(WAIT).ignoreExceptions().untilAsserted(() -> assertThat(agent.status().getList("incident.evidence"),
                    hasItem("kubelet: container app ended: OOMKilled (exit code 137, finished 2026-11-30T09:00:00Z, restart 1)")));
            await().atMost(WAIT).untilAsserted(() -> assertThat(events("UpstreamOomKilled").get(0).getMessage(),
                    containsString("container app was OOM-killed")));
            // Being deleted: the drain starts at once, before any container gets its SIGTERM.
            agent.http().baseUri("http://127.0.0.1").port(port).get("/status?code=200");
            await().atMost(WAIT).ignoreExceptions().until(() -> agent.status().getString("admission.status").equals("ready"));
            // A finalizer keeps the deleted pod in the API server with its deletionTimestamp, as a kubelet's grace period does.
            Pod kept = client.pods().inNamespace(NAMESPACE).withName(POD).get();
            kept.getMetadata().setFinalizers(List.of("lifeguard.dev/test-keeps-it"));
            client.pods().inNamespace(NAMESPACE).resource(kept).update();
            client.pods().inNamespace(NAMESPACE).withName(POD).delete();
            await().atMost(WAIT).ignoreExceptions().until(() -> agent.status().getString("admission.status").equals("draining"));
            assertThat(agent.status().getString("admission.explanation"), containsString("the pod is being deleted"));
        }
    }

    @Test
    void aCrashLoopIsPostedAsUpstreamCrashLoopWithWhatItsDeathsHadInCommon() throws Exception {
        int port = Ports.closed();
        try (WrappedAgent agent = WrappedAgent.start(Ports.closed(), settings(port, "lifeguard.restart.max-restarts", "1"),
                WrappedAgent.testUpstream(port, "--exit=5"), apiServer())) {
            await().atMost(WAIT).untilAsserted(() -> assertEquals(1, events("UpstreamCrashLoop").size()));
            Event loop = events("UpstreamCrashLoop").get(0);
            assertEquals("Warning", loop.getType());
            assertThat(loop.getMessage(), containsString("spent the budget (all 2 were crashed)"));
            assertEquals("False", condition(GATE).orElseThrow().getStatus());
        }
    }

    @Test
    void aRefusalByRbacIsSaidOnceAndLifeguardGoesOn() throws Exception {
        server.expect().patch().withPath("/api/v1/namespaces/" + NAMESPACE + "/pods/" + POD + "/status")
                .andReturn(403, new StatusBuilder().withCode(403).withReason("Forbidden").withMessage("pods \"" + POD + "\" is forbidden: User "
                        + "\"system:serviceaccount:shop:default\" cannot patch resource \"pods/status\" in the namespace \"shop\"").build())
                .always();
        int port = Ports.closed();
        try (WrappedAgent agent = WrappedAgent.start(Ports.closed(), settings(port, "lifeguard.kubernetes.events", "false"), WrappedAgent.testUpstream(port), apiServer())) {
            await().atMost(WAIT).ignoreExceptions().until(() -> agent.status().getString("kubernetes.state").startsWith("forbidden"));
            assertThat(agent.status().getString("kubernetes.state"), containsString("cannot patch resource \"pods/status\""));
            agent.http().get("/q/health/live").then().statusCode(200);
            agent.http().get("/q/health/ready").then().statusCode(200);
            ProcessHandle.of(agent.childPid()).orElseThrow().destroyForcibly();
            await().atMost(WAIT).ignoreExceptions().until(() -> agent.status().getString("admission.status").equals("ready")
                    && agent.status().getList("supervisor.restarts").size() == 1);
            assertEquals(1, agent.stdout().split("the API server refused to patch", -1).length - 1, agent.stdout());
        }
    }

    @Test
    void anApiServerThatDoesNotAnswerIsSaidOnceAndLifeguardGoesOn() throws Exception {
        int port = Ports.closed();
        try (WrappedAgent agent = WrappedAgent.start(Ports.closed(), settings(port), WrappedAgent.testUpstream(port),
                Map.of("KUBERNETES_MASTER", "http://127.0.0.1:" + Ports.closed()))) {
            await().atMost(WAIT).ignoreExceptions().until(() -> agent.status().getString("kubernetes.state").startsWith("unreachable"));
            agent.http().get("/q/health/ready").then().statusCode(200);
            ProcessHandle.of(agent.childPid()).orElseThrow().destroyForcibly();
            await().atMost(WAIT).ignoreExceptions().until(() -> agent.status().getList("supervisor.restarts").size() == 1
                    && agent.status().getString("admission.status").equals("ready"));
            assertEquals(1, agent.stdout().split("the API server does not answer", -1).length - 1, agent.stdout());
        }
    }

    @Test
    void withoutAClusterTheKubernetesFeaturesAreOffAndSaidSoOnce() throws Exception {
        int port = Ports.closed();
        try (WrappedAgent agent = WrappedAgent.start(WrappedAgent.fastSettings(port), WrappedAgent.testUpstream(port))) {
            await().atMost(WAIT).ignoreExceptions().until(() -> agent.status().getString("admission.status").equals("ready"));
            assertThat(agent.status().getString("kubernetes.state"), containsString("off: lifeguard.kubernetes.pod-name"));
            assertEquals(1, agent.stdout().split("Kubernetes features are off", -1).length - 1, agent.stdout());
        }
        // The pod is known, but no API server: said too, louder.
        try (WrappedAgent agent = WrappedAgent.start(WrappedAgent.fastSettings(port, "lifeguard.kubernetes.pod-name", POD,
                "lifeguard.kubernetes.namespace", NAMESPACE), WrappedAgent.testUpstream(port))) {
            await().atMost(WAIT).ignoreExceptions().until(() -> agent.status().getString("admission.status").equals("ready"));
            assertThat(agent.status().getString("kubernetes.state"), containsString("off: no API server"));
            assertEquals(1, agent.stdout().lines().filter(l -> l.contains("WARN  [dev.lifeguard.kubernetes.PodApi]")
                    && l.contains("Kubernetes features are off: no API server")).count(), agent.stdout());
        }
    }
}
