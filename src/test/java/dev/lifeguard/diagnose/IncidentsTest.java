package dev.lifeguard.diagnose;

import static org.hamcrest.MatcherAssert.assertThat;
import static org.hamcrest.Matchers.contains;
import static org.hamcrest.Matchers.containsString;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;

import org.junit.jupiter.api.Test;

import dev.lifeguard.probe.Cause;
import dev.lifeguard.watch.Admission;

/** The incident book, fed what load balancers are told, as the watchers tell it. */
class IncidentsTest {

    private static final Instant T0 = Instant.parse("2026-01-01T00:00:00Z");

    private final List<String> told = new ArrayList<>();
    private final Incidents incidents = new Incidents(Clock.fixed(T0.plusSeconds(60), ZoneOffset.UTC), List.of(new IncidentListener() {
        @Override
        public void opened(Incident incident) {
            told.add("opened " + incident.id());
        }

        @Override
        public void closed(Incident incident) {
            told.add("closed " + incident.id());
        }
    }));

    private static Admission ready(int second) {
        return new Admission(Admission.Status.READY, "", "ok", "Ready: every check passes.", "", T0.plusSeconds(second));
    }

    private static Admission down(String code, int second) {
        return new Admission(Admission.Status.NOT_READY, "upstream", code, "The " + code + " explanation.", code + " evidence", T0.plusSeconds(second));
    }

    @Test
    void aFailureOpensAnIncidentThatGathersItsRestartsAndClosesWhenReady() {
        incidents.admissionChanged(ready(0), down("killed", 5));
        incidents.restarted(Cause.KILLED, "process 42 was killed by SIGKILL", T0.plusSeconds(5));
        incidents.admissionChanged(down("killed", 5), down("connection_refused", 6));
        Incident open = incidents.open().orElseThrow();
        assertEquals("killed", open.cause());
        assertThat(open.usersSaw(), containsString("502 Bad Gateway"));
        assertThat(open.evidence(), contains("probe: upstream: killed evidence", "restart: killed: process 42 was killed by SIGKILL",
                "probe: then connection_refused: connection_refused evidence"));
        incidents.admissionChanged(down("connection_refused", 6), new Admission(Admission.Status.NOT_READY, "upstream", "hung",
                "hung explanation", "process 42 was stopped by Lifeguard", T0.plusSeconds(6)));
        incidents.restarted(Cause.HUNG, "process 42 was stopped by Lifeguard", T0.plusSeconds(6));
        assertThat("the restart's line replaces the checks' line in the same words", incidents.open().orElseThrow().evidence().get(3),
                containsString("restart: hung: process 42 was stopped by Lifeguard"));
        assertEquals(4, incidents.open().orElseThrow().evidence().size());
        incidents.admissionChanged(down("hung", 6), ready(7));
        Incident closed = incidents.all().get(0);
        assertFalse(closed.open());
        assertEquals(2_000, closed.duration(T0.plusSeconds(99)).toMillis());
        assertEquals(2, closed.restarts());
        assertEquals(List.of("opened 1", "closed 1"), told);
    }

    @Test
    void aDrainAStartAndAnOperatorsRestartAreNoIncidents() {
        incidents.admissionChanged(down("starting", 0), ready(1));
        incidents.admissionChanged(ready(1), new Admission(Admission.Status.DRAINING, "", "draining", "Lifeguard is stopping", "", T0.plusSeconds(2)));
        incidents.admissionChanged(ready(3), down("restart_requested", 4));
        incidents.restarted(Cause.RESTART_REQUESTED, "an operator asked", T0.plusSeconds(4));
        assertTrue(incidents.all().isEmpty());
        assertTrue(told.isEmpty());
    }

    @Test
    void aFailureSoonAfterAStartSaysSoWithTheFilesThatChangedSinceTheStartBefore() throws Exception {
        Path app = Files.createTempFile("app", ".jar");
        try {
            List<String> command = List.of("sh", app.toString(), "--port", "8080");
            incidents.processStarted(41, T0, CommandFiles.of(command));
            Files.setLastModifiedTime(app, FileTime.from(T0.plusSeconds(100)));
            incidents.processStarted(42, T0.plusSeconds(200), CommandFiles.of(command));
            incidents.admissionChanged(ready(201), down("crashed", 203));
            assertThat(incidents.open().orElseThrow().evidence(), contains("probe: upstream: crashed evidence",
                    "change: it began 3.0s after process 42 started",
                    "change: since the start before, " + app.toAbsolutePath() + " was modified at " + FileTime.from(T0.plusSeconds(100))));
            incidents.admissionChanged(down("crashed", 203), ready(204));
            incidents.admissionChanged(ready(204), down("crashed", 200 + 3600));
            assertEquals(1, incidents.open().orElseThrow().evidence().size(), "an hour after the start: no change to tell");
        } finally {
            Files.deleteIfExists(app);
        }
    }

    @Test
    void keepsTheLatestFifty() {
        for (int i = 0; i < 60; i++) {
            incidents.admissionChanged(ready(2 * i), down("bad_status", 2 * i + 1));
            incidents.admissionChanged(down("bad_status", 2 * i + 1), ready(2 * i + 2));
        }
        assertEquals(Incidents.KEPT, incidents.all().size());
        assertEquals(60, incidents.all().get(0).id(), "newest first");
    }
}
