/** Rules that turn probe results and what {@code /proc} shows of a process into a named cause with its evidence. */
package dev.lifeguard.diagnose;
