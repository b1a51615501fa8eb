package dev.llmgate.core.audit;

import static dev.llmgate.core.audit.AuditFixtures.KEY;
import static dev.llmgate.core.audit.AuditFixtures.log;
import static dev.llmgate.core.audit.AuditFixtures.verifier;
import static org.assertj.core.api.Assertions.assertThat;

import dev.llmgate.api.AbstractChatStream;
import dev.llmgate.api.ChatRequest;
import dev.llmgate.api.ChatResponse;
import dev.llmgate.api.ChatStream;
import dev.llmgate.api.StreamEvent;
import dev.llmgate.api.Usage;
import dev.llmgate.api.spi.CallContext;
import dev.llmgate.api.spi.ModelProvider;
import dev.llmgate.core.LlmGate;
import dev.llmgate.core.Stage;
import dev.llmgate.core.audit.internal.AuditedStream;
import dev.llmgate.core.audit.internal.Digests;
import dev.llmgate.core.audit.internal.Hex;
import dev.llmgate.core.audit.internal.TextSha256;
import dev.llmgate.testing.MutableClock;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.atomic.AtomicReference;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;

/**
 * The response digest of a streamed answer is computed while the text passes, without keeping the
 * text, and equals the digest of the same answer given whole (docs/audit-format.md, section 7).
 */
class StreamedResponseDigestTest {
    private final MutableClock clock = new MutableClock();

    /** The text's UTF-8 with each unpaired surrogate as U+FFFD, hashed the plain way. */
    private static byte[] reference(String text) throws Exception {
        StringBuilder sb = new StringBuilder();
        for (int i = 0; i < text.length(); i++) {
            char c = text.charAt(i);
            if (Character.isHighSurrogate(c) && i + 1 < text.length() && Character.isLowSurrogate(text.charAt(i + 1))) {
                sb.append(c).append(text.charAt(++i));
            } else if (Character.isSurrogate(c)) {
                sb.append('\uFFFD');
            } else {
                sb.append(c);
            }
        }
        return MessageDigest.getInstance("SHA-256").digest(sb.toString().getBytes(StandardCharsets.UTF_8));
    }

    @Test
    void textDigestIsTheSameWhateverThePiecesIncludingSplitAndUnpairedSurrogates() throws Exception {
        char[] alphabet = {
            'a', ' ', '\n', '"', '\\', '\u00e9', '\u4e2d', '\uD83D', '\uDE00', '\uD835', '\uDC00', '\u0000', '\u007f',
            '\uFFFF'
        };
        Random random = new Random(11);
        for (int round = 0; round < 2_000; round++) {
            StringBuilder sb = new StringBuilder();
            for (int i = 0, n = random.nextInt(1_200); i < n; i++) {
                sb.append(alphabet[random.nextInt(alphabet.length)]);
            }
            String text = sb.toString();
            byte[] expected = reference(text);
            assertThat(TextSha256.of(text)).as(text).isEqualTo(expected);
            TextSha256 pieces = new TextSha256();
            for (int from = 0; from < text.length(); ) {
                int to = Math.min(text.length(), from + random.nextInt(7));
                pieces.update(text.substring(from, to));
                from = to;
            }
            assertThat(pieces.finish()).as(text).isEqualTo(expected);
        }
    }

    @Test
    void theDocumentedExampleDigest() {
        ChatResponse hi = ChatResponse.builder().text("Hi!").build();
        assertThat(Hex.encode(TextSha256.of("Hi!")))
                .isEqualTo("ca51ce1fb15acc6d69b8a5700256172fcc507e02073e6f19592e341bd6508ab8");
        assertThat(new Digests(null).digest(Digests.responseForm(hi)))
                .isEqualTo("sha256:ed06edd314998557caedd211bb756e2e5b6710432dce9625f725051619e25a9d");
    }

    @Test
    void aStreamedAnswerIsDigestedWithoutKeepingItsText() {
        String text = "x\uD83D\uDE00y".repeat(5_000);
        List<StreamEvent> events = new ArrayList<>();
        for (int i = 0; i < text.length(); i += 3) {
            events.add(new StreamEvent.TextDelta(
                    text.substring(i, Math.min(text.length(), i + 3)))); // splits every pair somewhere
        }
        ChatStream.of(ChatResponse.builder().usage(Usage.of(4, 2)).build()).forEachRemaining(e -> {
            if (!(e instanceof StreamEvent.TextDelta)) {
                events.add(e);
            }
        });
        AtomicReference<ChatResponse> seen = new AtomicReference<>();
        AtomicReference<byte[]> digest = new AtomicReference<>();
        try (AuditedStream s =
                new AuditedStream(new ListStream(events), false, (outcome, response, textSha256, error, partial) -> {
                    seen.set(response);
                    digest.set(textSha256);
                })) {
            StringBuilder received = new StringBuilder();
            s.forEachRemaining(e -> {
                if (e instanceof StreamEvent.TextDelta d) {
                    received.append(d.text());
                }
            });
            assertThat(received.toString()).isEqualTo(text); // the caller still gets every delta
        }
        assertThat(seen.get().text()).isEmpty(); // not kept
        assertThat(seen.get().usage()).isEqualTo(Usage.of(4, 2));
        assertThat(digest.get()).isEqualTo(TextSha256.of(text));
    }

    @Test
    void streamedAndBlockingCallsOfTheSameAnswerHaveTheSameResponseDigestWithOrWithoutContentCapture() {
        String answer = "Take 1 tablet daily \uD83D\uDC8A with food.".repeat(40);
        ModelProvider provider = new ModelProvider() {
            @Override
            public ChatResponse chat(ChatRequest request, CallContext call) {
                return ChatResponse.builder().text(answer).usage(Usage.of(3, 2)).build();
            }

            @Override
            public ChatStream stream(ChatRequest request, CallContext call) {
                List<StreamEvent> events = new ArrayList<>();
                for (int i = 0; i < answer.length(); i += 5) {
                    events.add(new StreamEvent.TextDelta(answer.substring(i, Math.min(answer.length(), i + 5))));
                }
                ChatStream.of(ChatResponse.builder().usage(Usage.of(3, 2)).build())
                        .forEachRemaining(e -> {
                            if (!(e instanceof StreamEvent.TextDelta)) {
                                events.add(e);
                            }
                        });
                return new ListStream(events);
            }
        };
        for (boolean capture : new boolean[] {false, true}) {
            InMemoryAuditSink sink = new InMemoryAuditSink();
            AuditLog audit = log(sink, KEY, clock).captureContent(capture).build();
            try (LlmGate gate = LlmGate.builder()
                    .provider("p", provider)
                    .alias("fast", "p:m")
                    .clock(clock)
                    .addInterceptor(Stage.AUDIT, audit.interceptor())
                    .build()) {
                gate.chat(ChatRequest.of("fast", "dose?"));
                assertThat(gate.stream(ChatRequest.of("fast", "dose?"))
                                .collect()
                                .text())
                        .isEqualTo(answer);
            }
            audit.close();
            List<Map<String, Object>> calls = sink.lines().stream()
                    .map(AuditFixtures::parse)
                    .filter(m -> m.get("type").equals("call"))
                    .collect(Collectors.toList());
            assertThat(calls).hasSize(2);
            assertThat(calls.get(1)).containsEntry("mode", "stream");
            assertThat(calls.get(1).get("response_digest"))
                    .as("capture " + capture)
                    .isEqualTo(calls.get(0).get("response_digest"))
                    .isEqualTo(new Digests(null)
                            .digest(Digests.responseForm(
                                    ChatResponse.builder().text(answer).build())));
            if (capture) {
                assertThat(calls.get(1)).containsEntry("response_content", answer);
            } else {
                assertThat(calls.get(1)).doesNotContainKey("response_content");
            }
            assertThat(verifier(KEY).verifyLines(sink.lines(), "memory").valid())
                    .isTrue();
        }
    }

    /** A stream of given events. */
    private static final class ListStream extends AbstractChatStream {
        private final List<StreamEvent> events;
        private int next;

        ListStream(List<StreamEvent> events) {
            this.events = events;
        }

        @Override
        protected StreamEvent produce() {
            return events.get(next++);
        }

        @Override
        protected void release() {}
    }
}
