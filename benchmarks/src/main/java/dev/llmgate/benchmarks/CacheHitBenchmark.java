package dev.llmgate.benchmarks;

import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;
import dev.llmgate.api.ChatRequest;
import dev.llmgate.api.ChatResponse;
import dev.llmgate.api.ChatResult;
import dev.llmgate.api.spi.CallContext;
import dev.llmgate.api.spi.Interceptor;
import dev.llmgate.core.LlmGate;
import dev.llmgate.core.Stage;
import dev.llmgate.core.cache.ResponseCache;
import dev.llmgate.core.cache.internal.RequestDigest;
import dev.llmgate.core.internal.DefaultCallContext;
import java.time.Clock;
import java.util.concurrent.TimeUnit;
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
import org.openjdk.jmh.annotations.Warmup;

/**
 * An exact-cache hit for a 2 KB request, key computation included: {@code hit_cacheInterceptor}
 * runs {@link ResponseCache}'s interceptor alone, as the gate's CACHE stage does (read the
 * controls, compute the SHA-256 key over the canonical request, look it up, record the hit in the
 * call context); {@code hit_throughGate} is the same hit through an {@link LlmGate} with only the
 * cache registered. Beside them, in the same run: {@code key_requestDigest} (the key computation
 * alone) and {@code baseline_caffeineGetIfPresent}, a bare Caffeine {@code getIfPresent} of a
 * precomputed key. Target: the interceptor's hit under 5 µs at the median.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.SampleTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(
        value = 1,
        jvmArgsAppend = {"-Xms1g", "-Xmx1g"})
public class CacheHitBenchmark {
    static final String MODEL = "primary:gpt-4o-mini";

    ChatRequest request;
    ResponseCache cache;
    Interceptor interceptor;
    LlmGate gate;
    Cache<String, ChatResponse> caffeine;
    String caffeineKey;
    Clock clock = Clock.systemUTC();

    @Setup(Level.Trial)
    public void setUp() {
        request = ChatRequest.builder(MODEL)
                .user(GatewayOverheadBenchmark.PROMPT)
                .maxOutputTokens(200)
                .build();
        cache = ResponseCache.builder().build();
        interceptor = cache.interceptor();
        gate = LlmGate.builder()
                .provider("primary", (r, c) -> ThroughputBenchmark.ANSWER)
                .addInterceptor(Stage.CACHE, interceptor)
                .build();
        gate.chat(request); // stores the answer
        if (cache.stats().stores() != 1) {
            throw new IllegalStateException("the answer was not stored: " + cache.stats());
        }
        caffeine = Caffeine.newBuilder().maximumSize(10_000).build();
        caffeineKey = RequestDigest.digest("exact", "default", request);
        caffeine.put(caffeineKey, ThroughputBenchmark.ANSWER);
    }

    @TearDown(Level.Trial)
    public void tearDown() {
        if (cache.stats().misses() != 1) {
            throw new IllegalStateException("a measured call missed: " + cache.stats());
        }
        gate.close();
    }

    @Benchmark
    public ChatResult hit_cacheInterceptor() {
        CallContext call = new DefaultCallContext("bench", false, clock);
        return interceptor.intercept(new Interceptor.Chain() {
            @Override
            public ChatRequest request() {
                return request;
            }

            @Override
            public CallContext call() {
                return call;
            }

            @Override
            public ChatResult proceed(ChatRequest next) {
                throw new IllegalStateException("a cache hit must not call upstream");
            }
        });
    }

    @Benchmark
    public ChatResponse hit_throughGate() {
        return gate.chat(request);
    }

    @Benchmark
    public String key_requestDigest() {
        return RequestDigest.digest("exact", "default", request);
    }

    @Benchmark
    public ChatResponse baseline_caffeineGetIfPresent() {
        return caffeine.getIfPresent(caffeineKey);
    }
}
