package dev.lifeguard.config;

import java.util.Optional;

/** The incident book. Parsed by {@link IncidentsSpec}. */
public interface IncidentsConfig {

    /**
     * A file that keeps the incidents across restarts of Lifeguard (JSON lines, e.g. on an emptyDir); absent: they are
     * kept in memory only.
     */
    Optional<String> file();
}
