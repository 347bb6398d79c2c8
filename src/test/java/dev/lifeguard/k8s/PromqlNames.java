package dev.lifeguard.k8s;

import java.util.LinkedHashSet;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The metric names a PromQL expression reads: every identifier that is not a function or aggregation, a keyword, a
 * label (in matchers and grouping clauses), a string, a number or a duration. Grafana's variables ({@code $namespace},
 * {@code ${datasource}}, {@code $__rate_interval}) are left out. Enough for the expressions of this repository, not a
 * PromQL parser. Stateless.
 */
final class PromqlNames {

    private static final Set<String> KEYWORDS = Set.of("and", "or", "unless", "bool", "offset", "by", "without", "on", "ignoring",
            "group_left", "group_right", "inf", "nan", "atan2");
    private static final Pattern STRINGS = Pattern.compile("\"(?:[^\"\\\\]|\\\\.)*\"|'(?:[^'\\\\]|\\\\.)*'|`[^`]*`");
    private static final Pattern VARIABLES = Pattern.compile("\\$\\{[^}]*}|\\$\\w+");
    private static final Pattern MATCHERS = Pattern.compile("\\{[^}]*}");
    private static final Pattern RANGES = Pattern.compile("\\[[^]]*]");
    private static final Pattern GROUPING = Pattern.compile("(?i)\\b(by|without|on|ignoring|group_left|group_right)\\s*\\([^)]*\\)");
    /** A number or duration (0.5, 1e3, 5m, 1h30m) first, so that its letters are not read as a name. */
    private static final Pattern TOKEN = Pattern.compile("\\d[\\w.]*|([a-zA-Z_:][a-zA-Z0-9_:]*)(\\s*\\()?");

    private PromqlNames() {
    }

    static Set<String> of(String expr) {
        String e = STRINGS.matcher(expr).replaceAll(" ");
        e = VARIABLES.matcher(e).replaceAll(" ");
        e = MATCHERS.matcher(e).replaceAll(" ");
        e = RANGES.matcher(e).replaceAll(" ");
        e = GROUPING.matcher(e).replaceAll(" ");
        Set<String> names = new LinkedHashSet<>();
        Matcher m = TOKEN.matcher(e);
        while (m.find()) {
            String name = m.group(1);
            boolean call = m.group(2) != null;
            if (name != null && !call && !KEYWORDS.contains(name.toLowerCase())) {
                names.add(name);
            }
        }
        return names;
    }
}
