package dev.lifeguard.config;

import java.util.ArrayList;
import java.util.List;

/** The HTTP statuses a check accepts, parsed from {@code 200-399} or {@code 200,204,300-302}. Immutable. */
public record StatusRanges(List<Range> ranges) {

    /** Inclusive bounds. */
    public record Range(int low, int high) {
        @Override
        public String toString() {
            return low == high ? Integer.toString(low) : low + "-" + high;
        }
    }

    public StatusRanges {
        ranges = List.copyOf(ranges);
    }

    /** Parses the configured text; throws {@link IllegalArgumentException} saying what is wrong. */
    public static StatusRanges parse(String text) {
        List<Range> ranges = new ArrayList<>();
        for (String part : text.split(",")) {
            String p = part.strip();
            int dash = p.indexOf('-');
            int low = status(dash < 0 ? p : p.substring(0, dash));
            int high = dash < 0 ? low : status(p.substring(dash + 1));
            if (high < low) {
                throw new IllegalArgumentException("the range '" + p + "' ends before it starts");
            }
            ranges.add(new Range(low, high));
        }
        return new StatusRanges(ranges);
    }

    private static int status(String s) {
        try {
            int code = Integer.parseInt(s.strip());
            if (code >= 100 && code <= 599) {
                return code;
            }
        } catch (NumberFormatException e) {
            // reported below
        }
        throw new IllegalArgumentException("'" + s.strip() + "' is not an HTTP status (100-599)");
    }

    public boolean accepts(int status) {
        for (Range r : ranges) {
            if (status >= r.low() && status <= r.high()) {
                return true;
            }
        }
        return false;
    }

    @Override
    public String toString() {
        return String.join(",", ranges.stream().map(Range::toString).toList());
    }
}
