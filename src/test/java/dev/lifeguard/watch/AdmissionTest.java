package dev.lifeguard.watch;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.time.Instant;
import java.util.List;

import org.junit.jupiter.api.Test;

import dev.lifeguard.config.CheckSpec;
import dev.lifeguard.config.Target;
import dev.lifeguard.probe.Cause;
import dev.lifeguard.probe.ProbeResult;

/** What load balancers are told, from all checks and a drain. */
class AdmissionTest {

    private static final Instant T0 = Instant.parse("2026-01-01T00:00:00Z");

    private static CheckSpec spec(String name, boolean affectsReadiness) {
        return new CheckSpec(name, new Target.Tcp("127.0.0.1", 8080), Duration.ofSeconds(1), Duration.ofMillis(100), Duration.ofSeconds(1), 1, 1,
                Duration.ZERO, affectsReadiness);
    }

    private static Verdict probed(CheckSpec spec, boolean ok, int second) {
        ProbeResult r = ok ? ProbeResult.ok("answered", Duration.ZERO, T0.plusSeconds(second), 200)
                : ProbeResult.failed(Cause.CONNECTION_REFUSED, "refused", Duration.ZERO, T0.plusSeconds(second), 0);
        return Hysteresis.next(Verdict.initial(spec, T0), r, T0);
    }

    @Test
    void readyWhenEveryCheckThatCountsIsReadySinceTheLastOfThemBecameReady() {
        Admission a = Admission.of(null, List.of(probed(spec("upstream", true), true, 1), probed(spec("db", true), true, 3),
                probed(spec("cache", false), false, 5)));
        assertTrue(a.ready());
        assertEquals(T0.plusSeconds(3), a.since());
    }

    @Test
    void notReadyNamesTheFirstCheckThatKeepsTrafficAwayAndStartingBeforeAnyVerdict() {
        Admission a = Admission.of(null, List.of(probed(spec("upstream", true), true, 1), probed(spec("db", true), false, 2)));
        assertEquals(Admission.Status.NOT_READY, a.status());
        assertEquals("db", a.check());
        assertEquals("connection_refused", a.code());
        assertEquals("db: refused", a.brief(), "the evidence alone, naming the check that is not the upstream");
        assertEquals("starting", Admission.of(null, List.of(Verdict.initial(spec("upstream", true), T0))).code());
    }

    @Test
    void anUpstreamThatFailsWhileADependencyIsDownNamesTheDependencyAsTheLikelyCause() {
        Admission a = Admission.of(null, List.of(probed(spec("upstream", true), false, 1), probed(spec("db", false), false, 2)));
        assertEquals("upstream", a.check());
        assertEquals("connection_refused", a.code(), "the upstream's own cause stays the code");
        assertTrue(a.explanation().endsWith("Probably because its dependency db (tcp://127.0.0.1:8080) is not ready: connection_refused: refused"),
                a.explanation());
        assertEquals("refused; db connection_refused", a.brief());
        Admission alone = Admission.of(null, List.of(probed(spec("upstream", true), false, 1), probed(spec("db", false), true, 2)));
        assertFalse(alone.explanation().contains("dependency"), "a dependency that is up is no cause");
    }

    @Test
    void aDrainWinsOverEveryCheckAndIsNeitherReadyNorTheSameAnswerAsNotReady() {
        Drain drain = new Drain(T0.plusSeconds(9), "Lifeguard is stopping");
        Admission draining = Admission.of(drain, List.of(probed(spec("upstream", true), true, 1)));
        assertEquals(Admission.Status.DRAINING, draining.status());
        assertEquals("draining", draining.code());
        assertEquals("Lifeguard is stopping", draining.explanation());
        assertFalse(draining.ready());
        Admission down = Admission.of(null, List.of(probed(spec("upstream", true), false, 1)));
        assertFalse(draining.sameAs(down));
    }
}
