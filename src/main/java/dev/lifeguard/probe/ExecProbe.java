package dev.lifeguard.probe;

import java.io.IOException;
import java.io.RandomAccessFile;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;

import dev.lifeguard.config.Durations;
import dev.lifeguard.config.Target;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.WorkerExecutor;

/**
 * Runs a command (no shell); exit status 0 passes. The command's output goes to a file, so a process it leaves behind
 * holding that output cannot block the probe; at its end, or at the timeout, everything it started is killed, found
 * by its {@link ProcessTag} whatever it did to its process group. Probes run on a worker pool of their own, so
 * checks cannot take threads from name resolution or the health endpoints. Only the last {@value #EVIDENCE_BYTES}
 * bytes of the combined output are kept as evidence. Thread-safe; one probe at a time.
 */
final class ExecProbe implements Probe {

    static final int EVIDENCE_BYTES = 512;
    /** Shared by every exec check: each holds a worker for at most its timeout. */
    private static final String POOL = "lifeguard-exec-probes";
    private static final int POOL_SIZE = 8;

    private final Target.Exec target;
    private final long timeoutMillis;
    private final Clock clock;
    private final WorkerExecutor workers;
    private final Path output;

    ExecProbe(Target.Exec target, Duration timeout, Vertx vertx, Clock clock) {
        this.target = target;
        this.timeoutMillis = Math.max(1, timeout.toMillis());
        this.clock = clock;
        this.workers = vertx.createSharedWorkerExecutor(POOL, POOL_SIZE, timeoutMillis * 2, TimeUnit.MILLISECONDS);
        try {
            this.output = Files.createTempFile("lifeguard-exec-", ".out");
        } catch (IOException e) {
            throw new UncheckedIOException("no temporary file for the check command's output (is /tmp writable?)", e);
        }
    }

    @Override
    public Future<ProbeResult> probe() {
        return workers.executeBlocking(this::run, false);
    }

    @Override
    public void close() {
        workers.close();
        try {
            Files.deleteIfExists(output);
        } catch (IOException e) {
            // a temporary file: the system cleans it up
        }
    }

    private ProbeResult run() {
        long started = System.nanoTime();
        ProcessTag tag = ProcessTag.create("check");
        Process process;
        try {
            process = tag.applyTo(new ProcessBuilder(target.argv())).redirectErrorStream(true).redirectOutput(output.toFile())
                    .redirectInput(ProcessBuilder.Redirect.from(Path.of("/dev/null").toFile())).start();
        } catch (IOException e) {
            return ProbeResult.failed(Cause.EXEC_FAILED, "could not start '" + target.argv().get(0) + "': " + e.getMessage(),
                    Duration.ofNanos(System.nanoTime() - started), clock.instant(), 0);
        }
        boolean exited = waitFor(process);
        Duration latency = Duration.ofNanos(System.nanoTime() - started);
        if (!exited) {
            process.descendants().forEach(ProcessHandle::destroyForcibly);
            process.destroyForcibly();
        }
        // Whatever it started and left running, in its tree or not.
        List<Long> left = tag.killAll();
        String evidence = tail() + (left.isEmpty() ? "" : "; killed what it left running: " + left);
        if (!exited) {
            return ProbeResult.failed(Cause.EXEC_TIMEOUT, "killed after " + Durations.exact(Duration.ofMillis(timeoutMillis)) + evidence,
                    latency, clock.instant(), 0);
        }
        int exit = process.exitValue();
        if (exit != 0) {
            return ProbeResult.failed(Cause.EXEC_FAILED, "exit status " + exit + evidence, latency, clock.instant(), 0);
        }
        return ProbeResult.ok("exit status 0" + evidence, latency, clock.instant(), 0);
    }

    private boolean waitFor(Process process) {
        try {
            return process.waitFor(timeoutMillis, TimeUnit.MILLISECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return false;
        }
    }

    /** The last bytes of the output, on one line. */
    private String tail() {
        byte[] last;
        try (RandomAccessFile file = new RandomAccessFile(output.toFile(), "r")) {
            long length = file.length();
            last = new byte[(int) Math.min(length, EVIDENCE_BYTES)];
            file.seek(length - last.length);
            file.readFully(last);
            String text = Printable.line(new String(last, StandardCharsets.UTF_8));
            return text.isEmpty() ? "" : ": \"" + (length > last.length ? "…" : "") + text + "\"";
        } catch (IOException e) {
            return "";
        }
    }
}
