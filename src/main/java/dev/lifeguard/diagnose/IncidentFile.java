package dev.lifeguard.diagnose;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.NotDirectoryException;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.function.Consumer;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.ObjectReader;
import com.fasterxml.jackson.databind.ObjectWriter;
import com.fasterxml.jackson.databind.SerializationFeature;

import dev.lifeguard.config.IncidentsSpec;

/**
 * The incident book kept in a file across restarts of Lifeguard ({@code lifeguard.incidents.file}): one incident a
 * line as JSON, oldest first, the newest {@value Incidents#KEPT} that fit in {@value #MAX_BYTES} bytes. Each change
 * rewrites the whole file into a temporary file beside it, forced to disk, then renamed over it: a reader, or a crash
 * of Lifeguard or of the node, finds the book before the change or after it, never half of one. Never throws: a problem
 * is reported once, naming the key and the fix, and the book stays in memory. Not thread-safe: one thread at a time.
 */
final class IncidentFile {

    /** 50 incidents of 20 facts each take about 150 KiB; the cap is for what no one foresaw (a huge explanation). */
    static final int MAX_BYTES = 1024 * 1024;
    /** A file with this many bad lines is not read line by line into the log. */
    private static final int BAD_LINES_TOLD = 5;
    static final String STOPPED = "lifeguard: it was open when Lifeguard stopped; closed at the file's last write, ";

    private final Path path;
    private final ObjectReader reader;
    private final ObjectWriter writer;
    private final Consumer<String> warn;
    private final Consumer<String> info;
    /** Not to be written again in this run: unreadable, not a file Lifeguard wrote, or its first write failed. */
    private boolean refused;
    /** The last write failed (and was reported); the next that succeeds says so. */
    private boolean failing;

    /**
     * @param json the application's mapper; the file's format does not follow its settings (dates as ISO-8601 text,
     *        one line per incident, unknown fields ignored so that a later Lifeguard's file can be read)
     */
    IncidentFile(Path path, ObjectMapper json, Consumer<String> warn, Consumer<String> info) {
        this.path = path;
        this.reader = json.readerFor(Incident.class).without(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES);
        this.writer = json.writerFor(Incident.class).without(SerializationFeature.WRITE_DATES_AS_TIMESTAMPS).without(SerializationFeature.INDENT_OUTPUT);
        this.warn = warn;
        this.info = info;
    }

    Path path() {
        return path;
    }

    /** Whether it is still written: false once it was refused for this run. */
    boolean writable() {
        return !refused;
    }

    /**
     * The incidents in the file, newest first, at most {@value Incidents#KEPT}. One that was open when Lifeguard
     * stopped is closed at the file's last write (Lifeguard writes the book once more when it stops; if it was killed,
     * that is the last change before), saying so in its evidence. A line that is no incident is reported and skipped.
     * A file that cannot be read, or holds no incident at all, is reported, left as it is, and never written.
     */
    List<Incident> read() {
        byte[] bytes;
        Instant lastWrite;
        try {
            if (Files.isDirectory(path)) {
                return refuse("is a directory", "name a file in it, e.g. " + path.resolve("incidents.jsonl"));
            }
            if (!Files.exists(path)) {
                Path dir = path.toAbsolutePath().getParent();
                if (!Files.isDirectory(dir)) {
                    return refuse("is in " + dir + ", which " + (Files.exists(dir) ? "is not a directory" : "does not exist"),
                            "create the directory, or mount a volume there (an emptyDir)");
                }
                return List.of();
            }
            if (Files.size(path) > MAX_BYTES) {
                return refuse("is larger than Lifeguard writes (" + Files.size(path) + " bytes, at most " + MAX_BYTES + "): not a file Lifeguard wrote?",
                        "delete it, or name a file of Lifeguard's own");
            }
            bytes = Files.readAllBytes(path);
            lastWrite = Files.getLastModifiedTime(path).toInstant();
        } catch (IOException | SecurityException e) {
            return refuse("cannot be read (" + problem(e) + ")", "make it readable and writable by Lifeguard's user");
        }
        List<Incident> read = new ArrayList<>();
        List<String> bad = new ArrayList<>();
        String[] lines = new String(bytes, StandardCharsets.UTF_8).split("\n", -1);
        for (int n = 0; n < lines.length; n++) {
            String line = lines[n].strip();
            if (line.isEmpty()) {
                continue;
            }
            try {
                Incident i = reader.readValue(line);
                String missing = missing(i);
                if (missing != null) {
                    bad.add("line " + (n + 1) + " of " + path + " has no " + missing);
                } else {
                    read.add(i.open() ? stopped(i, lastWrite) : i);
                }
            } catch (JsonProcessingException | RuntimeException e) {
                bad.add("line " + (n + 1) + " of " + path + " is not an incident (" + firstLine(e) + ")");
            }
        }
        if (read.isEmpty() && !bad.isEmpty()) {
            return refuse("holds no incident (" + bad.get(0) + (bad.size() > 1 ? ", and " + (bad.size() - 1) + " more line(s) like it" : "")
                    + "): not a file Lifeguard wrote?", "delete it, or name a file of Lifeguard's own");
        }
        for (int b = 0; b < Math.min(bad.size(), BAD_LINES_TOLD); b++) {
            warn.accept(IncidentsSpec.FILE_KEY + ": " + bad.get(b) + "; skipped, the other lines are read. Lifeguard writes the file anew at the "
                    + "next change, without it");
        }
        if (bad.size() > BAD_LINES_TOLD) {
            warn.accept(IncidentsSpec.FILE_KEY + ": " + (bad.size() - BAD_LINES_TOLD) + " more line(s) of " + path + " are not incidents; skipped");
        }
        read.sort(Comparator.comparingLong(Incident::id).reversed());
        return List.copyOf(read.subList(0, Math.min(read.size(), Incidents.KEPT)));
    }

    /**
     * Replaces the file's book with {@code newestFirst}: the newest {@value Incidents#KEPT} that fit in
     * {@value #MAX_BYTES} bytes, oldest first. Returns whether the file now holds it; a failure is reported once until a
     * write succeeds again.
     */
    boolean write(List<Incident> newestFirst) {
        if (refused) {
            return false;
        }
        List<byte[]> lines = new ArrayList<>();
        int total = 0;
        for (Incident i : newestFirst.subList(0, Math.min(newestFirst.size(), Incidents.KEPT))) {
            byte[] line;
            try {
                line = (writer.writeValueAsString(i) + "\n").getBytes(StandardCharsets.UTF_8);
            } catch (JsonProcessingException e) {
                // An Incident is strings, numbers and instants: this would be a bug; the book stays in memory.
                return failed("an incident could not be written as JSON (" + firstLine(e) + ")", "please report it");
            }
            if (total + line.length > MAX_BYTES) {
                break;
            }
            lines.add(line);
            total += line.length;
        }
        Path temporary = path.resolveSibling("." + path.getFileName() + ".tmp");
        try {
            try (FileChannel out = FileChannel.open(temporary, StandardOpenOption.CREATE, StandardOpenOption.WRITE, StandardOpenOption.TRUNCATE_EXISTING)) {
                for (int k = lines.size() - 1; k >= 0; k--) {
                    ByteBuffer buffer = ByteBuffer.wrap(lines.get(k));
                    while (buffer.hasRemaining()) {
                        out.write(buffer);
                    }
                }
                out.force(true);
            }
            Files.move(temporary, path, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
        } catch (IOException | SecurityException e) {
            try {
                Files.deleteIfExists(temporary);
            } catch (IOException | SecurityException ignored) {
                // Nothing more to do: the write failure below is what matters.
            }
            return failed("cannot be written (" + problem(e) + ")", "make its directory writable by Lifeguard's user, with space left");
        }
        if (failing) {
            failing = false;
            info.accept(IncidentsSpec.FILE_KEY + ": " + path + " is written again");
        }
        return true;
    }

    /**
     * The first write of a run: when it fails, the file is given up for the run (reported once), since a file that
     * cannot be written at start-up (a missing or read-only volume) will not become writable by itself.
     */
    boolean firstWrite(List<Incident> newestFirst) {
        if (refused) {
            return false;
        }
        boolean written = write(newestFirst);
        refused = !written;
        return written;
    }

    private List<Incident> refuse(String problem, String fix) {
        refused = true;
        warn.accept(IncidentsSpec.FILE_KEY + ": " + path + " " + problem + "; incidents are kept in memory only and lost when Lifeguard "
                + "restarts. Fix: " + fix);
        return List.of();
    }

    private boolean failed(String problem, String fix) {
        if (!failing) {
            failing = true;
            warn.accept(IncidentsSpec.FILE_KEY + ": " + path + " " + problem + "; the incidents since are in memory only until a write succeeds. "
                    + "Fix: " + fix);
        }
        return false;
    }

    /** The incident as it ended when Lifeguard stopped, at the file's last write: the last moment it is known to have lasted. */
    private static Incident stopped(Incident i, Instant lastWrite) {
        Instant end = lastWrite.isBefore(i.began()) ? i.began() : lastWrite;
        List<String> evidence = new ArrayList<>(i.evidence());
        evidence.add(STOPPED + end + ", not because the service was ready again");
        return i.with(evidence, 0, end);
    }

    /** The first field a line left out that an incident needs, or null. */
    private static String missing(Incident i) {
        if (i.id() <= 0) {
            return "id";
        }
        if (i.check() == null || i.cause() == null || i.explanation() == null || i.advice() == null || i.usersSaw() == null) {
            return "check, cause, explanation, advice or usersSaw";
        }
        return i.began() == null ? "began" : null;
    }

    private static String problem(Exception e) {
        if (e instanceof NoSuchFileException) {
            return "no such file or directory: " + e.getMessage();
        }
        if (e instanceof NotDirectoryException) {
            return "not a directory: " + e.getMessage();
        }
        return e.getClass().getSimpleName() + ": " + e.getMessage();
    }

    private static String firstLine(Exception e) {
        String message = String.valueOf(e.getMessage());
        int end = message.indexOf('\n');
        return end < 0 ? message : message.substring(0, end);
    }
}
