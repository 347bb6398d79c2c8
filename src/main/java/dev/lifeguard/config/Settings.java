package dev.lifeguard.config;

import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import java.util.stream.Stream;

import org.eclipse.microprofile.config.Config;
import org.eclipse.microprofile.config.spi.ConfigSource;

import io.smallrye.config.EnvConfigSource;
import io.smallrye.config.SmallRyeConfig;

/**
 * The keys Lifeguard reads, in one place: which {@code lifeguard.*} names exist (SmallRye's own unknown-key check is
 * off, see {@code application.properties}, so a misspelled key is reported here with the closest known one), and the
 * effective settings for {@code --check-config}. {@code SettingsTest} fails when a mapping method is added without
 * its key here.
 */
public final class Settings {

    static final String UPSTREAM = "lifeguard.upstream.";
    static final String CHECKS = "lifeguard.checks.";

    /** The keys of the upstream and of every named check, after the prefix, in the README's order. */
    static final List<String> PROBE_KEYS = List.of("url", "exec", "interval", "fast-interval", "timeout", "failure-threshold", "success-threshold",
            "startup-grace", "window", "window-failure-share", "flap-damping-max", "flap-quiet", "expect-status", "expect-body", "host-header", "tls.ca-file", "tls.skip-verify");

    /** A named check's keys: the probe's and whether it affects readiness. */
    static final List<String> CHECK_KEYS = Stream.concat(PROBE_KEYS.stream(), Stream.of("affects-readiness")).toList();

    /** Every other key, whole. */
    static final List<String> OTHER_KEYS = List.of("lifeguard.upstream.version", "lifeguard.restart.policy", "lifeguard.restart.grace", "lifeguard.restart.hang-after",
            "lifeguard.restart.backoff", "lifeguard.restart.backoff-max", "lifeguard.restart.reset-after", "lifeguard.restart.max-restarts", "lifeguard.restart.when-budget-spent",
            "lifeguard.restart.window", "lifeguard.restart.thread-dump", "lifeguard.restart.on-slow", "lifeguard.restart.slow-timeout", "lifeguard.process.match", "lifeguard.process.pidfile",
            "lifeguard.admin.token", "lifeguard.admin.token-file", "lifeguard.admin.loopback-trusted",
            "lifeguard.agent-check.port", "lifeguard.agent-check.admin", "lifeguard.agent-check.warmup", "lifeguard.drain.timeout", "lifeguard.drain.polls",
            "lifeguard.haproxy.runtime-api", "lifeguard.haproxy.server", "lifeguard.haproxy.resync", "lifeguard.gateway.timeout",
            "lifeguard.gateway.warn-at", "lifeguard.gateway.keepalive", "lifeguard.degraded.weight", "lifeguard.degraded.latency-share",
            "lifeguard.incidents.file", "lifeguard.kubernetes.pod-name", "lifeguard.kubernetes.namespace", "lifeguard.kubernetes.pod-uid",
            "lifeguard.kubernetes.readiness-gate", "lifeguard.kubernetes.events", "lifeguard.http.head-timeout");

    private static final String MASK = Redaction.MASK;
    private static final Pattern INDEXED_EXEC = Pattern.compile("exec\\[(\\d+|\\*)]");
    /** {@code LIFEGUARD_UPSTREAM_EXEC_0_}, SmallRye's environment form of {@code lifeguard.upstream.exec[0]}. */
    private static final Pattern INDEXED_EXEC_ENV = Pattern.compile("(.*_EXEC)_\\d+_");
    private static final Pattern SECRET_NAME = Pattern.compile("(?i).*(tok|secret|pass|pwd).*");

    private Settings() {
    }

    /** {@code lifeguard.checks.<name>.}, the name quoted when it holds a dot. */
    public static String checkPrefix(String name) {
        return CHECKS + (name.contains(".") ? "\"" + name + "\"" : name) + ".";
    }

    /** Every key Lifeguard reads with these named checks: the upstream's, the checks' in name order, then the rest. */
    public static List<String> keys(Collection<String> checkNames) {
        List<String> keys = new ArrayList<>();
        PROBE_KEYS.forEach(k -> keys.add(UPSTREAM + k));
        for (String name : new TreeSet<>(checkNames)) {
            CHECK_KEYS.forEach(k -> keys.add(checkPrefix(name) + k));
        }
        keys.addAll(OTHER_KEYS);
        return keys;
    }

    /** The environment variable SmallRye reads for {@code key}: upper case, every other character than a letter or digit {@code _}. */
    public static String envName(String key) {
        return key.toUpperCase(Locale.ROOT).replaceAll("[^A-Z0-9]", "_");
    }

    /** Whether Lifeguard reads {@code key} (any check name; {@code exec[0]} as well as {@code exec}). */
    static boolean known(String key) {
        if (key.startsWith(UPSTREAM)) {
            return leaf(key.substring(UPSTREAM.length()), PROBE_KEYS);
        }
        Optional<String[]> check = splitCheck(key);
        if (check.isPresent()) {
            return leaf(check.get()[1], CHECK_KEYS);
        }
        return OTHER_KEYS.contains(key);
    }

    private static boolean leaf(String rest, List<String> keys) {
        return keys.contains(rest) || INDEXED_EXEC.matcher(rest).matches();
    }

    /** {@code lifeguard.checks.<name>.<rest>} as {name, rest}; the name may be quoted. */
    private static Optional<String[]> splitCheck(String key) {
        if (!key.startsWith(CHECKS)) {
            return Optional.empty();
        }
        String tail = key.substring(CHECKS.length());
        int end;
        String name;
        if (tail.startsWith("\"")) {
            int close = tail.indexOf('"', 1);
            if (close < 0 || close + 1 >= tail.length() || tail.charAt(close + 1) != '.') {
                return Optional.empty();
            }
            name = tail.substring(1, close);
            end = close + 1;
        } else {
            end = tail.indexOf('.');
            if (end < 0) {
                return Optional.empty();
            }
            name = tail.substring(0, end);
        }
        return name.isEmpty() ? Optional.empty() : Optional.of(new String[] {name, tail.substring(end + 1)});
    }

    /**
     * Checks the names of the configuration: a {@code lifeguard.*} key that Lifeguard does not read, from a properties
     * file or {@code -D}, is refused; an unknown {@code LIFEGUARD_*} environment variable is returned as a warning (one
     * line each), since the environment of a container holds variables for others too.
     *
     * @throws InvalidConfigException naming the first unknown key (and how many more), its value and the closest known key
     */
    public static List<String> check(Config config) {
        Set<String> checkNames = checkNames(config);
        TreeMap<String, String> unknown = new TreeMap<>();
        TreeMap<String, String> unknownEnv = new TreeMap<>();
        Set<String> envNames = envNames(keys(checkNames));
        for (ConfigSource source : config.getConfigSources()) {
            boolean env = source instanceof EnvConfigSource;
            for (String name : source.getPropertyNames()) {
                if (env && name.toUpperCase(Locale.ROOT).startsWith("LIFEGUARD_")) {
                    String upper = name.toUpperCase(Locale.ROOT);
                    Matcher indexed = INDEXED_EXEC_ENV.matcher(upper);
                    if (!envNames.contains(indexed.matches() ? indexed.group(1) : upper)) {
                        unknownEnv.putIfAbsent(name, source.getValue(name));
                    }
                } else if (!env) {
                    String key = name.startsWith("%") && name.indexOf('.') > 0 ? name.substring(name.indexOf('.') + 1) : name;
                    if (key.startsWith("lifeguard.") && !known(key)) {
                        unknown.putIfAbsent(name, source.getValue(name) + "\u0000" + origin(source));
                    }
                }
            }
        }
        if (!unknown.isEmpty()) {
            String key = unknown.firstKey();
            String[] valueAndOrigin = unknown.get(key).split("\u0000", 2);
            Optional<String> closest = closest(key, candidates(key, checkNames));
            String value = secret(key) || closest.filter(Settings::secret).isPresent() ? MASK : "'" + shown(valueAndOrigin[0]) + "'";
            String more = unknown.size() == 1 ? "" : "; also unknown: " + String.join(", ", unknown.tailMap(key, false).keySet());
            throw new InvalidConfigException(key, "unknown key (value " + value + ", " + valueAndOrigin[1] + more + ")",
                    closest.map(k -> "did you mean " + k + "?").orElse("Lifeguard's keys are " + String.join(", ",
                            families().stream().map(f -> f.replace("NAME", "<name>") + ".*").toList()) + " (README, Configuration)"));
        }
        List<String> warnings = new ArrayList<>();
        unknownEnv.forEach((name, value) -> warnings.add(envWarning(name, value, checkNames)));
        return warnings;
    }

    private static Set<String> envNames(List<String> keys) {
        return keys.stream().map(Settings::envName).collect(Collectors.toSet());
    }

    /** {@code from -D}, or {@code in} the file (or other source) that holds the key. */
    private static String origin(ConfigSource source) {
        String name = String.valueOf(source.getName());
        if (name.startsWith("SysPropConfigSource")) {
            return "from -D";
        }
        Matcher file = SOURCE_FILE.matcher(name);
        return "in " + (file.matches() ? file.group(1) : name);
    }

    private static final Pattern SOURCE_FILE = Pattern.compile("\\w*ConfigSource\\[source=(.*)]");

    /** A value as a message may print it: as a comma-separated argv and URLs, masked ({@link Redaction}). */
    private static String shown(String value) {
        return String.join(",", Redaction.argv(List.of(value.split(",", -1))));
    }

    private static boolean secret(String key) {
        return SECRET_NAME.matcher(key).matches();
    }

    /** The known keys a misspelling of {@code key} may stand for: with the named checks, and the check {@code key} names. */
    private static List<String> candidates(String key, Set<String> checkNames) {
        Set<String> names = new TreeSet<>(checkNames);
        splitCheck(key).ifPresent(parts -> names.add(parts[0]));
        return keys(names);
    }

    private static final Pattern CHECK_ENV = Pattern.compile("LIFEGUARD_CHECKS_(.+?)_(" + CHECK_KEYS.stream().map(Settings::envName)
            .collect(Collectors.joining("|")) + ")");

    private static String envWarning(String name, String value, Set<String> checkNames) {
        String upper = name.toUpperCase(Locale.ROOT);
        Matcher m = CHECK_ENV.matcher(upper);
        if (m.matches() && m.group(1).contains("_")) {
            String check = m.group(1).toLowerCase(Locale.ROOT);
            return name + "=" + (secret(upper) ? MASK : shown(value)) + " is not a Lifeguard setting and is ignored; "
                    + "a check name in an environment variable must be letters and digits (LIFEGUARD_CHECKS_"
                    + m.group(1).replace("_", "") + "_" + m.group(2) + "), or name the check in a properties file or with -D ("
                    + CHECKS + check.replace('_', '-') + "." + CHECK_KEYS.stream().filter(k -> envName(k).equals(m.group(2))).findFirst().orElseThrow()
                    + "), after which LIFEGUARD_CHECKS_" + m.group(1) + "_* variables apply to it";
        }
        Set<String> names = new TreeSet<>(checkNames);
        if (upper.startsWith("LIFEGUARD_CHECKS_")) {
            String rest = upper.substring("LIFEGUARD_CHECKS_".length());
            names.add((rest.contains("_") ? rest.substring(0, rest.indexOf('_')) : rest).toLowerCase(Locale.ROOT));
        }
        Optional<String> closest = closest(upper, keys(names).stream().map(Settings::envName).toList());
        String head = name + "=" + (secret(upper) || closest.filter(Settings::secret).isPresent() ? MASK : shown(value))
                + " is not a Lifeguard setting and is ignored; ";
        return head + closest.map(k -> "did you mean " + k + "?")
                .orElse("Lifeguard's variables start with " + String.join(", ", families().stream()
                        .map(f -> (envName(f) + "_").replace("_NAME_", "_<NAME>_")).toList()) + " (README, Configuration)");
    }

    /** The families of keys, in the README's order: {@code lifeguard.upstream}, {@code lifeguard.checks.NAME}, then the rest's. */
    static List<String> families() {
        Set<String> families = new LinkedHashSet<>(List.of("lifeguard.upstream", "lifeguard.checks.NAME"));
        for (String key : OTHER_KEYS) {
            families.add(key.substring(0, key.lastIndexOf('.')));
        }
        return List.copyOf(families);
    }

    /** The candidate nearest to {@code key} by edit distance, if near enough to be a misspelling of it. */
    static Optional<String> closest(String key, Collection<String> candidates) {
        String best = null;
        int bestDistance = Integer.MAX_VALUE;
        for (String candidate : candidates) {
            int d = distance(key.toLowerCase(Locale.ROOT), candidate.toLowerCase(Locale.ROOT));
            if (d < bestDistance) {
                best = candidate;
                bestDistance = d;
            }
        }
        return best != null && bestDistance <= 3 + key.length() / 10 ? Optional.of(best) : Optional.empty();
    }

    /** Levenshtein distance. */
    static int distance(String a, String b) {
        int[] previous = new int[b.length() + 1];
        int[] current = new int[b.length() + 1];
        for (int j = 0; j <= b.length(); j++) {
            previous[j] = j;
        }
        for (int i = 1; i <= a.length(); i++) {
            current[0] = i;
            for (int j = 1; j <= b.length(); j++) {
                int substitute = previous[j - 1] + (a.charAt(i - 1) == b.charAt(j - 1) ? 0 : 1);
                current[j] = Math.min(substitute, Math.min(previous[j] + 1, current[j - 1] + 1));
            }
            int[] swap = previous;
            previous = current;
            current = swap;
        }
        return previous[b.length()];
    }

    private static Set<String> checkNames(Config config) {
        return new TreeSet<>(config.unwrap(SmallRyeConfig.class).getConfigMapping(LifeguardConfig.class).checks().keySet());
    }

    /**
     * The effective settings, one {@code key=value} line for every key Lifeguard reads that has a value (defaults and
     * named checks included) in the order of {@link #keys}: the admin token masked, and URLs and exec commands masked as
     * the start-up log masks them ({@link Redaction}: user info, secret-looking query values and arguments).
     */
    public static List<String> effective(Config config) {
        List<String> lines = new ArrayList<>();
        for (String key : keys(checkNames(config))) {
            Optional<String> value = key.endsWith(".exec")
                    ? config.getOptionalValues(key, String.class).map(argv -> Redaction.argv(argv).stream().map(a -> a.replace(",", "\\,"))
                            .collect(Collectors.joining(",")))
                    : config.getOptionalValue(key, String.class);
            value.ifPresent(v -> lines.add(key + "=" + masked(key, v)));
        }
        return lines;
    }

    private static String masked(String key, String value) {
        if (key.equals("lifeguard.admin.token")) {
            return MASK;
        }
        return key.endsWith(".url") ? Redaction.url(value) : value;
    }
}
