package dev.lifeguard;

import java.util.ArrayList;
import java.util.List;

/**
 * What the command line asks for: {@code lifeguard [--help | --version | --check-config] [-- command [args...]]}.
 * Immutable.
 *
 * @param command the command to wrap, empty when Lifeguard only watches
 */
record CommandLine(Action action, List<String> command) {

    static final String USAGE = """
            usage: lifeguard [--help | --version | --check-config] [-- command [args...]]
            Settings are -Dlifeguard.<key>=<value> options (with java -jar: before -jar; with the lifeguard launcher: \
            before --) or LIFEGUARD_<KEY> environment variables.""";

    /** What to do. */
    enum Action {
        /** Watch the upstream, and supervise the command if there is one. */
        RUN,
        /** Print the usage and the settings, start nothing. */
        HELP,
        /** Print the version, start nothing. */
        VERSION,
        /** Validate the settings and the command, print the effective settings, start nothing. */
        CHECK_CONFIG
    }

    CommandLine {
        command = List.copyOf(command);
    }

    /** Parses the arguments; throws {@link IllegalArgumentException} with a message for the user. */
    static CommandLine parse(List<String> args) {
        int separator = args.indexOf("--");
        List<String> options = separator < 0 ? args : args.subList(0, separator);
        List<String> command = separator < 0 ? List.of() : args.subList(separator + 1, args.size());
        List<String> unexpected = new ArrayList<>();
        Action action = Action.RUN;
        for (String option : options) {
            Action given = switch (option) {
                case "--help", "-h" -> Action.HELP;
                case "--version" -> Action.VERSION;
                case "--check-config" -> Action.CHECK_CONFIG;
                default -> null;
            };
            if (given == null) {
                unexpected.add(option);
            } else if (action != Action.RUN && action != given) {
                throw new IllegalArgumentException("give one of --help, --version and --check-config, not both " + name(action) + " and " + option);
            } else {
                action = given;
            }
        }
        if (action == Action.HELP) {
            return new CommandLine(action, command);
        }
        if (!unexpected.isEmpty()) {
            String hint = unexpected.get(0).startsWith("-D")
                    ? " (-D options go before -jar with java -jar, or before -- with the lifeguard launcher)"
                    : separator < 0 ? " (a command to wrap goes after --)" : "";
            throw new IllegalArgumentException("unexpected arguments " + unexpected + hint);
        }
        if (separator >= 0 && command.isEmpty()) {
            throw new IllegalArgumentException("nothing to run after --");
        }
        return new CommandLine(action, command);
    }

    private static String name(Action action) {
        return "--" + action.name().toLowerCase().replace('_', '-');
    }
}
