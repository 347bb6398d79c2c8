package dev.lifeguard.config;

import java.nio.file.InvalidPathException;
import java.nio.file.Path;
import java.util.Optional;

/**
 * Where the incident book is kept across restarts of Lifeguard, if anywhere. Immutable. Whether the file can be read
 * and written is learnt when it is, and never stops start-up: the book then stays in memory.
 *
 * @param file empty when {@code lifeguard.incidents.file} is not set (or blank): memory only
 */
public record IncidentsSpec(Optional<Path> file) {

    public static final String FILE_KEY = "lifeguard.incidents.file";

    public static IncidentsSpec from(LifeguardConfig config) {
        Optional<String> value = config.incidents().file().filter(f -> !f.isBlank());
        if (value.isEmpty()) {
            return new IncidentsSpec(Optional.empty());
        }
        try {
            return new IncidentsSpec(Optional.of(Path.of(value.get().strip())));
        } catch (InvalidPathException e) {
            throw new InvalidConfigException(FILE_KEY, "is not a path (" + e.getReason() + ")", "write a file's path, e.g. /var/lib/lifeguard/incidents.jsonl");
        }
    }
}
