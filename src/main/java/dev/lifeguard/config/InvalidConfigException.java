package dev.lifeguard.config;

/** A configuration value Lifeguard cannot run with; the message names the key, what is wrong and what to write instead. */
public final class InvalidConfigException extends RuntimeException {

    private final String key;

    InvalidConfigException(String key, String problem, String fix) {
        super(key + ": " + problem + "; " + fix);
        this.key = key;
    }

    public String key() {
        return key;
    }
}
