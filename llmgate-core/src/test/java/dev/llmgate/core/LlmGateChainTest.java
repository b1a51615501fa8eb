package dev.llmgate.core;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.llmgate.api.ChatRequest;
import dev.llmgate.api.ChatResponse;
import dev.llmgate.api.ChatResult;
import dev.llmgate.api.ChatStream;
import dev.llmgate.api.FinishReason;
import dev.llmgate.api.StreamEvent;
import dev.llmgate.api.Usage;
import dev.llmgate.api.exception.ErrorDetails;
import dev.llmgate.api.exception.InvalidRequestException;
import dev.llmgate.api.exception.LlmException;
import dev.llmgate.api.exception.RateLimitedException;
import dev.llmgate.api.exception.StreamInterruptedException;
import dev.llmgate.api.spi.CallContext;
import dev.llmgate.api.spi.Interceptor;
import dev.llmgate.testing.MutableClock;
import dev.llmgate.testing.Reply;
import dev.llmgate.testing.ScriptedProvider;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;

class LlmGateChainTest {

    private final ScriptedProvider provider = ScriptedProvider.answering(LlmGateChainTest::echo);

    /** Echoes the last user text ("echo: ..."), streamed word by word, with usage 3/4. */
    static Reply echo(ScriptedProvider.Call call) {
        return Reply.words("echo: " + call.request().lastUserText())
                .withId("r1")
                .withUsage(Usage.of(3, 4));
    }

    private static Interceptor recording(List<String> log, String name) {
        return new Interceptor() {
            @Override
            public ChatResult intercept(Chain chain) {
                log.add(name + ">" + chain.request().model());
                ChatResult r = chain.proceed(chain.request());
                log.add(name + "<");
                return r;
            }

            @Override
            public String toString() {
                return name;
            }
        };
    }

    @Test
    void interceptorsRunInTheDocumentedOrderWhateverTheOrderOfRegistration() {
        List<String> log = Collections.synchronizedList(new ArrayList<>());
        try (LlmGate gate = LlmGate.builder()
                .provider("p", provider)
                .alias("fast", "p:small")
                .addAttemptInterceptor(recording(log, "attempt"))
                .addInterceptor(Stage.CACHE, recording(log, "cache"))
                .addInterceptor(Stage.AUDIT, recording(log, "audit"))
                .addInterceptor(recording(log, "app1"))
                .addInterceptor(Stage.POLICY, recording(log, "policy"))
                .addInterceptor(Stage.BUDGET, recording(log, "budget"))
                .addInterceptor(recording(log, "app2"))
                .addInterceptor(Stage.ROUTING, recording(log, "routing"))
                .build()) {
            gate.chat(ChatRequest.of("fast", "hi"));
            assertThat(log)
                    .containsExactly(
                            "app1>fast",
                            "app2>fast",
                            "audit>fast",
                            "policy>fast",
                            "budget>fast",
                            "routing>p:small",
                            "cache>p:small",
                            "attempt>p:small",
                            "attempt<",
                            "cache<",
                            "routing<",
                            "budget<",
                            "policy<",
                            "audit<",
                            "app2<",
                            "app1<");
            assertThat(gate.describeChain())
                    .containsExactly(
                            "application: app1",
                            "application: app2",
                            "AUDIT: audit",
                            "POLICY: policy",
                            "BUDGET: budget",
                            "ROUTING: AliasResolver{fast=p:small}",
                            "ROUTING: routing",
                            "CACHE: cache",
                            "attempt: attempt",
                            "provider: calls the provider named by \"provider:model\"");
        }
    }

    @Test
    void providerReceivesTheBareModelNameAndTheAnswerNamesTheProvider() {
        try (LlmGate gate = LlmGate.builder().provider("ollama", provider).build()) {
            ChatResponse r = gate.chat(ChatRequest.of("ollama:llama3.2:1b", "hello"));
            assertThat(provider.requests().get(0).model()).isEqualTo("llama3.2:1b");
            assertThat(r.provider()).isEqualTo("ollama");
            assertThat(r.text()).isEqualTo("echo: hello");
        }
    }

    @Test
    void anInterceptorCanShortCircuitWithoutCallingTheProvider() {
        try (LlmGate gate = LlmGate.builder()
                .provider("p", provider)
                .addInterceptor(chain -> ChatResponse.builder()
                        .text("from cache")
                        .provider("cache")
                        .build())
                .build()) {
            assertThat(gate.chat(ChatRequest.of("p:m", "hi")).text()).isEqualTo("from cache");
            try (ChatStream stream = gate.stream(ChatRequest.of("p:m", "hi"))) {
                assertThat(stream.collect().text()).isEqualTo("from cache");
            }
            assertThat(provider.requests()).isEmpty();
        }
    }

    @Test
    void anInterceptorCanRewriteTheRequest() {
        try (LlmGate gate = LlmGate.builder()
                .provider("p", provider)
                .addInterceptor(chain -> chain.proceed(chain.request().toBuilder()
                        .model("p:bigger")
                        .messages(List.of(dev.llmgate.api.Message.user("rewritten")))
                        .build()))
                .build()) {
            ChatResponse r = gate.chat(ChatRequest.of("p:m", "original"));
            assertThat(provider.requests().get(0).model()).isEqualTo("bigger");
            assertThat(r.text()).isEqualTo("echo: rewritten");
        }
    }

    @Test
    void anInterceptorTransformsStreamedEventsAndBlockingAnswersWithOneTransformer() {
        Interceptor upper = chain -> chain.proceed(chain.request()).transform((event, out) -> {
            if (event instanceof StreamEvent.TextDelta d) {
                out.accept(new StreamEvent.TextDelta(d.text().toUpperCase()));
            } else {
                out.accept(event);
            }
        });
        try (LlmGate gate =
                LlmGate.builder().provider("p", provider).addInterceptor(upper).build()) {
            List<String> deltas = new ArrayList<>();
            ChatResponse streamed = gate.stream(ChatRequest.of("p:m", "two words"), e -> {
                if (e instanceof StreamEvent.TextDelta d) {
                    deltas.add(d.text());
                }
            });
            assertThat(deltas).containsExactly("ECHO: ", "TWO ", "WORDS");
            assertThat(streamed.text()).isEqualTo("ECHO: TWO WORDS");
            assertThat(streamed.finishReason()).isEqualTo(FinishReason.STOP);
            assertThat(streamed.usage().outputTokens()).isEqualTo(4);
            assertThat(gate.chat(ChatRequest.of("p:m", "two words")).text()).isEqualTo("ECHO: TWO WORDS");
        }
    }

    @Test
    void errorsPropagateThroughTheChainTypedAndInterceptorsSeeThem() {
        provider.replyWith(Reply.failure(
                new RateLimitedException("slow down", ErrorDetails.of("p"), Optional.of(Duration.ofSeconds(2)))));
        AtomicReference<LlmException> seen = new AtomicReference<>();
        Interceptor observer = chain -> {
            try {
                return chain.proceed(chain.request());
            } catch (LlmException e) {
                seen.set(e);
                throw e;
            }
        };
        try (LlmGate gate = LlmGate.builder()
                .provider("p", provider)
                .addInterceptor(observer)
                .build()) {
            assertThatThrownBy(() -> gate.chat(ChatRequest.of("p:m", "hi")))
                    .isInstanceOf(RateLimitedException.class)
                    .satisfies(e ->
                            assertThat(((RateLimitedException) e).retryAfter()).contains(Duration.ofSeconds(2)));
            assertThat(seen.get()).isInstanceOf(RateLimitedException.class);
            assertThatThrownBy(() -> gate.chatAsync(ChatRequest.of("p:m", "hi")).join())
                    .hasCauseInstanceOf(RateLimitedException.class);
        }
    }

    @Test
    void aStreamThatFailsMidwayThrowsAndThePushListenerSeesAnErrorEventLast() {
        StreamInterruptedException cut = new StreamInterruptedException("cut", ErrorDetails.of("p"));
        provider.answerWith(call -> echo(call).failingAfter(2, cut));
        List<StreamEvent> events = new ArrayList<>();
        AtomicReference<LlmException> observed = new AtomicReference<>();
        Interceptor watcher = chain -> chain.proceed(chain.request()).whenComplete(r -> {}, observed::set);
        try (LlmGate gate = LlmGate.builder()
                .provider("p", provider)
                .addInterceptor(watcher)
                .build()) {
            assertThatThrownBy(() -> gate.stream(ChatRequest.of("p:m", "a b c d"), events::add))
                    .isInstanceOf(StreamInterruptedException.class);
            assertThat(events).hasSize(3);
            assertThat(events.get(2)).isInstanceOf(StreamEvent.Error.class);
            assertThat(observed.get()).isInstanceOf(StreamInterruptedException.class);
            assertThat(provider.streamsReleased()).isEqualTo(1);

            ChatStream pull = gate.stream(ChatRequest.of("p:m", "a b c d"));
            pull.next();
            pull.next();
            assertThatThrownBy(pull::hasNext).isInstanceOf(StreamInterruptedException.class);
            assertThatThrownBy(pull::hasNext)
                    .as("a failed stream keeps failing, never ends cleanly")
                    .isInstanceOf(StreamInterruptedException.class);
        }
    }

    @Test
    void aProviderStreamWithoutFinishIsAnErrorNotACleanEnd() {
        dev.llmgate.api.spi.ModelProvider truncating = new dev.llmgate.api.spi.ModelProvider() {
            @Override
            public ChatResponse chat(ChatRequest request, CallContext call) {
                throw new AssertionError("not used");
            }

            @Override
            public ChatStream stream(ChatRequest request, CallContext call) {
                java.util.Iterator<StreamEvent> it = List.<StreamEvent>of(new StreamEvent.TextDelta("partial"))
                        .iterator();
                return new ChatStream() {
                    @Override
                    public boolean hasNext() {
                        return it.hasNext();
                    }

                    @Override
                    public StreamEvent next() {
                        return it.next();
                    }

                    @Override
                    public void close() {}
                };
            }
        };
        try (LlmGate gate = LlmGate.builder().provider("t", truncating).build()) {
            assertThatThrownBy(() -> gate.stream(ChatRequest.of("t:m", "x")).collect())
                    .isInstanceOf(StreamInterruptedException.class)
                    .hasMessageContaining("without a finish event");
        }
    }

    @Test
    void closingAStreamEarlyReleasesTheProviderStream() {
        try (LlmGate gate = LlmGate.builder().provider("p", provider).build()) {
            ChatStream s = gate.stream(ChatRequest.of("p:m", "a b c"));
            s.next();
            s.close();
            assertThat(s.hasNext()).isFalse();
            assertThat(provider.streamsReleased()).isEqualTo(1);
        }
    }

    @Test
    void timingsComeFromTheInjectedClock() {
        MutableClock clock = new MutableClock(Instant.parse("2026-01-01T00:00:00Z"));
        dev.llmgate.api.spi.ModelProvider slow = (request, call) -> {
            clock.advance(Duration.ofMillis(250));
            return ChatResponse.builder().text("ok").build();
        };
        try (LlmGate gate = LlmGate.builder().provider("s", slow).clock(clock).build()) {
            ChatResponse r = gate.chat(ChatRequest.of("s:m", "x"));
            assertThat(r.timings().total()).isEqualTo(Duration.ofMillis(250));
            assertThat(r.id()).startsWith("call_");
            assertThat(r.model()).isEqualTo("m");
        }
    }

    @Test
    void unknownModelsFailWithAMessageThatSaysWhatToDo() {
        try (LlmGate gate = LlmGate.builder()
                .provider("openai", provider)
                .alias("fast", "openai:mini")
                .build()) {
            assertThatThrownBy(() -> gate.chat(ChatRequest.of("gpt-4o", "x")))
                    .isInstanceOf(InvalidRequestException.class)
                    .hasMessageContaining("neither \"provider:model\"")
                    .hasMessageContaining("[fast]");
            assertThatThrownBy(() -> gate.chat(ChatRequest.of("anthropic:claude", "x")))
                    .isInstanceOf(InvalidRequestException.class)
                    .hasMessageContaining("provider 'anthropic', which is not configured")
                    .hasMessageContaining("[openai]");
        }
    }

    @Test
    void wrapRunsAnArbitraryCallThroughTheSameChain() {
        List<String> log = new ArrayList<>();
        try (LlmGate gate =
                LlmGate.builder().addInterceptor(recording(log, "policy")).build()) {
            ChatResponse r = gate.wrap(
                    ChatRequest.of("my-sdk:gpt-x", "hi"),
                    (request, call) -> ChatResponse.builder()
                            .text("sdk said " + request.lastUserText() + " to " + request.model())
                            .build());
            assertThat(r.text()).isEqualTo("sdk said hi to gpt-x");
            assertThat(r.provider()).isEqualTo("my-sdk");
            assertThat(log).containsExactly("policy>my-sdk:gpt-x", "policy<");
        }
    }

    @Test
    void aClosedGateRefusesCallsAndClosesItsProvidersOnce() {
        LlmGate gate = LlmGate.builder().provider("p", provider).build();
        gate.close();
        gate.close();
        assertThat(provider.closes()).isEqualTo(1);
        assertThatThrownBy(() -> gate.chat(ChatRequest.of("p:m", "x")))
                .isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("closed");
    }

    @Test
    void contextAttributesCarryInformationBetweenInterceptors() {
        CallContext.Key<String> decision = CallContext.Key.of("decision", String.class);
        AtomicReference<String> seenByOuter = new AtomicReference<>();
        try (LlmGate gate = LlmGate.builder()
                .provider("p", provider)
                .addInterceptor(Stage.AUDIT, chain -> {
                    ChatResult r = chain.proceed(chain.request());
                    seenByOuter.set(chain.call().get(decision).orElse("none"));
                    return r;
                })
                .addInterceptor(Stage.POLICY, chain -> {
                    chain.call().put(decision, "ALLOW");
                    return chain.proceed(chain.request());
                })
                .build()) {
            gate.chat(ChatRequest.of("p:m", "x"));
            assertThat(seenByOuter.get()).isEqualTo("ALLOW");
        }
    }

    @Test
    void callFactsAreSharedBetweenStagesThatDoNotKnowEachOther() {
        AtomicReference<List<dev.llmgate.api.spi.PolicyRecord>> seen = new AtomicReference<>();
        AtomicReference<String> requested = new AtomicReference<>();
        try (LlmGate gate = LlmGate.builder()
                .provider("p", provider)
                .alias("fast", "p:m")
                .addInterceptor(Stage.AUDIT, chain -> {
                    ChatResult r = chain.proceed(chain.request());
                    seen.set(chain.call().list(dev.llmgate.api.spi.CallFacts.POLICY));
                    requested.set(chain.call()
                            .get(dev.llmgate.api.spi.CallFacts.REQUESTED_MODEL)
                            .orElse(""));
                    return r;
                })
                .addInterceptor(Stage.POLICY, chain -> {
                    chain.call()
                            .append(
                                    dev.llmgate.api.spi.CallFacts.POLICY,
                                    new dev.llmgate.api.spi.PolicyRecord(
                                            "input", "ALLOW_LOG", List.of("pii.email"), java.util.Map.of("EMAIL", 1)));
                    return chain.proceed(chain.request());
                })
                .build()) {
            gate.chat(ChatRequest.of("fast", "x"));
            assertThat(seen.get())
                    .extracting(dev.llmgate.api.spi.PolicyRecord::ruleIds)
                    .containsExactly(List.of("pii.email"));
            assertThat(requested.get()).isEqualTo("fast");
        }
    }

    @Test
    void anInterceptorReturningNullIsNamedInTheError() {
        try (LlmGate gate = LlmGate.builder()
                .provider("p", provider)
                .addInterceptor(new NullInterceptor())
                .build()) {
            assertThatThrownBy(() -> gate.chat(ChatRequest.of("p:m", "x")))
                    .isInstanceOf(NullPointerException.class)
                    .hasMessageContaining("NullInterceptor returned null");
        }
    }

    static final class NullInterceptor implements Interceptor {
        @Override
        public ChatResult intercept(Chain chain) {
            return null;
        }
    }
}
