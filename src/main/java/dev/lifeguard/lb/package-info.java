/**
 * Tells load balancers what the watch concluded, the moment it does, and drains them before a planned stop: HAProxy's
 * agent-check, the pollers that must observe a drain. Reads readiness; never probes.
 */
package dev.lifeguard.lb;
