package dev.lifeguard.diagnose;

import java.io.BufferedReader;
import java.io.IOException;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.nio.charset.StandardCharsets;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.function.Consumer;
import java.util.stream.Stream;

/**
 * The TCP sockets a process and its descendants hold, from {@code /proc}: where they listen, and on one local port the
 * requests they are still serving. A connection it has finished with leaves its file descriptors; a hung process
 * keeps its connections (in CLOSE_WAIT once the client gave up). The one reader of the socket tables. Stateless.
 */
public final class Sockets {

    private static final String ESTABLISHED = "01";
    private static final String CLOSE_WAIT = "08";
    private static final String LISTEN = "0A";

    /**
     * A listening socket: its address as the kernel shows it, and its port. Immutable.
     *
     * @param address {@code 0.0.0.0} or {@code ::} for every address
     */
    public record Listener(String address, int port) {

        boolean any() {
            return address.equals("0.0.0.0") || address.equals("::");
        }

        boolean loopback() {
            return address.startsWith("127.") || address.equals("::1") || address.startsWith("::ffff:127.");
        }

        /**
         * Whether a connection to {@code host} can reach it: an address it is bound to or every address; loopback
         * names and addresses reach a loopback listener. Other names cannot be judged here, so they are taken to.
         */
        public boolean reaches(String host) {
            String h = host.startsWith("[") && host.endsWith("]") ? host.substring(1, host.length() - 1) : host;
            boolean hostLoopback = h.equals("localhost") || h.startsWith("127.") || h.equals("::1");
            boolean hostLiteral = h.chars().allMatch(c -> Character.digit(c, 16) >= 0 || c == '.' || c == ':');
            return any() || hostLoopback && loopback() || h.equalsIgnoreCase(address) || !hostLoopback && !hostLiteral;
        }

        @Override
        public String toString() {
            return (address.contains(":") ? "[" + address + "]" : address) + ":" + port;
        }
    }

    private Sockets() {
    }

    /**
     * The requests {@code process} and its descendants are serving on local port {@code port}: their connections that
     * a client still waits on (ESTABLISHED), leaving out Lifeguard's own probes. A connection whose client gave up
     * (CLOSE_WAIT) is no request in flight. Empty when {@code /proc} cannot be read.
     */
    public static Set<Long> serving(ProcessHandle process, int port) {
        Set<Long> owned = owned(process);
        if (owned.isEmpty()) {
            return Set.of();
        }
        Set<Long> serving = new HashSet<>();
        for (Path table : tables(process.pid())) {
            // Lifeguard's own sockets before and after the table: a probe that connects meanwhile is still ours.
            Set<Long> mine = socketInodes(ProcessHandle.current().pid());
            // Only the rows of this port's connections are kept, from both ends: the table may hold a host's worth.
            List<String[]> candidates = new ArrayList<>();
            List<String[]> clients = new ArrayList<>();
            scan(table, f -> {
                if (f[3].equals(ESTABLISHED) && localPort(f[1]) == port && owned.contains(Long.parseLong(f[9]))) {
                    candidates.add(f);
                } else if (localPort(f[2]) == port) {
                    clients.add(f);
                }
            });
            mine.addAll(socketInodes(ProcessHandle.current().pid()));
            Set<String> ourEnds = new HashSet<>();
            for (String[] f : clients) {
                if (mine.contains(Long.parseLong(f[9]))) {
                    ourEnds.add(f[1]);
                }
            }
            for (String[] f : candidates) {
                if (!ourEnds.contains(f[2])) {
                    serving.add(Long.parseLong(f[9]));
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
    public static Set<Long> held(ProcessHandle process, int port) {
        return inState(process, port, Set.of(ESTABLISHED, CLOSE_WAIT));
    }

    /**
     * The connections {@code process} and its descendants hold on local port {@code port} whose client has closed its
     * end (CLOSE_WAIT): a server that is reading notices that at once and closes too; one that keeps them is stuck in
     * the requests they carried.
     */
    public static Set<Long> abandoned(ProcessHandle process, int port) {
        return inState(process, port, Set.of(CLOSE_WAIT));
    }

    private static Set<Long> inState(ProcessHandle process, int port, Set<String> states) {
        Set<Long> owned = owned(process);
        Set<Long> found = new HashSet<>();
        for (Path table : tables(process.pid())) {
            scan(table, f -> {
                long inode = Long.parseLong(f[9]);
                if (states.contains(f[3]) && localPort(f[1]) == port && owned.contains(inode)) {
                    found.add(inode);
                }
            });
        }
        return found;
    }

    /** Where {@code process} and its descendants listen for TCP connections; empty when {@code /proc} cannot be read. */
    public static List<Listener> listening(ProcessHandle process) {
        return listening(owned(process), tables(process.pid()));
    }

    /** The sockets among {@code owned} (inodes) that listen, from the socket tables {@code tables}. */
    static List<Listener> listening(Set<Long> owned, List<Path> tables) {
        List<Listener> listening = new ArrayList<>();
        for (Path table : tables) {
            scan(table, f -> {
                if (f[3].equals(LISTEN) && owned.contains(Long.parseLong(f[9]))) {
                    listening.add(new Listener(address(f[1]), localPort(f[1])));
                }
            });
        }
        return listening;
    }

    /** The address part of {@code /proc/net/tcp}'s {@code ADDRESS:PORT}: 32-bit words in host (little-endian) order. */
    static String address(String hexAddressAndPort) {
        String hex = hexAddressAndPort.substring(0, hexAddressAndPort.lastIndexOf(':'));
        byte[] bytes = new byte[hex.length() / 2];
        for (int word = 0; word < bytes.length / 4; word++) {
            for (int b = 0; b < 4; b++) {
                int at = (word * 4 + 3 - b) * 2;
                bytes[word * 4 + b] = (byte) Integer.parseInt(hex.substring(at, at + 2), 16);
            }
        }
        try {
            String text = InetAddress.getByAddress(bytes).getHostAddress();
            return text.equals("0:0:0:0:0:0:0:0") ? "::" : text.equals("0:0:0:0:0:0:0:1") ? "::1" : text;
        } catch (UnknownHostException e) {
            return hex;
        }
    }

    private static Set<Long> owned(ProcessHandle process) {
        Set<Long> owned = new HashSet<>();
        try (Stream<ProcessHandle> tree = Stream.concat(Stream.of(process), process.descendants())) {
            tree.forEach(p -> owned.addAll(socketInodes(p.pid())));
        }
        return owned;
    }

    /** The TCP socket tables of the network namespace {@code pid} is in: IPv4, then IPv6. */
    private static List<Path> tables(long pid) {
        Path net = Path.of("/proc", Long.toString(pid), "net");
        return List.of(net.resolve("tcp"), net.resolve("tcp6"));
    }

    /**
     * Hands each row of a socket table such as {@code /proc/<pid>/net/tcp} to {@code row} as fields (1 local, 2 remote,
     * 3 state, 9 inode), one at a time: a busy host's table has tens of thousands of rows, more than the heap holds at
     * once. Nothing when it cannot be read.
     */
    private static void scan(Path table, Consumer<String[]> row) {
        try (BufferedReader lines = Files.newBufferedReader(table, StandardCharsets.US_ASCII)) {
            lines.readLine(); // the header
            for (String line = lines.readLine(); line != null; line = lines.readLine()) {
                String[] f = line.strip().split("\\s+");
                if (f.length > 9) {
                    row.accept(f);
                }
            }
        } catch (IOException | RuntimeException e) {
            // The process ended, or the table is not there (no IPv6).
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
