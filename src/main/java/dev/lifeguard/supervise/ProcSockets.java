package dev.lifeguard.supervise;

import java.io.IOException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.stream.Stream;

/**
 * The connections a process and its descendants hold on one local port, from {@code /proc}: the requests it is still
 * serving. A connection it has finished with leaves its file descriptors; a hung process keeps its connections (in
 * CLOSE_WAIT once the client gave up). Stateless.
 */
final class ProcSockets {

    private static final String ESTABLISHED = "01";
    private static final String CLOSE_WAIT = "08";

    private ProcSockets() {
    }

    /**
     * The requests {@code process} and its descendants are serving on local port {@code port}: their connections that
     * a client still waits on (ESTABLISHED), leaving out Lifeguard's own probes. A connection whose client gave up
     * (CLOSE_WAIT) is no request in flight. Empty when {@code /proc} cannot be read.
     */
    static Set<Long> serving(ProcessHandle process, int port) {
        Set<Long> owned = owned(process);
        if (owned.isEmpty()) {
            return Set.of();
        }
        Set<Long> serving = new HashSet<>();
        for (String table : List.of("tcp", "tcp6")) {
            // Lifeguard's own sockets before and after the table: a probe that connects meanwhile is still ours.
            Set<Long> mine = socketInodes(ProcessHandle.current().pid());
            List<String[]> rows = rows(process.pid(), table);
            mine.addAll(socketInodes(ProcessHandle.current().pid()));
            Set<String> ourEnds = new HashSet<>();
            for (String[] f : rows) {
                if (mine.contains(Long.parseLong(f[9]))) {
                    ourEnds.add(f[1]);
                }
            }
            for (String[] f : rows) {
                long inode = Long.parseLong(f[9]);
                if (f[3].equals(ESTABLISHED) && localPort(f[1]) == port && owned.contains(inode) && !ourEnds.contains(f[2])) {
                    serving.add(inode);
                }
            }
        }
        return serving;
    }

    /**
     * Every connection {@code process} and its descendants hold on local port {@code port}, answered or not, the
     * client still there (ESTABLISHED) or gone (CLOSE_WAIT): one that disappears was finished with, which a hung
     * process never does.
     */
    static Set<Long> held(ProcessHandle process, int port) {
        Set<Long> owned = owned(process);
        Set<Long> held = new HashSet<>();
        for (String table : List.of("tcp", "tcp6")) {
            for (String[] f : rows(process.pid(), table)) {
                long inode = Long.parseLong(f[9]);
                if ((f[3].equals(ESTABLISHED) || f[3].equals(CLOSE_WAIT)) && localPort(f[1]) == port && owned.contains(inode)) {
                    held.add(inode);
                }
            }
        }
        return held;
    }

    /**
     * The connections {@code process} and its descendants hold on local port {@code port} whose client has closed its
     * end (CLOSE_WAIT): a server that is reading notices that at once and closes too; one that keeps them is stuck in
     * the requests they carried.
     */
    static Set<Long> abandoned(ProcessHandle process, int port) {
        Set<Long> owned = owned(process);
        Set<Long> abandoned = new HashSet<>();
        for (String table : List.of("tcp", "tcp6")) {
            for (String[] f : rows(process.pid(), table)) {
                long inode = Long.parseLong(f[9]);
                if (f[3].equals(CLOSE_WAIT) && localPort(f[1]) == port && owned.contains(inode)) {
                    abandoned.add(inode);
                }
            }
        }
        return abandoned;
    }

    private static Set<Long> owned(ProcessHandle process) {
        Set<Long> owned = new HashSet<>();
        try (Stream<ProcessHandle> tree = Stream.concat(Stream.of(process), process.descendants())) {
            tree.forEach(p -> owned.addAll(socketInodes(p.pid())));
        }
        return owned;
    }

    /** The rows of {@code /proc/<pid>/net/<table>} as fields: 1 local, 2 remote, 3 state, 9 inode. */
    private static List<String[]> rows(long pid, String table) {
        try (Stream<String> lines = Files.lines(Path.of("/proc", Long.toString(pid), "net", table))) {
            return lines.skip(1).map(line -> line.strip().split("\\s+")).filter(f -> f.length > 9).toList();
        } catch (IOException | RuntimeException e) {
            // The process ended, or the table is not there (no IPv6).
            return List.of();
        }
    }

    private static int localPort(String address) {
        int colon = address.lastIndexOf(':');
        return colon < 0 ? -1 : Integer.parseInt(address.substring(colon + 1), 16);
    }

    private static Set<Long> socketInodes(long pid) {
        Set<Long> inodes = new HashSet<>();
        try (DirectoryStream<Path> fds = Files.newDirectoryStream(Path.of("/proc", Long.toString(pid), "fd"))) {
            for (Path fd : fds) {
                try {
                    String target = Files.readSymbolicLink(fd).toString();
                    if (target.startsWith("socket:[")) {
                        inodes.add(Long.parseLong(target.substring(8, target.length() - 1)));
                    }
                } catch (IOException | RuntimeException e) {
                    // Closed meanwhile.
                }
            }
        } catch (IOException | RuntimeException e) {
            // Gone, or not ours to read.
        }
        return inodes;
    }
}
