package dev.llmgate.core.audit;

import dev.llmgate.api.ChatRequest;
import dev.llmgate.core.LlmGate;
import java.io.FileDescriptor;
import java.io.FileOutputStream;
import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Duration;

/**
 * The child JVM of {@link AuditCrashTest}: writes audit records into a directory until it is
 * killed. Mode {@code continuous} keeps calling; mode {@code torn} stops after a flush and leaves
 * half a line at the end of the file, as a kill in the middle of a write would, then waits; mode
 * {@code acked ACKNOWLEDGEMENT FSYNC QUEUE_CAPACITY THREADS} calls from several threads as fast as
 * it can and prints {@code A<n>} (unbuffered) as soon as call {@code n} (end user {@code u<n>}) has
 * returned to its caller, so that the parent can count acknowledged calls against records.
 */
public final class CrashWriterMain {
    /** The log id of the {@code acked} mode, so that the parent can reopen the log. */
    static final String LOG_ID = "c4a5e1c4a5e1c4a5";

    private CrashWriterMain() {}

    public static void main(String[] args) throws Exception {
        Path dir = Path.of(args[0]);
        String mode = args[1];
        if (mode.equals("acked")) {
            acked(
                    dir,
                    Acknowledgement.valueOf(args[2]),
                    fsync(args[3]),
                    Integer.parseInt(args[4]),
                    Integer.parseInt(args[5]));
            return;
        }
        JsonLinesFileSink sink = JsonLinesFileSink.builder(dir)
                .fsync(FsyncPolicy.none())
                .maxFileBytes(256 * 1024)
                .build();
        AuditLog audit = AuditLog.builder(sink, AuditFixtures.KEY)
                .checkpointEveryRecords(50)
                .checkpointInterval(Duration.ofSeconds(1))
                .build();
        try (LlmGate gate = LlmGate.builder()
                .provider("p", AuditFixtures.echo())
                .alias("fast", "p:m")
                .addInterceptor(dev.llmgate.core.Stage.AUDIT, audit.interceptor())
                .build()) {
            for (int i = 0; i < 200; i++) {
                gate.chat("fast", "warm-up " + i);
            }
            audit.flush();
            if (mode.equals("torn")) {
                Path file = sink.currentFile().orElseThrow();
                try (FileChannel ch = FileChannel.open(file, StandardOpenOption.WRITE, StandardOpenOption.APPEND)) {
                    ch.write(java.nio.ByteBuffer.wrap(
                            "{\"call_id\":\"call_x\",\"cache_hit\":fal".getBytes(StandardCharsets.UTF_8)));
                    ch.force(false);
                }
                System.out.println("READY");
                System.out.flush();
                Thread.currentThread().join();
            }
            System.out.println("READY");
            System.out.flush();
            for (long i = 0; ; i++) {
                gate.chat("fast", "call " + i);
            }
        }
    }

    static FsyncPolicy fsync(String name) {
        switch (name) {
            case "every":
                return FsyncPolicy.everyRecord();
            case "group":
                return FsyncPolicy.groupCommit(Duration.ofMillis(2));
            case "none":
                return FsyncPolicy.none();
            default:
                throw new IllegalArgumentException("fsync: every, group or none, was " + name);
        }
    }

    private static void acked(Path dir, Acknowledgement ack, FsyncPolicy fsync, int queueCapacity, int threads)
            throws Exception {
        AuditLog audit = AuditLog.builder(
                        JsonLinesFileSink.builder(dir)
                                .fsync(fsync)
                                .maxFileBytes(1 << 20)
                                .build(),
                        AuditFixtures.KEY)
                .logId(LOG_ID)
                .acknowledgement(ack)
                .queueCapacity(queueCapacity)
                .checkpointEveryRecords(500)
                .build();
        LlmGate gate = LlmGate.builder()
                .provider("p", AuditFixtures.echo())
                .alias("fast", "p:m")
                .addInterceptor(dev.llmgate.core.Stage.AUDIT, audit.interceptor())
                .build();
        FileOutputStream out = new FileOutputStream(FileDescriptor.out);
        out.write("READY\n".getBytes(StandardCharsets.US_ASCII));
        java.util.concurrent.atomic.AtomicLong next = new java.util.concurrent.atomic.AtomicLong();
        for (int t = 0; t < threads; t++) {
            Thread thread = new Thread(() -> {
                while (true) {
                    long n = next.getAndIncrement();
                    gate.chat(ChatRequest.builder("fast")
                            .user("call " + n)
                            .endUser("u" + n)
                            .build());
                    byte[] line = ("A" + n + "\n").getBytes(StandardCharsets.US_ASCII);
                    try {
                        synchronized (out) {
                            out.write(line); // unbuffered: the parent sees the acknowledgement before the next call
                            // starts
                        }
                    } catch (IOException e) {
                        return;
                    }
                }
            });
            thread.start();
        }
        Thread.currentThread().join();
    }
}
