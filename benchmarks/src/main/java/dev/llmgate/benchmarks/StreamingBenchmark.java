package dev.llmgate.benchmarks;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.llmgate.api.ChatRequest;
import dev.llmgate.api.ChatStream;
import dev.llmgate.api.StreamEvent;
import dev.llmgate.providers.openai.OpenAiProvider;
import java.io.IOException;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import okhttp3.MediaType;
import okhttp3.OkHttpClient;
import okhttp3.Request;
import okhttp3.RequestBody;
import okhttp3.Response;
import okio.BufferedSource;
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
 * A streamed chat call (2 KB prompt) answered by the loopback stub with a {@value #CHUNKS}-chunk SSE
 * stream, read (a) by hand with OkHttp and an SSE line loop that parses each {@code data:} line with
 * Jackson, (c) through the full chain of {@link FullChain} (HIPAA policy on input and
 * streaming output), and through the Portkey gateway with the hand loop of (a).
 *
 * <p>{@code ttft_*} time from sending the request to the first non-empty text delta; the rest of
 * the stream is then read and the stream closed in a per-invocation tear-down, outside the
 * measurement, so that every stream is complete (cached, audited as a success) and the connection
 * is reused. {@code total_*} time the whole stream, first byte to {@code [DONE]}/finish.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.SampleTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
@Warmup(iterations = 10, time = 1) // the policy scanners need about 8 s of JIT warm-up to reach steady state
@Measurement(iterations = 5, time = 1)
@Fork(
        value = 1,
        jvmArgsAppend = {"-Xms1g", "-Xmx1g"})
public class StreamingBenchmark {
    static final int CHUNKS = 500;
    static final MediaType JSON = MediaType.get("application/json");

    LoopbackStub stub;
    OkHttpClient okhttp;
    ObjectMapper mapper;
    String url;
    FullChain fullChain;
    final AtomicLong seed = new AtomicLong();

    /** The stream opened by a ttft benchmark, drained by {@link #drain()}. */
    ChatStream openStream;

    Response openResponse;

    @Setup(Level.Trial)
    public void setUp() throws IOException {
        stub = new LoopbackStub(CHUNKS);
        okhttp = new OkHttpClient();
        mapper = new ObjectMapper();
        url = stub.baseUrl() + "/chat/completions";
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
    }

    @TearDown(Level.Trial)
    public void tearDown() throws IOException {
        fullChain.close();
        okhttp.dispatcher().executorService().shutdown();
        okhttp.connectionPool().evictAll();
        stub.close();
    }

    /** Reads the rest of a stream opened by a ttft benchmark; not measured. */
    @TearDown(Level.Invocation)
    public void drain() throws IOException {
        if (openStream != null) {
            try (ChatStream s = openStream) {
                while (s.hasNext()) {
                    s.next();
                }
            }
            openStream = null;
        }
        if (openResponse != null) {
            try (Response r = openResponse) {
                readSse(r.body().source(), Integer.MAX_VALUE);
            }
            openResponse = null;
        }
    }

    private Response send(Request.Builder request) throws IOException {
        ObjectNode body = mapper.createObjectNode();
        body.put("model", "gpt-4o-mini");
        ObjectNode message = body.putArray("messages").addObject();
        message.put("role", "user");
        message.put("content", GatewayOverheadBenchmark.PROMPT);
        body.put("max_completion_tokens", 200);
        body.put("stream", true);
        body.putObject("stream_options").put("include_usage", true);
        return okhttp.newCall(request.post(RequestBody.create(mapper.writeValueAsBytes(body), JSON))
                        .build())
                .execute();
    }

    /**
     * The hand SSE loop: reads {@code data:} lines, parses each with Jackson and counts the text
     * deltas, up to {@code stopAfterTokens} of them or {@code [DONE]}. Returns the count.
     */
    private int readSse(BufferedSource source, int stopAfterTokens) throws IOException {
        int tokens = 0;
        String line;
        while ((line = source.readUtf8Line()) != null) {
            if (!line.startsWith("data: ")) {
                continue;
            }
            if (line.regionMatches(6, "[DONE]", 0, 6)) {
                break;
            }
            JsonNode chunk = mapper.readTree(line.substring(6));
            String text =
                    chunk.path("choices").path(0).path("delta").path("content").asText("");
            if (!text.isEmpty() && ++tokens >= stopAfterTokens) {
                break;
            }
        }
        return tokens;
    }

    private ChatStream openThroughChain() {
        return fullChain.gate.stream(ChatRequest.builder(FullChain.ALIAS)
                .user(GatewayOverheadBenchmark.PROMPT)
                .maxOutputTokens(200)
                .seed(seed.incrementAndGet())
                .build());
    }

    private static boolean isToken(StreamEvent e) {
        return e instanceof StreamEvent.TextDelta
                && !((StreamEvent.TextDelta) e).text().isEmpty();
    }

    private Request.Builder direct() {
        return new Request.Builder().url(url).header("Authorization", "Bearer sk-bench");
    }

    private Request.Builder viaPortkey(PortkeyPeer portkey) {
        return new Request.Builder()
                .url(portkey.chatUrl)
                .header("Authorization", "Bearer sk-bench")
                .header("x-portkey-provider", "openai")
                .header("x-portkey-custom-host", stub.baseUrl());
    }

    /** (a) Time to first token, by hand. */
    @Benchmark
    public int a_ttft_directOkHttpSse() throws IOException {
        openResponse = send(direct());
        return readSse(openResponse.body().source(), 1);
    }

    /** (c) Time to first token through the full chain. */
    @Benchmark
    public StreamEvent c_ttft_llmgateFullChain() {
        openStream = openThroughChain();
        while (openStream.hasNext()) {
            StreamEvent e = openStream.next();
            if (isToken(e)) {
                return e;
            }
        }
        throw new IllegalStateException("stream ended without a token");
    }

    /** Time to first token through Portkey, read with the hand loop of (a). */
    @Benchmark
    public int peer_ttft_portkey(PortkeyPeer portkey) throws IOException {
        openResponse = send(viaPortkey(portkey));
        return readSse(openResponse.body().source(), 1);
    }

    /** (a) The whole stream, by hand. */
    @Benchmark
    public int a_total_directOkHttpSse() throws IOException {
        try (Response r = send(direct())) {
            return readSse(r.body().source(), Integer.MAX_VALUE);
        }
    }

    /** (c) The whole stream through the full chain. */
    @Benchmark
    public int c_total_llmgateFullChain() {
        int tokens = 0;
        try (ChatStream s = openThroughChain()) {
            while (s.hasNext()) {
                if (isToken(s.next())) {
                    tokens++;
                }
            }
        }
        return tokens;
    }

    /** The whole stream through Portkey, read with the hand loop of (a). */
    @Benchmark
    public int peer_total_portkey(PortkeyPeer portkey) throws IOException {
        try (Response r = send(viaPortkey(portkey))) {
            return readSse(r.body().source(), Integer.MAX_VALUE);
        }
    }
}
