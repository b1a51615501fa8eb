package dev.llmgate.benchmarks;

import dev.llmgate.api.ChatRequest;
import dev.llmgate.api.ChatResponse;
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
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;

/**
 * Where the full chain's time goes: one caller thread, the in-process provider of
 * {@link ThroughputBenchmark}, and a gate with one stage of {@link FullChain} at a time
 * ({@code none}, {@code policy} (HIPAA preset), {@code routing}, {@code cache} (every call a miss), {@code audit}), two at a time, or
 * all of them ({@code full}). The difference to {@code none} is the stage's own cost per call; with
 * {@code -prof gc} also its allocation per call.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.SampleTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
@Warmup(iterations = 10, time = 1) // the policy scanners need about 8 s of JIT warm-up to reach steady state
@Measurement(iterations = 5, time = 1)
@Fork(
        value = 1,
        jvmArgsAppend = {"-Xms1g", "-Xmx1g"})
public class ChainStageCostBenchmark {
    @Param({"none", "policy", "routing", "cache", "audit", "routing+cache", "routing+audit", "cache+audit", "full"})
    public String stages;

    LlmGate gate;
    AuditLog audit;
    Path auditDirectory;
    String model;
    long seed;

    @Setup(Level.Trial)
    public void setUp() throws IOException {
        ModelProvider inProcess = (request, call) -> ThroughputBenchmark.ANSWER;
        LlmGate.Builder b = LlmGate.builder().provider("primary", inProcess).provider("fallback", inProcess);
        boolean all = stages.equals("full");
        model = "primary:gpt-4o-mini";
        if (all || stages.contains("routing")) {
            b.addInterceptor(
                    Stage.ROUTING,
                    Router.builder()
                            .route(Route.builder(FullChain.ALIAS)
                                    .deployment(Deployment.builder("primary", "gpt-4o-mini")
                                            .catalogProvider("openai")
                                            .build())
                                    .deployment(Deployment.builder("fallback", "gpt-4o-mini")
                                            .catalogProvider("openai")
                                            .build())
                                    .deadline(Duration.ofSeconds(30))
                                    .build())
                            .build());
            model = FullChain.ALIAS;
        }
        if (all || stages.contains("policy")) {
            b.addInterceptor(Stage.POLICY, FullChain.HIPAA.interceptor());
        }
        if (all || stages.contains("cache")) {
            b.addInterceptor(Stage.CACHE, ResponseCache.builder().build().interceptor());
        }
        if (all || stages.contains("audit")) {
            auditDirectory = Files.createTempDirectory("llmgate-bench-stage-audit");
            audit = AuditLog.builder(
                            JsonLinesFileSink.builder(auditDirectory)
                                    .fsync(FsyncPolicy.groupCommit(Duration.ofMillis(10)))
                                    .build(),
                            AuditSigningKey.generate())
                    .instanceId("bench")
                    .checkpointEveryRecords(1000)
                    .build();
            b.addInterceptor(Stage.AUDIT, audit.interceptor());
        }
        gate = b.build();
    }

    @TearDown(Level.Trial)
    public void tearDown() {
        gate.close();
        if (audit != null) {
            audit.close();
            FullChain.deleteRecursively(auditDirectory);
        }
    }

    @Benchmark
    public ChatResponse call() {
        return gate.chat(ChatRequest.builder(model)
                .user(GatewayOverheadBenchmark.PROMPT)
                .maxOutputTokens(200)
                .seed(++seed)
                .build());
    }
}
