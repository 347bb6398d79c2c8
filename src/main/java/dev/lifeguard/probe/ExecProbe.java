package dev.lifeguard.probe;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.util.concurrent.atomic.AtomicBoolean;

import dev.lifeguard.config.Durations;
import dev.lifeguard.config.Target;
import io.vertx.core.Future;
import io.vertx.core.Vertx;

/**
 * Runs a command (no shell); exit status 0 passes. The command and its descendants are killed at the timeout, and
 * only the last {@value #EVIDENCE_BYTES} bytes of its combined output are kept as evidence. Thread-safe.
 */
final class ExecProbe implements Probe {

    static final int EVIDENCE_BYTES = 512;

    private final Target.Exec target;
    private final long timeoutMillis;
    private final Vertx vertx;
    private final Clock clock;

    ExecProbe(Target.Exec target, Duration timeout, Vertx vertx, Clock clock) {
        this.target = target;
        this.timeoutMillis = Math.max(1, timeout.toMillis());
        this.vertx = vertx;
        this.clock = clock;
    }

    @Override
    public Future<ProbeResult> probe() {
        return vertx.executeBlocking(this::run, false);
    }

    private ProbeResult run() {
        long started = System.nanoTime();
        Process process;
        try {
            process = new ProcessBuilder(target.argv()).redirectErrorStream(true).start();
        } catch (IOException e) {
            return ProbeResult.failed(Cause.EXEC_FAILED, "could not start '" + target.argv().get(0) + "': " + e.getMessage(),
                    Duration.ofNanos(System.nanoTime() - started), clock.instant(), 0);
        }
        try {
            process.getOutputStream().close();
        } catch (IOException e) {
            // the command exited already; its status tells the rest
        }
        AtomicBoolean killed = new AtomicBoolean();
        long timer = vertx.setTimer(timeoutMillis, id -> {
            killed.set(true);
            process.descendants().forEach(ProcessHandle::destroyForcibly);
            process.destroyForcibly();
        });
        String output = tail(process.getInputStream());
        int exit = waitFor(process);
        vertx.cancelTimer(timer);
        Duration latency = Duration.ofNanos(System.nanoTime() - started);
        if (killed.get()) {
            return ProbeResult.failed(Cause.EXEC_TIMEOUT, "killed after " + Durations.exact(Duration.ofMillis(timeoutMillis)) + output, latency, clock.instant(), 0);
        }
        if (exit != 0) {
            return ProbeResult.failed(Cause.EXEC_FAILED, "exit status " + exit + output, latency, clock.instant(), 0);
        }
        return ProbeResult.ok("exit status 0" + output, latency, clock.instant(), 0);
    }

    /** Reads the stream to its end, keeping only the last bytes; the timer's kill ends a hung stream. */
    private static String tail(InputStream in) {
        byte[] ring = new byte[EVIDENCE_BYTES];
        long total = 0;
        byte[] chunk = new byte[4096];
        try (in) {
            for (int n; (n = in.read(chunk)) > 0; total += n) {
                for (int i = 0; i < n; i++) {
                    ring[(int) ((total + i) % EVIDENCE_BYTES)] = chunk[i];
                }
            }
        } catch (IOException e) {
            // the process was killed; what was read so far is the evidence
        }
        int kept = (int) Math.min(total, EVIDENCE_BYTES);
        byte[] last = new byte[kept];
        for (int i = 0; i < kept; i++) {
            last[i] = ring[(int) ((total - kept + i) % EVIDENCE_BYTES)];
        }
        String text = new String(last, StandardCharsets.UTF_8).replaceAll("\\s+", " ").strip();
        return text.isEmpty() ? "" : ": \"" + (total > kept ? "…" : "") + text + "\"";
    }

    private static int waitFor(Process process) {
        try {
            return process.waitFor();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            process.destroyForcibly();
            return -1;
        }
    }
}
