package dev.lifeguard.supervise;

import java.io.IOException;
import java.nio.channels.ReadableByteChannel;
import java.nio.channels.WritableByteChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

import org.jboss.logging.Logger;

import dev.lifeguard.config.Durations;
import dev.lifeguard.config.Redaction;
import dev.lifeguard.probe.Cause;
import dev.lifeguard.probe.ProcessTag;

/**
 * One supervised process's life: our child (wrap mode: launched here, its output forwarded and tailed, everything it
 * starts tagged) or a process found in a shared PID namespace (sidecar mode: none of that). It is stopped with
 * SIGTERM, the grace, SIGKILL, to its group and to everything it started elsewhere, and what it leaves running when
 * it exits is ended the same way. The decision fields are written and read on the supervisor thread only.
 */
final class ChildProcess {

    private static final Logger LOG = Logger.getLogger(ChildProcess.class);
    /** Lines of each output stream kept as evidence of an exit. */
    private static final int EVIDENCE_LINES = 20;

    private final Process process;
    private final ProcessHandle handle;
    private final Instant started;
    private final OomCounter.Snapshot oomAtStart;
    /** The OOM kill counts of the cgroups below Lifeguard's at its start; set by the supervisor thread once. */
    /** What marks every process our child started, wherever it went; null for a process we found. */
    private final ProcessTag tag;
    /** Whether signals go to its whole process group: it leads one (started with setsid). */
    private final boolean group;
    private final LineTail out = OutputPump.newTail();
    private final LineTail err = OutputPump.newTail();
    private final List<Thread> pumps = new ArrayList<>();

    /** Whether the upstream has answered since this process started. */
    boolean answered;
    /** Why Lifeguard stopped it, with the evidence then; null while it was not stopped by Lifeguard. */
    Cause stoppedFor;
    String stopReason;
    List<String> stopEvidence = List.of();
    List<String> stopOutput = List.of();

    private ChildProcess(Process process, ProcessHandle handle, Instant started, OomCounter.Snapshot oomAtStart, ProcessTag tag, boolean group) {
        this.process = process;
        this.handle = handle;
        this.started = started;
        this.oomAtStart = oomAtStart;
        this.tag = tag;
        this.group = group;
    }

    /**
     * Starts {@code launcher + command} with its output forwarded whole to {@code stdout} and {@code stderr} through
     * FIFOs (Java's process pipes where there are none).
     *
     * @param oomAtStart the cgroups' OOM kill counts before the start
     * @throws IOException when the launcher cannot be started (the command itself failing shows as exit status 126/127)
     */
    static ChildProcess launch(List<String> launcher, List<String> command, Instant now, OomCounter.Snapshot oomAtStart, WritableByteChannel stdout,
            WritableByteChannel stderr) throws IOException {
        List<String> argv = new ArrayList<>(launcher);
        argv.addAll(command);
        ProcessTag tag = ProcessTag.create("child");
        ProcessBuilder builder = tag.applyTo(new ProcessBuilder(argv)).redirectInput(ProcessBuilder.Redirect.INHERIT);
        Path fifos = null;
        ChildOutput out = null;
        ChildOutput err = null;
        try {
            fifos = Files.createTempDirectory("lifeguard-child-");
            out = ChildOutput.fifo(fifos, "stdout");
            err = ChildOutput.fifo(fifos, "stderr");
        } catch (IOException e) {
            LOG.debugf("no temporary directory for FIFOs (%s): the child's output goes through Java's process pipes", e.getMessage());
        }
        if (out != null) {
            out.openForReading();
            builder.redirectOutput(out.file());
        }
        if (err != null) {
            err.openForReading();
            builder.redirectError(err.file());
        }
        Process process = null;
        try {
            process = builder.start();
            ReadableByteChannel outChannel = out != null ? out.channel() : ChildOutput.of(process.getInputStream());
            ReadableByteChannel errChannel = err != null ? err.channel() : ChildOutput.of(process.getErrorStream());
            ChildProcess child = new ChildProcess(process, process.toHandle(), now, oomAtStart, tag, launcher.contains("setsid"));
            child.pumps.add(pump("child-stdout", outChannel, stdout, child.out));
            child.pumps.add(pump("child-stderr", errChannel, stderr, child.err));
            return child;
        } catch (IOException | RuntimeException e) {
            for (ChildOutput o : new ChildOutput[] { out, err }) {
                if (o != null) {
                    o.abandon();
                }
            }
            if (process != null) {
                // Started, but its output could not be set up: never leave it running untracked.
                process.destroyForcibly();
                tag.killAll();
            }
            throw e;
        } finally {
            if (fifos != null) {
                fifos.toFile().delete();
            }
        }
    }

    /** A process Lifeguard found but did not start: it can be watched, judged and stopped, not waited for. */
    static ChildProcess found(ProcessHandle handle, Instant now) {
        return new ChildProcess(null, handle, now, null, null, false);
    }

    private static Thread pump(String name, ReadableByteChannel from, WritableByteChannel to, LineTail tail) {
        Thread t = new Thread(new OutputPump(from, to, tail), name);
        t.setDaemon(true);
        t.start();
        return t;
    }

    long pid() {
        return handle.pid();
    }

    ProcessHandle handle() {
        return handle;
    }

    Instant started() {
        return started;
    }

    /** Whether Lifeguard started it (and so knows its exit status and output). */
    boolean own() {
        return process != null;
    }

    /** Its stdout's tail, where Lifeguard forwards its output; null for a process it found. */
    LineTail stdout() {
        return own() ? out : null;
    }

    boolean alive() {
        return handle.isAlive();
    }

    /** Sends a signal (a name without SIG) to it, to its whole group where it leads one. */
    boolean signal(String name) {
        return Signals.send(name, handle, group);
    }

    CompletableFuture<ProcessHandle> onExit() {
        return handle.onExit();
    }

    /** The cgroups' OOM kill counts when it started; null for a process found, not started. */
    OomCounter.Snapshot oomAtStart() {
        return oomAtStart;
    }

    /**
     * How our child ended, once it has: its status, the OOM kills counted meanwhile, and why Lifeguard stopped it.
     *
     * @param oom the OOM kills counted since its start ({@link OomCounter#since})
     * @param withOutput whether to include its last lines (call {@link #drainOutput} first)
     */
    ChildExit exit(Instant at, OomKills oom, boolean withOutput) {
        return new ChildExit(pid(), process.exitValue(), at, Duration.between(started, at), oom, answered, stoppedFor, stopReason,
                withOutput ? out.last(EVIDENCE_LINES) : List.of(), withOutput ? err.last(EVIDENCE_LINES) : List.of());
    }

    /** The last words of a dying process are the best evidence: lets the pumps drain them, for a second at most. */
    void drainOutput() {
        for (Thread pump : pumps) {
            try {
                pump.join(1000);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
    }

    /** What it wrote, for its restart record: the thread dump taken before a stop, then its last stderr and stdout lines. */
    List<String> output(ChildExit exit) {
        List<String> lines = new ArrayList<>(stopOutput);
        exit.lastStderr().forEach(l -> lines.add("stderr: " + l));
        exit.lastStdout().forEach(l -> lines.add("stdout: " + l));
        return lines;
    }

    /**
     * SIGTERM to its group and to every process it started elsewhere (and SIGCONT, so a stopped process can act on
     * it), the grace, then SIGKILL. Blocks until it exited or was killed. The first reason given is the one kept.
     */
    void stop(Cause stopFor, String reason, List<String> evidence, Duration grace) {
        if (stoppedFor == null) {
            stoppedFor = stopFor;
            stopReason = reason;
            stopEvidence = List.copyOf(evidence);
        }
        LOG.infof("Stopping process %d (%s): SIGTERM, SIGKILL after %s", pid(), reason, Durations.exact(grace));
        thawIfFrozen();
        if (!Signals.send("TERM", handle, group)) {
            handle.destroy();
        }
        List<ProcessHandle> elsewhere = tag == null ? List.of() : tag.members();
        elsewhere.forEach(ProcessHandle::destroy);
        Signals.send("CONT", handle, group);
        try {
            handle.onExit().get(grace.toMillis(), TimeUnit.MILLISECONDS);
        } catch (TimeoutException e) {
            LOG.warnf("Process %d ignored SIGTERM for %s: SIGKILL", pid(), Durations.exact(grace));
            if (!Signals.send("KILL", handle, group)) {
                handle.descendants().forEach(ProcessHandle::destroyForcibly);
                handle.destroyForcibly();
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } catch (ExecutionException e) {
            // onExit never fails
        }
    }

    /** A frozen process acts on no signal, SIGKILL included: thaw it first, where Lifeguard may, and say so in the evidence. */
    private void thawIfFrozen() {
        Freezer.frozen(pid()).ifPresent(frozen -> {
            boolean thawed = Freezer.thaw(frozen);
            String line = "cgroup " + frozen.path() + " was frozen: " + (thawed ? "thawed it so that signals reach the process"
                    : "could not thaw it (no write access to its freezer): signals reach the process only once it is thawed");
            LOG.warnf("Process %d: %s", pid(), line);
            List<String> evidence = new ArrayList<>(stopEvidence);
            evidence.add(line);
            stopEvidence = List.copyOf(evidence);
        });
    }

    /**
     * Ends what our child started and left running after it exited, found by its tag whatever it did to its process
     * group: SIGTERM (and SIGCONT), the grace, SIGKILL. Returns a line of evidence per process, none when nothing was
     * left.
     */
    List<String> endLeftovers(Duration grace) {
        List<ProcessHandle> left = tag == null ? List.of() : tag.members();
        if (left.isEmpty()) {
            return List.of();
        }
        List<String> lines = new ArrayList<>();
        for (ProcessHandle p : left) {
            lines.add("left running: process " + p.pid() + " (" + ProcessLocator.commandLine(p.pid()).map(Redaction::commandLine).orElse("?") + ")");
            p.destroy();
            Signals.send("CONT", p, false);
        }
        try {
            CompletableFuture.allOf(left.stream().map(ProcessHandle::onExit).toArray(CompletableFuture[]::new))
                    .get(grace.toMillis(), TimeUnit.MILLISECONDS);
            lines.add("left running: ended by SIGTERM");
        } catch (TimeoutException e) {
            left.stream().filter(ProcessHandle::isAlive).forEach(p -> {
                p.destroyForcibly();
                lines.add("left running: process " + p.pid() + " ignored SIGTERM for " + Durations.exact(grace) + ": SIGKILL");
            });
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } catch (ExecutionException e) {
            // onExit never fails
        }
        LOG.warnf("Process %d left %d process(es) running: %s", pid(), left.size(), String.join("; ", lines));
        return lines;
    }
}
