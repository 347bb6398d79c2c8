package dev.lifeguard.diagnose;

import java.time.Duration;
import java.time.Instant;
import java.util.List;

import io.quarkus.runtime.annotations.RegisterForReflection;

/**
 * A failure, from the moment load balancers were told to send no traffic until they are told to again: what caused
 * it, in words, with the facts that show it, what to do, what users behind a gateway saw meanwhile, and the restarts
 * it took. A planned stop (a drain, a deploy, an operator's restart) is none. Immutable; a later state is a new
 * record. Also a line of {@code lifeguard.incidents.file}: JSON through Jackson outside any REST resource, so
 * registered for reflection, or a native executable would write it as {@code {}}.
 *
 * @param check the check that took the service out of rotation (the upstream, or a named dependency)
 * @param cause the cause's code when it began
 * @param evidence the facts, oldest first, each naming where it comes from ({@code probe:}, {@code restart:})
 * @param usersSaw what a gateway that still sent it requests answered its users
 * @param ended when it was ready again; null while open
 * @param upstreamVersion the upstream's version when it began ({@code lifeguard.upstream.version}); null when not given
 */
@RegisterForReflection
public record Incident(long id, String check, String cause, String explanation, String advice, List<String> evidence, String usersSaw,
        Instant began, Instant ended, int restarts, String upstreamVersion) {

    public Incident {
        evidence = List.copyOf(evidence);
    }

    /** The same incident with other evidence, {@code moreRestarts} more restarts, and its end ({@code null}: open). */
    Incident with(List<String> newEvidence, int moreRestarts, Instant end) {
        return new Incident(id, check, cause, explanation, advice, newEvidence, usersSaw, began, end, restarts + moreRestarts, upstreamVersion);
    }

    public boolean open() {
        return ended == null;
    }

    /** How long it lasted, or has lasted by {@code now}. */
    public Duration duration(Instant now) {
        return Duration.between(began, ended != null ? ended : now);
    }
}
