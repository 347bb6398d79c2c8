package dev.lifeguard.k8s;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Consumer;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import org.junit.jupiter.api.Test;

import io.fabric8.kubernetes.api.model.Container;
import io.fabric8.kubernetes.api.model.EnvVar;
import io.fabric8.kubernetes.api.model.GenericKubernetesResource;
import io.fabric8.kubernetes.api.model.IntOrString;
import io.fabric8.kubernetes.api.model.PodSpec;
import io.fabric8.kubernetes.api.model.Service;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.fabric8.kubernetes.client.utils.KubernetesSerialization;

/**
 * The manifests in k8s/ load with the Fabric8 model without a field, kind or API version it does not know, and keep
 * what k8s/README.md promises about the sidecar; the check itself fails on the fixtures in k8s-bad/.
 */
class ManifestsTest {

    private static final Path K8S = Path.of("k8s");
    private static final Path BAD = Path.of("src", "test", "resources", "k8s-bad");
    /** YAML files of k8s/ that are no Kubernetes objects: read by promtool (see PrometheusRulesTest). */
    private static final Set<Path> NOT_MANIFESTS = Set.of(K8S.resolve("monitoring/lifeguard-rules.yaml"),
            K8S.resolve("monitoring/lifeguard-rules.test.yaml"));

    @Test
    void everyManifestLoadsWithoutAnUnknownFieldKindOrApiVersion() {
        List<Path> manifests = manifests();
        assertTrue(manifests.containsAll(List.of(K8S.resolve("deployment.yaml"), K8S.resolve("shared-process-namespace.yaml"),
                K8S.resolve("monitoring/prometheusrule.yaml"))), "the walk of k8s/ found " + manifests);
        List<String> problems = new ArrayList<>();
        for (Path file : manifests) {
            problems.addAll(Manifests.problems(file));
        }
        assertEquals(List.of(), problems);
    }

    @Test
    void theFilesLeftOutOfTheCheckExist() {
        for (Path file : NOT_MANIFESTS) {
            assertTrue(Files.isRegularFile(file), file + " is left out of the manifest check but does not exist: update NOT_MANIFESTS");
        }
    }

    @Test
    void namesEveryMisspelledFieldWithItsPath() {
        List<String> problems = Manifests.problems(BAD.resolve("misspelled-field.yaml"));
        assertEquals(2, problems.size(), problems.toString());
        assertContains(problems, "Deployment misspelled: unknown field spec.template.spec.terminationGracePeriodSecond");
        assertContains(problems, "Deployment misspelled: unknown field spec.template.spec.containers[0].readinesProbe");
    }

    @Test
    void rejectsAKindTheModelDoesNotKnow() {
        assertContains(Manifests.problems(BAD.resolve("wrong-kind.yaml")), "apps/v1 Deploymnet is not a kind the Fabric8 model knows");
    }

    @Test
    void rejectsAnApiVersionTheKindDoesNotHave() {
        assertContains(Manifests.problems(BAD.resolve("unknown-api-version.yaml")), "apps/v2 Deployment is not a kind the Fabric8 model knows");
    }

    @Test
    void rejectsABetaApiVersionThatKubernetesRemoved() {
        assertContains(Manifests.problems(BAD.resolve("beta-api-version.yaml")), "extensions/v1beta1 is not a GA API version");
    }

    @Test
    void namesAMisspelledFieldOfAPrometheusRule() {
        List<String> problems = Manifests.problems(BAD.resolve("prometheusrule-unknown-field.yaml"));
        assertEquals(List.of("prometheusrule-unknown-field.yaml #1 PrometheusRule unknown-field: unknown field spec.groups[0].rules[0].expresion"),
                problems);
    }

    @Test
    void deploymentYamlRunsLifeguardAsANativeSidecarWithoutSharingProcesses() {
        Deployment d = only(Deployment.class, "deployment.yaml");
        PodSpec pod = d.getSpec().getTemplate().getSpec();
        Container lifeguard = SidecarCheck.lifeguard(pod).orElseThrow();
        assertTrue(pod.getInitContainers().contains(lifeguard));
        assertEquals("Always", lifeguard.getRestartPolicy());
        assertNotEquals(Boolean.TRUE, pod.getShareProcessNamespace());
        assertEquals(List.of(), SidecarCheck.problems(d));
    }

    @Test
    void sharedProcessNamespaceYamlSharesThePodsProcessesWithLifeguard() {
        Deployment d = only(Deployment.class, "shared-process-namespace.yaml");
        PodSpec pod = d.getSpec().getTemplate().getSpec();
        assertEquals(Boolean.TRUE, pod.getShareProcessNamespace());
        Container lifeguard = SidecarCheck.lifeguard(pod).orElseThrow();
        assertTrue(lifeguard.getEnv().stream().anyMatch(e -> e.getName().equals("LIFEGUARD_PROCESS_MATCH")));
        assertEquals(List.of(), SidecarCheck.problems(d));
    }

    @Test
    void everyProbedPathIsAnEndpointOfTheReadmeOnItsPort() throws IOException {
        String readme = Files.readString(Path.of("README.md"));
        Matcher heading = Pattern.compile("(?m)^## Endpoints \\(port (\\d+)\\)$").matcher(readme);
        assertTrue(heading.find(), "README.md has no '## Endpoints (port N)' section");
        assertEquals(SidecarCheck.PORT, Integer.parseInt(heading.group(1)));
        Set<String> endpoints = new LinkedHashSet<>();
        // The section's first table, whatever prose stands before it.
        String section = readme.substring(heading.end()).split("\n## ", 2)[0];
        String table = java.util.Arrays.stream(section.strip().split("\n\n")).filter(p -> p.startsWith("|")).findFirst().orElse("");
        for (String line : table.split("\n")) {
            if (line.startsWith("| `")) {
                Matcher path = Pattern.compile("`([^`]+)`").matcher(line.split("\\|")[1]);
                while (path.find()) {
                    endpoints.add(path.group(1));
                }
            }
        }
        for (String path : List.of(SidecarCheck.READY, SidecarCheck.LIVE, SidecarCheck.STARTED, SidecarCheck.UPSTREAM_LIVE,
                SidecarCheck.METRICS)) {
            assertTrue(endpoints.contains(path), path + " is not in README.md's endpoint table " + endpoints);
        }
    }

    @Test
    void everyServiceSelectsItsDeploymentsPodsOnAPortTheAppDeclares() {
        for (Path file : List.of(K8S.resolve("deployment.yaml"), K8S.resolve("shared-process-namespace.yaml"))) {
            Deployment d = only(Deployment.class, file.getFileName().toString());
            Service s = only(Service.class, file.getFileName().toString());
            Map<String, String> labels = d.getSpec().getTemplate().getMetadata().getLabels();
            assertTrue(labels.entrySet().containsAll(s.getSpec().getSelector().entrySet()), file + ": the Service selects no pod of the Deployment");
            assertTrue(labels.entrySet().containsAll(d.getSpec().getSelector().getMatchLabels().entrySet()), file + ": the selector misses the pods");
            for (var port : s.getSpec().getPorts()) {
                String target = port.getTargetPort().getStrVal();
                assertTrue(d.getSpec().getTemplate().getSpec().getContainers().stream().flatMap(c -> c.getPorts().stream())
                        .anyMatch(p -> p.getName() != null && p.getName().equals(target)), file + ": no app port named " + target);
            }
        }
    }

    @Test
    void prometheusRuleIsAMonitoringCoreosComV1PrometheusRuleWithRules() {
        List<Manifests.Loaded> loaded = Manifests.load(K8S.resolve("monitoring/prometheusrule.yaml"));
        assertEquals(1, loaded.size());
        GenericKubernetesResource rule = assertInstanceOf(GenericKubernetesResource.class, loaded.get(0).resource());
        assertEquals("monitoring.coreos.com/v1", rule.getApiVersion());
        assertEquals("PrometheusRule", rule.getKind());
        List<?> groups = assertInstanceOf(List.class, rule.get("spec", "groups"));
        assertFalse(groups.isEmpty());
        for (Object group : groups) {
            assertFalse(assertInstanceOf(List.class, ((Map<?, ?>) group).get("rules")).isEmpty(), "a group without rules: " + group);
        }
    }

    // The sidecar check must be able to fail: each broken copy of deployment.yaml is named for what is broken.

    @Test
    void namesALifeguardThatIsNoNativeSidecar() {
        assertBroken(pod -> pod.getInitContainers().get(0).setRestartPolicy(null), "Lifeguard is not a native sidecar");
        assertBroken(pod -> pod.getContainers().add(pod.getInitContainers().remove(0)), "Lifeguard is not a native sidecar");
    }

    @Test
    void namesAProbeOnTheWrongPortOrPath() {
        assertBroken(pod -> app(pod).getReadinessProbe().getHttpGet().setPort(new IntOrString(8080)),
                "container app: readinessProbe asks /q/health/ready on port 8080; expected /q/health/ready on port 9502");
        assertBroken(pod -> app(pod).getReadinessProbe().getHttpGet().setPort(new IntOrString("lifeguard")),
                "readinessProbe asks /q/health/ready on port lifeguard");
        assertBroken(pod -> app(pod).getLivenessProbe().getHttpGet().setPath("/q/health/live"),
                "container app: livenessProbe asks /q/health/live on port 9502; expected /lifeguard/upstream/live");
        assertBroken(pod -> pod.getInitContainers().get(0).getStartupProbe().getHttpGet().setPath("/q/health/ready"),
                "container lifeguard: startupProbe asks /q/health/ready");
        assertBroken(pod -> app(pod).getStartupProbe().getHttpGet().setPort(new IntOrString(9502)), "startupProbe asks Lifeguard");
    }

    @Test
    void namesAGracePeriodShorterThanDrainGraceAndPreStop() {
        assertBroken(pod -> pod.setTerminationGracePeriodSeconds(29L),
                "terminationGracePeriodSeconds 29 is shorter than the drain timeout (15 s) + the restart grace (10 s) + the preStop sleep (5 s) = 30 s");
        assertBroken(pod -> pod.getInitContainers().get(0).getEnv().add(new EnvVar("LIFEGUARD_DRAIN_TIMEOUT", "20s", null)),
                "terminationGracePeriodSeconds 30 is shorter than the drain timeout (20 s)");
    }

    @Test
    void namesAProcessMatchWithoutASharedProcessNamespace() {
        assertBroken(pod -> pod.getInitContainers().get(0).getEnv().add(new EnvVar("LIFEGUARD_PROCESS_MATCH", "java", null)),
                "no shareProcessNamespace: true");
        assertBroken(pod -> pod.setShareProcessNamespace(true), "Lifeguard is not told which process is the app");
    }

    private static void assertBroken(Consumer<PodSpec> breakIt, String expected) {
        Deployment copy = new KubernetesSerialization().clone(only(Deployment.class, "deployment.yaml"));
        breakIt.accept(copy.getSpec().getTemplate().getSpec());
        assertContains(SidecarCheck.problems(copy), expected);
    }

    private static Container app(PodSpec pod) {
        return pod.getContainers().get(0);
    }

    private static <T> T only(Class<T> type, String file) {
        List<T> found = Manifests.load(K8S.resolve(file)).stream().map(Manifests.Loaded::resource).filter(type::isInstance).map(type::cast)
                .toList();
        assertEquals(1, found.size(), file + ": " + type.getSimpleName());
        return found.get(0);
    }

    private static List<Path> manifests() {
        return Manifests.yamlFiles(K8S).stream().filter(p -> !NOT_MANIFESTS.contains(p)).toList();
    }

    private static void assertContains(List<String> problems, String expected) {
        assertTrue(problems.stream().anyMatch(p -> p.contains(expected)), "expected a problem containing '" + expected + "' in " + problems);
    }
}
