package dev.lifeguard;

import java.util.List;

import jakarta.inject.Inject;

import org.eclipse.microprofile.config.ConfigProvider;
import org.eclipse.microprofile.config.inject.ConfigProperty;

import dev.lifeguard.config.DryRun;
import dev.lifeguard.config.Executables;
import dev.lifeguard.config.Redaction;
import dev.lifeguard.config.Settings;
import dev.lifeguard.supervise.Supervisor;
import io.quarkus.runtime.ApplicationLifecycleManager;
import io.quarkus.runtime.Quarkus;
import io.quarkus.runtime.QuarkusApplication;
import io.quarkus.runtime.annotations.QuarkusMain;

/**
 * {@code lifeguard [--help | --version | --check-config] [-- command [args...]]}: watch the configured upstream and,
 * given a command, run and supervise it. Exits with the child's status once the child has ended for good.
 */
@QuarkusMain
public class Lifeguard implements QuarkusApplication {

    @Inject
    Supervisor supervisor;

    @ConfigProperty(name = "quarkus.application.version", defaultValue = "unknown")
    String version;

    public static void main(String... args) {
        CommandLine line;
        try {
            line = CommandLine.parse(List.of(args));
        } catch (IllegalArgumentException e) {
            System.err.println("lifeguard: " + e.getMessage());
            System.err.println(CommandLine.USAGE);
            System.exit(2);
            return;
        }
        if (line.action() == CommandLine.Action.HELP) {
            System.out.println(CommandLine.USAGE);
            System.out.println("Endpoints, settings, causes and exit statuses: see the README.");
            return;
        }
        if (line.action() != CommandLine.Action.RUN) {
            // Validate as a real start would, but open no port and say only what matters.
            DryRun.activate();
            System.setProperty("quarkus.http.host-enabled", "false");
            System.setProperty("quarkus.log.level", System.getProperty("quarkus.log.level", "WARN"));
        }
        Quarkus.run(Lifeguard.class, StartupFailures::exit, args);
    }

    @Override
    public int run(String... args) {
        CommandLine line = CommandLine.parse(List.of(args));
        if (line.action() == CommandLine.Action.VERSION) {
            System.out.println("lifeguard " + version);
            return 0;
        }
        if (!line.command().isEmpty()) {
            Executables.Unrunnable unrunnable = Executables.unrunnable(line.command().get(0)).orElse(null);
            if (unrunnable != null) {
                System.err.println("lifeguard: cannot run the command after --: " + unrunnable.reason());
                return line.action() == CommandLine.Action.CHECK_CONFIG ? 1 : unrunnable.status();
            }
        }
        if (line.action() == CommandLine.Action.CHECK_CONFIG) {
            Settings.effective(ConfigProvider.getConfig()).forEach(System.out::println);
            System.out.println("lifeguard " + version + ": the configuration is valid"
                    + (line.command().isEmpty() ? "" : " and the command can be run: " + Redaction.commandLine(line.command())));
            return 0;
        }
        if (!line.command().isEmpty()) {
            supervisor.start(line.command());
        }
        Quarkus.waitForExit();
        return supervisor.endedForGood().getNow(0);
    }
}
