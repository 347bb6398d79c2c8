package dev.lifeguard;

import java.net.BindException;

import io.quarkus.runtime.ApplicationLifecycleManager;
import io.quarkus.runtime.PreventFurtherStepsException;
import io.quarkus.runtime.QuarkusBindException;
import io.quarkus.runtime.configuration.ConfigurationException;
import io.quarkus.runtime.util.ExceptionUtil;
import io.smallrye.config.ConfigValidationException;

/**
 * Says why Lifeguard could not start, in as few lines as the cause needs. Given an exit handler, Quarkus reports no
 * start-up failure itself: invalid configuration is its message alone, Lifeguard's own port in use one line naming
 * {@code quarkus.http.port} (not Quarkus's generic advice to {@code kill -9} whatever holds it), anything else the
 * stack trace, which is a bug to report.
 */
final class StartupFailures {

    private StartupFailures() {
    }

    /** The exit handler of the whole application: reports a start-up failure, then exits as Quarkus would. */
    static void exit(Integer status, Throwable failure) {
        int exitStatus = status;
        if (failure != null) {
            Throwable root = ExceptionUtil.getRootCause(failure);
            if (root instanceof QuarkusBindException || root instanceof BindException) {
                String port = root instanceof QuarkusBindException q ? " " + q.getPort() : "";
                System.err.println("lifeguard: cannot listen on port" + port + ": it is in use by another process. Set quarkus.http.port "
                        + "(-Dquarkus.http.port=PORT, or QUARKUS_HTTP_PORT=PORT) to a free port, or stop what listens there"
                        + (port.isEmpty() ? "" : " (ss -ltnp 'sport = :" + port.strip() + "')") + ".");
                exitStatus = 1;
            } else if (root instanceof ConfigurationException || root instanceof ConfigValidationException) {
                System.err.println(root.getMessage());
            } else if (root instanceof PreventFurtherStepsException p) {
                if (p.getMessage() != null && !p.getMessage().isEmpty()) {
                    System.err.println(p.getMessage());
                }
                exitStatus = p.getExitCode();
            } else {
                System.err.println("lifeguard: failed to start (please report this):");
                failure.printStackTrace();
            }
        }
        ApplicationLifecycleManager.getDefaultExitCodeHandler().accept(exitStatus, failure);
    }
}
