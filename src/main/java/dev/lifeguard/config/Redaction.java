package dev.lifeguard.config;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Masks secret-looking values in command lines and URLs before Lifeguard logs or shows them. Stateless and thread-safe.
 *
 * <p>A name is secret-looking when it contains {@code password}, {@code passwd}, {@code passphrase}, {@code pwd},
 * {@code secret}, {@code token}, {@code credential}, {@code apikey}, {@code signature}, {@code auth} or {@code cookie},
 * or has one of the words {@code key}, {@code sig}, {@code pw}, {@code pass} or {@code psk} (words split at anything but
 * letters and digits, and between {@code camelCase}): {@code --db-password}, {@code -Dapi.key}, {@code X-Amz-Signature},
 * {@code PASSWORD}, but not {@code --keep-alive}, {@code --monkey} or {@code --signal}. Its value is replaced by
 * {@value #MASK}; the name stays, so that a reader still sees what was set. This is a heuristic: it masks too much
 * rather than too little, and a secret passed without a telling name ({@code mysql -pSECRET}) is not recognised.
 */
public final class Redaction {

    /** What a masked value reads as. */
    public static final String MASK = "***";

    private static final List<String> SECRET_PARTS = List.of("password", "passwd", "passphrase", "pwd", "secret", "token", "credential",
            "apikey", "signature", "auth", "cookie");
    private static final List<String> SECRET_WORDS = List.of("key", "sig", "pw", "pass", "psk");

    /** {@code name=value}: a flag, a -D property or an environment assignment. */
    private static final Pattern ASSIGNMENT = Pattern.compile("(-D|-{0,2})([^=\\s]+)=(.*)", Pattern.DOTALL);
    /** {@code Name: value}, an HTTP header as given to curl or wget. */
    private static final Pattern HEADER = Pattern.compile("([A-Za-z0-9-]+):\\s*(.+)", Pattern.DOTALL);
    /** {@code Name:} alone, a header whose value is in the arguments that follow (a command line split at spaces). */
    private static final Pattern HEADER_NAME = Pattern.compile("([A-Za-z0-9-]+):");
    /** A flag without a value of its own, {@code --token} or {@code -token}: the next argument is its value. */
    private static final Pattern FLAG = Pattern.compile("--?([A-Za-z][A-Za-z0-9._-]*)");
    /** The user info of a URL, {@code user:password@}. */
    private static final Pattern USER_INFO = Pattern.compile("(://)[^@\\s/?#]*@");
    /** A query (or {@code ;}) parameter: its name, then its value. */
    private static final Pattern PARAM = Pattern.compile("([?&;])([^=&;#\\s]+)=([^&;#\\s]*)");
    private static final Pattern CAMEL = Pattern.compile("(?<=[a-z0-9])(?=[A-Z])");

    private Redaction() {
    }

    /**
     * The arguments with secret-looking values masked: {@code --db-password=x}, {@code -Dapi.key=x}, {@code PASSWORD=x},
     * {@code --token x} (the next argument, unless it is a {@code --flag}), {@code Authorization: Bearer x} (also split
     * over arguments: {@code Authorization:}, then every argument up to the next {@code -flag}), and URLs in any argument
     * as {@link #url} masks them. Everything else is returned as given.
     */
    public static List<String> argv(List<String> argv) {
        List<String> masked = new ArrayList<>(argv.size());
        boolean valueOfSecretFlag = false;
        boolean valueOfSecretHeader = false;
        for (String arg : argv) {
            if (valueOfSecretHeader && !arg.startsWith("-")) {
                masked.add(arg.isEmpty() ? arg : MASK);
                continue;
            }
            if (valueOfSecretFlag && !arg.startsWith("--")) {
                masked.add(MASK);
                valueOfSecretFlag = false;
                continue;
            }
            Matcher flag = FLAG.matcher(arg);
            valueOfSecretFlag = flag.matches() && secretName(flag.group(1));
            Matcher headerName = HEADER_NAME.matcher(arg);
            valueOfSecretHeader = headerName.matches() && secretName(headerName.group(1));
            masked.add(argument(arg));
        }
        return List.copyOf(masked);
    }

    /** {@link #argv} joined with spaces, for a log line. */
    public static String commandLine(List<String> argv) {
        return String.join(" ", argv(argv));
    }

    /**
     * A command line read whole, its arguments joined by single spaces (as {@code /proc/<pid>/cmdline} is often shown),
     * masked as {@link #argv} masks its words; after a secret-looking {@code Name:} every word up to the next
     * {@code -flag} is masked. Prefer {@link #argv} where the arguments are at hand: an argument with spaces is several
     * words here.
     */
    public static String commandLine(String line) {
        return String.join(" ", argv(List.of(line.split(" ", -1))));
    }

    private static String argument(String arg) {
        Matcher assignment = ASSIGNMENT.matcher(arg);
        if (assignment.matches() && !assignment.group(2).contains("://")) {
            return secretName(assignment.group(2)) ? assignment.group(1) + assignment.group(2) + "=" + MASK
                    : assignment.group(1) + assignment.group(2) + "=" + url(assignment.group(3));
        }
        Matcher header = HEADER.matcher(arg);
        if (header.matches() && !header.group(2).startsWith("//") && secretName(header.group(1))) {
            return header.group(1) + ": " + MASK;
        }
        return url(arg);
    }

    /**
     * The text with every URL's user info ({@code user:password@}) and secret-looking query values ({@code token=},
     * {@code sig=}, {@code pw=}, {@code X-Amz-Signature=}, {@code ;password=} of JDBC) masked. The text need not be a
     * valid URL: a configuration error prints what was written, masked the same way.
     */
    public static String url(String text) {
        if (text.indexOf("://") < 0 && text.indexOf('=') < 0) {
            return text;
        }
        String masked = USER_INFO.matcher(text).replaceAll("$1" + Matcher.quoteReplacement(MASK) + "@");
        Matcher param = PARAM.matcher(masked);
        StringBuilder out = new StringBuilder();
        while (param.find()) {
            String replacement = secretName(param.group(2)) ? param.group(1) + param.group(2) + "=" + MASK : param.group();
            param.appendReplacement(out, Matcher.quoteReplacement(replacement));
        }
        param.appendTail(out);
        return out.toString();
    }

    /** Whether a name (a flag, a property, a variable, a query parameter, a header) looks like it holds a secret. */
    public static boolean secretName(String name) {
        String lower = name.toLowerCase(Locale.ROOT);
        for (String part : SECRET_PARTS) {
            if (lower.contains(part)) {
                return true;
            }
        }
        for (String word : CAMEL.matcher(name).replaceAll("_").toLowerCase(Locale.ROOT).split("[^a-z0-9]+")) {
            if (SECRET_WORDS.contains(word)) {
                return true;
            }
        }
        return false;
    }
}
