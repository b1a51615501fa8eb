package dev.llmgate.examples;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.tuple;

import dev.llmgate.api.ChatRequest;
import dev.llmgate.api.ChatResponse;
import dev.llmgate.api.Message;
import dev.llmgate.api.spi.CallContext;
import dev.llmgate.api.spi.ModelProvider;
import dev.llmgate.core.events.AttemptEvent;
import dev.llmgate.testing.LocalModelServer;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Runs the Quickstart against the simulated local model (never a real provider, whatever the
 * environment holds) and checks each of its five behaviours twice: in the printed output a reader
 * sees, and in the objects and the wire behind it, so that the output cannot claim what did not happen.
 */
class QuickstartTest {
    private static final List<String> RAW_PII =
            List.of("Jane", "Doe", "jane.doe@example.com", "DE89", "3704 0044 0532 0130 00");

    @TempDir
    Path auditDir;

    /** What the simulated server answered, before the gate's output policy put placeholders back. */
    private final List<String> rawAnswers = new CopyOnWriteArrayList<>();

    @Test
    void theFiveBehavioursShowInTheOutputAndHappened() throws Exception {
        String output;
        Quickstart.Tour tour;
        int serverRequests;
        try (LocalModelServer server = LocalModelServer.start();
                DemoBackend backend = recording(server)) {
            ByteArrayOutputStream bytes = new ByteArrayOutputStream();
            tour = Quickstart.run(new PrintStream(bytes, true, StandardCharsets.UTF_8), backend, auditDir);
            output = bytes.toString(StandardCharsets.UTF_8);
            serverRequests = server.requestCount();
        }

        assertThat(output)
                .as("one section per behaviour, in order")
                .containsSubsequence(
                        "1. Personal data",
                        "2. A prompt injection",
                        "3. A failing primary",
                        "4. A repeated question",
                        "5. Every call is in the signed audit log");
        assertThat(output).as("no stack traces").doesNotContain("\tat ", "Exception in thread", "Caused by");

        // 1. PII left the process as placeholders only; the caller got the values back.
        assertThat(output)
                .contains("provider received: My name is [PERSON_NAME_1], email [EMAIL_1], IBAN [IBAN_1]. Greet me.");
        String everythingSent =
                tour.sentToProviders().stream().map(QuickstartTest::allText).collect(Collectors.joining("\n"));
        assertThat(everythingSent).contains("[PERSON_NAME_1]", "[EMAIL_1]", "[IBAN_1]");
        RAW_PII.forEach(value -> assertThat(everythingSent).doesNotContain(value));
        assertThat(rawAnswers.get(0))
                .as("the server quotes what it received over HTTP")
                .contains("You said: \"My name is [PERSON_NAME_1], email [EMAIL_1], IBAN [IBAN_1]. Greet me.\"");
        RAW_PII.forEach(value -> assertThat(rawAnswers.get(0)).doesNotContain(value));
        assertThat(tour.redactedAnswer().text())
                .contains(
                        "My name is Jane Doe, email jane.doe@example.com, IBAN DE89 3704 0044 0532 0130 00. Greet me.");

        // 2. The injection was blocked by the injection rule and never sent.
        assertThat(tour.blocked()).isNotNull();
        assertThat(tour.blocked().ruleIds()).containsExactly("block-prompt-injection");
        assertThat(everythingSent).doesNotContainIgnoringCase("ignore all previous instructions");
        assertThat(output)
                .contains("blocked:           rules [block-prompt-injection]; requests sent to a provider: 0");

        // 3. The primary failed and the second deployment answered.
        List<AttemptEvent> failover = tour.attempts().stream()
                .filter(a -> a.requestedModel().equals("assistant"))
                .toList();
        assertThat(failover)
                .extracting(AttemptEvent::attempt, AttemptEvent::provider, AttemptEvent::reason, AttemptEvent::outcome)
                .containsExactly(
                        tuple(1, "primary", "primary", "OverloadedException"),
                        tuple(2, "local", "fallback:overloaded", "success"));
        assertThat(output)
                .containsSubsequence(
                        "attempt 1 primary:" + LocalModelServer.MODEL + " (primary): OverloadedException",
                        "attempt 2 local:" + LocalModelServer.MODEL + " (fallback:overloaded): success",
                        "answered by:       local:" + LocalModelServer.MODEL);

        // 4. The repeated question was a miss, then a hit that reached no provider.
        List<AttemptEvent> lastTwo = tour.attempts()
                .subList(tour.attempts().size() - 2, tour.attempts().size());
        assertThat(lastTwo).extracting(AttemptEvent::cacheHit).containsExactly(false, true);
        assertThat(lastTwo.get(1).outcome()).isEqualTo("cache_hit");
        assertThat(tour.cache().stats().hits()).isEqualTo(1);
        assertThat(output)
                .containsSubsequence(
                        "first ask:  cache miss, requests sent to a provider: 1",
                        "second ask: cache hit, requests sent to a provider: 0");
        // The server saw exactly: the PII call, the fallback, the first ask. Not the injection, not the cache hit.
        assertThat(serverRequests).isEqualTo(3);
        assertThat(tour.sentToProviders()).hasSize(4); // and the primary's failed attempt

        // 5. The audit log holds the five calls, verifies with the public key, and an edit is caught.
        assertThat(tour.audit().valid()).isTrue();
        assertThat(tour.audit().callRecords()).isEqualTo(5);
        assertThat(tour.audit().entries()).isEqualTo(7); // genesis, five calls, the final checkpoint
        assertThat(tour.audit().finalCheckpoint()).isTrue();
        assertThat(tour.audit().keys()).containsExactly(tour.auditKey().keyId() + " from seq 0");
        assertThat(output)
                .contains("verification:      VALID: 5 call records in 7 entries, checkpoints signed by key "
                        + tour.auditKey().keyId());
        assertThat(tour.editedAudit().result()).isEqualTo("INVALID");
        assertThat(tour.editedAudit().failure())
                .hasValueSatisfying(f -> assertThat(f.seq()).isEqualTo(2)); // the blocked call
        assertThat(output)
                .containsSubsequence(
                        "edited copy:       INVALID",
                        "seq 2: ",
                        "verify --key " + tour.auditKey().publicKeyHex() + " " + auditDir);
        String log;
        try (Stream<Path> files = Files.list(auditDir)) {
            log = files.map(QuickstartTest::read).collect(Collectors.joining());
        }
        assertThat(log).contains("\"outcome\":\"blocked\"", "block-prompt-injection", "fallback:overloaded");
        RAW_PII.forEach(value ->
                assertThat(log).as("the audit log holds digests, not values").doesNotContain(value));
    }

    /** The simulated model, with its provider wrapped to keep each raw answer (which quotes what the server received). */
    private DemoBackend recording(LocalModelServer server) {
        ModelProvider local = DemoBackend.localProvider(server, "local");
        ModelProvider recording = new ModelProvider() {
            @Override
            public ChatResponse chat(ChatRequest request, CallContext call) {
                ChatResponse response = local.chat(request, call);
                rawAnswers.add(response.text());
                return response;
            }

            @Override
            public void close() {
                local.close();
            }
        };
        return new DemoBackend("local", recording, LocalModelServer.MODEL, true, Optional.empty());
    }

    private static String allText(ChatRequest request) {
        return request.messages().stream().map(Message::text).collect(Collectors.joining("\n"));
    }

    private static String read(Path file) {
        try {
            return Files.readString(file);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
