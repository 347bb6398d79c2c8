package dev.lifeguard.config;

import java.math.BigDecimal;
import java.time.Duration;
import java.time.format.DateTimeParseException;
import java.util.Locale;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * How durations are written for people: settings read and shown exactly as they type them, elapsed time rounded.
 * A setting needs a unit ({@code 500ms}, {@code 2s}, {@code 1m}, {@code 1h}, {@code 1d}; decimals such as
 * {@code 1.5s} work) or is ISO-8601 ({@code PT2S}). A bare number is refused: Quarkus would read {@code 500} as
 * 500 seconds, which is never what someone who meant milliseconds wants.
 */
public final class Durations {

    /** The accepted forms, as every message about a duration lists them. */
    public static final String FORMS = "500ms, 2s, 1m, 1h (or ISO-8601, e.g. PT2S)";

    private static final Pattern WITH_UNIT = Pattern.compile("(-?\\d+(?:\\.\\d+)?)\\s*(ms|s|m|h|d)", Pattern.CASE_INSENSITIVE);
    private static final Pattern BARE_NUMBER = Pattern.compile("-?\\d+(?:\\.\\d+)?");

    private Durations() {
    }

    /**
     * Reads the setting {@code key}; throws {@link InvalidConfigException} naming the key, the value and the accepted
     * forms. Negative values are read (the callers say what range they need).
     */
    public static Duration parse(String key, String text) {
        String t = text.strip();
        Matcher m = WITH_UNIT.matcher(t);
        if (m.matches()) {
            long nanosPerUnit = switch (m.group(2).toLowerCase(Locale.ROOT)) {
                case "ms" -> 1_000_000L;
                case "s" -> 1_000_000_000L;
                case "m" -> 60_000_000_000L;
                case "h" -> 3_600_000_000_000L;
                default -> 86_400_000_000_000L;
            };
            try {
                return Duration.ofNanos(new BigDecimal(m.group(1)).multiply(BigDecimal.valueOf(nanosPerUnit)).toBigInteger().longValueExact());
            } catch (ArithmeticException e) {
                throw new InvalidConfigException(key, "'" + text + "' is too long", "write at most a few years, e.g. 1d");
            }
        }
        if (BARE_NUMBER.matcher(t).matches()) {
            throw new InvalidConfigException(key, "'" + text + "' has no unit", "write " + t + "ms or " + t + "s; accepted forms: " + FORMS);
        }
        if (t.length() > 1 && (t.charAt(0) == 'P' || t.charAt(0) == 'p' || t.startsWith("-P") || t.startsWith("-p"))) {
            try {
                return Duration.parse(t.toUpperCase(Locale.ROOT));
            } catch (DateTimeParseException e) {
                // reported below
            }
        }
        throw new InvalidConfigException(key, "'" + text + "' is not a duration", "write a number with a unit: " + FORMS);
    }

    /** A setting as a user writes it: {@code 500ms}, {@code 2s}. */
    public static String exact(Duration d) {
        long ms = d.toMillis();
        if (ms != 0 && ms % 3_600_000 == 0) {
            return ms / 3_600_000 + "h";
        }
        if (ms != 0 && ms % 60_000 == 0) {
            return ms / 60_000 + "m";
        }
        return ms % 1000 == 0 ? ms / 1000 + "s" : ms + "ms";
    }

    /** Elapsed time to a tenth of a second: {@code 850ms}, {@code 10.1s}, {@code 3m05s}. */
    public static String elapsed(Duration d) {
        long ms = d.toMillis();
        if (ms < 1000) {
            return ms + "ms";
        }
        if (ms < 120_000) {
            return ms / 1000 + "." + ms % 1000 / 100 + "s";
        }
        long s = d.toSeconds();
        return String.format("%dm%02ds", s / 60, s % 60);
    }
}
