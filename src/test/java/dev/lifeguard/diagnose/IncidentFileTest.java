package dev.lifeguard.diagnose;

import static org.awaitility.Awaitility.await;
import static org.hamcrest.MatcherAssert.assertThat;
import static org.hamcrest.Matchers.allOf;
import static org.hamcrest.Matchers.contains;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.hasItem;
import static org.hamcrest.Matchers.hasSize;
import static org.hamcrest.Matchers.lessThanOrEqualTo;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.IntStream;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import com.fasterxml.jackson.databind.ObjectMapper;

import dev.lifeguard.watch.Admission;

/** The incident book in a real file: what is written is read back, bounded, and a bad file costs a warning, never Lifeguard. */
class IncidentFileTest {

    private static final Instant T0 = Instant.parse("2026-01-01T00:00:00Z");
    /** As the application's: the Java time types known (quarkus-jackson registers them too). */
    private static final ObjectMapper JSON = new ObjectMapper().findAndRegisterModules();

    @TempDir
    Path dir;

    private final List<String> warnings = new ArrayList<>();
    private final List<String> infos = new ArrayList<>();

    private IncidentFile file(Path path) {
        return new IncidentFile(path, JSON, warnings::add, infos::add);
    }

    private static Incident incident(long id, Instant ended, String explanation) {
        return new Incident(id, "upstream", "killed", explanation, "SIGKILL without OOM evidence: someone killed it.",
                List.of("probe: upstream: process 42 was killed by SIGKILL", "restart: killed: process 42 was killed by SIGKILL (status 137)"),
                "502 Bad Gateway", T0.plusSeconds(10 * id), ended, 1, null);
    }

    private static Incident closed(long id) {
        return incident(id, T0.plusSeconds(10 * id + 3), "The service's process was killed by a signal.");
    }

    /** Newest first, as the book holds them. */
    private static List<Incident> closed(int from, int to) {
        return IntStream.rangeClosed(from, to).mapToObj(i -> closed(to + from - i)).toList();
    }

    @Test
    void whatIsWrittenIsReadBackNewestFirst() throws Exception {
        Path path = dir.resolve("incidents.jsonl");
        assertTrue(file(path).firstWrite(closed(1, 3)));
        assertThat(Files.readAllLines(path), hasSize(3));
        assertThat("one incident a line, oldest first, dates as text", Files.readAllLines(path).get(0),
                allOf(containsString("\"id\":1,"), containsString("\"began\":\"2026-01-01T00:00:10Z\"")));
        assertEquals(closed(1, 3), file(path).read());
        assertEquals(List.of(), warnings);
    }

    @Test
    void anIncidentOpenWhenLifeguardStoppedIsClosedAtTheFilesLastWriteAndSaysSo() throws Exception {
        Path path = dir.resolve("incidents.jsonl");
        file(path).write(List.of(incident(2, null, "The service's process is stopped."), closed(1)));
        Instant stop = T0.plusSeconds(300);
        Files.setLastModifiedTime(path, FileTime.from(stop));
        Incident read = file(path).read().get(0);
        assertFalse(read.open());
        assertEquals(stop, read.ended());
        assertThat(read.evidence().get(read.evidence().size() - 1),
                containsString("lifeguard: it was open when Lifeguard stopped; closed at the file's last write, " + stop));
    }

    @Test
    void aCorruptLineIsReportedWithItsNumberAndSkippedAndTheRestIsRead() throws Exception {
        Path path = dir.resolve("incidents.jsonl");
        file(path).write(closed(1, 3));
        List<String> lines = new ArrayList<>(Files.readAllLines(path));
        lines.add(2, lines.get(2).substring(0, 40));
        lines.add(1, "garbage \u0000\u00ff");
        Files.write(path, lines);
        assertEquals(List.of(3L, 2L, 1L), file(path).read().stream().map(Incident::id).toList());
        assertThat(warnings, contains(
                allOf(containsString("lifeguard.incidents.file: line 2 of " + path + " is not an incident ("), containsString("skipped")),
                containsString("line 4 of " + path + " is not an incident")));
    }

    @Test
    void aBookOfManyIncidentsKeepsTheNewestFifty() throws Exception {
        Path path = dir.resolve("incidents.jsonl");
        file(path).write(closed(1, 60));
        assertThat(Files.readAllLines(path), hasSize(Incidents.KEPT));
        List<Incident> read = file(path).read();
        assertEquals(60, read.get(0).id());
        assertEquals(11, read.get(Incidents.KEPT - 1).id());
    }

    @Test
    void aBookOfHugeIncidentsKeepsTheNewestThatFitInOneMebibyte() throws Exception {
        Path path = dir.resolve("incidents.jsonl");
        String huge = "x".repeat(100 * 1024);
        List<Incident> book = IntStream.rangeClosed(1, 20).mapToObj(i -> incident(21 - i, T0.plusSeconds(1000), huge)).toList();
        assertTrue(file(path).write(book));
        assertThat(Files.size(path), lessThanOrEqualTo((long) IncidentFile.MAX_BYTES));
        List<Incident> read = file(path).read();
        assertEquals(10, read.size(), "as many whole lines of about 100 KiB as fit");
        assertEquals(20, read.get(0).id(), "the newest");
    }

    @Test
    void aPathThatCannotBeWrittenIsReportedOnceAndNeverThrown() throws Exception {
        Path notADirectory = Files.writeString(dir.resolve("a-file"), "");
        IncidentFile f = file(notADirectory.resolve("incidents.jsonl"));
        assertEquals(List.of(), f.read());
        assertFalse(f.firstWrite(closed(1, 1)));
        assertFalse(f.write(closed(1, 2)));
        assertEquals(1, warnings.size(), String.join("\n", warnings));
        assertThat(warnings.get(0), allOf(containsString("lifeguard.incidents.file: " + notADirectory.resolve("incidents.jsonl")),
                containsString("which is not a directory"), containsString("kept in memory only"), containsString("Fix: create the directory")));

        warnings.clear();
        file(dir.resolve("missing").resolve("incidents.jsonl")).read();
        assertThat(warnings, contains(allOf(containsString("which does not exist"), containsString("Fix:"))));

        warnings.clear();
        assertEquals(List.of(), file(dir).read());
        assertThat(warnings, contains(containsString("is a directory")));
    }

    @Test
    void aWriteThatFailsLaterIsReportedOnceAndItsRecoverySaidOnce() throws Exception {
        Path sub = Files.createDirectory(dir.resolve("volume"));
        IncidentFile f = file(sub.resolve("incidents.jsonl"));
        assertTrue(f.firstWrite(closed(1, 1)));
        Files.delete(sub.resolve("incidents.jsonl"));
        Files.delete(sub);
        assertFalse(f.write(closed(1, 2)));
        assertFalse(f.write(closed(1, 3)));
        assertThat(warnings, contains(allOf(containsString("cannot be written"), containsString("in memory only until a write succeeds"))));
        Files.createDirectory(sub);
        assertTrue(f.write(closed(1, 4)));
        assertThat(infos, contains(containsString("is written again")));
        assertEquals(4, file(sub.resolve("incidents.jsonl")).read().size());
    }

    @Test
    void aFileWithNoIncidentInItIsLeftAsItIs() throws Exception {
        Path path = Files.writeString(dir.resolve("passwd"), "root:x:0:0:root:/root:/bin/bash\n");
        IncidentFile f = file(path);
        assertEquals(List.of(), f.read());
        assertFalse(f.firstWrite(closed(1, 1)));
        assertEquals("root:x:0:0:root:/root:/bin/bash\n", Files.readString(path));
        assertThat(warnings, contains(allOf(containsString("holds no incident (line 1 of " + path), containsString("not a file Lifeguard wrote?"))));
    }

    @Test
    void theBookSurvivesARestartAndItsIdsContinue() throws Exception {
        Path path = dir.resolve("incidents.jsonl");
        Clock clock = Clock.fixed(T0.plusSeconds(600), ZoneOffset.UTC);
        Incidents before = new Incidents(clock, List.of(), file(path));
        before.admissionChanged(ready(0), down("killed", 5));
        before.admissionChanged(down("killed", 5), ready(7));
        before.admissionChanged(ready(7), down("bad_status", 9));
        await().atMost(Duration.ofSeconds(10)).until(() -> Files.readString(path).contains("bad_status"));
        before.lifeguardStopping();

        Incidents after = new Incidents(clock, List.of(), file(path));
        assertEquals(List.of(2L, 1L), after.all().stream().map(Incident::id).toList());
        assertTrue(after.open().isEmpty(), "what was open when Lifeguard stopped is over");
        assertThat(after.all().get(0).evidence().get(1), containsString("lifeguard: it was open when Lifeguard stopped"));
        after.admissionChanged(ready(20), down("crashed", 21));
        assertEquals(3, after.open().orElseThrow().id());
        after.lifeguardStopping();
        assertThat(Files.readAllLines(path), hasSize(3));
        assertEquals(List.of(), warnings);
    }

    @Test
    void aFailureOnANewVersionSaysWhichVersionRanAtTheIncidentBefore() throws Exception {
        Path path = dir.resolve("incidents.jsonl");
        Clock clock = Clock.fixed(T0.plusSeconds(600), ZoneOffset.UTC);
        Incidents before = new Incidents(clock, List.of(), "1.4.1", file(path));
        before.admissionChanged(ready(0), down("killed", 5));
        before.admissionChanged(down("killed", 5), ready(7));
        before.lifeguardStopping();

        // Deployed anew: Lifeguard restarts with the pod, and the upstream's version is another.
        Incidents after = new Incidents(clock, List.of(), "1.5.0", file(path));
        after.admissionChanged(ready(20), down("crashed", 21));
        Incident now = after.open().orElseThrow();
        assertEquals("1.5.0", now.upstreamVersion());
        assertThat(now.evidence(), hasItem("change: the upstream's version is 1.5.0; at incident 1 (" + T0.plusSeconds(5) + ") it was 1.4.1"));
        after.admissionChanged(down("crashed", 21), ready(25));
        after.admissionChanged(ready(25), down("crashed", 30));
        assertThat("the same version as the incident before: nothing changed", after.open().orElseThrow().evidence().toString(),
                org.hamcrest.Matchers.not(containsString("version")));
        after.lifeguardStopping();
    }

    private static Admission ready(int second) {
        return new Admission(Admission.Status.READY, "", "ok", "Ready: every check passes.", "", T0.plusSeconds(second));
    }

    private static Admission down(String code, int second) {
        return new Admission(Admission.Status.NOT_READY, "upstream", code, "The " + code + " explanation.", code + " evidence", T0.plusSeconds(second));
    }
}
