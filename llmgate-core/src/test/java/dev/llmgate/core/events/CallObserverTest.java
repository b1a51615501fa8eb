package dev.llmgate.core.events;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.llmgate.api.ChatRequest;
import dev.llmgate.api.ChatResponse;
import dev.llmgate.api.ChatStream;
import dev.llmgate.api.exception.ErrorDetails;
import dev.llmgate.api.exception.OverloadedException;
import dev.llmgate.api.exception.PolicyBlockedException;
import dev.llmgate.core.LlmGate;
import dev.llmgate.testing.Reply;
import dev.llmgate.testing.ScriptedProvider;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/** Observers see every call and attempt start and end exactly once, and can never change a call. */
class CallObserverTest {

    /** Records "start CALL chat p:m" / "end CALL success" lines and the ends. */
    static final class Recording implements CallObserver {
        final List<String> log = Collections.synchronizedList(new ArrayList<>());
        final List<ObservedEnd> ends = Collections.synchronizedList(new ArrayList<>());
        final boolean text;

        Recording(boolean text) {
            this.text = text;
        }

        @Override
        public boolean wantsAnswerText() {
            return text;
        }

        @Override
        public Observation start(ObservedStart start) {
            log.add("start " + start.kind() + " " + start.operation() + " "
                    + (start.provider().isEmpty() ? "" : start.provider() + ":") + start.model());
            return end -> {
                log.add("end " + start.kind() + " " + end.outcome().label());
                ends.add(end);
            };
        }
    }

    @Test
    void aCallAndItsAttemptAreObservedOnceEach() {
        Recording rec = new Recording(false);
        try (LlmGate gate = LlmGate.builder()
                .provider("p", ScriptedProvider.replying(Reply.text("hello")))
                .alias("fast", "p:m")
                .observer(rec)
                .build()) {
            ChatResponse r = gate.chat(ChatRequest.of("fast", "hi"));
            assertThat(rec.log)
                    .containsExactly(
                            "start CALL chat fast",
                            "start ATTEMPT chat p:m",
                            "end ATTEMPT success",
                            "end CALL success");
            ObservedEnd call = rec.ends.get(1);
            assertThat(call.facts()).isEqualTo(r.facts());
            assertThat(call.answer())
                    .hasValueSatisfying(a -> assertThat(a.text()).isEqualTo("hello"));
            assertThat(rec.ends.get(0).facts().deployment()).contains("p:m");
            assertThat(gate.describeChain()).anyMatch(d -> d.startsWith("call observers"));
        }
    }

    @Test
    void aBlockedCallIsSeenWithoutAnAttemptAndAFailedOneWithIts() {
        Recording rec = new Recording(false);
        try (LlmGate gate = LlmGate.builder()
                .provider(
                        "p",
                        ScriptedProvider.replying(Reply.failure(
                                () -> new OverloadedException("busy", ErrorDetails.of("p"), Optional.empty(), null))))
                .addInterceptor(chain -> {
                    if (chain.request().lastUserText().contains("secret")) {
                        throw new PolicyBlockedException("blocked by rule r1", List.of("r1"));
                    }
                    return chain.proceed(chain.request());
                })
                .observer(rec)
                .build()) {
            assertThatThrownBy(() -> gate.chat(ChatRequest.of("p:m", "a secret")))
                    .isInstanceOf(PolicyBlockedException.class);
            assertThat(rec.log).containsExactly("start CALL chat p:m", "end CALL blocked");
            rec.log.clear();
            assertThatThrownBy(() -> gate.chat(ChatRequest.of("p:m", "fine"))).isInstanceOf(OverloadedException.class);
            assertThat(rec.log)
                    .containsExactly(
                            "start CALL chat p:m", "start ATTEMPT chat p:m", "end ATTEMPT failed", "end CALL failed");
            assertThat(rec.ends.get(rec.ends.size() - 1).errorType()).contains("OverloadedException");
        }
    }

    @Test
    void aStreamEndsOnceAtItsFinishOrWhenClosedEarlyAndCarriesTextOnlyWhenAsked() {
        Recording shape = new Recording(false);
        Recording content = new Recording(true);
        try (LlmGate gate = LlmGate.builder()
                .provider("p", ScriptedProvider.answering(c -> Reply.words("one two three")))
                .observer(shape)
                .observer(content)
                .build()) {
            gate.stream(ChatRequest.of("p:m", "count")).collect();
            assertThat(shape.ends).hasSize(2);
            assertThat(shape.ends.get(1).answer().orElseThrow().text()).isEmpty();
            assertThat(content.ends.get(1).answer().orElseThrow().text()).isEqualTo("one two three");

            shape.log.clear();
            try (ChatStream s = gate.stream(ChatRequest.of("p:m", "count"))) {
                s.next();
                assertThat(shape.log).containsExactly("start CALL chat p:m", "start ATTEMPT chat p:m");
            }
            assertThat(shape.log).endsWith("end ATTEMPT closed_early", "end CALL closed_early");
            assertThat(shape.log).hasSize(4);
        }
    }

    @Test
    void anObserverThatDidNotAskForTextGetsNoTokensEither() {
        Recording shape = new Recording(false);
        Recording content = new Recording(true);
        try (LlmGate gate = LlmGate.builder()
                .provider(
                        "p",
                        ScriptedProvider.answering(c -> Reply.events(
                                new dev.llmgate.api.StreamEvent.TextDelta("secret words"),
                                new dev.llmgate.api.StreamEvent.LogprobsDelta(
                                        List.of(new dev.llmgate.api.TokenLogprob("secret words", -0.1))),
                                dev.llmgate.api.StreamEvent.Finish.of(
                                        dev.llmgate.api.FinishReason.STOP, "r", "p", "m"))))
                .observer(shape)
                .observer(content)
                .build()) {
            gate.stream(ChatRequest.of("p:m", "x")).collect();
        }
        assertThat(content.ends.get(1).answer().orElseThrow().logprobs()).hasSize(1);
        assertThat(shape.ends.get(1).answer().orElseThrow().logprobs()).isEmpty();
        assertThat(shape.ends.get(1).answer().orElseThrow().text()).isEmpty();
    }

    @Test
    void anObserverMissingAClassChangesNothing() {
        CallObserver linkage = start -> {
            throw new NoClassDefFoundError("io/opentelemetry/api/trace/Span");
        };
        try (LlmGate gate = LlmGate.builder()
                .provider("p", ScriptedProvider.answering(c -> Reply.text("ok")))
                .observer(linkage)
                .build()) {
            assertThat(gate.chat(ChatRequest.of("p:m", "hi")).text()).isEqualTo("ok");
        }
    }

    @Test
    void anObserverThatThrowsChangesNothing() {
        CallObserver broken = start -> {
            if (start.kind() == ObservedStart.Kind.ATTEMPT) {
                throw new IllegalStateException("observer bug");
            }
            return end -> {
                throw new IllegalStateException("observer bug at the end");
            };
        };
        Recording rec = new Recording(false);
        try (LlmGate gate = LlmGate.builder()
                .provider("p", ScriptedProvider.answering(c -> Reply.text("ok")))
                .observer(broken)
                .observer(rec)
                .build()) {
            assertThat(gate.chat(ChatRequest.of("p:m", "hi")).text()).isEqualTo("ok");
            assertThat(gate.stream(ChatRequest.of("p:m", "hi")).collect().text())
                    .isEqualTo("ok");
            assertThat(rec.ends).hasSize(4);
        }
    }
}
