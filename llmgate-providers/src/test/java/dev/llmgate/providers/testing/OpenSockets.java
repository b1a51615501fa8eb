package dev.llmgate.providers.testing;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.stream.Stream;

/**
 * This JVM's open TCP sockets whose remote end is a given local port: the client side of connections
 * to a test server, whatever their state (ESTABLISHED, CLOSE_WAIT, ...). Reads Linux's /proc: the
 * kernel's socket table, joined with this process's file descriptors, so a socket counts exactly as
 * long as a descriptor of ours holds it. Closing a socket releases its descriptor synchronously, so
 * the count needs no waiting.
 */
public final class OpenSockets {
    private OpenSockets() {}

    /** Whether this system has the /proc files (Linux). */
    public static boolean available() {
        return Files.isReadable(Path.of("/proc/self/net/tcp")) && Files.isDirectory(Path.of("/proc/self/fd"));
    }

    /** The number of this process's sockets connected to {@code port} on this machine. */
    public static int to(int port) throws IOException {
        Set<String> inodes = new HashSet<>();
        String hexPort = String.format(Locale.ROOT, ":%04X", port);
        for (String table : List.of("/proc/self/net/tcp", "/proc/self/net/tcp6")) {
            Path p = Path.of(table);
            if (!Files.isReadable(p)) {
                continue;
            }
            for (String line : Files.readAllLines(p)) {
                String[] f = line.trim().split("\\s+");
                if (f.length > 9 && f[2].endsWith(hexPort) && !f[9].equals("0")) {
                    inodes.add(f[9]);
                }
            }
        }
        int n = 0;
        try (Stream<Path> fds = Files.list(Path.of("/proc/self/fd"))) {
            for (Path fd : (Iterable<Path>) fds::iterator) {
                String target;
                try {
                    target = Files.readSymbolicLink(fd).toString();
                } catch (IOException gone) {
                    continue; // closed while we listed
                }
                if (target.startsWith("socket:[") && inodes.contains(target.substring(8, target.length() - 1))) {
                    n++;
                }
            }
        }
        return n;
    }
}
