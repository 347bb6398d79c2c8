/**
 * What Lifeguard tells Kubernetes about its own pod: the readiness gate's condition on every readiness change, and
 * Events for failures, restarts, drains and recoveries. Reads watch, diagnose and supervise; nothing reads it but the
 * report.
 */
package dev.lifeguard.kubernetes;
