package dev.llmgate.core.audit;

import static dev.llmgate.core.audit.AuditFixtures.KEY;
import static dev.llmgate.core.audit.AuditFixtures.echo;
import static dev.llmgate.core.audit.AuditFixtures.log;
import static dev.llmgate.core.audit.AuditFixtures.parse;
import static dev.llmgate.core.audit.AuditFixtures.verifier;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.llmgate.api.AbstractChatStream;
import dev.llmgate.api.ChatRequest;
import dev.llmgate.api.ChatResponse;
import dev.llmgate.api.ChatStream;
import dev.llmgate.api.Message;
import dev.llmgate.api.StreamEvent;
import dev.llmgate.api.Usage;
import dev.llmgate.api.exception.ConfigurationException;
import dev.llmgate.api.exception.ErrorDetails;
import dev.llmgate.api.exception.PolicyBlockedException;
import dev.llmgate.api.exception.RateLimitedException;
import dev.llmgate.api.exception.StreamInterruptedException;
import dev.llmgate.api.spi.AttemptRecord;
import dev.llmgate.api.spi.CallContext;
import dev.llmgate.api.spi.CallFacts;
import dev.llmgate.api.spi.ModelProvider;
import dev.llmgate.api.spi.PolicyRecord;
import dev.llmgate.core.LlmGate;
import dev.llmgate.core.Stage;
import dev.llmgate.core.audit.internal.Digests;
import dev.llmgate.testing.MutableClock;
import java.io.IOException;
import java.math.BigDecimal;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class AuditLogTest {
    private final MutableClock clock = new MutableClock();
    private final InMemoryAuditSink sink = new InMemoryAuditSink();

    private List<Map<String, Object>> calls() {
        return sink.lines().stream()
                .map(AuditFixtures::parse)
                .filter(m -> m.get("type").equals("call"))
                .collect(Collectors.toList());
    }

    private VerificationReport verify() {
        return verifier(KEY).verifyLines(sink.lines(), "memory");
    }

    @Test
    void aRecordTheWriterCannotBuildBecomesAMinimalOneAndTheChainStaysWhole() {
        AuditLog audit = log(sink, KEY, clock).build();
        try (LlmGate gate = LlmGate.builder()
                .provider("p", echo())
                .alias("fast", "p:m")
                .clock(clock)
                .addInterceptor(Stage.AUDIT, audit.interceptor())
                .addInterceptor(Stage.ROUTING, chain -> {
                    if (chain.request().messages().get(0).text().equals("broken")) {
                        // a latency too long for milliseconds: building the record throws (as a defect would)
                        chain.call()
                                .append(
                                        CallFacts.ATTEMPTS,
                                        AttemptRecord.builder("p", "m")
                                                .outcome("success")
                                                .latency(Duration.ofSeconds(Long.MAX_VALUE))
                                                .usage(Usage.of(1, 1))
                                                .reason("primary")
                                                .build());
                    }
                    return chain.proceed(chain.request());
                })
                .build()) {
            gate.chat("fast", "before");
            gate.chat("fast", "broken"); // the call itself is not affected: its record is built on the writer thread
            gate.chat("fast", "after");
        }
        audit.close();

        List<Map<String, Object>> calls = calls();
        assertThat(calls).hasSize(3);
        assertThat(calls.get(0)).containsKey("request_digest").doesNotContainKey("record_error");
        assertThat(calls.get(1))
                .containsEntry("record_error", "java.lang.ArithmeticException")
                .containsEntry("outcome", "success")
                .containsKeys("call_id", "gate", "log_id", "seq", "prev", "ts")
                .doesNotContainKey("request_digest");
        assertThat(calls.get(2)).containsKey("request_digest").doesNotContainKey("record_error");
        assertThat(verify().valid()).isTrue();
    }

    @Test
    void writesOneRecordPerCallWithTheDocumentedFieldsAndTheLogVerifies() {
        AuditLog audit = log(sink, KEY, clock).build();
        try (LlmGate gate = LlmGate.builder()
                .provider("p", echo())
                .alias("fast", "p:m")
                .clock(clock)
                .addInterceptor(Stage.AUDIT, audit.interceptor())
                .addInterceptor(Stage.ROUTING, chain -> {
                    chain.call()
                            .append(
                                    CallFacts.ATTEMPTS,
                                    AttemptRecord.builder("p", "m")
                                            .outcome("success")
                                            .latency(Duration.ofMillis(42))
                                            .usage(Usage.of(10, 5))
                                            .reason("primary")
                                            .build());
                    chain.call().put(CallFacts.COST_USD, new BigDecimal("0.000125"));
                    return chain.proceed(chain.request());
                })
                .build()) {
            ChatRequest request = ChatRequest.builder("fast")
                    .user("hello")
                    .tenant("acme")
                    .endUser("u-7")
                    .build();
            gate.chat(request);
        }
        audit.close();

        List<Map<String, Object>> calls = calls();
        assertThat(calls).hasSize(1);
        Map<String, Object> r = calls.get(0);
        assertThat(r)
                .containsEntry("outcome", "success")
                .containsEntry("tenant", "acme")
                .containsEntry("user", "u-7")
                .containsEntry("requested_model", "fast")
                .containsEntry("gate", "test-gate")
                .containsEntry("cache_hit", false)
                .containsEntry("cost_usd", "0.000125")
                .containsEntry("mode", "blocking")
                .containsEntry("finish_reason", "stop")
                .containsEntry("log_id", audit.logId());
        assertThat((String) r.get("call_id")).startsWith("call_");
        @SuppressWarnings("unchecked")
        Map<String, Object> attempt = ((List<Map<String, Object>>) r.get("attempts")).get(0);
        assertThat(attempt)
                .containsEntry("provider", "p")
                .containsEntry("model", "m")
                .containsEntry("latency_ms", 42L);
        @SuppressWarnings("unchecked")
        Map<String, Object> usage = (Map<String, Object>) r.get("usage");
        assertThat(usage).containsEntry("input", 10L).containsEntry("output", 5L);
        String expectedDigest = new Digests(null)
                .digest(Digests.requestForm(
                        "fast", ChatRequest.builder("fast").user("hello").build()));
        assertThat(r.get("request_digest")).isEqualTo(expectedDigest);
        assertThat((String) r.get("response_digest")).startsWith("sha256:");
        assertThat(r).doesNotContainKeys("request_content", "response_content");

        VerificationReport report = verify();
        assertThat(report.valid()).as(report.summary()).isTrue();
        assertThat(report.callRecords()).isEqualTo(1);
        assertThat(report.finalCheckpoint()).isTrue();
    }

    @Test
    void recordsBlockedFailedCachedStreamedCancelledAndBrokenCalls() {
        AuditLog audit = log(sink, KEY, clock).build();
        ModelProvider provider = new ModelProvider() {
            @Override
            public ChatResponse chat(ChatRequest request, CallContext call) {
                if (request.lastUserText().equals("fail")) {
                    throw new RateLimitedException("slow down", ErrorDetails.of("p"), Optional.empty());
                }
                return ChatResponse.builder()
                        .text("echo: " + request.lastUserText())
                        .usage(Usage.of(3, 2))
                        .build();
            }

            @Override
            public ChatStream stream(ChatRequest request, CallContext call) {
                if (!request.lastUserText().equals("break")) {
                    return ModelProvider.super.stream(request, call);
                }
                return new AbstractChatStream() {
                    int n;

                    @Override
                    protected StreamEvent produce() {
                        if (n++ == 0) {
                            return new StreamEvent.TextDelta("partial");
                        }
                        throw new StreamInterruptedException("connection reset", ErrorDetails.of("p"));
                    }

                    @Override
                    protected void release() {}
                };
            }
        };
        try (LlmGate gate = LlmGate.builder()
                .provider("p", provider)
                .alias("fast", "p:m")
                .clock(clock)
                .addInterceptor(Stage.AUDIT, audit.interceptor())
                .addInterceptor(Stage.POLICY, chain -> {
                    if (chain.request().lastUserText().equals("block")) {
                        chain.call()
                                .append(
                                        CallFacts.POLICY,
                                        new PolicyRecord(
                                                "input", "BLOCK", List.of("no-secrets"), Map.of("API_KEY", 1)));
                        throw new PolicyBlockedException("blocked by policy", List.of("no-secrets"));
                    }
                    return chain.proceed(chain.request());
                })
                .addInterceptor(Stage.CACHE, chain -> {
                    if (chain.request().lastUserText().equals("cached")) {
                        chain.call().put(CallFacts.CACHE_HIT, true);
                        return ChatResponse.builder()
                                .provider("p")
                                .model("m")
                                .text("from cache")
                                .build();
                    }
                    return chain.proceed(chain.request());
                })
                .build()) {
            gate.chat("fast", "ok");
            assertThatThrownBy(() -> gate.chat("fast", "block")).isInstanceOf(PolicyBlockedException.class);
            assertThatThrownBy(() -> gate.chat("fast", "fail")).isInstanceOf(RateLimitedException.class);
            gate.chat("fast", "cached");
            gate.stream(ChatRequest.of("fast", "streamed")).collect();
            try (ChatStream s = gate.stream(ChatRequest.of("fast", "cancel me"))) {
                s.next();
            }
            assertThatThrownBy(
                            () -> gate.stream(ChatRequest.of("fast", "break")).collect())
                    .isInstanceOf(StreamInterruptedException.class);
        }
        audit.close();

        List<Map<String, Object>> calls = calls();
        assertThat(calls)
                .extracting(m -> m.get("outcome"))
                .containsExactly("success", "blocked", "failed", "success", "success", "cancelled", "failed");
        assertThat(calls.get(1).toString()).contains("no-secrets").contains("API_KEY=1");
        assertThat(calls.get(1)).doesNotContainKey("response_digest");
        assertThat(calls.get(2).get("error")).isEqualTo(Map.of("type", "RateLimitedException", "retryable", true));
        assertThat(calls.get(3)).containsEntry("cache_hit", true);
        assertThat(calls.get(4)).containsEntry("mode", "stream");
        assertThat(calls.get(6).get("error").toString()).contains("StreamInterruptedException");
        VerificationReport report = verify();
        assertThat(report.valid()).as(report.summary()).isTrue();
        assertThat(report.callRecords()).isEqualTo(7);
    }

    @Test
    void checkpointsEveryNRecordsOnTimeAsHeartbeatsAndAtClose() {
        AuditLog audit = log(sink, KEY, clock).build();
        try (LlmGate gate = AuditFixtures.gate(audit, echo(), clock)) {
            for (int i = 0; i < 12; i++) {
                gate.chat("fast", "q" + i);
            }
            audit.tick();
            clock.advance(Duration.ofSeconds(10));
            audit.tick();
            clock.advance(Duration.ofSeconds(10));
            audit.tick();
        }
        audit.close();
        List<Map<String, Object>> checkpoints = sink.lines().stream()
                .map(AuditFixtures::parse)
                .filter(m -> m.get("type").equals("checkpoint"))
                .collect(Collectors.toList());
        assertThat(checkpoints).extracting(m -> m.get("calls_since")).containsExactly(5L, 5L, 2L, 0L, 0L);
        assertThat(checkpoints).extracting(m -> m.get("heartbeat")).containsExactly(false, false, false, true, true);
        assertThat(checkpoints).extracting(m -> m.get("final")).containsExactly(false, false, false, false, true);
        assertThat(checkpoints.get(0)).containsEntry("tree_size", 6L);
        VerificationReport report = verify();
        assertThat(report.valid()).as(report.summary()).isTrue();
        assertThat(report.checkpoints()).isEqualTo(5);
    }

    @Test
    void keyRotationIsASignedEntryAndTheLogVerifiesWithTheFirstKeyAlone() {
        AuditLog audit = log(sink, KEY, clock).build();
        try (LlmGate gate = AuditFixtures.gate(audit, echo(), clock)) {
            gate.chat("fast", "before");
            audit.rotateKey(AuditFixtures.OTHER_KEY);
            gate.chat("fast", "after");
        }
        audit.close();
        assertThat(audit.currentKeyId()).isEqualTo(AuditFixtures.OTHER_KEY.keyId());
        VerificationReport report = verify();
        assertThat(report.valid()).as(report.summary()).isTrue();
        assertThat(report.keys())
                .containsExactly(KEY.keyId() + " from seq 0", AuditFixtures.OTHER_KEY.keyId() + " from seq 3");
        // a rotation signed by a key other than the current one is rejected
        List<String> lines = new ArrayList<>(sink.lines());
        int rotation = indexOfType(lines, "key_rotation");
        Map<String, Object> r = parse(lines.get(rotation));
        r.remove("sig");
        r.put(
                "sig",
                dev.llmgate.core.audit.internal.Hex.encode(AuditFixtures.sign(
                        AuditFixtures.OTHER_KEY, dev.llmgate.core.audit.internal.CanonicalJson.utf8(r))));
        lines.set(rotation, AuditFixtures.write(r));
        VerificationReport forged = verifier(KEY).verifyLines(lines, "memory");
        assertThat(forged.failure())
                .get()
                .extracting(VerificationReport.Failure::seq)
                .isEqualTo((long) rotation);
    }

    @Test
    void perRecordSignaturesAreWrittenAndRequired() {
        AuditLog audit = log(sink, KEY, clock).recordSignatures(true).build();
        try (LlmGate gate = AuditFixtures.gate(audit, echo(), clock)) {
            gate.chat("fast", "one");
            gate.chat("fast", "two");
        }
        audit.close();
        assertThat(calls()).allSatisfy(m -> assertThat((String) m.get("sig")).hasSize(128));
        assertThat(verify().valid()).isTrue();
        List<String> lines = new ArrayList<>(sink.lines());
        int first = indexOfType(lines, "call");
        Map<String, Object> r = parse(lines.get(first));
        r.remove("sig");
        lines.set(first, AuditFixtures.write(r));
        VerificationReport report = verifier(KEY).verifyLines(lines, "memory");
        assertThat(report.failure()).get().satisfies(f -> {
            assertThat(f.seq()).isEqualTo(first);
            assertThat(f.reason()).contains("no signature");
        });
    }

    @Test
    void noApiKeyOrPromptReachesARecordOrTheFile(@TempDir Path dir) throws IOException {
        String secret = "sk-live-4f9a8b7c6d5e4f3a2b1c0d9e8f7a6b5c";
        JsonLinesFileSink file =
                JsonLinesFileSink.builder(dir).fsync(FsyncPolicy.none()).build();
        AuditLog audit = log(file, KEY, clock).build();
        try (LlmGate gate = AuditFixtures.gate(audit, echo(), clock)) {
            ChatRequest request = ChatRequest.builder("fast")
                    .user("the launch code is 0000")
                    .providerOption("api_key", secret)
                    .providerOption("headers", Map.of("Authorization", "Bearer " + secret))
                    .metadata(dev.llmgate.api.Metadata.EMPTY
                            .withAttribute("authorization", "Bearer " + secret)
                            .withTenant("acme"))
                    .build();
            gate.chat(request);
            gate.stream(request).collect();
        }
        audit.close();
        String all = readAll(dir);
        assertThat(all)
                .contains("\"tenant\":\"acme\"")
                .doesNotContain(secret)
                .doesNotContain("sk-live")
                .doesNotContain("launch code");
        assertThat(verifier(KEY).verify(List.of(dir)).valid()).isTrue();
    }

    @Test
    void contentCaptureStoresThePolicyRedactedTextNeverTheOriginal() {
        AuditLog audit = log(sink, KEY, clock).captureContent(true).build();
        try (LlmGate gate = LlmGate.builder()
                .provider("p", echo())
                .alias("fast", "p:m")
                .clock(clock)
                .addInterceptor(Stage.AUDIT, audit.interceptor())
                .addInterceptor(Stage.POLICY, chain -> {
                    List<Message> redacted = new ArrayList<>();
                    for (Message m : chain.request().messages()) {
                        redacted.add(m.mapText(t -> t.replace("4111 1111 1111 1111", "[CARD]")));
                    }
                    chain.call()
                            .append(
                                    CallFacts.POLICY,
                                    new PolicyRecord("input", "CONSTRAIN", List.of("pci-card"), Map.of("CARD", 1)));
                    return chain.proceed(chain.request().withMessages(redacted));
                })
                .addInterceptor(Stage.BUDGET, audit.redactedRequestCapture())
                .build()) {
            gate.chat("fast", "my card is 4111 1111 1111 1111");
        }
        audit.close();
        Map<String, Object> r = calls().get(0);
        assertThat(r.get("request_content")).isEqualTo(List.of(Map.of("role", "user", "text", "my card is [CARD]")));
        assertThat(r).containsEntry("response_content", "echo: my card is [CARD]");
        assertThat(String.join("\n", sink.lines())).doesNotContain("4111 1111", "41111111");
        assertThat(verify().valid()).isTrue();
    }

    @Test
    void contentCaptureWithoutTheCompanionStoresNoRequestText() {
        AuditLog audit = log(sink, KEY, clock).captureContent(true).build();
        try (LlmGate gate = AuditFixtures.gate(audit, echo(), clock)) {
            gate.chat("fast", "secret prompt");
        }
        audit.close();
        assertThat(calls().get(0)).doesNotContainKey("request_content");
    }

    @Test
    void hmacDigestsAreDeclaredInTheGenesisAndDifferFromPlainSha256() {
        byte[] digestKey = "0123456789abcdef0123456789abcdef".getBytes(StandardCharsets.US_ASCII);
        AuditLog audit = log(sink, KEY, clock).digestKey(digestKey).build();
        try (LlmGate gate = AuditFixtures.gate(audit, echo(), clock)) {
            gate.chat("fast", "yes");
        }
        audit.close();
        assertThat(parse(sink.lines().get(0)))
                .containsEntry("digest", "hmac-sha256")
                .containsKey("digest_key_id");
        String digest = (String) calls().get(0).get("request_digest");
        assertThat(digest)
                .isEqualTo(new Digests(digestKey).digest(Digests.requestForm("fast", ChatRequest.of("fast", "yes"))))
                .startsWith("hmac-sha256:");
        assertThat(verify().valid()).isTrue();
    }

    @Test
    void theRequestDigestCoversWireDetailsOnlyWhenPresent() {
        ChatRequest plain = ChatRequest.of("fast", "yes");
        ChatRequest marked = plain.toBuilder()
                .metadata(new dev.llmgate.api.Metadata(
                        java.util.Optional.empty(),
                        java.util.Optional.empty(),
                        java.util.Set.of(),
                        java.util.Map.of("llmgate.wire.anthropic.tool_errors", "m1", "other", "x")))
                .build();
        Digests digests = new Digests(null);
        assertThat(Digests.requestForm("fast", plain)).doesNotContainKey("wire");
        assertThat(Digests.requestForm("fast", marked))
                .containsEntry(
                        "wire", new java.util.TreeMap<>(java.util.Map.of("llmgate.wire.anthropic.tool_errors", "m1")));
        assertThat(digests.digest(Digests.requestForm("fast", marked)))
                .isNotEqualTo(digests.digest(Digests.requestForm("fast", plain)));
        // metadata that is not a wire detail changes nothing
        ChatRequest tagged = plain.toBuilder()
                .metadata(new dev.llmgate.api.Metadata(
                        java.util.Optional.empty(),
                        java.util.Optional.empty(),
                        java.util.Set.of(),
                        java.util.Map.of("other", "x")))
                .build();
        assertThat(digests.digest(Digests.requestForm("fast", tagged)))
                .isEqualTo(digests.digest(Digests.requestForm("fast", plain)));
    }

    @Test
    void aFailingSinkIsRetriedAndReportedAndNothingIsLost() {
        AtomicInteger failuresLeft = new AtomicInteger(3);
        AuditSink flaky = new AuditSink() {
            @Override
            public void write(List<AuditEntry> entries) throws IOException {
                if (failuresLeft.getAndDecrement() > 0) {
                    throw new IOException("disk full");
                }
                sink.write(entries);
            }
        };
        List<AuditSinkFailure> reported = new CopyOnWriteArrayList<>();
        AuditLog audit = log(flaky, KEY, clock).onSinkFailure(reported::add).build();
        try (LlmGate gate = AuditFixtures.gate(audit, echo(), clock)) {
            for (int i = 0; i < 7; i++) {
                gate.chat("fast", "q" + i);
            }
        }
        audit.close();
        assertThat(reported).hasSize(3);
        assertThat(reported).extracting(AuditSinkFailure::attempt).containsExactly(1, 2, 3);
        assertThat(reported.get(0).error()).hasMessage("disk full");
        assertThat(audit.stats().sinkFailures()).isEqualTo(3);
        VerificationReport report = verify();
        assertThat(report.valid()).as(report.summary()).isTrue();
        assertThat(report.callRecords()).isEqualTo(7);
    }

    @Test
    void closeFailsLoudlyWhenTheSinkNeverRecovers() {
        AuditSink broken = entries -> {
            throw new IOException("read-only file system");
        };
        List<AuditSinkFailure> reported = new CopyOnWriteArrayList<>();
        AuditLog audit = log(broken, KEY, clock)
                .retryBackoff(Duration.ofMillis(1))
                .closeTimeout(Duration.ofMillis(300))
                .onSinkFailure(reported::add)
                .build();
        assertThatThrownBy(audit::close)
                .isInstanceOf(AuditUnavailableException.class)
                .hasMessageContaining("not stored");
        assertThat(reported).isNotEmpty();
    }

    @Test
    void failCallRefusesCallsBeforeTheProviderWhenTheQueueIsFull() throws Exception {
        CountDownLatch release = new CountDownLatch(1);
        AuditSink slow = entries -> {
            try {
                release.await();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IOException("interrupted");
            }
            sink.write(entries);
        };
        AtomicInteger providerCalls = new AtomicInteger();
        AuditLog audit = log(slow, KEY, clock)
                .queueCapacity(2)
                .backPressure(BackPressure.FAIL_CALL)
                .build();
        try (LlmGate gate = AuditFixtures.gate(
                audit,
                (request, call) -> {
                    providerCalls.incrementAndGet();
                    return ChatResponse.builder().text("ok").build();
                },
                clock)) {
            gate.chat("fast", "one");
            gate.chat("fast", "two");
            assertThatThrownBy(() -> gate.chat("fast", "three"))
                    .isInstanceOf(AuditUnavailableException.class)
                    .hasMessageContaining("refused before reaching the provider");
            assertThat(providerCalls.get()).isEqualTo(2);
            assertThat(audit.stats().refusedCalls()).isEqualTo(1);
            release.countDown();
            audit.flush();
            gate.chat("fast", "four");
        }
        audit.close();
        assertThat(calls()).hasSize(3);
        assertThat(verify().valid()).isTrue();
    }

    @Test
    void blockBackPressureMakesCallersWaitAndLosesNothing() throws Exception {
        CountDownLatch release = new CountDownLatch(1);
        AuditSink slow = entries -> {
            try {
                release.await();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IOException("interrupted");
            }
            sink.write(entries);
        };
        AuditLog audit = log(slow, KEY, clock).queueCapacity(1).build();
        try (LlmGate gate = AuditFixtures.gate(audit, echo(), clock)) {
            gate.chat("fast", "one");
            Thread second = new Thread(() -> gate.chat("fast", "two"));
            second.start();
            release.countDown();
            second.join();
        }
        audit.close();
        assertThat(calls()).hasSize(2);
        assertThat(verify().valid()).isTrue();
    }

    @Test
    void aCallAfterCloseIsRefusedBeforeItReachesTheProvider() {
        AuditLog audit = log(sink, KEY, clock).build();
        AtomicInteger providerCalls = new AtomicInteger();
        LlmGate gate = AuditFixtures.gate(
                audit,
                (request, call) -> {
                    providerCalls.incrementAndGet();
                    return ChatResponse.builder().text("ok").build();
                },
                clock);
        audit.close();
        assertThatThrownBy(() -> gate.chat("fast", "late"))
                .isInstanceOf(AuditUnavailableException.class)
                .hasMessageContaining("closed")
                .hasMessageContaining("refused before reaching the provider");
        assertThat(providerCalls.get()).isZero();
        gate.close();
    }

    @Test
    void badConfigurationIsReportedAllAtOnce() {
        assertThatThrownBy(() -> AuditLog.builder(sink, KEY)
                        .checkpointEveryRecords(0)
                        .queueCapacity(0)
                        .digestKey(new byte[4])
                        .instanceId("bad id")
                        .build())
                .isInstanceOf(ConfigurationException.class)
                .satisfies(
                        e -> assertThat(((ConfigurationException) e).problems()).hasSize(4));
        assertThatThrownBy(() -> AuditVerifier.builder().build())
                .isInstanceOf(ConfigurationException.class)
                .hasMessageContaining("trusted public key");
    }

    static int indexOfType(List<String> lines, String type) {
        for (int i = 0; i < lines.size(); i++) {
            if (parse(lines.get(i)).get("type").equals(type)) {
                return i;
            }
        }
        throw new AssertionError("no " + type);
    }

    static String readAll(Path dir) throws IOException {
        StringBuilder sb = new StringBuilder();
        try (var files = Files.list(dir)) {
            for (Path f : files.sorted().collect(Collectors.toList())) {
                sb.append(Files.readString(f, StandardCharsets.UTF_8));
            }
        }
        return sb.toString();
    }
}
