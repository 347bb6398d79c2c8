package dev.lifeguard.config;

import static org.hamcrest.MatcherAssert.assertThat;
import static org.hamcrest.Matchers.containsString;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;

import org.junit.jupiter.api.Test;

import dev.lifeguard.testing.TestConfig;

/** The gateway's timeout as a user writes it: parsed, or refused naming the key and the fix. */
class GatewaySpecTest {

    private static GatewaySpec spec(String... keyValues) {
        return GatewaySpec.from(TestConfig.of(keyValues));
    }

    @Test
    void offWithoutATimeoutAndWarnsAt80PercentOfOne() {
        assertTrue(spec().timeout().isEmpty());
        GatewaySpec s = spec("lifeguard.gateway.timeout", "60s");
        assertEquals(Duration.ofSeconds(48), s.warnAfter().orElseThrow());
        assertEquals(Duration.ofSeconds(30), spec("lifeguard.gateway.timeout", "60s", "lifeguard.gateway.warn-at", "50%").warnAfter().orElseThrow());
    }

    @Test
    void refusesATimeoutOrAShareItCannotUse() {
        InvalidConfigException zero = assertThrows(InvalidConfigException.class, () -> spec("lifeguard.gateway.timeout", "0s"));
        assertEquals("lifeguard.gateway.timeout", zero.key());
        assertThat(zero.getMessage(), containsString("write the gateway's own timeout, e.g. 60s"));
        InvalidConfigException share = assertThrows(InvalidConfigException.class, () -> spec("lifeguard.gateway.timeout", "60s",
                "lifeguard.gateway.warn-at", "120%"));
        assertEquals("lifeguard.gateway.warn-at", share.key());
    }
}
