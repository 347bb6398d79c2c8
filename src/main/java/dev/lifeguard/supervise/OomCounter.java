package dev.lifeguard.supervise;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.stream.Stream;

import dev.lifeguard.diagnose.Cgroups;

/**
 * The kernel's count of OOM kills in Lifeguard's cgroup (which the child shares), and in the cgroups below it (one the
 * child made, or was put in, for itself: on cgroup v1 a kill there is not counted in Lifeguard's): {@code
 * memory.events} on cgroup v2, {@code memory.oom_control} on v1. A rise across the child's life means the OOM killer
 * took it; the memory limit and peak of the cgroup where it rose say at what size. Thread-safe.
 */
final class OomCounter {

    /** How deep below its own cgroup a child's is looked for. */
    private static final int BELOW_DEPTH = 3;

    private final Optional<Path> file;
    /** The memory hierarchy's mount point: cgroup paths are shown relative to it. */
    private final Path mount;

    private OomCounter(Optional<Path> file, Path mount) {
        this.file = file;
        this.mount = mount;
    }

    /** The counts at one moment: Lifeguard's cgroup's (-1 when unknown) and those below it, by directory. */
    record Snapshot(long own, Map<Path, Long> below) {
    }

    static OomCounter detect() {
        return detect(Path.of("/proc/self/cgroup"), Path.of("/sys/fs/cgroup"));
    }

    /** From a {@code /proc/<pid>/cgroup} file and the cgroup file system's mount point. */
    static OomCounter detect(Path procCgroup, Path cgroupRoot) {
        Optional<Cgroups.Dir> memory = Cgroups.of(procCgroup, cgroupRoot, "memory");
        Optional<Path> file = memory.map(d -> d.path().resolve(d.v2() ? "memory.events" : "memory.oom_control")).filter(Files::isReadable);
        return new OomCounter(file, memory.map(Cgroups.Dir::mount).orElse(cgroupRoot));
    }

    private boolean v2() {
        return file.isPresent() && file.get().getFileName().toString().equals("memory.events");
    }

    /** Where the count comes from, or why there is none. */
    String source() {
        return file.map(Path::toString).orElse("no cgroup memory.events or memory.oom_control is readable here");
    }

    OptionalLong read() {
        return file.isEmpty() ? OptionalLong.empty() : count(file.get());
    }

    /**
     * The counts of the memory cgroups below this one, by directory: a child may make one of its own, and on cgroup v1
     * a kill there does not count here. Empty where there is none, or no count.
     */
    Map<Path, Long> below() {
        if (file.isEmpty()) {
            return Map.of();
        }
        Path dir = file.get().getParent();
        String name = file.get().getFileName().toString();
        Map<Path, Long> counts = new HashMap<>();
        try (Stream<Path> dirs = Files.walk(dir, BELOW_DEPTH)) {
            dirs.filter(d -> !d.equals(dir) && Files.isDirectory(d)).forEach(d -> count(d.resolve(name)).ifPresent(n -> counts.put(d, n)));
        } catch (IOException | RuntimeException e) {
            // gone meanwhile, or not ours to read
        }
        return counts;
    }

    Snapshot snapshot() {
        return new Snapshot(read().orElse(-1), below());
    }

    /**
     * The OOM kills counted since {@code before}, with the limit and peak of the cgroup where they were counted: the
     * deepest below Lifeguard's whose count rose, or Lifeguard's own. On cgroup v2 the counts are hierarchical (a kill
     * below is counted here too); on v1 they are not, so those below are added.
     */
    OomKills since(Snapshot before) {
        long own = read().orElse(-1);
        long kills = before.own() < 0 || own < 0 ? -1 : own - before.own();
        Path where = kills > 0 ? file.get().getParent() : null;
        for (Map.Entry<Path, Long> now : below().entrySet()) {
            long rose = now.getValue() - before.below().getOrDefault(now.getKey(), 0L);
            if (rose > 0) {
                kills = v2() ? Math.max(kills, rose) : Math.max(0, kills) + rose;
                if (where == null || now.getKey().getNameCount() > where.getNameCount()) {
                    where = now.getKey();
                }
            }
        }
        if (kills < 0) {
            return OomKills.UNKNOWN;
        }
        if (where == null) {
            return new OomKills(kills, "", OptionalLong.empty(), OptionalLong.empty());
        }
        Cgroups.Dir cgroup = new Cgroups.Dir(mount, "/" + mount.relativize(where), v2());
        OptionalLong limit = cgroup.number(v2() ? "memory.max" : "memory.limit_in_bytes");
        OptionalLong peak = cgroup.number(v2() ? "memory.peak" : "memory.max_usage_in_bytes");
        return new OomKills(kills, cgroup.name(), limit, peak);
    }

    private static OptionalLong count(Path file) {
        try {
            for (String line : Files.readAllLines(file)) {
                if (line.startsWith("oom_kill ")) {
                    return OptionalLong.of(Long.parseLong(line.substring(9).strip()));
                }
            }
        } catch (IOException | RuntimeException e) {
            // unreadable now: no evidence either way
        }
        return OptionalLong.empty();
    }
}
