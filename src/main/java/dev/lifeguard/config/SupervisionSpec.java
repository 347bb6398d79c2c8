package dev.lifeguard.config;

import java.nio.file.Path;
import java.time.Duration;
import java.util.Optional;
import java.util.regex.Pattern;
import java.util.regex.PatternSyntaxException;

import dev.lifeguard.config.RestartConfig.BudgetSpent;
import dev.lifeguard.config.RestartConfig.RestartPolicyKind;

/** The validated restart and admin settings. Immutable. */
public record SupervisionSpec(RestartPolicyKind policy, Duration grace, Duration hangAfter, Duration backoff,
        Duration backoffMax, Duration resetAfter, int maxRestarts, BudgetSpent whenBudgetSpent, Duration window, boolean threadDump,
        boolean onSlow, Duration slowTimeout, Optional<String> adminToken, Optional<Path> pidfile, Optional<Pattern> match) {

    /** Validates; throws {@link InvalidConfigException} naming the key and the fix. */
    public static SupervisionSpec from(LifeguardConfig config) {
        RestartConfig r = config.restart();
        String p = "lifeguard.restart.";
        Duration grace = positive(p + "grace", r.grace(), "10s");
        Duration hangAfter = positive(p + "hang-after", r.hangAfter(), "10s");
        Duration backoff = positive(p + "backoff", r.backoff(), "1s");
        Duration backoffMax = positive(p + "backoff-max", r.backoffMax(), "30s");
        Duration resetAfter = positive(p + "reset-after", r.resetAfter(), "60s");
        Duration window = positive(p + "window", r.window(), "10m");
        if (backoffMax.compareTo(backoff) < 0) {
            throw new InvalidConfigException(p + "backoff-max", "is shorter than " + p + "backoff (" + Durations.exact(backoff) + ")",
                    "set it at least to the first back-off, e.g. 30s");
        }
        RestartPolicyKind policy = ConfigValues.policy(p + "policy", r.policy());
        BudgetSpent whenBudgetSpent = ConfigValues.budgetSpent(p + "when-budget-spent", r.whenBudgetSpent());
        int maxRestarts = ConfigValues.integer(p + "max-restarts", r.maxRestarts(), "write e.g. 5 (0: no restarts, the first death spends the budget)");
        boolean threadDump = ConfigValues.bool(p + "thread-dump", r.threadDump());
        boolean onSlow = ConfigValues.bool(p + "on-slow", r.onSlow());
        Duration slowTimeout = positive(p + "slow-timeout", r.slowTimeout(), "15s");
        if (maxRestarts < 0) {
            throw new InvalidConfigException(p + "max-restarts", "must not be negative", "write e.g. 5 (0: no restarts, the first death spends the budget)");
        }
        ProcessConfig process = config.process();
        Optional<Pattern> match;
        try {
            match = process.match().map(Pattern::compile);
        } catch (PatternSyntaxException e) {
            throw new InvalidConfigException("lifeguard.process.match", "'" + process.match().get() + "' is not a regular expression ("
                    + e.getDescription() + ")", "write e.g. java .*-jar app.jar, or a plain word of the command line");
        }
        return new SupervisionSpec(policy, grace, hangAfter, backoff, backoffMax, resetAfter,
                maxRestarts, whenBudgetSpent, window, threadDump, onSlow, slowTimeout, AdminSpec.from(config).token(), process.pidfile().map(Path::of), match);
    }

    private static Duration positive(String key, String text, String example) {
        Duration d = Durations.parse(key, text);
        CheckSpecs.positive(key, d, example);
        return d;
    }

    /** Whether Lifeguard should look for the upstream's process (sidecar mode). */
    public boolean locatesProcess() {
        return pidfile.isPresent() || match.isPresent();
    }
}
