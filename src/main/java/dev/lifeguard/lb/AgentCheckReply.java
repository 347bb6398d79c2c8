package dev.lifeguard.lb;

import java.time.Duration;
import java.time.Instant;
import java.util.Optional;

import dev.lifeguard.diagnose.Degraded;
import dev.lifeguard.watch.Admission;

/**
 * Admission (readiness and drain) in HAProxy's agent-check words (configuration manual 2.6, section 5.2, {@code agent-check}): {@code up 100%}
 * when ready (a lower weight while warming up, and while degraded: {@code up 50% #degraded: ...}), {@code up 0% #draining: ...} while draining, {@code down #cause: ...}
 * when not ready. HAProxy shows the text after {@code #} on its stats page and cuts the whole reply at about 127
 * bytes; it must be printable ASCII on one line. The administrative words ({@code ready}, {@code drain}) override an
 * operator's DRAIN or MAINT, so they are sent only when asked for. Stateless.
 */
public final class AgentCheckReply {

    /** The longest reply, newline included, that HAProxy 2.6 shows whole. */
    static final int MAX_BYTES = 120;
    private static final int WARMUP_FLOOR_PERCENT = 10;

    private AgentCheckReply() {
    }

    /** The line (ending in a newline) that tells HAProxy {@code admission}, and whether it is degraded, at {@code now}. */
    public static String of(Admission admission, Optional<Degraded> degraded, boolean admin, Duration warmup, Instant now) {
        String line = switch (admission.status()) {
            case READY -> (admin ? "ready " : "") + "up " + weight(admission.since(), degraded, warmup, now) + "%"
                    + degraded.map(d -> " #degraded: " + d.brief()).orElse("");
            case DRAINING -> (admin ? "drain" : "up 0%") + " #" + admission.code() + ": " + admission.brief();
            case NOT_READY -> "down #" + admission.code() + ": " + admission.brief();
        };
        return printable(line) + "\n";
    }

    /** The weight of a ready upstream: its warm-up's, at most the degraded weight while it is degraded. */
    static int weight(Instant readySince, Optional<Degraded> degraded, Duration warmup, Instant now) {
        int warm = weight(readySince, warmup, now);
        return degraded.map(d -> Math.min(warm, d.weightPercent())).orElse(warm);
    }

    /** 10 % right after becoming ready, rising evenly to 100 % at the end of the warm-up, as HAProxy's slowstart does. */
    static int weight(Instant readySince, Duration warmup, Instant now) {
        if (warmup.isZero() || readySince.equals(Instant.EPOCH)) {
            return 100;
        }
        long elapsed = Duration.between(readySince, now).toMillis();
        if (elapsed >= warmup.toMillis()) {
            return 100;
        }
        long ramped = WARMUP_FLOOR_PERCENT + (100 - WARMUP_FLOOR_PERCENT) * Math.max(0, elapsed) / warmup.toMillis();
        return (int) Math.max(WARMUP_FLOOR_PERCENT, Math.min(100, ramped));
    }

    /** One line of printable ASCII, cut to fit. */
    private static String printable(String text) {
        StringBuilder b = new StringBuilder(text.length());
        boolean space = false;
        for (int i = 0; i < text.length(); i++) {
            char c = text.charAt(i);
            if (Character.isWhitespace(c)) {
                space = true;
                continue;
            }
            if (space && b.length() > 0) {
                b.append(' ');
            }
            space = false;
            b.append(c >= 0x20 && c < 0x7f ? c : '?');
        }
        int max = MAX_BYTES - 1;
        return b.length() <= max ? b.toString() : b.substring(0, max - 3) + "...";
    }
}
