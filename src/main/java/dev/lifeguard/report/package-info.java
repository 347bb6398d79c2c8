/** Tells load balancers, Kubernetes and operators what the watch concluded: health checks, the status page and metrics. Reads verdicts; never probes. */
package dev.lifeguard.report;
