package dev.lifeguard.config;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;

/**
 * The validated admin settings: the bearer token, if any, and whether requests from loopback need none. Immutable.
 *
 * @param token the admin token, stripped, at least 16 characters; empty when none is configured
 * @param loopbackTrusted whether a request from 127.0.0.0/8 or ::1 is admitted without the token
 */
public record AdminSpec(Optional<String> token, boolean loopbackTrusted) {

    /** Validates; throws {@link InvalidConfigException} naming the key and the fix. */
    public static AdminSpec from(LifeguardConfig config) {
        AdminConfig admin = config.admin();
        return new AdminSpec(token(admin), ConfigValues.bool("lifeguard.admin.loopback-trusted", admin.loopbackTrusted()));
    }

    /** What to do about a crash loop: fix the cause, then ask for a restart in the way these settings allow. */
    public String crashLoopAdvice() {
        String how = token.isPresent() ? (loopbackTrusted ? "with the admin token, or from loopback without one" : "with the admin token")
                : loopbackTrusted ? "from loopback (kubectl port-forward, a shell in the pod)" : null;
        return "Fix the cause shown in the restart history, then " + (how != null ? "POST /lifeguard/admin/restart " + how + ", or restart Lifeguard."
                : "restart Lifeguard (POST /lifeguard/admin/restart is disabled: set lifeguard.admin.token, or lifeguard.admin.loopback-trusted=true).");
    }

    private static Optional<String> token(AdminConfig admin) {
        if (admin.token().isPresent() && admin.tokenFile().isPresent()) {
            throw new InvalidConfigException("lifeguard.admin.token-file", "both lifeguard.admin.token and lifeguard.admin.token-file are set",
                    "keep one of them");
        }
        Optional<String> token = admin.token();
        if (admin.tokenFile().isPresent()) {
            try {
                token = Optional.of(Files.readString(Path.of(admin.tokenFile().get())));
            } catch (IOException e) {
                throw new InvalidConfigException("lifeguard.admin.token-file", "cannot read '" + admin.tokenFile().get() + "'",
                        "point it at a readable file that holds the token");
            }
        }
        token = token.map(String::strip);
        if (token.isPresent() && token.get().length() < 16) {
            throw new InvalidConfigException(admin.tokenFile().isPresent() ? "lifeguard.admin.token-file" : "lifeguard.admin.token",
                    "the admin token is shorter than 16 characters", "use a long random value, e.g. from: head -c 24 /dev/urandom | base64");
        }
        return token;
    }
}
