package dev.lifeguard;

import java.util.Arrays;
import java.util.List;

import jakarta.inject.Inject;

import dev.lifeguard.supervise.Supervisor;
import io.quarkus.runtime.Quarkus;
import io.quarkus.runtime.QuarkusApplication;
import io.quarkus.runtime.annotations.QuarkusMain;

/**
 * {@code lifeguard [-- command [args...]]}: watch the configured upstream and, given a command, run and supervise it.
 * Exits with the child's status once the child has ended for good.
 */
@QuarkusMain
public class Lifeguard implements QuarkusApplication {

    static final String USAGE = "usage: lifeguard [-- command [args...]]   (settings: -Dlifeguard.*=... or LIFEGUARD_* variables)";

    @Inject
    Supervisor supervisor;

    public static void main(String... args) {
        Quarkus.run(Lifeguard.class, args);
    }

    @Override
    public int run(String... args) {
        List<String> all = Arrays.asList(args);
        int separator = all.indexOf("--");
        if (separator > 0 || separator < 0 && !all.isEmpty()) {
            System.err.println("lifeguard: unexpected arguments " + all.subList(0, separator < 0 ? all.size() : separator));
            System.err.println(USAGE);
            return 2;
        }
        if (separator == 0) {
            List<String> command = all.subList(1, all.size());
            if (command.isEmpty()) {
                System.err.println("lifeguard: nothing to run after --");
                System.err.println(USAGE);
                return 2;
            }
            supervisor.start(command);
        }
        Quarkus.waitForExit();
        return supervisor.endedForGood().getNow(0);
    }
}
