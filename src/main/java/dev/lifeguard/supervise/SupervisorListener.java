package dev.lifeguard.supervise;

/** Told about every restart decision, on the supervisor's thread: implementations must be quick. */
public interface SupervisorListener {

    void restarted(Restart restart);
}
