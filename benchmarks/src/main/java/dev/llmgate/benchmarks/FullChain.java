package dev.llmgate.benchmarks;

import dev.llmgate.api.spi.ModelProvider;
import dev.llmgate.core.LlmGate;
import dev.llmgate.core.Stage;
import dev.llmgate.core.audit.AuditLog;
import dev.llmgate.core.audit.AuditSigningKey;
import dev.llmgate.core.audit.FsyncPolicy;
import dev.llmgate.core.audit.JsonLinesFileSink;
import dev.llmgate.core.cache.ResponseCache;
import dev.llmgate.core.routing.Deployment;
import dev.llmgate.core.routing.Route;
import dev.llmgate.core.routing.Router;
import dev.llmgate.policy.Policy;
import dev.llmgate.policy.preset.CompliancePreset;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Comparator;
import java.util.stream.Stream;

/**
 * The "full production chain" of docs/benchmarks.md, built the way the user guides show it:
 * the HIPAA {@link CompliancePreset} as a {@link Policy} at the POLICY stage (input, output and
 * streaming output, default stream window), a {@link Router} with the alias {@value #ALIAS} over a
 * primary and a fallback deployment (two providers, both pointing at the same upstream), the exact
 * {@link ResponseCache} at its default settings, and an {@link AuditLog} with checkpoints every
 * 1,000 records to a {@link JsonLinesFileSink} with group commit (10 ms) in a fresh temporary
 * directory.
 *
 * <p>Callers make every call a cache miss by giving each request a unique {@code seed}: the key is
 * still computed over the whole request and looked up.
 */
final class FullChain implements AutoCloseable {
    static final String ALIAS = "smart";

    static final Policy HIPAA =
            Policy.builder().name("bench-hipaa").preset(CompliancePreset.HIPAA).build();

    final LlmGate gate;
    final ResponseCache cache;
    final AuditLog audit;
    final Path auditDirectory;

    FullChain(ModelProvider primary, ModelProvider fallback) {
        this(primary, fallback, true);
    }

    /** With {@code policy} false: the same chain without the HIPAA policy (to measure the policy's share in situ). */
    FullChain(ModelProvider primary, ModelProvider fallback, boolean policy) {
        try {
            auditDirectory = Files.createTempDirectory("llmgate-bench-audit");
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        Router router = Router.builder()
                .route(Route.builder(ALIAS)
                        .deployment(Deployment.builder("primary", "gpt-4o-mini")
                                .catalogProvider("openai")
                                .build())
                        .deployment(Deployment.builder("fallback", "gpt-4o-mini")
                                .catalogProvider("openai")
                                .build())
                        .deadline(Duration.ofSeconds(30))
                        .build())
                .build();
        cache = ResponseCache.builder().build();
        audit = AuditLog.builder(
                        JsonLinesFileSink.builder(auditDirectory)
                                .fsync(FsyncPolicy.groupCommit(Duration.ofMillis(10)))
                                .build(),
                        AuditSigningKey.generate())
                .instanceId("bench")
                .checkpointEveryRecords(1000)
                .build();
        LlmGate.Builder builder = LlmGate.builder()
                .provider("primary", primary)
                .provider("fallback", fallback)
                .addInterceptor(Stage.AUDIT, audit.interceptor());
        if (policy) {
            builder.addInterceptor(Stage.POLICY, HIPAA.interceptor());
        }
        gate = builder.addInterceptor(Stage.ROUTING, router)
                .addInterceptor(Stage.CACHE, cache.interceptor())
                .build();
    }

    @Override
    public void close() {
        gate.close();
        audit.close();
        deleteRecursively(auditDirectory);
    }

    static void deleteRecursively(Path directory) {
        try (Stream<Path> paths = Files.walk(directory)) {
            paths.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
        } catch (IOException e) {
            // best effort: a temporary directory
        }
    }
}
