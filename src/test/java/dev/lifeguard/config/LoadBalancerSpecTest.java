package dev.lifeguard.config;

import static org.hamcrest.MatcherAssert.assertThat;
import static org.hamcrest.Matchers.containsString;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.List;

import org.junit.jupiter.api.Test;

import dev.lifeguard.testing.TestConfig;

/** The load-balancer settings as a user writes them: parsed, or refused naming the key and the fix. */
class LoadBalancerSpecTest {

    private static LoadBalancerSpec spec(String... keyValues) {
        return LoadBalancerSpec.from(TestConfig.of(keyValues));
    }

    private static InvalidConfigException invalid(String... keyValues) {
        return assertThrows(InvalidConfigException.class, () -> spec(keyValues));
    }

    @Test
    void everythingIsOffByDefaultAndADrainWaitsAtMost15s() {
        LoadBalancerSpec s = spec();
        assertTrue(s.agentCheckPort().isEmpty());
        assertTrue(s.haproxy().isEmpty());
        assertEquals(Duration.ofSeconds(15), s.drainTimeout());
        assertEquals(Duration.ZERO, s.warmup());
        assertEquals(Duration.ofSeconds(5), s.resync());
        assertEquals(2, s.drainPolls());
    }

    @Test
    void readsTheAgentPortAndRefusesOneOutsideTheRange() {
        assertEquals(9503, spec("lifeguard.agent-check.port", "9503").agentCheckPort().getAsInt());
        InvalidConfigException e = invalid("lifeguard.agent-check.port", "70000");
        assertEquals("lifeguard.agent-check.port", e.key());
        assertThat(e.getMessage(), containsString("write e.g. 9503"));
        assertEquals("lifeguard.agent-check.port", invalid("lifeguard.agent-check.port", "agent").key());
    }

    @Test
    void readsTheRuntimeApiAsASocketPathOrHostAndPortWithItsServers() {
        HaproxyTarget unix = spec("lifeguard.haproxy.runtime-api", "/run/haproxy/admin.sock", "lifeguard.haproxy.server", "app/web1, app/web2")
                .haproxy().orElseThrow();
        assertEquals("/run/haproxy/admin.sock", unix.socket());
        assertEquals(List.of(new HaproxyTarget.Server("app", "web1"), new HaproxyTarget.Server("app", "web2")), unix.servers());
        HaproxyTarget tcp = spec("lifeguard.haproxy.runtime-api", "10.0.0.5:9999", "lifeguard.haproxy.server", "app/web1").haproxy().orElseThrow();
        assertEquals("10.0.0.5", tcp.host());
        assertEquals(9999, tcp.port());
    }

    @Test
    void refusesARuntimeApiWithoutServersServersWithoutItAndAServerThatIsNotBackendSlashServer() {
        assertEquals("lifeguard.haproxy.server", invalid("lifeguard.haproxy.runtime-api", "/run/haproxy/admin.sock").key());
        assertEquals("lifeguard.haproxy.runtime-api", invalid("lifeguard.haproxy.server", "app/web1").key());
        InvalidConfigException e = invalid("lifeguard.haproxy.runtime-api", "/run/haproxy/admin.sock", "lifeguard.haproxy.server", "web1");
        assertEquals("lifeguard.haproxy.server", e.key());
        assertThat(e.getMessage(), containsString("e.g. app/web1"));
        InvalidConfigException where = invalid("lifeguard.haproxy.runtime-api", "haproxy-admin", "lifeguard.haproxy.server", "app/web1");
        assertEquals("lifeguard.haproxy.runtime-api", where.key());
        assertThat(where.getMessage(), containsString("/run/haproxy/admin.sock or 127.0.0.1:9999"));
    }

    @Test
    void refusesANegativeDrainTimeoutAndWarmUp() {
        assertEquals("lifeguard.drain.timeout", invalid("lifeguard.drain.timeout", "-1s").key());
        assertEquals("lifeguard.agent-check.warmup", invalid("lifeguard.agent-check.warmup", "-5s").key());
        assertEquals(Duration.ZERO, spec("lifeguard.drain.timeout", "0s").drainTimeout());
        assertEquals("lifeguard.drain.polls", invalid("lifeguard.drain.polls", "0").key());
        assertEquals("lifeguard.drain.polls", invalid("lifeguard.drain.polls", "6").key());
    }
}
