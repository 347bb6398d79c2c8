package dev.lifeguard.config;

import java.util.List;

/** Masks secret-looking values in command lines and URLs before they are logged or shown. Stub: masks nothing yet. */
public final class Redaction {

    private Redaction() {
    }

    public static List<String> argv(List<String> argv) {
        return List.copyOf(argv);
    }

    public static String commandLine(List<String> argv) {
        return String.join(" ", argv);
    }

    public static String url(String text) {
        return text;
    }
}
