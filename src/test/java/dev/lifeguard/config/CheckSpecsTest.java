package dev.lifeguard.config;

import static org.hamcrest.MatcherAssert.assertThat;
import static org.hamcrest.Matchers.allOf;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.instanceOf;
import static org.hamcrest.Matchers.is;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Optional;

import org.junit.jupiter.api.Test;

import dev.lifeguard.testing.TestConfig;


/** Configuration as a user writes it, through the real SmallRye mapping, into specs or a message naming key and fix. */
class CheckSpecsTest {

    private static List<CheckSpec> specs(String... keyValues) {
        return CheckSpecs.from(TestConfig.of(keyValues));
    }

    private static InvalidConfigException invalid(String... keyValues) {
        return assertThrows(InvalidConfigException.class, () -> specs(keyValues));
    }

    @Test
    void defaultsWatchPort8080TwiceASecond() {
        CheckSpec upstream = specs().get(0);
        assertEquals("upstream", upstream.name());
        Target.Http http = (Target.Http) upstream.target();
        assertEquals("http://127.0.0.1:8080/", http.uri().toString());
        assertEquals(Duration.ofMillis(500), upstream.interval());
        assertEquals(2, upstream.failureThreshold());
        assertEquals(1, upstream.successThreshold());
    }

    @Test
    void readsTcpExecAndNamedChecks() {
        List<CheckSpec> specs = specs("lifeguard.upstream.url", "tcp://127.0.0.1:5432",
                "lifeguard.checks.db.exec", "true,--quiet",
                "lifeguard.checks.api.url", "https://127.0.0.1:8443/ping",
                "lifeguard.checks.api.affects-readiness", "false");
        assertThat(specs.get(0).target(), is(new Target.Tcp("127.0.0.1", 5432)));
        assertEquals("api", specs.get(1).name());
        assertEquals(false, specs.get(1).affectsReadiness());
        assertThat(specs.get(2).target(), is(new Target.Exec(List.of("true", "--quiet"))));
        assertEquals(true, specs.get(2).affectsReadiness());
    }

    @Test
    void readsGrpcUrlsWithAnOptionalServiceAndTheTlsSettings() throws Exception {
        Target.Grpc plain = (Target.Grpc) specs("lifeguard.upstream.url", "grpc://127.0.0.1:9000").get(0).target();
        assertEquals(List.of("127.0.0.1", 9000, false, ""), List.of(plain.host(), plain.port(), plain.tls(), plain.service()));
        Path ca = Files.createTempFile("lifeguard-ca", ".pem");
        try {
            Target.Grpc tls = (Target.Grpc) specs("lifeguard.checks.payments.url", "grpcs://payments.internal:443/?service=shop.v1.Payments%2Fx",
                    "lifeguard.checks.payments.tls.ca-file", ca.toString()).get(1).target();
            assertEquals(List.of("payments.internal", 443, true, "shop.v1.Payments/x"), List.of(tls.host(), tls.port(), tls.tls(), tls.service()));
            assertEquals(Optional.of(ca.toString()), tls.caFile());
        } finally {
            Files.delete(ca);
        }
    }

    @Test
    void refusesGrpcUrlsWithoutAPortWithAPathOrWithAnotherQuery() {
        assertThat(invalid("lifeguard.upstream.url", "grpc://127.0.0.1").getMessage(),
                allOf(containsString("lifeguard.upstream.url: 'grpc://127.0.0.1' has no port"), containsString("grpc://host:port")));
        assertThat(invalid("lifeguard.checks.api.url", "grpc://127.0.0.1:9000/shop.Cart").getMessage(),
                allOf(containsString("lifeguard.checks.api.url"), containsString("has a path"), containsString("?service=")));
        assertThat(invalid("lifeguard.upstream.url", "grpcs://127.0.0.1:9000?svc=x").getMessage(), containsString("a query other than ?service="));
        assertThat(invalid("lifeguard.upstream.url", "grpc://127.0.0.1:70000").getMessage(),
                allOf(containsString("outside 1 to 65535"), containsString("grpc://127.0.0.1:9000")));
        assertThat(invalid("lifeguard.upstream.url", "grpc://:9000").getMessage(), containsString("has no host"));
    }

    @Test
    void parsesStatusRanges() {
        Target.Http http = (Target.Http) specs("lifeguard.upstream.expect-status", "200, 204,300-302").get(0).target();
        assertEquals(true, http.expectStatus().accepts(204));
        assertEquals(true, http.expectStatus().accepts(301));
        assertEquals(false, http.expectStatus().accepts(203));
    }

    @Test
    void rejectsAnUnknownScheme() {
        InvalidConfigException e = invalid("lifeguard.upstream.url", "ftp://127.0.0.1/");
        assertEquals("lifeguard.upstream.url", e.key());
        assertThat(e.getMessage(), allOf(containsString("unknown scheme 'ftp'"), containsString("use http, https, grpc, grpcs or tcp")));
    }

    @Test
    void rejectsAMalformedUrl() {
        assertThat(invalid("lifeguard.upstream.url", "http://127.0.0.1:80 80/").getMessage(),
                containsString("lifeguard.upstream.url: 'http://127.0.0.1:80 80/' is not a valid URL"));
        assertThat(invalid("lifeguard.upstream.url", "127.0.0.1:8080").getMessage(), containsString("lifeguard.upstream.url"));
        assertThat(invalid("lifeguard.upstream.url", "tcp://127.0.0.1").getMessage(), containsString("has no port"));
    }

    @Test
    void refusesAPortOutsideOneTo65535NamingTheKeyAndTheFix() {
        for (String url : List.of("http://127.0.0.1:70000/", "https://127.0.0.1:65536/", "http://127.0.0.1:0/", "http://127.0.0.1:-1/",
                "http://127.0.0.1:99999999999/", "http://[::1]:70000/", "tcp://127.0.0.1:70000", "tcp://127.0.0.1:0", "tcp://127.0.0.1:-8080")) {
            InvalidConfigException e = invalid("lifeguard.upstream.url", url);
            assertEquals("lifeguard.upstream.url", e.key(), url);
            assertThat(url, e.getMessage(), allOf(containsString("port"), containsString("1 to 65535"), containsString("write e.g.")));
        }
        InvalidConfigException check = invalid("lifeguard.checks.db.url", "tcp://admin:hunter2@127.0.0.1:70000");
        assertEquals("lifeguard.checks.db.url", check.key());
        assertThat(check.getMessage(), allOf(containsString("70000"), containsString("tcp://***@127.0.0.1:70000")));
        assertEquals(65535, ((Target.Tcp) specs("lifeguard.upstream.url", "tcp://127.0.0.1:65535").get(0).target()).port());
        assertEquals(1, ((Target.Http) specs("lifeguard.upstream.url", "http://127.0.0.1:1/").get(0).target()).port());
    }

    @Test
    void rejectsNonPositiveIntervalsAndThresholds() {
        assertEquals("lifeguard.upstream.interval", invalid("lifeguard.upstream.interval", "0s").key());
        assertEquals("lifeguard.upstream.timeout", invalid("lifeguard.upstream.timeout", "-1s").key());
        InvalidConfigException e = invalid("lifeguard.upstream.failure-threshold", "0");
        assertEquals("lifeguard.upstream.failure-threshold", e.key());
        assertThat(e.getMessage(), containsString("must be at least 1, not 0"));
        assertEquals("lifeguard.checks.db.success-threshold",
                invalid("lifeguard.checks.db.url", "tcp://127.0.0.1:1", "lifeguard.checks.db.success-threshold", "0").key());
    }

    @Test
    void refusesADurationWithoutAUnitForEveryProbeDurationKey() {
        for (String key : List.of("lifeguard.upstream.interval", "lifeguard.upstream.timeout", "lifeguard.upstream.startup-grace",
                "lifeguard.upstream.fast-interval", "lifeguard.checks.db.fast-interval",
                "lifeguard.checks.db.interval", "lifeguard.checks.db.timeout", "lifeguard.checks.db.startup-grace")) {
            InvalidConfigException e = invalid("lifeguard.checks.db.url", "tcp://127.0.0.1:1", key, "500");
            assertEquals(key, e.key());
            assertThat(e.getMessage(), allOf(containsString(key + ": '500' has no unit"), containsString("500ms, 2s, 1m, 1h")));
        }
    }

    @Test
    void readsDurationsWithAUnitAndIso8601() {
        assertEquals(Duration.ofMillis(500), specs("lifeguard.upstream.interval", "500ms", "lifeguard.upstream.timeout", "500ms").get(0).interval());
        assertEquals(Duration.ofMinutes(1), specs("lifeguard.upstream.interval", "1m").get(0).interval());
        assertEquals(Duration.ofHours(1), specs("lifeguard.upstream.interval", "1h").get(0).interval());
        assertEquals(Duration.ofMillis(1500), specs("lifeguard.upstream.interval", "1.5s").get(0).interval());
        assertEquals(Duration.ofSeconds(2), specs("lifeguard.upstream.interval", "PT2S").get(0).interval());
        assertEquals(Duration.ofSeconds(2), specs("lifeguard.upstream.interval", " 2S ").get(0).interval());
    }

    @Test
    void refusesAValueThatIsNotADurationWithTheAcceptedForms() {
        InvalidConfigException e = invalid("lifeguard.upstream.interval", "abc");
        assertEquals("lifeguard.upstream.interval", e.key());
        assertThat(e.getMessage(), allOf(containsString("'abc' is not a duration"), containsString("500ms, 2s, 1m, 1h")));
    }

    @Test
    void refusesAThresholdThatIsNotAWholeNumber() {
        InvalidConfigException e = invalid("lifeguard.upstream.failure-threshold", "two");
        assertEquals("lifeguard.upstream.failure-threshold", e.key());
        assertThat(e.getMessage(), allOf(containsString("'two' is not a whole number"), containsString("write e.g. 1, 2 or 3")));
        assertEquals("lifeguard.checks.db.success-threshold",
                invalid("lifeguard.checks.db.url", "tcp://127.0.0.1:1", "lifeguard.checks.db.success-threshold", "1.5").key());
    }

    @Test
    void refusesABooleanThatIsNeitherTrueNorFalse() {
        InvalidConfigException e = invalid("lifeguard.upstream.url", "https://127.0.0.1/", "lifeguard.upstream.tls.skip-verify", "yes");
        assertEquals("lifeguard.upstream.tls.skip-verify", e.key());
        assertThat(e.getMessage(), allOf(containsString("'yes' is neither true nor false"), containsString("write true or false")));
        assertEquals("lifeguard.checks.db.affects-readiness",
                invalid("lifeguard.checks.db.url", "tcp://127.0.0.1:1", "lifeguard.checks.db.affects-readiness", "maybe").key());
        assertEquals(false, specs("lifeguard.checks.db.url", "tcp://127.0.0.1:1", "lifeguard.checks.db.affects-readiness", "FALSE")
                .get(1).affectsReadiness());
    }

    @Test
    void theFastIntervalIs100msByDefaultAndNeverLongerThanTheInterval() {
        assertEquals(Duration.ofMillis(100), specs().get(0).fastInterval());
        assertEquals(Duration.ofMillis(250), specs("lifeguard.upstream.fast-interval", "250ms").get(0).fastInterval());
        CheckSpec quick = specs("lifeguard.upstream.interval", "50ms", "lifeguard.upstream.timeout", "50ms").get(0);
        assertEquals(Duration.ofMillis(50), quick.fastInterval());
        assertEquals("lifeguard.upstream.fast-interval", invalid("lifeguard.upstream.fast-interval", "0s").key());
    }

    @Test
    void readsTheFlappingRuleAndRefusesAShareOutsideZeroToAHundredPercent() {
        CheckSpec.Flapping f = specs("lifeguard.upstream.window-failure-share", "50%", "lifeguard.upstream.window", "20s").get(0).flapping();
        assertEquals(0.5, f.failureShare());
        assertEquals(Duration.ofSeconds(20), f.window());
        assertEquals(0.25, specs("lifeguard.upstream.window-failure-share", "0.25").get(0).flapping().failureShare());
        for (String bad : List.of("0%", "150%", "half")) {
            InvalidConfigException e = invalid("lifeguard.upstream.window-failure-share", bad);
            assertEquals("lifeguard.upstream.window-failure-share", e.key());
            assertThat(e.getMessage(), containsString("write a percentage such as 30%"));
        }
        assertEquals("lifeguard.upstream.flap-damping-max", invalid("lifeguard.upstream.flap-damping-max", "0").key());
    }

    @Test
    void probesTheUpstreamTwiceASecondAndOtherChecksOnceWithATimeoutThatMayOutlastTheInterval() {
        List<CheckSpec> specs = specs("lifeguard.checks.db.url", "tcp://127.0.0.1:5432");
        assertEquals(Duration.ofMillis(500), specs.get(0).interval());
        assertEquals(Duration.ofSeconds(1), specs.get(0).timeout());
        assertEquals(Duration.ofSeconds(1), specs.get(1).interval());
        assertEquals(Duration.ofSeconds(2), specs("lifeguard.upstream.interval", "1s", "lifeguard.upstream.timeout", "2s").get(0).timeout());
    }

    @Test
    void rejectsAnExecCommandThatDoesNotExist() {
        InvalidConfigException e = invalid("lifeguard.upstream.exec", "no-such-command-lifeguard");
        assertEquals("lifeguard.upstream.exec", e.key());
        assertThat(e.getMessage(), containsString("'no-such-command-lifeguard' is not an executable file on the PATH"));
        assertThat(invalid("lifeguard.upstream.exec", "/nonexistent/check").getMessage(), containsString("is not an executable file"));
    }

    @Test
    void rejectsACheckWithoutTargetAndTheReservedName() {
        assertEquals("lifeguard.checks.db.url", invalid("lifeguard.checks.db.affects-readiness", "false").key());
        assertThat(invalid("lifeguard.checks.upstream.url", "tcp://127.0.0.1:1").getMessage(), containsString("reserved"));
    }

    @Test
    void rejectsABadStatusRangeAndAMissingCaFile() {
        assertEquals("lifeguard.upstream.expect-status", invalid("lifeguard.upstream.expect-status", "2xx").key());
        assertEquals("lifeguard.upstream.expect-status", invalid("lifeguard.upstream.expect-status", "399-200").key());
        assertEquals("lifeguard.upstream.tls.ca-file", invalid("lifeguard.upstream.url", "https://127.0.0.1/",
                "lifeguard.upstream.tls.ca-file", "/nonexistent/ca.pem").key());
    }

    @Test
    void masksSecretsInTheDescription() {
        Target t = specs("lifeguard.upstream.url", "http://admin:hunter2@127.0.0.1:8080/health?token=abc&x=1").get(0).target();
        assertThat(t.describe(), allOf(containsString("***@127.0.0.1"), containsString("token=***"), containsString("x=1")));
        assertThat(t.describe().contains("hunter2") || t.describe().contains("abc"), is(false));
        assertThat(t, instanceOf(Target.Http.class));
    }
}
