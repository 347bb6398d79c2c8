/** One probe per kind of target (HTTP(S), TCP, exec), each turning one attempt into a {@link dev.lifeguard.probe.ProbeResult} with a {@link dev.lifeguard.probe.Cause}. */
package dev.lifeguard.probe;
