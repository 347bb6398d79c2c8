package dev.lifeguard.config;

import static org.hamcrest.MatcherAssert.assertThat;
import static org.hamcrest.Matchers.containsString;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Optional;

import org.junit.jupiter.api.Test;

import dev.lifeguard.testing.TestConfig;

/** Where Lifeguard runs in Kubernetes, as the Downward API and a user give it: parsed, or refused naming the key and the fix. */
class KubernetesSpecTest {

    private static KubernetesSpec spec(String... keyValues) {
        return KubernetesSpec.from(TestConfig.of(keyValues));
    }

    @Test
    void offWithoutThePodAndOnWithIt() {
        assertTrue(spec().pod().isEmpty());
        KubernetesSpec on = spec("lifeguard.kubernetes.pod-name", "web-1", "lifeguard.kubernetes.namespace", "shop",
                "lifeguard.kubernetes.readiness-gate", "lifeguard.dev/upstream-ready");
        assertEquals(new KubernetesSpec.Pod("web-1", "shop", Optional.empty()), on.pod().orElseThrow());
        assertEquals("lifeguard.dev/upstream-ready", on.readinessGate().orElseThrow());
        assertTrue(on.events());
    }

    @Test
    void refusesHalfAPodAGateOnNoPodAndAGateThatIsNoConditionType() {
        InvalidConfigException half = assertThrows(InvalidConfigException.class, () -> spec("lifeguard.kubernetes.pod-name", "web-1"));
        assertEquals("lifeguard.kubernetes.namespace", half.key());
        assertThat(half.getMessage(), containsString("fieldRef metadata.name and metadata.namespace"));
        InvalidConfigException noPod = assertThrows(InvalidConfigException.class, () -> spec("lifeguard.kubernetes.readiness-gate", "x/ready"));
        assertEquals("lifeguard.kubernetes.readiness-gate", noPod.key());
        InvalidConfigException bad = assertThrows(InvalidConfigException.class, () -> spec("lifeguard.kubernetes.pod-name", "web-1",
                "lifeguard.kubernetes.namespace", "shop", "lifeguard.kubernetes.readiness-gate", "upstream ready!"));
        assertThat(bad.getMessage(), containsString("'upstream ready!' is not a condition type"));
    }
}
