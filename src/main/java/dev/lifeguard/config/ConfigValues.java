package dev.lifeguard.config;

import java.util.List;
import java.util.Locale;
import java.util.stream.Stream;

import dev.lifeguard.config.RestartConfig.BudgetSpent;
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
        return choice(key, text, RestartPolicyKind.class, "a restart policy");
    }

    static BudgetSpent budgetSpent(String key, String text) {
        return choice(key, text, BudgetSpent.class, "what to do when the restart budget is spent");
    }

    /** One of an enum's constants, written in lower case with dashes ({@code on-failure}); any case is accepted. */
    private static <E extends Enum<E>> E choice(String key, String text, Class<E> type, String what) {
        String t = text.strip().toUpperCase(Locale.ROOT).replace('-', '_');
        E[] all = type.getEnumConstants();
        for (E e : all) {
            if (e.name().equals(t)) {
                return e;
            }
        }
        List<String> names = Stream.of(all).map(e -> e.name().toLowerCase(Locale.ROOT).replace('_', '-')).toList();
        throw new InvalidConfigException(key, "'" + text + "' is not " + what,
                "write " + String.join(", ", names.subList(0, names.size() - 1)) + " or " + names.get(names.size() - 1));
    }
}
