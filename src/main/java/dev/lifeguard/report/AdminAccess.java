package dev.lifeguard.report;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.util.Optional;

/** Who may use the admin endpoints. Stub with today's rule: the bearer token only, nobody without one. */
class AdminAccess {

    enum Decision {
        TOKEN, LOOPBACK, NO_TOKEN, WRONG_TOKEN, DISABLED;

        boolean granted() {
            return this == TOKEN || this == LOOPBACK;
        }
    }

    private final Optional<byte[]> token;

    AdminAccess(Optional<String> token, boolean loopbackTrusted) {
        this.token = token.map(t -> t.getBytes(StandardCharsets.UTF_8));
    }

    Decision decide(String remoteAddress, String authorization) {
        if (token.isEmpty()) {
            return Decision.DISABLED;
        }
        if (authorization == null) {
            return Decision.NO_TOKEN;
        }
        if (!authorization.regionMatches(true, 0, "Bearer ", 0, 7)) {
            return Decision.WRONG_TOKEN;
        }
        return MessageDigest.isEqual(authorization.substring(7).strip().getBytes(StandardCharsets.UTF_8), token.get()) ? Decision.TOKEN
                : Decision.WRONG_TOKEN;
    }
}
