package io.iopkit;

import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

/** The process's resident set size, from /proc/self/statm. */
final class Rss {
    private Rss() {}

    static long bytes() throws IOException {
        String[] fields = Files.readString(Path.of("/proc/self/statm")).trim().split("\\s+");
        return Long.parseLong(fields[1]) * 4096L;
    }

    /** Runs {@code round} {@code warm} times, then {@code rounds} times, and fails if RSS grew by 32 MiB or more meanwhile. */
    static void assertFlat(int warm, int rounds, String what, Runnable round) throws IOException {
        for (int i = 0; i < warm; i++) {
            round.run();
        }
        System.gc();
        long before = bytes();
        for (int i = 0; i < rounds; i++) {
            round.run();
        }
        System.gc();
        long grown = bytes() - before;
        System.err.println("[iopkit] RSS after warm-up " + (before >> 20) + " MiB, grew by " + (grown >> 10)
                + " KiB over " + what);
        assertTrue(grown < 32L << 20, "RSS grew by " + (grown >> 20) + " MiB over " + what);
    }
}
