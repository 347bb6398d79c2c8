package dev.lifeguard.supervise;

import java.util.OptionalLong;

/**
 * The OOM kills counted in the child's memory cgroups during its life, with the limit and the peak of the cgroup
 * where they were counted. Immutable.
 *
 * @param count the kills counted, or -1 when no count is readable
 * @param cgroup the memory cgroup where they were counted (e.g. {@code /kubepods/pod-1/abc}), empty when none were
 * @param limit its memory limit in bytes, where it has one
 * @param peak its peak memory use in bytes, where the kernel keeps it
 */
public record OomKills(long count, String cgroup, OptionalLong limit, OptionalLong peak) {

    static final OomKills UNKNOWN = new OomKills(-1, "", OptionalLong.empty(), OptionalLong.empty());

    /** Where and at what size, e.g. {@code "at its memory limit of 400 MiB (peak 400 MiB) in cgroup /x"}; empty without a kill. */
    public String where() {
        if (count <= 0) {
            return "";
        }
        String at = limit.isPresent() ? "at its memory limit of " + mib(limit.getAsLong()) : "with no memory limit of its own";
        return at + (peak.isPresent() ? " (peak " + mib(peak.getAsLong()) + ")" : "") + (cgroup.isEmpty() ? "" : " in cgroup " + cgroup);
    }

    static String mib(long bytes) {
        double mib = bytes / (1024.0 * 1024);
        return mib >= 1024 ? String.format("%.1f GiB", mib / 1024) : mib >= 10 ? String.format("%.0f MiB", mib) : String.format("%.1f MiB", mib);
    }
}
