package dev.llmgate.benchmarks;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.openai.client.OpenAIClient;
import com.openai.client.OpenAIClientImpl;
import com.openai.client.okhttp.OpenAIOkHttpClient;
import com.openai.core.ClientOptions;
import com.openai.core.JsonValue;
import com.openai.models.chat.completions.ChatCompletionCreateParams;
import dev.langchain4j.model.openai.OpenAiChatModel;
import dev.llmgate.api.ChatRequest;
import dev.llmgate.core.LlmGate;
import dev.llmgate.policy.PolicyStage;
import dev.llmgate.providers.openai.OpenAiProvider;
import dev.llmgate.providers.openaisdk.LlmGateOpenAiHttpClient;
import java.io.IOException;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import okhttp3.MediaType;
import okhttp3.OkHttpClient;
import okhttp3.Request;
import okhttp3.RequestBody;
import okhttp3.Response;
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
import org.openjdk.jmh.infra.Blackhole;

/**
 * One blocking chat call with a 2 KB prompt to a loopback stub that answers instantly in OpenAI's
 * format, made (a) by hand with OkHttp + Jackson, (b) through an LlmGate with no interceptors,
 * (c) through an LlmGate with the full chain of {@link FullChain} (routing with a fallback
 * deployment, exact cache missed on every call, audit with checkpoints to a file sink, HIPAA
 * policy preset on input and output), and through the peers a Java user would otherwise pick:
 * LangChain4j's OpenAI chat model and the official openai-java SDK, both with retries off, and the
 * standalone Portkey gateway ({@link PortkeyPeer}) driven with the same OkHttp + Jackson code as (a).
 * Three more split (c) − (a) in situ: (c) without the policy, (a) plus the policy's decisions
 * made by hand, and (a) plus one regex pass over the prompt.
 * Sample mode gives the median and p99 per call; the ratios against (a) in the same run are what
 * docs/benchmarks.md reports.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.SampleTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
@Warmup(iterations = 10, time = 1) // the policy scanners need about 8 s of JIT warm-up to reach steady state
@Measurement(iterations = 5, time = 1)
@Fork(
        value = 1,
        jvmArgsAppend = {"-Xms1g", "-Xmx1g"})
public class GatewayOverheadBenchmark {
    static final String PROMPT = prompt(2048);
    static final MediaType JSON = MediaType.get("application/json");

    LoopbackStub stub;
    OkHttpClient okhttp;
    ObjectMapper mapper;
    String url;
    LlmGate gate;
    FullChain fullChain;
    FullChain chainWithoutPolicy;
    /** Makes every (c) call a cache miss: a unique seed changes the key, which is still computed over the whole request. */
    final AtomicLong seed = new AtomicLong();

    OpenAiChatModel langchain4j;
    OpenAIClient openaiJava;
    /** The same SDK client, wrapped with {@link LlmGateOpenAiHttpClient} into {@link #wrappedChain}'s gate. */
    OpenAIClient openaiJavaWrapped;

    FullChain wrappedChain;

    static String prompt(int bytes) {
        String sentence = "Summarise the quarterly report for the board and list the three largest risks. ";
        StringBuilder sb = new StringBuilder(bytes);
        while (sb.length() < bytes) {
            sb.append(sentence);
        }
        return sb.substring(0, bytes);
    }

    @Setup(Level.Trial)
    public void setUp() throws IOException {
        stub = new LoopbackStub(0);
        okhttp = new OkHttpClient();
        mapper = new ObjectMapper();
        url = stub.baseUrl() + "/chat/completions";
        gate = LlmGate.builder()
                .provider(
                        "openai",
                        OpenAiProvider.builder()
                                .apiKey("sk-bench")
                                .baseUrl(stub.baseUrl())
                                .environment(Map.of())
                                .build())
                .build();
        fullChain = new FullChain(
                OpenAiProvider.builder()
                        .apiKey("sk-bench")
                        .baseUrl(stub.baseUrl())
                        .environment(Map.of())
                        .build(),
                OpenAiProvider.builder()
                        .apiKey("sk-bench")
                        .baseUrl(stub.baseUrl())
                        .environment(Map.of())
                        .build());
        chainWithoutPolicy = new FullChain(
                OpenAiProvider.builder()
                        .apiKey("sk-bench")
                        .baseUrl(stub.baseUrl())
                        .environment(Map.of())
                        .build(),
                OpenAiProvider.builder()
                        .apiKey("sk-bench")
                        .baseUrl(stub.baseUrl())
                        .environment(Map.of())
                        .build(),
                false);
        langchain4j = OpenAiChatModel.builder()
                .baseUrl(stub.baseUrl())
                .apiKey("sk-bench")
                .modelName("gpt-4o-mini")
                .maxRetries(0)
                .build();
        openaiJava = OpenAIOkHttpClient.builder()
                .baseUrl(stub.baseUrl())
                .apiKey("sk-bench")
                .maxRetries(0)
                .build();
        wrappedChain = new FullChain(
                OpenAiProvider.builder()
                        .apiKey("sk-bench")
                        .baseUrl(stub.baseUrl())
                        .environment(Map.of())
                        .build(),
                OpenAiProvider.builder()
                        .apiKey("sk-bench")
                        .baseUrl(stub.baseUrl())
                        .environment(Map.of())
                        .build());
        openaiJavaWrapped = new OpenAIClientImpl(ClientOptions.builder()
                .httpClient(LlmGateOpenAiHttpClient.wrap(
                        wrappedChain.gate,
                        "openai",
                        com.openai.client.okhttp.OkHttpClient.builder().build()))
                .baseUrl(stub.baseUrl())
                .apiKey("sk-bench")
                .maxRetries(0)
                .build());
    }

    @TearDown(Level.Trial)
    public void tearDown() throws IOException {
        gate.close();
        fullChain.close();
        chainWithoutPolicy.close();
        openaiJava.close();
        openaiJavaWrapped.close();
        wrappedChain.close();
        okhttp.dispatcher().executorService().shutdown();
        okhttp.connectionPool().evictAll();
        stub.close();
    }

    /** (a) The baseline: the same request by hand. */
    @Benchmark
    public String a_directOkHttpJackson() throws IOException {
        return handCall(new Request.Builder().url(url).header("Authorization", "Bearer sk-bench"));
    }

    /** The request of (a), sent to {@code request}'s URL with its headers. */
    private String handCall(Request.Builder request) throws IOException {
        ObjectNode body = mapper.createObjectNode();
        body.put("model", "gpt-4o-mini");
        ObjectNode message = body.putArray("messages").addObject();
        message.put("role", "user");
        message.put("content", PROMPT);
        body.put("max_completion_tokens", 200);
        try (Response response = okhttp.newCall(request.post(RequestBody.create(mapper.writeValueAsBytes(body), JSON))
                        .build())
                .execute()) {
            JsonNode root = mapper.readTree(response.body().byteStream());
            return root.path("choices").path(0).path("message").path("content").asText();
        }
    }

    /** (b) Through an LlmGate with no interceptors. */
    @Benchmark
    public String b_llmgateNoInterceptors() {
        return gate.chat(ChatRequest.builder("openai:gpt-4o-mini")
                        .user(PROMPT)
                        .maxOutputTokens(200)
                        .build())
                .text();
    }

    /** (c) Through an LlmGate with the full chain; every call misses the cache. */
    @Benchmark
    public String c_llmgateFullChain() {
        return fullChain
                .gate
                .chat(ChatRequest.builder(FullChain.ALIAS)
                        .user(PROMPT)
                        .maxOutputTokens(200)
                        .seed(seed.incrementAndGet())
                        .build())
                .text();
    }

    /**
     * (c) without the HIPAA policy: routing, cache (missed) and audit only. (c) minus this is what
     * the policy costs between two HTTP calls, where caches and branch predictors are cold.
     */
    @Benchmark
    public String c_llmgateFullChainWithoutPolicy() {
        return chainWithoutPolicy
                .gate
                .chat(ChatRequest.builder(FullChain.ALIAS)
                        .user(PROMPT)
                        .maxOutputTokens(200)
                        .seed(seed.incrementAndGet())
                        .build())
                .text();
    }

    /**
     * (a) plus the HIPAA policy's own work, without any gate: the input decision on the prompt and
     * the output decision on the answer, as the policy interceptor makes them. This minus (a) is
     * the policy's cost between two HTTP calls, measured without llmgate's chain around it.
     */
    @Benchmark
    public void a_directPlusHipaaDecisions(Blackhole blackhole) throws IOException {
        blackhole.consume(FullChain.HIPAA.evaluate(PROMPT, PolicyStage.INPUT));
        String answer = handCall(new Request.Builder().url(url).header("Authorization", "Bearer sk-bench"));
        blackhole.consume(FullChain.HIPAA.evaluate(answer, PolicyStage.OUTPUT));
    }

    /** The baseline of {@link PolicyScanBenchmark}: one precompiled pattern (a US SSN), found in a loop. */
    static final Pattern SSN = Pattern.compile("\\b\\d{3}-\\d{2}-\\d{4}\\b");

    /**
     * (a) plus the simplest scan of the prompt a policy could make: one precompiled pattern's
     * {@code find()} loop over it. This minus (a) is what reading the 2 KB prompt once costs between
     * two HTTP calls: a floor for any policy that looks at the prompt at all.
     */
    @Benchmark
    public int a_directPlusOneRegexPass() throws IOException {
        int found = 0;
        Matcher m = SSN.matcher(PROMPT);
        while (m.find()) {
            found++;
        }
        return found
                + handCall(new Request.Builder().url(url).header("Authorization", "Bearer sk-bench"))
                        .length();
    }

    /** The standalone-gateway peer: the request of (a), through Portkey on loopback. */
    @Benchmark
    public String peer_portkey(PortkeyPeer portkey) throws IOException {
        return handCall(new Request.Builder()
                .url(portkey.chatUrl)
                .header("Authorization", "Bearer sk-bench")
                .header("x-portkey-provider", "openai")
                .header("x-portkey-custom-host", stub.baseUrl()));
    }

    /** The peer: LangChain4j's OpenAI chat model, no policy or audit. */
    @Benchmark
    public String peer_langchain4j() {
        return langchain4j.chat(PROMPT);
    }

    /**
     * The official openai-java SDK wrapped with {@code LlmGateOpenAiHttpClient} into a gate with the full
     * chain of (c) (its router passes the wrapped {@code openai:} address through with one attempt; every
     * call misses the cache). This minus {@link #peer_openaiJavaSdk} is what wrapping adds to an SDK call;
     * docs/benchmarks.md compares it with (c) minus (a), the gate's own cost on a direct call.
     */
    @Benchmark
    public String w_openaiJavaSdkWrappedFullChain() {
        return openaiJavaWrapped
                .chat()
                .completions()
                .create(ChatCompletionCreateParams.builder()
                        .model("gpt-4o-mini")
                        .addUserMessage(PROMPT)
                        .maxCompletionTokens(200)
                        // a field the gate passes on as a provider option: it changes the cache key, so every call
                        // misses
                        .putAdditionalBodyProperty("bench_nonce", JsonValue.from(seed.incrementAndGet()))
                        .build())
                .choices()
                .get(0)
                .message()
                .content()
                .orElse("");
    }

    /** The peer: the official openai-java SDK, no policy or audit. */
    @Benchmark
    public String peer_openaiJavaSdk() {
        return openaiJava
                .chat()
                .completions()
                .create(ChatCompletionCreateParams.builder()
                        .model("gpt-4o-mini")
                        .addUserMessage(PROMPT)
                        .maxCompletionTokens(200)
                        .build())
                .choices()
                .get(0)
                .message()
                .content()
                .orElse("");
    }
}
