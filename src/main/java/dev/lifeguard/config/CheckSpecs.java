package dev.lifeguard.config;

import java.net.URI;
import java.net.URISyntaxException;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** Turns the raw {@link LifeguardConfig} into validated {@link CheckSpec}s, or fails naming the key and the fix. */
public final class CheckSpecs {

    private CheckSpecs() {
    }

    /**
     * Validates the configuration.
     *
     * @return the upstream's check first, then the named checks in name order
     * @throws InvalidConfigException on the first value Lifeguard cannot run with
     */
    public static List<CheckSpec> from(LifeguardConfig config) {
        List<CheckSpec> specs = new ArrayList<>();
        UpstreamConfig upstream = config.upstream();
        specs.add(spec(CheckSpec.UPSTREAM, "lifeguard.upstream.", Optional.of(upstream.url()), upstream, true));
        for (Map.Entry<String, DependencyConfig> e : new TreeMap<>(config.checks()).entrySet()) {
            String name = e.getKey();
            String prefix = Settings.checkPrefix(name);
            if (CheckSpec.UPSTREAM.equals(name)) {
                throw new InvalidConfigException(prefix + "url", "the check name 'upstream' is reserved for lifeguard.upstream",
                        "give the check another name, e.g. lifeguard.checks.database.url");
            }
            DependencyConfig dep = e.getValue();
            if (dep.url().isEmpty() && dep.exec().isEmpty()) {
                throw new InvalidConfigException(prefix + "url", "the check has neither a url nor an exec command",
                        "set " + prefix + "url=tcp://host:port (or http://..., grpc://host:port), or " + prefix + "exec=command,arg");
            }
            specs.add(spec(name, prefix, dep.url(), dep, ConfigValues.bool(prefix + "affects-readiness", dep.affectsReadiness())));
        }
        return List.copyOf(specs);
    }

    private static CheckSpec spec(String name, String prefix, Optional<String> url, ProbeConfig c, boolean affectsReadiness) {
        Duration interval = Durations.parse(prefix + "interval", c.interval());
        Duration fastInterval = Durations.parse(prefix + "fast-interval", c.fastInterval());
        Duration timeout = Durations.parse(prefix + "timeout", c.timeout());
        Duration startupGrace = Durations.parse(prefix + "startup-grace", c.startupGrace());
        positive(prefix + "interval", interval, "1s");
        positive(prefix + "fast-interval", fastInterval, "100ms");
        positive(prefix + "timeout", timeout, "1s");
        if (fastInterval.compareTo(interval) > 0) {
            // The default must not break a short interval: never slower than the interval itself.
            fastInterval = interval;
        }
        int failureThreshold = atLeastOne(prefix + "failure-threshold", c.failureThreshold());
        int successThreshold = atLeastOne(prefix + "success-threshold", c.successThreshold());
        if (startupGrace.isNegative()) {
            throw new InvalidConfigException(prefix + "startup-grace", "must not be negative", "write e.g. 0s or 30s");
        }
        Target target = c.exec().isPresent() ? exec(prefix + "exec", c.exec().get()) : url(prefix, url.orElseThrow(), c);
        return new CheckSpec(name, target, interval, fastInterval, timeout, failureThreshold, successThreshold, startupGrace, affectsReadiness,
                flapping(prefix, c));
    }

    private static CheckSpec.Flapping flapping(String prefix, ProbeConfig c) {
        Duration window = Durations.parse(prefix + "window", c.window());
        if (window.isNegative()) {
            throw new InvalidConfigException(prefix + "window", "must not be negative", "write e.g. 10s, or 0s to turn the window off");
        }
        double share = share(prefix + "window-failure-share", c.windowFailureShare());
        int damping = atLeastOne(prefix + "flap-damping-max", c.flapDampingMax());
        Duration quiet = Durations.parse(prefix + "flap-quiet", c.flapQuiet());
        positive(prefix + "flap-quiet", quiet, "60s");
        return new CheckSpec.Flapping(window, share, damping, quiet);
    }

    /** {@code 30%} or {@code 0.3}: above 0, at most 100 %. */
    static double share(String key, String text) {
        String t = text.strip();
        double value;
        try {
            value = t.endsWith("%") ? Double.parseDouble(t.substring(0, t.length() - 1).strip()) / 100 : Double.parseDouble(t);
        } catch (NumberFormatException e) {
            throw new InvalidConfigException(key, "'" + text + "' is not a share", "write a percentage such as 30% (or 0.3)");
        }
        if (!(value > 0 && value <= 1)) {
            throw new InvalidConfigException(key, "'" + text + "' is not above 0 and at most 100%", "write a percentage such as 30% (or 0.3)");
        }
        return value;
    }

    private static Target url(String prefix, String text, ProbeConfig c) {
        String key = prefix + "url";
        String shown = Redaction.url(text);
        String example = "write e.g. http://127.0.0.1:8080/health, https://127.0.0.1:8443/, grpc://127.0.0.1:9000 or tcp://127.0.0.1:5432";
        URI uri;
        try {
            uri = new URI(text.strip());
        } catch (URISyntaxException e) {
            throw new InvalidConfigException(key, "'" + shown + "' is not a valid URL (" + e.getReason() + ")", example);
        }
        String scheme = uri.getScheme() == null ? "" : uri.getScheme().toLowerCase();
        if (!List.of("http", "https", "grpc", "grpcs", "tcp").contains(scheme)) {
            throw new InvalidConfigException(key, scheme.isEmpty() ? "'" + shown + "' has no scheme" : "unknown scheme '" + scheme + "'",
                    "use http, https, grpc, grpcs or tcp; " + example);
        }
        portInRange(key, uri, shown, scheme);
        if (uri.getHost() == null) {
            throw new InvalidConfigException(key, "'" + shown + "' has no host", example);
        }
        if ("tcp".equals(scheme)) {
            if (uri.getPort() == -1) {
                throw new InvalidConfigException(key, "'" + shown + "' has no port", "write tcp://host:port, e.g. tcp://127.0.0.1:5432");
            }
            return new Target.Tcp(uri.getHost(), uri.getPort());
        }
        Optional<String> caFile = c.tls().caFile();
        if (caFile.isPresent() && !Files.isReadable(Path.of(caFile.get()))) {
            throw new InvalidConfigException(prefix + "tls.ca-file", "cannot read '" + caFile.get() + "'",
                    "point it at a readable PEM file of CA certificates");
        }
        boolean skipVerify = ConfigValues.bool(prefix + "tls.skip-verify", c.tls().skipVerify());
        if (scheme.startsWith("grpc")) {
            return grpc(key, uri, shown, scheme, caFile, skipVerify);
        }
        StatusRanges status;
        try {
            status = StatusRanges.parse(c.expectStatus());
        } catch (IllegalArgumentException e) {
            throw new InvalidConfigException(prefix + "expect-status", e.getMessage(), "write codes and ranges, e.g. 200-399 or 200,204");
        }
        return new Target.Http(uri, c.hostHeader(), status, c.expectBody().filter(s -> !s.isEmpty()), caFile, skipVerify);
    }

    /**
     * {@code grpc://host:port} or {@code grpcs://host:port}, with {@code ?service=name} to ask about one service (as
     * Kubernetes' grpc probe's {@code service} field): no path, since a gRPC path names a method, and no other query.
     */
    private static Target grpc(String key, URI uri, String shown, String scheme, Optional<String> caFile, boolean skipVerify) {
        String example = scheme + "://127.0.0.1:9000 or " + scheme + "://127.0.0.1:9000?service=my.package.MyService";
        if (uri.getPort() == -1) {
            throw new InvalidConfigException(key, "'" + shown + "' has no port", "write " + scheme + "://host:port, e.g. " + example);
        }
        if (uri.getRawPath() != null && !uri.getRawPath().isEmpty() && !"/".equals(uri.getRawPath())) {
            throw new InvalidConfigException(key, "'" + shown + "' has a path; a gRPC health check has none",
                    "name the service to check with ?service=, e.g. " + example);
        }
        String service = "";
        if (uri.getRawQuery() != null && !uri.getRawQuery().isEmpty()) {
            if (!uri.getRawQuery().startsWith("service=") || uri.getRawQuery().contains("&")) {
                throw new InvalidConfigException(key, "'" + shown + "' has a query other than ?service=", "write e.g. " + example);
            }
            service = URLDecoder.decode(uri.getRawQuery().substring("service=".length()), StandardCharsets.UTF_8);
        }
        return new Target.Grpc(uri, uri.getHost(), uri.getPort(), "grpcs".equals(scheme), service, caFile, skipVerify);
    }

    /** Java's URI accepts any number of digits as a port, and reads a negative or overflowing one as no host at all. */
    private static void portInRange(String key, URI uri, String shown, String scheme) {
        String port = null;
        if (uri.getPort() != -1) {
            port = Integer.toString(uri.getPort());
        } else if (uri.getHost() == null && uri.getRawAuthority() != null) {
            Matcher m = AUTHORITY_PORT.matcher(uri.getRawAuthority());
            port = m.find() ? m.group(1) : null;
        }
        if (port != null && !(port.matches("\\d{1,5}") && Integer.parseInt(port) >= 1 && Integer.parseInt(port) <= 65535)) {
            throw new InvalidConfigException(key, "the port " + port + " in '" + shown + "' is outside 1 to 65535",
                    "write e.g. " + example(scheme) + ", with the port the service listens on");
        }
    }

    private static String example(String scheme) {
        return switch (scheme) {
            case "tcp" -> "tcp://127.0.0.1:5432";
            case "grpc", "grpcs" -> scheme + "://127.0.0.1:9000";
            default -> scheme + "://127.0.0.1:8080/health";
        };
    }

    private static final Pattern AUTHORITY_PORT = Pattern.compile(":(-?\\d+)$");

    private static Target exec(String key, List<String> argv) {
        if (argv.isEmpty() || argv.get(0).isBlank()) {
            throw new InvalidConfigException(key, "the command is empty", "write the program and its arguments, comma-separated, e.g. pg_isready,-h,127.0.0.1");
        }
        String program = argv.get(0);
        if (!Executables.runnable(program)) {
            throw new InvalidConfigException(key, "'" + program + "' is not an executable file" + (program.contains("/") ? "" : " on the PATH"),
                    "install it or give its absolute path; the command runs without a shell");
        }
        return new Target.Exec(argv);
    }

    static void positive(String key, Duration d, String example) {
        if (d.isZero() || d.isNegative()) {
            throw new InvalidConfigException(key, "must be positive, not " + Durations.exact(d), "write e.g. " + example + " or 500ms");
        }
    }

    static int atLeastOne(String key, String text) {
        int n = ConfigValues.integer(key, text, "write e.g. 1, 2 or 3");
        if (n < 1) {
            throw new InvalidConfigException(key, "must be at least 1, not " + n, "write e.g. 1, 2 or 3");
        }
        return n;
    }

}
