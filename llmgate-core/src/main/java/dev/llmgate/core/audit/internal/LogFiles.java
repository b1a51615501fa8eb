package dev.llmgate.core.audit.internal;

import dev.llmgate.core.internal.ByteScan;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.NoSuchElementException;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

/** Finds log files and reads them line by line, telling complete lines from a torn last one. Not public API. */
public final class LogFiles {
    private static final Pattern NAME = Pattern.compile("(.+)-([0-9a-f]{16})-(\\d{6})\\.jsonl");

    private LogFiles() {}

    /** Files as given; directories replaced by their {@code *.jsonl} files in name order. */
    public static List<Path> expand(List<Path> paths) throws IOException {
        List<Path> out = new ArrayList<>();
        for (Path p : paths) {
            if (Files.isDirectory(p)) {
                try (Stream<Path> s = Files.list(p)) {
                    s.filter(f -> f.getFileName().toString().endsWith(".jsonl") && Files.isRegularFile(f))
                            .sorted()
                            .forEach(out::add);
                }
            } else if (Files.isRegularFile(p)) {
                out.add(p);
            } else {
                throw new IOException("no such audit log file or directory: " + p);
            }
        }
        return out;
    }

    /** An iterator over lines that holds a file open until it is exhausted or closed. */
    interface ClosingIterator extends Iterator<LogLine>, AutoCloseable {
        @Override
        void close();
    }

    /** Files grouped by the log id in their names ({@code <prefix>-<logId>-<NNNNNN>.jsonl}); other names form one group. */
    public static Map<String, List<Path>> byLog(List<Path> files) {
        Map<String, List<Path>> groups = new LinkedHashMap<>();
        for (Path f : files) {
            Matcher m = NAME.matcher(f.getFileName().toString());
            String key = m.matches() ? m.group(2) : "";
            groups.computeIfAbsent(key, k -> new ArrayList<>()).add(f);
        }
        return groups;
    }

    /** The lines of {@code files} in order, read lazily. */
    public static Iterator<LogLine> lines(List<Path> files) {
        return new ClosingIterator() {
            private int fileIndex = -1;
            private InputStream in;
            private int lineNo;
            private String fileName;
            private LogLine next;
            private byte[] buf = new byte[8192];
            /** Bytes read from the current file and not yet returned: chunk[chunkPos, chunkEnd). */
            private final byte[] chunk = new byte[1 << 16];

            private int chunkPos;
            private int chunkEnd;

            @Override
            public boolean hasNext() {
                if (next == null) {
                    next = advance();
                }
                return next != null;
            }

            @Override
            public LogLine next() {
                if (!hasNext()) {
                    throw new NoSuchElementException();
                }
                LogLine l = next;
                next = null;
                return l;
            }

            @Override
            public void close() {
                fileIndex = files.size();
                next = null;
                if (in != null) {
                    try {
                        in.close();
                    } catch (IOException e) {
                        // nothing was written
                    }
                    in = null;
                }
            }

            private LogLine advance() {
                try {
                    while (true) {
                        if (in == null) {
                            fileIndex++;
                            if (fileIndex >= files.size()) {
                                return null;
                            }
                            in = Files.newInputStream(files.get(fileIndex));
                            fileName = files.get(fileIndex).toString();
                            chunkPos = 0;
                            chunkEnd = 0;
                            lineNo = 0;
                        }
                        int len = 0;
                        int b = -1;
                        while (true) {
                            if (chunkPos == chunkEnd) {
                                int n = in.read(chunk, 0, chunk.length);
                                if (n < 0) {
                                    b = -1;
                                    break;
                                }
                                chunkPos = 0;
                                chunkEnd = n;
                            }
                            // copy up to the next newline of this chunk in one step
                            int end = ByteScan.indexOfNewline(chunk, chunkPos, chunkEnd);
                            int n = end - chunkPos;
                            if (len == 0 && end < chunkEnd) {
                                // the whole line is in this chunk: one copy
                                lineNo++;
                                byte[] bytes = java.util.Arrays.copyOfRange(chunk, chunkPos, end);
                                chunkPos = end + 1;
                                return LogLine.ofBytes(bytes, fileName, lineNo, true);
                            }
                            if (len + n > buf.length) {
                                buf = java.util.Arrays.copyOf(buf, Math.max(buf.length * 2, len + n));
                            }
                            System.arraycopy(chunk, chunkPos, buf, len, n);
                            len += n;
                            chunkPos = end;
                            if (end < chunkEnd) {
                                chunkPos++; // past the newline
                                b = '\n';
                                break;
                            }
                        }
                        if (b < 0 && len == 0) {
                            in.close();
                            in = null;
                            continue;
                        }
                        lineNo++;
                        byte[] bytes = java.util.Arrays.copyOf(buf, len);
                        if (b < 0) {
                            in.close();
                            in = null;
                        }
                        return LogLine.ofBytes(bytes, fileName, lineNo, b == '\n');
                    }
                } catch (IOException e) {
                    throw new UncheckedIOException(e);
                }
            }
        };
    }

    /**
     * The lines of {@code files} as text, in order, read lazily; a line without its terminator at the
     * end of a file is returned as it is. Close the stream to close the file being read.
     */
    public static Stream<String> textLines(List<Path> files) {
        Iterator<LogLine> lines = lines(files);
        Iterator<String> text = new Iterator<>() {
            @Override
            public boolean hasNext() {
                return lines.hasNext();
            }

            @Override
            public String next() {
                return lines.next().text();
            }
        };
        return java.util.stream.StreamSupport.stream(
                        java.util.Spliterators.spliteratorUnknownSize(
                                text, java.util.Spliterator.ORDERED | java.util.Spliterator.NONNULL),
                        false)
                .onClose(((ClosingIterator) lines)::close);
    }

    /** Lines given one by one (a sink reading back a log), each complete, located as {@code <source>:<n>}. */
    public static Iterator<LogLine> lines(Iterator<String> lines, String source) {
        return new Iterator<>() {
            private int number;

            @Override
            public boolean hasNext() {
                return lines.hasNext();
            }

            @Override
            public LogLine next() {
                return LogLine.ofText(lines.next(), source, ++number);
            }
        };
    }

    /** The lines of an in-memory log, each complete, located as {@code <source>:<n>}. */
    public static Iterator<LogLine> lines(List<String> lines, String source) {
        List<LogLine> out = new ArrayList<>(lines.size());
        for (int i = 0; i < lines.size(); i++) {
            out.add(LogLine.ofText(lines.get(i), source, i + 1));
        }
        return out.iterator();
    }
}
