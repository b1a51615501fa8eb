package dev.llmgate.core.audit;

import static dev.llmgate.core.audit.AuditFixtures.KEY;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.llmgate.core.audit.internal.LogCheck;
import dev.llmgate.core.audit.internal.LogFiles;
import dev.llmgate.core.audit.internal.LogLine;
import dev.llmgate.core.audit.internal.ParsedLines;
import dev.llmgate.core.audit.internal.Timestamps;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Random;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The verifier's read-ahead thread (same results as reading inline, even when reading fails; no
 * thread or open file left behind) and the hand-written timestamp formatter against java.time.
 */
class ParsedLinesTest {

    /** Lines from memory that throw an UncheckedIOException when line {@code failAt} (0-based) is asked for. */
    private static Iterator<LogLine> failingAt(List<String> lines, int failAt) {
        Iterator<LogLine> it = LogFiles.lines(lines, "mem");
        return new Iterator<>() {
            int i;

            @Override
            public boolean hasNext() {
                if (i == failAt) {
                    throw new UncheckedIOException(new IOException("disk gone at line " + (failAt + 1)));
                }
                return it.hasNext();
            }

            @Override
            public LogLine next() {
                i++;
                return it.next();
            }
        };
    }

    private static LogCheck check() {
        return new LogCheck(Set.of(KEY.publicKeyHex()), Map.of(), Optional.empty(), List.of("mem"));
    }

    /**
     * A tampered entry before a read failure: checking inline reports the tampering (the read
     * failure is never reached); reading ahead must report the same, not lose the lines read in the
     * batch that failed and throw the read failure instead.
     */
    @Test
    void aTamperedEntryBeforeAReadFailureIsReportedTheSameWithReadAhead() {
        List<String> lines = new ArrayList<>(AuditFixtures.writeLog(KEY, 40, null));
        int tampered = AuditLogTest.indexOfType(lines, "call") + 1;
        lines.set(tampered, lines.get(tampered).replace("acme", "acmf"));
        VerificationReport inline = new VerificationReport(check().run(failingAt(lines, 30)));
        assertThat(inline.valid()).isFalse();
        VerificationReport ahead;
        try (ParsedLines parsed = ParsedLines.inBackground(failingAt(lines, 30))) {
            ahead = new VerificationReport(check().run(parsed));
        }
        assertThat(ahead.valid()).isFalse();
        assertThat(ahead.failure()).isEqualTo(inline.failure());
    }

    /** A read failure with no unread lines before it (at the start, at a batch boundary) still reaches the caller. */
    @Test
    void aReadFailureAtABatchBoundaryIsThrownNotSwallowed() {
        List<String> lines = new ArrayList<>(AuditFixtures.writeLog(KEY, 600, null));
        for (int failAt : new int[] {0, 256, 512}) {
            assertThatThrownBy(() -> {
                        try (ParsedLines parsed = ParsedLines.inBackground(failingAt(lines, failAt))) {
                            check().run(parsed);
                        }
                    })
                    .as("failure at line %d", failAt)
                    .isInstanceOf(UncheckedIOException.class)
                    .hasMessageContaining("disk gone");
        }
    }

    private static long readerThreads() {
        return Thread.getAllStackTraces().keySet().stream()
                .filter(t -> t.getName().equals("llmgate-audit-verifier-reader") && t.isAlive())
                .count();
    }

    private static long openFds(Path file) throws IOException {
        Path fdDir = Path.of("/proc/self/fd");
        if (!Files.isDirectory(fdDir)) {
            return 0;
        }
        long n = 0;
        try (var s = Files.list(fdDir)) {
            for (Path fd : (Iterable<Path>) s::iterator) {
                try {
                    if (Files.readSymbolicLink(fd).equals(file.toAbsolutePath())) {
                        n++;
                    }
                } catch (IOException e) {
                    // closed meanwhile
                }
            }
        }
        return n;
    }

    /** Verification fails on line 1 while the reader is far ahead: the reader ends and the file is closed. */
    @Test
    void anEarlyFailureEndsTheReaderAndClosesTheFile(@TempDir Path dir) throws Exception {
        Path file = dir.resolve("audit-x-000001.jsonl");
        StringBuilder sb = new StringBuilder("not json\n");
        for (int i = 0; i < 20_000; i++) {
            sb.append("{\"seq\":").append(i).append("}\n");
        }
        Files.writeString(file, sb);
        for (int i = 0; i < 5; i++) {
            VerificationReport r = AuditFixtures.verifier(KEY).verify(List.of(file));
            assertThat(r.valid()).isFalse();
        }
        // verify returns only once its reader thread has ended and closed the file
        assertThat(readerThreads()).as("reader threads still alive").isZero();
        assertThat(openFds(file)).as("descriptors still open on the log file").isZero();
    }

    @Test
    void closingBeforeReadingEndsTheReader() throws Exception {
        Iterator<LogLine> endless = new Iterator<>() {
            @Override
            public boolean hasNext() {
                return true;
            }

            @Override
            public LogLine next() {
                return LogFiles.lines(List.of("{}"), "x").next();
            }
        };
        ParsedLines p = ParsedLines.inBackground(endless);
        assertThat(p.hasNext()).isTrue();
        p.close();
        p.close();
        assertThat(readerThreads()).isZero();
    }

    @Test
    void handFormattedTimestampsMatchJavaTime() {
        DateTimeFormatter reference =
                DateTimeFormatter.ofPattern("yyyy-MM-dd'T'HH:mm:ss.SSS'Z'").withZone(ZoneOffset.UTC);
        long year10000 = 253_402_300_800_000L;
        List<Long> instants = new ArrayList<>(List.of(
                0L,
                1L,
                999L,
                1000L,
                86_399_999L,
                86_400_000L,
                -1L,
                -86_400_000L,
                951_782_400_000L /* 2000-02-29 */,
                4_107_542_399_999L /* 2100-02-28T23:59:59.999 */,
                year10000 - 1,
                year10000,
                -62_135_596_800_000L /* 0001-01-01 */,
                -62_135_596_800_001L,
                -30_000_000_000_000L));
        Random r = new Random(7);
        for (int i = 0; i < 200_000; i++) {
            instants.add(Math.floorMod(r.nextLong(), year10000));
        }
        for (long ms : instants) {
            String expected = reference.format(Instant.ofEpochMilli(ms));
            assertThat(Timestamps.format(ms)).as("" + ms).isEqualTo(expected);
            if (ms >= 0 && ms < year10000) {
                assertThat(expected).hasSize(24);
                assertThat(Timestamps.parse(expected)).isEqualTo(Instant.ofEpochMilli(ms));
            }
        }
        // the hand parser and Instant.parse agree on inputs the hand parser looks at
        String[] odd = {
            "2025-02-29T00:00:00.000Z",
            "2024-02-29T00:00:00.000Z",
            "2025-13-01T00:00:00.000Z",
            "2025-01-31T24:00:00.000Z",
            "2025-01-31T23:59:60.000Z",
            "1969-12-31T23:59:59.999Z",
            "2025-01-3aT00:00:00.000Z",
            "2025-04-31T00:00:00.000Z",
            "0000-01-01T00:00:00.000Z",
            "9999-12-31T23:59:59.999Z",
            "2025-01-31T12:34:56.78 Z"
        };
        for (String s : odd) {
            Object expected;
            try {
                expected = Instant.parse(s);
            } catch (RuntimeException e) {
                expected = e.getClass();
            }
            Object actual;
            try {
                actual = Timestamps.parse(s);
            } catch (RuntimeException e) {
                actual = e.getClass();
            }
            assertThat(actual).as(s).isEqualTo(expected);
        }
    }
}
