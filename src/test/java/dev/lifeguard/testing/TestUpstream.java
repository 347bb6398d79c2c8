package dev.lifeguard.testing;

import java.io.IOException;
import java.io.OutputStream;
import java.io.PrintStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.Executors;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;

/**
 * A small service for Lifeguard to wrap in tests, run as its own JVM:
 * {@code java -cp target/test-classes dev.lifeguard.testing.TestUpstream PORT [--ignore-sigterm] [--report-sigterm] [--exit=CODE] [--hog]}.
 * {@code GET /health} answers 200 until told otherwise: {@code /crash?code=N} exits with N, {@code /deadlock} deadlocks
 * two threads and makes {@code /health} wait on them, {@code /work?ms=N} answers after N ms, {@code /slow?ms=N} makes {@code /health} answer after N ms, {@code /status?code=N} with status N, {@code /busy} makes {@code /health} spin, {@code /halfhang} makes every other {@code /health} wait forever, {@code /flood?lines=N}
 * writes N numbered lines to stdout and to stderr, {@code /threads?n=N} starts N threads that sleep for good.
 */
public final class TestUpstream {

    private static final Object LEFT = new Object();
    private static final Object RIGHT = new Object();
    private static volatile boolean busy;
    private static volatile long slowMillis;
    private static volatile long slowStartMillis;
    private static final long STARTED = System.nanoTime();
    private static volatile int healthStatus = 200;
    private static volatile boolean halfHung;
    private static final java.util.concurrent.atomic.AtomicLong HEALTH_CALLS = new java.util.concurrent.atomic.AtomicLong();

    private TestUpstream() {
    }

    public static void main(String[] args) throws Exception {
        int port = Integer.parseInt(args[0]);
        for (String arg : args) {
            if (arg.equals("--ignore-sigterm")) {
                sun.misc.Signal.handle(new sun.misc.Signal("TERM"), signal -> System.out.println("test-upstream: ignoring SIGTERM"));
            } else if (arg.equals("--report-sigterm")) {
                // When SIGTERM (or another stop) arrived, by the wall clock: a drain test orders it against what a poller saw.
                Runtime.getRuntime().addShutdownHook(new Thread(() -> System.out.println("test-upstream: stopping-at-epoch-millis="
                        + System.currentTimeMillis())));
            } else if (arg.startsWith("--slow-start=")) {
                // Answers take this long for the first 1.5 s, as a cold service's can.
                slowStartMillis = Long.parseLong(arg.substring(13));
            } else if (arg.equals("--hog")) {
                hog();
            } else if (arg.startsWith("--exit=")) {
                System.err.println("test-upstream: failing at start-up on purpose");
                Runtime.getRuntime().halt(Integer.parseInt(arg.substring(7)));
            }
        }
        HttpServer server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), port), 50);
        server.setExecutor(Executors.newCachedThreadPool());
        server.createContext("/health", TestUpstream::health);
        server.createContext("/crash", exchange -> {
            int code = Integer.parseInt(query(exchange.getRequestURI(), "code", "1"));
            System.err.println("test-upstream: crashing with status " + code);
            respond(exchange, 200, "bye");
            // For bench/supervise.sh: when the process ended, by the wall clock Lifeguard's timestamps use.
            System.err.println("test-upstream: exit-at-epoch-micros=" + java.time.temporal.ChronoUnit.MICROS.between(java.time.Instant.EPOCH, java.time.Instant.now()));
            Runtime.getRuntime().halt(code);
        });
        server.createContext("/work", exchange -> {
            // A request that takes a while, so that some are always in flight under a steady load.
            try {
                Thread.sleep(Long.parseLong(query(exchange.getRequestURI(), "ms", "100")));
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            respond(exchange, 200, "done");
        });
        server.createContext("/status", exchange -> {
            healthStatus = Integer.parseInt(query(exchange.getRequestURI(), "code", "200"));
            respond(exchange, 200, "status " + healthStatus);
        });
        server.createContext("/slow", exchange -> {
            slowMillis = Long.parseLong(query(exchange.getRequestURI(), "ms", "1000"));
            respond(exchange, 200, "slow");
        });
        server.createContext("/deadlock", exchange -> {
            deadlock();
            respond(exchange, 200, "deadlocked");
        });
        server.createContext("/halfhang", exchange -> {
            halfHung = true;
            respond(exchange, 200, "half hung");
        });
        server.createContext("/busy", exchange -> {
            busy = true;
            respond(exchange, 200, "busy");
        });
        server.createContext("/threads", exchange -> {
            // Threads that sleep for good: a process with thousands of them, for the supervisor to look at.
            int threads = Integer.parseInt(query(exchange.getRequestURI(), "n", "1"));
            for (int i = 0; i < threads; i++) {
                Thread t = new Thread(() -> {
                    try {
                        Thread.sleep(Long.MAX_VALUE);
                    } catch (InterruptedException e) {
                        // ends with the process
                    }
                }, "sleeper-" + i);
                t.setDaemon(true);
                t.start();
            }
            respond(exchange, 200, "threads started: " + threads);
        });
        server.createContext("/burn", exchange -> {
            // Threads that spin for good, while the health page still answers: CPU load without a hang.
            int threads = Integer.parseInt(query(exchange.getRequestURI(), "threads", "1"));
            for (int i = 0; i < threads; i++) {
                Thread t = new Thread(() -> {
                    while (true) {
                        Thread.onSpinWait();
                    }
                }, "burn-" + i);
                t.setDaemon(true);
                t.start();
            }
            respond(exchange, 200, "burning");
        });
        server.createContext("/leak-fds", exchange -> respond(exchange, 200, "open files: "
                + leakFiles(Double.parseDouble(query(exchange.getRequestURI(), "share", "0.93")))));
        server.createContext("/fill-memory", exchange -> {
            double share = Double.parseDouble(query(exchange.getRequestURI(), "share", "0.93"));
            respond(exchange, 200, "memory: " + fillMemory(share));
        });
        server.createContext("/flood", exchange -> {
            int lines = Integer.parseInt(query(exchange.getRequestURI(), "lines", "1000"));
            flood(lines);
            respond(exchange, 200, "flooded");
        });
        server.start();
        System.out.println("test-upstream: serving on 127.0.0.1:" + port);
    }

    /** Takes memory 32 MiB at a time, touching every page, until the OOM killer comes (or 2 GiB). */
    private static void hog() throws InterruptedException {
        java.util.List<byte[]> held = new java.util.ArrayList<>();
        for (int i = 0; i < 64; i++) {
            byte[] block = new byte[32 * 1024 * 1024];
            java.util.Arrays.fill(block, (byte) 1);
            held.add(block);
            System.out.println("test-upstream: holding " + held.size() * 32 + " MiB");
            Thread.sleep(20);
        }
    }

    private static void health(HttpExchange exchange) throws IOException {
        if (halfHung && HEALTH_CALLS.getAndIncrement() % 2 == 0) {
            // Half the workers stuck for good: this request is never answered, its connection never closed.
            try {
                new CountDownLatch(1).await();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
        long cold = System.nanoTime() - STARTED < 1_500_000_000L ? slowStartMillis : 0;
        if (slowMillis > 0 || cold > 0) {
            try {
                Thread.sleep(Math.max(slowMillis, cold));
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
        synchronized (LEFT) {
            while (busy) {
                Thread.onSpinWait();
            }
        }
        respond(exchange, healthStatus, healthStatus == 200 ? "ok" : "failing on purpose");
    }

    private static void deadlock() {
        CountDownLatch bothHold = new CountDownLatch(2);
        Thread a = new Thread(() -> lockBoth(LEFT, RIGHT, bothHold), "deadlock-left-then-right");
        Thread b = new Thread(() -> lockBoth(RIGHT, LEFT, bothHold), "deadlock-right-then-left");
        a.setDaemon(true);
        b.setDaemon(true);
        a.start();
        b.start();
    }

    private static void lockBoth(Object first, Object second, CountDownLatch bothHold) {
        synchronized (first) {
            bothHold.countDown();
            try {
                bothHold.await();
            } catch (InterruptedException e) {
                return;
            }
            synchronized (second) {
                System.out.println("test-upstream: never printed");
            }
        }
    }

    private static void flood(int lines) {
        Thread err = new Thread(() -> write(System.err, "flood-err ", lines));
        err.start();
        write(System.out, "flood-out ", lines);
        try {
            err.join();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private static void write(PrintStream stream, String prefix, int lines) {
        StringBuilder sb = new StringBuilder();
        for (int i = 0; i < lines; i++) {
            sb.append(prefix).append(i).append(" the quick brown fox jumps over the lazy dog\n");
            if (sb.length() > 32 * 1024) {
                stream.print(sb);
                sb.setLength(0);
            }
        }
        stream.print(sb);
        stream.flush();
    }

    private static final java.util.List<Object> KEPT = java.util.Collections.synchronizedList(new java.util.ArrayList<>());

    /** Opens files until {@code share} of the soft limit on open files is in use, or none is left; returns how many are open. */
    private static synchronized int leakFiles(double share) throws IOException {
        long limit = java.nio.file.Files.readAllLines(java.nio.file.Path.of("/proc/self/limits")).stream().filter(l -> l.startsWith("Max open files"))
                .map(l -> Long.parseLong(l.substring("Max open files".length()).strip().split("\\s+")[0])).findFirst().orElseThrow();
        int open;
        while ((open = openFiles()) < share * limit) {
            try {
                KEPT.add(new java.io.FileInputStream("/dev/null"));
            } catch (java.io.FileNotFoundException noneLeft) {
                // EMFILE: "Too many open files"
                break;
            }
        }
        if (share >= 1) {
            // A leak that goes on: every descriptor freed (a connection closed) is taken again.
            Thread leak = new Thread(() -> {
                while (true) {
                    try {
                        KEPT.add(new java.io.FileInputStream("/dev/null"));
                    } catch (java.io.FileNotFoundException noneLeft) {
                        try {
                            Thread.sleep(1);
                        } catch (InterruptedException e) {
                            return;
                        }
                    }
                }
            }, "fd-leak");
            leak.setDaemon(true);
            leak.start();
        }
        return open;
    }

    private static int openFiles() throws IOException {
        try (var fds = java.nio.file.Files.list(java.nio.file.Path.of("/proc/self/fd"))) {
            return (int) fds.count();
        }
    }

    /**
     * Takes memory 4 MiB at a time off the heap, touching every page, until the memory cgroup's working set (usage less the
     * inactive page cache, cgroup v1) is {@code share} of its limit; returns the usage.
     */
    private static synchronized String fillMemory(double share) throws IOException {
        String path = java.nio.file.Files.readAllLines(java.nio.file.Path.of("/proc/self/cgroup")).stream()
                .map(l -> l.split(":", 3)).filter(f -> java.util.List.of(f[1].split(",")).contains("memory")).map(f -> f[2]).findFirst().orElseThrow();
        java.nio.file.Path dir = java.nio.file.Path.of("/sys/fs/cgroup/memory" + path);
        long limit = Long.parseLong(java.nio.file.Files.readString(dir.resolve("memory.limit_in_bytes")).strip());
        while (true) {
            long usage = Long.parseLong(java.nio.file.Files.readString(dir.resolve("memory.usage_in_bytes")).strip());
            long inactive = java.nio.file.Files.readAllLines(dir.resolve("memory.stat")).stream().filter(l -> l.startsWith("total_inactive_file "))
                    .map(l -> Long.parseLong(l.substring(20).strip())).findFirst().orElse(0L);
            if (usage - inactive >= share * limit) {
                return ((usage - inactive) >> 20) + " of " + (limit >> 20) + " MiB";
            }
            // Off the heap: a garbage collector copying what the heap holds would need twice as much for a moment, and
            // the OOM killer would come before the share is reached.
            java.nio.ByteBuffer block = java.nio.ByteBuffer.allocateDirect(4 * 1024 * 1024);
            for (int page = 0; page < block.capacity(); page += 4096) {
                block.put(page, (byte) 1);
            }
            KEPT.add(block);
        }
    }

    private static String query(URI uri, String name, String fallback) {
        String q = uri.getQuery();
        if (q != null) {
            for (String pair : q.split("&")) {
                if (pair.startsWith(name + "=")) {
                    return pair.substring(name.length() + 1);
                }
            }
        }
        return fallback;
    }

    private static void respond(HttpExchange exchange, int status, String body) throws IOException {
        byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
        exchange.sendResponseHeaders(status, bytes.length);
        try (OutputStream out = exchange.getResponseBody()) {
            out.write(bytes);
        }
    }
}
