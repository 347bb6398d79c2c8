/** Runs the wrapped service as a child process, forwards its output, sees it die or hang, gathers evidence, and restarts it within a budget. */
package dev.lifeguard.supervise;
