package dev.llmgate.it;

import static org.assertj.core.api.Assertions.assertThat;

import dev.llmgate.api.ChatRequest;
import dev.llmgate.api.ChatResponse;
import dev.llmgate.api.exception.LlmException;
import dev.llmgate.core.LlmGate;
import dev.llmgate.core.Stage;
import dev.llmgate.core.audit.AuditLog;
import dev.llmgate.core.audit.AuditSigningKey;
import dev.llmgate.core.audit.AuditVerifier;
import dev.llmgate.core.audit.JsonLinesFileSink;
import dev.llmgate.core.audit.VerificationReport;
import dev.llmgate.core.budget.BudgetInterceptor;
import dev.llmgate.core.budget.BudgetLimit;
import dev.llmgate.core.cache.ResponseCache;
import dev.llmgate.core.routing.Deployment;
import dev.llmgate.core.routing.RetryPolicy;
import dev.llmgate.core.routing.Route;
import dev.llmgate.core.routing.Router;
import dev.llmgate.providers.openai.OpenAiCompatibleProvider;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import mockwebserver3.Dispatcher;
import mockwebserver3.MockResponse;
import mockwebserver3.MockWebServer;
import mockwebserver3.RecordedRequest;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A bounded soak: 1,500 calls from 16 threads, a third of them streamed, through routing (retries,
 * fallback), budgets, the cache and audit, against an upstream that fails one answer in three in a
 * seeded mix of ways. At the end every call has exactly one outcome (a complete answer or a typed
 * exception), the audit log verifies with one record per call, the budget counted every call, and
 * the heap has not grown.
 */
class SoakIT {
    static final String ANSWER = "a complete answer from the soak upstream";
    static final int CALLS = 1500;
    static final int THREADS = 16;

    static final class FaultyUpstream extends Dispatcher {
        private final Random random = new Random(20261124L);

        private synchronized int roll() {
            return random.nextInt(100);
        }

        @Override
        public MockResponse dispatch(RecordedRequest request) {
            boolean stream =
                    request.getBody() != null && request.getBody().utf8().contains("\"stream\":true");
            int r = roll();
            if (r < 8) {
                return json(
                                429,
                                "{\"error\":{\"message\":\"Rate limit reached\",\"type\":\"requests\",\"code\":\"rate_limit_exceeded\"}}")
                        .addHeader("retry-after-ms", "1")
                        .build();
            }
            if (r < 15) {
                return json(500, "{\"error\":{\"message\":\"The server had an error\",\"type\":\"server_error\"}}")
                        .build();
            }
            if (r < 20) {
                return json(503, "{\"error\":{\"message\":\"overloaded\",\"type\":\"server_error\"}}")
                        .build();
            }
            if (r < 25) {
                return json(200, "{\"id\":\"x\",\"choices\":[{\"mess").build();
            }
            if (r < 33) {
                String full = stream ? streamBody() : completion();
                return new MockResponse.Builder()
                        .addHeader("Content-Type", stream ? "text/event-stream" : "application/json")
                        .body(full.substring(0, full.length() / 2))
                        .build();
            }
            return stream
                    ? new MockResponse.Builder()
                            .addHeader("Content-Type", "text/event-stream")
                            .body(streamBody())
                            .build()
                    : json(200, completion()).build();
        }

        private static MockResponse.Builder json(int code, String body) {
            return new MockResponse.Builder()
                    .code(code)
                    .addHeader("Content-Type", "application/json")
                    .body(body);
        }

        static String completion() {
            return "{\"id\":\"c\",\"object\":\"chat.completion\",\"model\":\"m\",\"choices\":[{\"index\":0,\"message\":{\"role\":\"assistant\","
                    + "\"content\":\"" + ANSWER
                    + "\"},\"finish_reason\":\"stop\"}],\"usage\":{\"prompt_tokens\":12,\"completion_tokens\":8,"
                    + "\"total_tokens\":20}}";
        }

        static String streamBody() {
            StringBuilder sb = new StringBuilder();
            for (String word : ANSWER.split("(?<= )")) {
                sb.append(
                                "data: {\"id\":\"c\",\"object\":\"chat.completion.chunk\",\"model\":\"m\",\"choices\":[{\"index\":0,\"delta\":{\"content\":\"")
                        .append(word)
                        .append("\"},\"finish_reason\":null}]}\n\n");
            }
            sb.append(
                    "data: {\"id\":\"c\",\"object\":\"chat.completion.chunk\",\"model\":\"m\",\"choices\":[{\"index\":0,\"delta\":{},"
                            + "\"finish_reason\":\"stop\"}]}\n\n");
            sb.append(
                    "data: {\"id\":\"c\",\"object\":\"chat.completion.chunk\",\"model\":\"m\",\"choices\":[],\"usage\":{\"prompt_tokens\":12,"
                            + "\"completion_tokens\":8,\"total_tokens\":20}}\n\ndata: [DONE]\n\n");
            return sb.toString();
        }
    }

    @Test
    void everyCallHasExactlyOneOutcomeAndTheBooksBalance(@TempDir Path auditDir) throws Exception {
        long heapBefore = usedHeapAfterGc();
        AuditSigningKey key = AuditSigningKey.generate();
        AuditLog audit = AuditLog.builder(JsonLinesFileSink.builder(auditDir).build(), key)
                .instanceId("soak")
                .checkpointEveryRecords(200)
                .build();
        BudgetLimit requests =
                BudgetLimit.requests(1_000_000, Duration.ofHours(1)).perTenant().build();
        BudgetInterceptor budgets = BudgetInterceptor.builder().limit(requests).build();
        Router router = Router.builder()
                .noCircuitBreaker()
                .route(Route.builder("soak")
                        .deployment(Deployment.builder("a", "m")
                                .catalogProvider("openai")
                                .build())
                        .deployment(Deployment.builder("b", "m")
                                .catalogProvider("openai")
                                .build())
                        .retry(RetryPolicy.builder()
                                .retriesPerDeployment(2)
                                .baseDelay(Duration.ofMillis(1))
                                .maxDelay(Duration.ofMillis(5))
                                .build())
                        .build())
                .build();
        ResponseCache cache = ResponseCache.builder().maximumEntries(500).build();
        Map<Integer, String> outcomes = new ConcurrentHashMap<>();
        List<Integer> duplicates = java.util.Collections.synchronizedList(new ArrayList<>());

        int upstreamRequests;
        try (MockWebServer upstream = new MockWebServer()) {
            upstream.setDispatcher(new FaultyUpstream());
            upstream.start();
            String url = upstream.url("/v1").toString();
            try (LlmGate gate = LlmGate.builder()
                    .provider(
                            "a", OpenAiCompatibleProvider.builder(url).name("a").build())
                    .provider(
                            "b", OpenAiCompatibleProvider.builder(url).name("b").build())
                    .addInterceptor(Stage.AUDIT, audit.interceptor())
                    .addInterceptor(Stage.BUDGET, budgets)
                    .addInterceptor(Stage.ROUTING, router)
                    .addInterceptor(Stage.CACHE, cache.interceptor())
                    .build()) {
                ExecutorService pool = Executors.newFixedThreadPool(THREADS);
                List<Future<?>> futures = new ArrayList<>();
                for (int i = 0; i < CALLS; i++) {
                    int call = i;
                    futures.add(pool.submit(() -> {
                        // one prompt in ten repeats, so the cache answers some calls
                        String prompt = call % 10 == 0 ? "repeated question " + (call % 50) : "question " + call;
                        ChatRequest request = ChatRequest.builder("soak")
                                .user(prompt)
                                .tenant("acme")
                                .build();
                        String outcome;
                        try {
                            ChatResponse r =
                                    call % 3 == 0 ? gate.stream(request).collect() : gate.chat(request);
                            outcome = r.text().equals(ANSWER)
                                    ? "ok"
                                    : "TRUNCATED:" + r.text().length();
                        } catch (LlmException e) {
                            outcome = e.getClass().getSimpleName();
                        } catch (RuntimeException e) {
                            outcome = "UNTYPED:" + e;
                        }
                        if (outcomes.putIfAbsent(call, outcome) != null) {
                            duplicates.add(call);
                        }
                    }));
                }
                for (Future<?> f : futures) {
                    f.get(5, TimeUnit.MINUTES);
                }
                pool.shutdown();
            }
            upstreamRequests = upstream.getRequestCount();
        }
        audit.close();

        assertThat(duplicates).isEmpty();
        assertThat(outcomes).hasSize(CALLS);
        assertThat(outcomes.values()).noneMatch(o -> o.startsWith("TRUNCATED") || o.startsWith("UNTYPED"));
        long ok = outcomes.values().stream().filter("ok"::equals).count();
        assertThat(ok)
                .as("retries and fallback make most calls succeed: " + summary(outcomes))
                .isGreaterThan(CALLS * 8L / 10);

        VerificationReport report =
                AuditVerifier.builder().trustKey(key.publicKeyHex()).build().verify(List.of(auditDir));
        assertThat(report.valid()).as(report.summary()).isTrue();
        assertThat(report.callRecords()).as("one audit record per call, no gap").isEqualTo(CALLS);
        long auditedAttempts = 0;
        com.fasterxml.jackson.databind.ObjectMapper json = new com.fasterxml.jackson.databind.ObjectMapper();
        try (java.util.stream.Stream<Path> files = java.nio.file.Files.list(auditDir)) {
            for (Path file : files.filter(java.nio.file.Files::isRegularFile).toList()) {
                for (String line : java.nio.file.Files.readAllLines(file)) {
                    com.fasterxml.jackson.databind.JsonNode entry = json.readTree(line);
                    for (com.fasterxml.jackson.databind.JsonNode attempt : entry.path("attempts")) {
                        if (!"cache_hit".equals(attempt.path("outcome").asText())) {
                            auditedAttempts++;
                        }
                    }
                }
            }
        }
        // Every request that reached the upstream is an audited attempt; a coalesced follower that shared its
        // leader's failure adds an audited attempt without a request of its own, hence at least.
        assertThat(auditedAttempts).as("every upstream attempt is audited").isGreaterThanOrEqualTo(upstreamRequests);

        assertThat(budgets.used(requests, "acme", Instant.now()))
                .as("the budget counted every call")
                .isEqualByComparingTo(java.math.BigDecimal.valueOf(CALLS));

        long heapAfter = usedHeapAfterGc();
        assertThat(heapAfter - heapBefore).as("heap growth in bytes").isLessThan(96L << 20);
    }

    private static String summary(Map<Integer, String> outcomes) {
        Map<String, Long> counts = new java.util.TreeMap<>();
        outcomes.values().forEach(o -> counts.merge(o, 1L, Long::sum));
        return counts.toString();
    }

    private static long usedHeapAfterGc() {
        Runtime rt = Runtime.getRuntime();
        for (int i = 0; i < 3; i++) {
            System.gc();
        }
        return rt.totalMemory() - rt.freeMemory();
    }
}
