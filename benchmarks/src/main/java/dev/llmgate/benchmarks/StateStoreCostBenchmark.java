package dev.llmgate.benchmarks;

import dev.llmgate.api.ChatRequest;
import dev.llmgate.api.ChatResponse;
import dev.llmgate.api.spi.ModelProvider;
import dev.llmgate.core.LlmGate;
import dev.llmgate.core.budget.BudgetInterceptor;
import dev.llmgate.core.budget.BudgetLimit;
import dev.llmgate.core.routing.Deployment;
import dev.llmgate.core.routing.Route;
import dev.llmgate.core.routing.Router;
import dev.llmgate.core.routing.StateStore;
import dev.llmgate.redis.RedisStateStore;
import java.io.IOException;
import java.net.ServerSocket;
import java.net.Socket;
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
 * What a shared state store costs per call: a request and a token budget per tenant (reserve before the call, settle
 * after) and a router with a circuit breaker (its state read per call), on {@code inMemory} or on {@code redis} (a
 * {@code redis-server} this benchmark starts on a free loopback port and stops by its process handle; the binary:
 * {@code LLMGATE_TEST_REDIS_SERVER} or {@code /usr/bin/redis-server}). Report {@code redis} as a ratio to
 * {@code inMemory} of the same run.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
@Warmup(iterations = 5, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(
        value = 1,
        jvmArgsAppend = {"-Xms1g", "-Xmx1g"})
public class StateStoreCostBenchmark {
    @Param({"inMemory", "redis"})
    public String store;

    LlmGate gate;
    StateStore state;
    Process redis;
    long seed;

    @Setup(Level.Trial)
    public void setUp() throws IOException, InterruptedException {
        if (store.equals("redis")) {
            int port;
            try (ServerSocket s = new ServerSocket(0)) {
                port = s.getLocalPort();
            }
            String binary = System.getenv().getOrDefault("LLMGATE_TEST_REDIS_SERVER", "/usr/bin/redis-server");
            redis = new ProcessBuilder(
                            binary,
                            "--port",
                            Integer.toString(port),
                            "--bind",
                            "127.0.0.1",
                            "--save",
                            "",
                            "--appendonly",
                            "no")
                    .redirectErrorStream(true)
                    .redirectOutput(ProcessBuilder.Redirect.DISCARD)
                    .start();
            for (int i = 0; ; i++) {
                try {
                    new Socket(java.net.InetAddress.getLoopbackAddress(), port).close();
                    break;
                } catch (IOException notYet) {
                    if (i > 500) {
                        throw notYet;
                    }
                    Thread.sleep(10);
                }
            }
            state = RedisStateStore.builder("redis://127.0.0.1:" + port).build();
        } else {
            state = StateStore.inMemory();
        }
        ModelProvider inProcess = (request, call) -> ThroughputBenchmark.ANSWER;
        gate = LlmGate.builder()
                .provider("primary", inProcess)
                .addInterceptor(Router.builder()
                        .route(Route.builder(FullChain.ALIAS)
                                .deployment(Deployment.builder("primary", "gpt-4o-mini")
                                        .catalogProvider("openai")
                                        .build())
                                .deadline(Duration.ofSeconds(30))
                                .build())
                        .stateStore(state)
                        .build())
                .addInterceptor(BudgetInterceptor.builder()
                        .limit(BudgetLimit.requests(Long.MAX_VALUE / 4, Duration.ofHours(1)))
                        .limit(BudgetLimit.tokens(Long.MAX_VALUE / 4, Duration.ofHours(1)))
                        .stateStore(state)
                        .build())
                .build();
    }

    @TearDown(Level.Trial)
    public void tearDown() throws InterruptedException {
        gate.close();
        if (state instanceof RedisStateStore r) {
            r.close();
        }
        if (redis != null) {
            redis.destroyForcibly();
            redis.waitFor(10, TimeUnit.SECONDS);
        }
    }

    @Benchmark
    public ChatResponse call() {
        return gate.chat(ChatRequest.builder(FullChain.ALIAS)
                .user(GatewayOverheadBenchmark.PROMPT)
                .tenant("acme")
                .maxOutputTokens(200)
                .seed(++seed)
                .build());
    }
}
