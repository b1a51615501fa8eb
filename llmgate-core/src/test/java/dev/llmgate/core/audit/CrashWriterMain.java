package dev.llmgate.core.audit;

import dev.llmgate.core.LlmGate;

import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Duration;

/**
 * The child JVM of {@link AuditCrashTest}: writes audit records into a directory until it is
 * killed. Mode {@code continuous} keeps calling; mode {@code torn} stops after a flush and leaves
 * half a line at the end of the file, as a kill in the middle of a write would, then waits.
 */
public final class CrashWriterMain {
    private CrashWriterMain() {
    }

    public static void main(String[] args) throws Exception {
        Path dir = Path.of(args[0]);
        String mode = args[1];
        JsonLinesFileSink sink = JsonLinesFileSink.builder(dir).fsync(FsyncPolicy.none()).maxFileBytes(256 * 1024).build();
        AuditLog audit = AuditLog.builder(sink, AuditFixtures.KEY).checkpointEveryRecords(50).checkpointInterval(Duration.ofSeconds(1))
                .build();
        try (LlmGate gate = LlmGate.builder().provider("p", AuditFixtures.echo()).alias("fast", "p:m")
                .addInterceptor(dev.llmgate.core.Stage.AUDIT, audit.interceptor()).build()) {
            for (int i = 0; i < 200; i++) {
                gate.chat("fast", "warm-up " + i);
            }
            audit.flush();
            if (mode.equals("torn")) {
                Path file = sink.currentFile().orElseThrow();
                try (FileChannel ch = FileChannel.open(file, StandardOpenOption.WRITE, StandardOpenOption.APPEND)) {
                    ch.write(java.nio.ByteBuffer.wrap("{\"call_id\":\"call_x\",\"cache_hit\":fal".getBytes(StandardCharsets.UTF_8)));
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
}
