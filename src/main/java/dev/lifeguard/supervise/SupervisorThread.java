package dev.lifeguard.supervise;

import java.time.Duration;
import java.util.concurrent.Callable;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.function.BiConsumer;

/**
 * The one thread every supervision decision runs on, so decisions never race. An executor wraps tasks in futures and
 * drops what they throw: here every task is guarded, and a failure is reported (logged at ERROR, shown in the status)
 * while the tasks after it still run. The thread is a daemon and lives as long as Lifeguard, which matters: the
 * child's parent-death signal is tied to the thread that started it. Thread-safe.
 */
final class SupervisorThread {

    private final ScheduledExecutorService executor = Executors.newSingleThreadScheduledExecutor(r -> {
        Thread t = new Thread(r, "lifeguard-supervisor");
        t.setDaemon(true);
        return t;
    });
    private final BiConsumer<String, Throwable> onFailure;
    private final Runnable afterEach;

    /**
     * @param onFailure told what failed (a short name of the task) and why, on this thread
     * @param afterEach run after every task, failed or not (publishing what the task changed)
     */
    SupervisorThread(BiConsumer<String, Throwable> onFailure, Runnable afterEach) {
        this.onFailure = onFailure;
        this.afterEach = afterEach;
    }

    /** Runs {@code task} soon; once the thread is shut down (Lifeguard is exiting), nothing more runs. */
    void execute(String what, Runnable task) {
        try {
            executor.execute(guarded(what, task));
        } catch (RejectedExecutionException e) {
            rejected(e);
        }
    }

    /** Runs {@code task} after {@code delay}; null once the thread is shut down. */
    ScheduledFuture<?> schedule(String what, Runnable task, Duration delay) {
        try {
            return executor.schedule(guarded(what, task), delay.toMillis(), TimeUnit.MILLISECONDS);
        } catch (RejectedExecutionException e) {
            rejected(e);
            return null;
        }
    }

    private void rejected(RejectedExecutionException e) {
        if (!executor.isShutdown()) {
            throw e;
        }
    }

    /** Runs {@code task} and completes with its result, or exceptionally after reporting the failure. */
    <T> CompletableFuture<T> submit(String what, Callable<T> task) {
        CompletableFuture<T> result = new CompletableFuture<>();
        executor.execute(() -> {
            try {
                result.complete(task.call());
            } catch (Exception | Error e) {
                report(what, e);
                result.completeExceptionally(e);
            } finally {
                after(what);
            }
        });
        return result;
    }

    void shutdownNow() {
        executor.shutdownNow();
    }

    private Runnable guarded(String what, Runnable task) {
        return () -> {
            try {
                task.run();
            } catch (RuntimeException | Error e) {
                report(what, e);
            } finally {
                after(what);
            }
        };
    }

    private void after(String what) {
        try {
            afterEach.run();
        } catch (RuntimeException | Error e) {
            report(what + " (after it)", e);
        }
    }

    private void report(String what, Throwable e) {
        try {
            onFailure.accept(what, e);
        } catch (RuntimeException ignored) {
            // the report itself failed: nothing more can be said
        }
    }
}
