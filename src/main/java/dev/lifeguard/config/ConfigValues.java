package dev.lifeguard.config;

import java.util.Locale;

import dev.lifeguard.config.RestartConfig.RestartPolicyKind;

/**
 * Reads numbers, booleans and the restart policy from the text of the mapping, failing with Lifeguard's own
 * message (key, value, what to write) where SmallRye would throw a conversion error or, for a boolean, read
 * anything but {@code true} as false. Durations: {@link Durations#parse}.
 */
final class ConfigValues {

    private ConfigValues() {
    }

    static int integer(String key, String text, String example) {
        try {
            return Integer.parseInt(text.strip());
        } catch (NumberFormatException e) {
            throw new InvalidConfigException(key, "'" + text + "' is not a whole number", example);
        }
    }

    static boolean bool(String key, String text) {
        String t = text.strip();
        if (t.equalsIgnoreCase("true") || t.equalsIgnoreCase("false")) {
            return Boolean.parseBoolean(t);
        }
        throw new InvalidConfigException(key, "'" + text + "' is neither true nor false", "write true or false");
    }

    static RestartPolicyKind policy(String key, String text) {
        String t = text.strip().toUpperCase(Locale.ROOT).replace('-', '_');
        for (RestartPolicyKind kind : RestartPolicyKind.values()) {
            if (kind.name().equals(t)) {
                return kind;
            }
        }
        throw new InvalidConfigException(key, "'" + text + "' is not a restart policy", "write always, on-failure or never");
    }
}
