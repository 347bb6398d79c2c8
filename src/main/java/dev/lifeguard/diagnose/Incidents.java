package dev.lifeguard.diagnose;

import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;

import jakarta.annotation.Priority;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import jakarta.enterprise.inject.Instance;
import jakarta.inject.Inject;
import jakarta.interceptor.Interceptor;

import org.jboss.logging.Logger;

import com.fasterxml.jackson.databind.ObjectMapper;

import dev.lifeguard.config.DryRun;
import dev.lifeguard.config.Durations;
import dev.lifeguard.config.IncidentsSpec;
import dev.lifeguard.config.InvalidConfigException;
import dev.lifeguard.config.LifeguardConfig;
import dev.lifeguard.probe.Cause;
import dev.lifeguard.watch.Admission;
import dev.lifeguard.watch.WatchListener;
import io.quarkus.runtime.ShutdownEvent;
import io.quarkus.runtime.StartupEvent;
import io.quarkus.runtime.configuration.ConfigurationException;

/**
 * The incident book: opens an incident when load balancers are told to keep traffic away for a failure, closes it
 * when they are told the service is ready again, and keeps the last {@value #KEPT}. Each opening and closing is logged
 * once with the cause and the advice. With {@code lifeguard.incidents.file}, the book is read from that file at
 * start-up and written to it after every change ({@link IncidentFile}), on a thread of its own: a slow or full disk
 * must not hold this book's lock, which the watchers take on the Vert.x event loop as they tell load balancers of a
 * change. Thread-safe.
 */
@ApplicationScoped
public class Incidents implements WatchListener {

    private static final Logger LOG = Logger.getLogger(Incidents.class);
    static final int KEPT = 50;
    private static final int EVIDENCE_KEPT = 20;
    /** A failure this soon after a start is told with it: a new process, perhaps new files. */
    private static final Duration RECENT = Duration.ofMinutes(10);
    /** Not failures: a check still starting, a drain, an operator's restart. */
    private static final Set<String> PLANNED = Set.of("starting", Cause.DRAINING.code(), Cause.RESTART_REQUESTED.code());

    private final Clock clock;
    private final Iterable<IncidentListener> listeners;
    /** Newest first; the open one, if any, at the head. */
    private final Deque<Incident> book = new ArrayDeque<>();
    private long lastId;
    /** The wrapped process's last start, and what changed in the files it runs since the one before; null before one. */
    private Instant lastStart;
    private long lastPid;
    private CommandFiles lastFiles;
    private List<String> changedFiles = List.of();
    /** Where the book is kept across restarts of Lifeguard; null: memory only. */
    private IncidentFile file;
    /** Writes the file, one thread; null without a file. */
    private ExecutorService writer;
    /** The book as it stands, not yet handed to the writer thread; null when that one has it. */
    private final AtomicReference<List<Incident>> unsaved = new AtomicReference<>();
    private final Optional<Path> filePath;
    private final Instance<ObjectMapper> json;
    /** The upstream's version as configured; null when not given. */
    private final String version;

    @Inject
    Incidents(Clock clock, Instance<IncidentListener> listeners, LifeguardConfig config, Instance<ObjectMapper> json) {
        this.clock = clock;
        this.listeners = listeners;
        this.json = json;
        this.version = config.upstream().version().map(String::strip).filter(v -> !v.isEmpty()).orElse(null);
        try {
            this.filePath = IncidentsSpec.from(config).file();
        } catch (InvalidConfigException e) {
            throw new ConfigurationException("Invalid configuration: " + e.getMessage());
        }
    }

    /** Memory only. */
    Incidents(Clock clock, Iterable<IncidentListener> listeners) {
        this(clock, listeners, (String) null);
    }

    /** Memory only, for an upstream of {@code version} (null: not given). */
    Incidents(Clock clock, Iterable<IncidentListener> listeners, String version) {
        this.clock = clock;
        this.listeners = listeners;
        this.json = null;
        this.filePath = Optional.empty();
        this.version = version;
    }

    /** Kept in {@code file} as well, which is read now. */
    Incidents(Clock clock, Iterable<IncidentListener> listeners, IncidentFile file) {
        this(clock, listeners, null, file);
    }

    /** For an upstream of {@code version} (null: not given), kept in {@code file} as well, which is read now. */
    Incidents(Clock clock, Iterable<IncidentListener> listeners, String version, IncidentFile file) {
        this(clock, listeners, version);
        keepIn(file);
    }

    /** Reads the book kept across restarts, before any check starts (and so before any incident can open). */
    void load(@Observes @Priority(Interceptor.Priority.APPLICATION + 200) StartupEvent event) {
        if (filePath.isPresent() && !DryRun.active()) {
            keepIn(new IncidentFile(filePath.get(), json.get(), LOG::warn, LOG::info));
        }
    }

    private synchronized void keepIn(IncidentFile f) {
        List<Incident> read = f.read();
        read.forEach(book::addLast);
        lastId = read.isEmpty() ? 0 : read.get(0).id();
        // Written at once: a file that cannot be written is told now, not at the first incident; bad lines go.
        if (f.firstWrite(read)) {
            file = f;
            writer = Executors.newSingleThreadExecutor(r -> {
                Thread t = new Thread(r, "lifeguard-incidents-file");
                t.setDaemon(true);
                return t;
            });
            LOG.infof("Incidents are kept in %s (%s): %d read%s", f.path(), IncidentsSpec.FILE_KEY, read.size(),
                    read.isEmpty() ? "" : ", the next is number " + (lastId + 1));
        }
    }

    /**
     * Lifeguard is stopping: the book is written once more, so that the file's time is the time of the stop (an
     * incident still open then is closed at it when the file is read again). Waits for the writes at most 2 s.
     * Called by the supervisor before it halts the JVM, and at shutdown otherwise; the second call does nothing.
     */
    public void lifeguardStopping() {
        ExecutorService w;
        synchronized (this) {
            w = writer;
            if (w == null || w.isShutdown()) {
                return;
            }
            unsaved.set(List.copyOf(book));
            w.execute(this::writeLatest);
            w.shutdown();
        }
        try {
            if (!w.awaitTermination(2, TimeUnit.SECONDS)) {
                LOG.warnf("%s: %s was still being written when Lifeguard stopped; its last change may be lost", IncidentsSpec.FILE_KEY, file.path());
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    void stopping(@Observes @Priority(Interceptor.Priority.LIBRARY_AFTER + 2000) ShutdownEvent event) {
        lifeguardStopping();
    }

    @Override
    public synchronized void admissionChanged(Admission before, Admission after) {
        Optional<Incident> open = open();
        if (after.status() == Admission.Status.READY) {
            open.ifPresent(i -> close(i, after.since()));
        } else if (after.status() == Admission.Status.NOT_READY && !PLANNED.contains(after.code())) {
            if (open.isEmpty()) {
                begin(after);
            } else if (!open.get().cause().equals(after.code())) {
                replaceOpen(with(open.get(), "probe: then " + after.code() + ": " + after.brief(), 0));
            }
        }
    }

    /** A restart (or the end of restarting) while the service is out of rotation: its facts join the open incident. */
    public synchronized void restarted(Cause cause, String explanation, Instant at) {
        open().ifPresent(i -> {
            // The checks often learn of it first, in the same words: the restart's line replaces theirs.
            List<String> evidence = i.evidence();
            Incident told = evidence.get(evidence.size() - 1).endsWith(": " + explanation) ? i.with(evidence.subList(0, evidence.size() - 1), 0, null)
                    : i;
            replaceOpen(with(told, "restart: " + cause.code() + ": " + explanation, 1));
        });
    }

    /** A fact from elsewhere (e.g. {@code kubelet: ...}) while the service is out of rotation: it joins the open incident. */
    public synchronized void noted(String fact) {
        open().ifPresent(i -> replaceOpen(with(i, fact, 0)));
    }

    /** A new process of the upstream started; a failure soon after says so, with what changed in the files it runs. */
    public synchronized void processStarted(long pid, Instant at, CommandFiles files) {
        changedFiles = lastFiles == null ? List.of() : files.changedSince(lastFiles);
        lastFiles = files;
        lastStart = at;
        lastPid = pid;
    }

    /** The open incident, if any. */
    public synchronized Optional<Incident> open() {
        Incident head = book.peekFirst();
        return head != null && head.open() ? Optional.of(head) : Optional.empty();
    }

    /** Every incident kept, newest first. */
    public synchronized List<Incident> all() {
        return List.copyOf(book);
    }

    private void begin(Admission after) {
        Cause cause = Cause.of(after.code());
        String advice = cause != null ? cause.advice() : "";
        List<String> evidence = new ArrayList<>(List.of("probe: " + after.check() + ": " + after.brief()));
        if (lastStart != null && after.since().isBefore(lastStart.plus(RECENT))) {
            evidence.add("change: it began " + Durations.elapsed(Duration.between(lastStart, after.since())) + " after process " + lastPid
                    + " started");
            changedFiles.forEach(f -> evidence.add("change: since the start before, " + f));
        }
        // The incident before tells what ran then (kept across restarts of Lifeguard with lifeguard.incidents.file).
        Incident before = book.peekFirst();
        if (version != null && before != null && before.upstreamVersion() != null && !before.upstreamVersion().equals(version)) {
            evidence.add("change: the upstream's version is " + version + "; at incident " + before.id() + " (" + before.began() + ") it was "
                    + before.upstreamVersion());
        }
        Incident incident = new Incident(++lastId, after.check(), after.code(), after.explanation(), advice, evidence, GatewayView.of(after.code()),
                after.since(), null, 0, version);
        book.addFirst(incident);
        while (book.size() > KEPT) {
            book.removeLast();
        }
        save();
        LOG.warnf("Incident %d opened [%s] %s: %s Users behind a gateway see: %s. Advice: %s", incident.id(), incident.cause(), incident.check(),
                incident.explanation(), incident.usersSaw(), advice);
        listeners.forEach(l -> l.opened(incident));
    }

    private void close(Incident open, Instant at) {
        Incident closed = open.with(open.evidence(), 0, at);
        replaceOpen(closed);
        LOG.infof("Incident %d closed after %s [%s]: ready again%s", closed.id(), Durations.elapsed(closed.duration(clock.instant())), closed.cause(),
                closed.restarts() > 0 ? " after " + closed.restarts() + " restart(s)" : "");
        listeners.forEach(l -> l.closed(closed));
    }

    private static Incident with(Incident i, String fact, int moreRestarts) {
        List<String> evidence = new ArrayList<>(i.evidence());
        if (evidence.size() < EVIDENCE_KEPT) {
            evidence.add(fact);
        }
        return i.with(evidence, moreRestarts, null);
    }

    private void replaceOpen(Incident replacement) {
        book.removeFirst();
        book.addFirst(replacement);
        save();
    }

    /** Hands the book as it stands to the writer thread (under the lock): a write already waiting takes it instead. */
    private void save() {
        if (writer == null || writer.isShutdown()) {
            return;
        }
        if (unsaved.getAndSet(List.copyOf(book)) == null) {
            try {
                writer.execute(this::writeLatest);
            } catch (RejectedExecutionException e) {
                // Lifeguard is stopping: its last write has been queued.
            }
        }
    }

    /** On the writer thread: the latest book, once however many changes came since the last write. */
    private void writeLatest() {
        List<Incident> latest = unsaved.getAndSet(null);
        if (latest != null) {
            file.write(latest);
        }
    }
}
