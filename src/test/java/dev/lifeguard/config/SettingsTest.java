package dev.lifeguard.config;

import static org.hamcrest.MatcherAssert.assertThat;
import static org.hamcrest.Matchers.allOf;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.hasItem;
import static org.hamcrest.Matchers.hasItems;
import static org.hamcrest.Matchers.lessThan;
import static org.hamcrest.Matchers.not;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.time.Duration;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;

import org.eclipse.microprofile.config.Config;
import org.junit.jupiter.api.Test;

import dev.lifeguard.testing.TestConfig;
import io.smallrye.config.ConfigMappings;
import io.smallrye.config.SmallRyeConfig;

/** The names of the configuration: unknown keys and variables with the closest known one, and the effective settings. */
class SettingsTest {

    private static InvalidConfigException unknown(String... keyValues) {
        return assertThrows(InvalidConfigException.class, () -> Settings.check(TestConfig.config(Map.of(), keyValues)));
    }

    private static List<String> warnings(Map<String, String> env, String... keyValues) {
        return Settings.check(TestConfig.config(env, keyValues));
    }

    @Test
    void knowsEveryKeyOfTheMapping() {
        Set<String> mapped = new TreeSet<>(ConfigMappings.getProperties(new ConfigMappings.ConfigClass(LifeguardConfig.class, "lifeguard")).keySet());
        mapped.removeIf(k -> k.endsWith("[*]"));
        assertEquals(mapped, new TreeSet<>(Settings.keys(Set.of("*"))), "Settings' key lists and the mapping interfaces differ");
        assertEquals(Settings.keys(Set.of("*")).size(), new HashSet<>(Settings.keys(Set.of("*"))).size());
    }

    @Test
    void acceptsEveryKnownKey() {
        assertEquals(List.of(), warnings(Map.of(), "lifeguard.upstream.interval", "2s", "lifeguard.upstream.exec[0]", "true",
                "lifeguard.checks.db.url", "tcp://127.0.0.1:1", "lifeguard.checks.\"my.db\".tls.skip-verify", "true",
                "lifeguard.restart.hang-after", "5s", "%dev.lifeguard.admin.token-file", "/run/token", "quarkus.http.port", "0"));
    }

    @Test
    void refusesAMisspelledKeyNamingItsValueAndTheClosestKey() {
        InvalidConfigException e = unknown("lifeguard.upstream.intervall", "2s");
        assertEquals("lifeguard.upstream.intervall", e.key());
        assertThat(e.getMessage(), allOf(containsString("unknown key (value '2s', in test)"), containsString("did you mean lifeguard.upstream.interval?")));
        assertThat(unknown("lifeguard.restart.hangAfter", "5s").getMessage(), containsString("did you mean lifeguard.restart.hang-after?"));
        assertThat(unknown("lifeguard.checks.db.url", "tcp://127.0.0.1:1", "lifeguard.checks.db.timout", "1s").getMessage(),
                containsString("did you mean lifeguard.checks.db.timeout?"));
        assertThat(unknown("lifeguard.checks.cache.expect-staus", "200").getMessage(), containsString("did you mean lifeguard.checks.cache.expect-status?"));
        assertThat(unknown("lifeguard.upstream", "http://127.0.0.1/").getMessage(), containsString("did you mean lifeguard.upstream.url?"));
    }

    @Test
    void namesEveryUnknownKeyAndKeepsSecretsOut() {
        InvalidConfigException e = unknown("lifeguard.admin.tokn", "0123456789abcdef-secret", "lifeguard.upstream.timeuot", "1s");
        assertEquals("lifeguard.admin.tokn", e.key());
        assertThat(e.getMessage(), allOf(containsString("value ***"), containsString("also unknown: lifeguard.upstream.timeuot"),
                containsString("did you mean lifeguard.admin.token?"), not(containsString("secret"))));
        assertThat(unknown("lifeguard.colour", "blue").getMessage(), containsString("lifeguard.upstream.*, lifeguard.checks.<name>.*"));
    }

    @Test
    void warnsAboutUnknownEnvironmentVariablesWithTheClosestKnownOne() {
        List<String> w = warnings(Map.of("LIFEGUARD_UPSTREAM_INTERVALL", "2s", "LIFEGUARD_UPSTREAM_URL", "http://127.0.0.1:1/",
                "LIFEGUARD_CHECKS_DB_URL", "tcp://127.0.0.1:1", "LIFEGUARD_CHECKS_DB_TIMOUT", "1s", "LIFEGUARD_ADMIN_TOKN", "0123456789abcdef-secret",
                "OTHER_VARIABLE", "x"));
        assertEquals(List.of(
                "LIFEGUARD_ADMIN_TOKN=*** is not a Lifeguard setting and is ignored; did you mean LIFEGUARD_ADMIN_TOKEN?",
                "LIFEGUARD_CHECKS_DB_TIMOUT=1s is not a Lifeguard setting and is ignored; did you mean LIFEGUARD_CHECKS_DB_TIMEOUT?",
                "LIFEGUARD_UPSTREAM_INTERVALL=2s is not a Lifeguard setting and is ignored; did you mean LIFEGUARD_UPSTREAM_INTERVAL?"), w);
    }

    @Test
    void anUnknownNameFarFromEveryKeyGetsTheFamiliesOfKeysEveryOneOfThem() {
        String warning = warnings(Map.of("LIFEGUARD_REQUIRE_HAPROXY", "1")).get(0);
        assertThat(warning, containsString("Lifeguard's variables start with LIFEGUARD_UPSTREAM_, LIFEGUARD_CHECKS_<NAME>_, LIFEGUARD_RESTART_, "
                + "LIFEGUARD_PROCESS_, LIFEGUARD_ADMIN_, LIFEGUARD_AGENT_CHECK_, LIFEGUARD_DRAIN_, LIFEGUARD_HAPROXY_, LIFEGUARD_GATEWAY_, LIFEGUARD_DEGRADED_, LIFEGUARD_INCIDENTS_, LIFEGUARD_KUBERNETES_, LIFEGUARD_HTTP_ (README, Configuration)"));
        InvalidConfigException e = unknown("lifeguard.zzzzzz.qqqqqq", "1");
        assertThat(e.getMessage(), containsString("lifeguard.checks.<name>.*, lifeguard.restart.*, lifeguard.process.*, lifeguard.admin.*, "
                + "lifeguard.agent-check.*, lifeguard.drain.*, lifeguard.haproxy.*, lifeguard.gateway.*, lifeguard.degraded.*, lifeguard.incidents.*, lifeguard.kubernetes.*, lifeguard.http.*"));
    }

    @Test
    void namedChecksAsEnvironmentVariables() {
        // A name of letters and digits works on its own; the check is named in lower case.
        assertEquals(List.of(), warnings(Map.of("LIFEGUARD_CHECKS_DB_URL", "tcp://127.0.0.1:1", "LIFEGUARD_CHECKS_DB_TLS_SKIP_VERIFY", "true")));
        CheckSpec db = CheckSpecs.from(TestConfig.config(Map.of("LIFEGUARD_CHECKS_DB_URL", "tcp://127.0.0.1:1", "LIFEGUARD_CHECKS_DB_INTERVAL", "5s"))
                .getConfigMapping(LifeguardConfig.class)).get(1);
        assertEquals("db", db.name());
        assertEquals(Duration.ofSeconds(5), db.interval());
        // A name with '_' or '-' cannot be told from the key: it is ignored by SmallRye, and Lifeguard says so.
        List<String> w = warnings(Map.of("LIFEGUARD_CHECKS_MY_DB_URL", "tcp://127.0.0.1:1"));
        assertEquals(1, w.size());
        assertThat(w.get(0), allOf(containsString("LIFEGUARD_CHECKS_MY_DB_URL=tcp://127.0.0.1:1 is not a Lifeguard setting and is ignored"),
                containsString("letters and digits (LIFEGUARD_CHECKS_MYDB_URL)"), containsString("lifeguard.checks.my-db.url")));
        assertThat(warnings(Map.of("LIFEGUARD_CHECKS_MY_DB_TLS_SKIP_VERIFY", "true")).get(0),
                containsString("(LIFEGUARD_CHECKS_MYDB_TLS_SKIP_VERIFY), or name the check in a properties file or with -D (lifeguard.checks.my-db.tls.skip-verify)"));
        // Once the check is named in a properties file, variables apply to it.
        SmallRyeConfig named = TestConfig.config(Map.of("LIFEGUARD_CHECKS_MY_DB_INTERVAL", "5s"), "lifeguard.checks.my-db.url", "tcp://127.0.0.1:1");
        assertEquals(List.of(), Settings.check(named));
        CheckSpec myDb = CheckSpecs.from(named.getConfigMapping(LifeguardConfig.class)).get(1);
        assertEquals("my-db", myDb.name());
        assertEquals(Duration.ofSeconds(5), myDb.interval());
    }

    @Test
    void effectiveSettingsIncludeDefaultsAndNamedChecksWithSecretsMasked() {
        Config config = TestConfig.config(Map.of("LIFEGUARD_RESTART_HANG_AFTER", "20s"),
                "lifeguard.upstream.url", "http://admin:hunter2@127.0.0.1:8080/health?token=abc&x=1",
                "lifeguard.checks.db.exec", "pg_isready,-h,127.0.0.1",
                "lifeguard.checks.\"api.v2\".url", "https://127.0.0.1:8443/",
                "lifeguard.admin.token", "0123456789abcdef-secret");
        List<String> lines = Settings.effective(config);
        assertThat(lines, hasItems("lifeguard.upstream.url=http://***@127.0.0.1:8080/health?token=***&x=1", "lifeguard.upstream.interval=500ms",
                "lifeguard.upstream.tls.skip-verify=false", "lifeguard.checks.\"api.v2\".url=https://127.0.0.1:8443/",
                "lifeguard.checks.\"api.v2\".affects-readiness=true", "lifeguard.checks.db.exec=pg_isready,-h,127.0.0.1",
                "lifeguard.checks.db.interval=1s", "lifeguard.restart.policy=always", "lifeguard.restart.hang-after=20s",
                "lifeguard.admin.token=***"));
        assertThat(String.join("\n", lines), allOf(not(containsString("hunter2")), not(containsString("abc")), not(containsString("secret"))));
        assertThat(lines, not(hasItem("lifeguard.checks.db.url")));
        assertThat(lines.stream().filter(l -> l.startsWith("lifeguard.process.")).count(), lessThan(1L));
        assertThat(lines.indexOf("lifeguard.upstream.interval=500ms"), lessThan(lines.indexOf("lifeguard.checks.\"api.v2\".affects-readiness=true")));
        assertThat(lines.indexOf("lifeguard.checks.\"api.v2\".affects-readiness=true"), lessThan(lines.indexOf("lifeguard.checks.db.interval=1s")));
        assertThat(lines.indexOf("lifeguard.checks.db.interval=1s"), lessThan(lines.indexOf("lifeguard.restart.policy=always")));
        assertEquals(lines, Settings.effective(config));
    }
}
