package dev.llmgate.benchmarks;

import dev.llmgate.api.ChatRequest;
import dev.llmgate.api.ChatResponse;
import dev.llmgate.api.FinishReason;
import dev.llmgate.api.Usage;
import dev.llmgate.api.spi.ModelProvider;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Threads;
import org.openjdk.jmh.annotations.Warmup;

/**
 * Calls per second through the full chain of {@link FullChain} (routing with a fallback, exact
 * cache missed on every call, audit with checkpoints to a file sink, HIPAA policy preset on input and output) to an
 * in-process provider (a lambda returning a prebuilt answer, no HTTP), with 2, 8 and 64 caller
 * threads. Run with {@code -prof gc} for the allocation per call ({@code gc.alloc.rate.norm}).
 * The {@code baseline_*} benchmark calls the lambda provider directly with the same request, so the
 * allocation of building the request is visible separately.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
@Warmup(iterations = 10, time = 1) // the policy scanners need about 8 s of JIT warm-up to reach steady state
@Measurement(iterations = 5, time = 1)
@Fork(
        value = 1,
        jvmArgsAppend = {"-Xms1g", "-Xmx1g"})
public class ThroughputBenchmark {
    static final ChatResponse ANSWER = ChatResponse.builder()
            .id("resp-bench")
            .provider("primary")
            .model("gpt-4o-mini")
            .text("The gateway adds policy, routing, caching and audit to every call.")
            .finishReason(FinishReason.STOP)
            .usage(Usage.of(512, 14))
            .build();

    static final AtomicLong THREAD_INDEX = new AtomicLong();

    ModelProvider inProcess;
    FullChain fullChain;

    /** Per caller thread: unique seeds, so that every call misses the cache without a shared counter. */
    @State(Scope.Thread)
    public static class Caller {
        long seed;

        @Setup(Level.Trial)
        public void setUp() {
            seed = THREAD_INDEX.incrementAndGet() << 40;
        }

        ChatRequest next() {
            return ChatRequest.builder(FullChain.ALIAS)
                    .user(GatewayOverheadBenchmark.PROMPT)
                    .maxOutputTokens(200)
                    .seed(++seed)
                    .build();
        }
    }

    @Setup(Level.Trial)
    public void setUp() {
        inProcess = (request, call) -> ANSWER;
        fullChain = new FullChain(inProcess, inProcess);
    }

    @TearDown(Level.Trial)
    public void tearDown() {
        fullChain.close();
    }

    @Benchmark
    @Threads(1)
    public ChatResponse baseline_providerDirect_1thread(Caller caller) {
        return inProcess.chat(caller.next(), null);
    }

    @Benchmark
    @Threads(2)
    public ChatResponse fullChain_2threads(Caller caller) {
        return fullChain.gate.chat(caller.next());
    }

    @Benchmark
    @Threads(8)
    public ChatResponse fullChain_8threads(Caller caller) {
        return fullChain.gate.chat(caller.next());
    }

    @Benchmark
    @Threads(64)
    public ChatResponse fullChain_64threads(Caller caller) {
        return fullChain.gate.chat(caller.next());
    }
}
