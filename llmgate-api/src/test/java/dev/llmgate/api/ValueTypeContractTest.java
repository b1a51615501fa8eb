package dev.llmgate.api;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.llmgate.api.spi.AttemptRecord;
import java.lang.reflect.Constructor;
import java.lang.reflect.Modifier;
import java.math.BigDecimal;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalDouble;
import java.util.OptionalInt;
import java.util.OptionalLong;
import org.junit.jupiter.api.Test;

/**
 * The growing value types of the API ({@link ChatRequest}, {@link ChatResponse}, {@link StreamEvent.Finish},
 * {@link AttemptRecord}) are final classes built only through builders (so that a value can be added
 * without breaking a caller), immutable, equal by value, and never print text.
 */
class ValueTypeContractTest {

    @Test
    void growingTypesAreFinalClassesWithoutPublicConstructors() {
        for (Class<?> c :
                List.of(ChatRequest.class, ChatResponse.class, StreamEvent.Finish.class, AttemptRecord.class)) {
            assertThat(c.isRecord())
                    .as(c + " is a record: adding a component would break every caller of its constructor")
                    .isFalse();
            assertThat(Modifier.isFinal(c.getModifiers())).as(c + " is final").isTrue();
            for (Constructor<?> k : c.getDeclaredConstructors()) {
                assertThat(Modifier.isPublic(k.getModifiers()) || Modifier.isProtected(k.getModifiers()))
                        .as(k + " is not public")
                        .isFalse();
            }
        }
    }

    static ChatRequest full() {
        return ChatRequest.builder("p:m")
                .system("sys")
                .user("hi")
                .addTool(ToolDefinition.of("f", "d", "{\"type\":\"object\"}"))
                .toolChoice(ToolChoice.tool("f"))
                .parallelToolCalls(false)
                .responseFormat(ResponseFormat.jsonObject())
                .temperature(0.3)
                .topP(0.5)
                .maxOutputTokens(9)
                .addStop("END")
                .seed(3)
                .providerOption("x", List.of(1, "a"))
                .tenant("t")
                .endUser("u")
                .tag("g")
                .build();
    }

    @Test
    void aRequestEqualsItsCopyAndDiffersInEveryValue() {
        ChatRequest r = full();
        assertThat(r.toBuilder().build()).isEqualTo(r).hasSameHashCodeAs(r);
        assertThat(r).isNotEqualTo(null).isNotEqualTo("p:m");
        List<ChatRequest> changed = List.of(
                r.withModel("p:n"),
                r.withMessages(List.of(Message.user("hi"))),
                r.toBuilder()
                        .tools(List.of(ToolDefinition.of("f", "other", "{\"type\":\"object\"}")))
                        .build(),
                r.toBuilder().toolChoice(Optional.empty()).build(),
                r.toBuilder().parallelToolCalls(Optional.empty()).build(),
                r.toBuilder().responseFormat(ResponseFormat.text()).build(),
                r.toBuilder().temperature(OptionalDouble.empty()).build(),
                r.toBuilder().topP(OptionalDouble.empty()).build(),
                r.toBuilder().maxOutputTokens(OptionalInt.empty()).build(),
                r.toBuilder().stop(List.of()).build(),
                r.toBuilder().seed(OptionalLong.empty()).build(),
                r.toBuilder().providerOptions(Map.of()).build(),
                r.toBuilder().metadata(Metadata.EMPTY).build());
        for (ChatRequest c : changed) {
            assertThat(c).isNotEqualTo(r);
        }
        assertThat(changed).doesNotHaveDuplicates();
    }

    @Test
    void theOptionalSettersUnsetWhatToBuilderCarriedOver() {
        ChatRequest r = full().toBuilder()
                .toolChoice(Optional.empty())
                .parallelToolCalls(Optional.empty())
                .temperature(OptionalDouble.empty())
                .topP(OptionalDouble.empty())
                .maxOutputTokens(OptionalInt.empty())
                .seed(OptionalLong.empty())
                .stop(List.of())
                .providerOptions(Map.of())
                .tools(List.of())
                .build();
        assertThat(r.toolChoice()).isEmpty();
        assertThat(r.parallelToolCalls()).isEmpty();
        assertThat(r.temperature()).isEmpty();
        assertThat(r.topP()).isEmpty();
        assertThat(r.maxOutputTokens()).isEmpty();
        assertThat(r.seed()).isEmpty();
        assertThat(r.stop()).isEmpty();
        assertThat(r.providerOptions()).isEmpty();
        assertThat(r.tools()).isEmpty();
    }

    @Test
    void aRequestCopiesWhatItIsGiven() {
        List<Message> messages = new ArrayList<>(List.of(Message.user("a")));
        List<String> stop = new ArrayList<>(List.of("END"));
        Map<String, Object> nested = new LinkedHashMap<>(Map.of("k", "v"));
        ChatRequest.Builder b =
                ChatRequest.builder("p:m").messages(messages).stop(stop).providerOption("o", nested);
        ChatRequest r = b.build();
        messages.add(Message.user("b"));
        stop.add("FIN");
        nested.put("k", "changed");
        b.user("later").addStop("LATER");
        assertThat(r.messages()).hasSize(1);
        assertThat(r.stop()).containsExactly("END");
        assertThat(r.providerOptions()).isEqualTo(Map.of("o", Map.of("k", "v")));
        assertThatThrownBy(() -> r.tools().add(ToolDefinition.of("f", "", "{}")))
                .isInstanceOf(UnsupportedOperationException.class);
        assertThatThrownBy(() -> r.stop().add("x")).isInstanceOf(UnsupportedOperationException.class);
        List<Message> replaced = new ArrayList<>(List.of(Message.user("c")));
        ChatRequest w = r.withMessages(replaced);
        replaced.clear();
        assertThat(w.messages()).hasSize(1);
    }

    @Test
    void theShortcutsValidateLikeTheBuilder() {
        ChatRequest r = ChatRequest.of("p:m", "hi");
        assertThatThrownBy(() -> r.withModel(" "))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("model must not be blank");
        assertThatThrownBy(() -> r.withModel(null))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("model must not be null");
        assertThatThrownBy(() -> r.withMessages(List.of()))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("at least one message");
        List<Message> withNull = new ArrayList<>();
        withNull.add(null);
        assertThatThrownBy(() -> r.withMessages(withNull))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("message 0 is null");
        assertThatThrownBy(() -> ChatRequest.builder(null).user("x").build())
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("\"provider:model\"");
        assertThatThrownBy(() -> ChatRequest.builder("m").temperature((OptionalDouble) null))
                .hasMessageContaining("OptionalDouble.empty()");
        assertThatThrownBy(() -> ChatRequest.builder("m").stop((List<String>) null))
                .hasMessageContaining("List.of()");
    }

    @Test
    void aRequestPrintsItsShapeNeverItsText() {
        ChatRequest r = ChatRequest.builder("openai:m")
                .system("secret system")
                .user("my SSN is 078-05-1120")
                .addTool(ToolDefinition.of("lookup", "secret description", "{\"type\":\"object\"}"))
                .temperature(0.5)
                .addStop("secret stop")
                .providerOption("user_hint", "secret option")
                .endUser("secret-user")
                .build();
        assertThat(r.toString())
                .doesNotContain("secret")
                .doesNotContain("078-05-1120")
                .isEqualTo("ChatRequest[model=openai:m, messages=2 (34 chars), tools=[lookup], temperature=0.5,"
                        + " providerOptions=[user_hint]]");
    }

    @Test
    void aResponseIsAValueThatNeverPrintsText() {
        ChatResponse a = ChatResponse.builder()
                .id("r1")
                .provider("oai")
                .model("m")
                .text("secret text")
                .toolCalls(List.of(new ToolCall("c1", "f", "{\"secret\":1}")))
                .finishReason(FinishReason.TOOL_CALLS)
                .refusal(Optional.of("secret refusal"))
                .usage(Usage.of(3, 4))
                .timings(new Timings(Duration.ofMillis(5), Optional.empty()))
                .costUsd(Optional.of(new BigDecimal("0.01")))
                .build();
        assertThat(a.toBuilder().build()).isEqualTo(a).hasSameHashCodeAs(a);
        assertThat(a.withText("other")).isNotEqualTo(a);
        assertThat(a.toBuilder().costUsd(Optional.empty()).build()).isNotEqualTo(a);
        assertThat(a.toString())
                .doesNotContain("secret")
                .contains("oai:m")
                .contains("11 chars")
                .contains("[f]")
                .contains("refused");
        List<ToolCall> calls = new ArrayList<>(a.toolCalls());
        ChatResponse b = ChatResponse.builder().toolCalls(calls).build();
        calls.clear();
        assertThat(b.toolCalls()).hasSize(1);
        assertThat(ChatResponse.builder().build()).satisfies(d -> {
            assertThat(d.id()).isEmpty();
            assertThat(d.text()).isEmpty();
            assertThat(d.finishReason()).isEqualTo(FinishReason.STOP);
            assertThat(d.usage()).isEqualTo(Usage.ZERO);
            assertThat(d.timings()).isEqualTo(Timings.NONE);
        });
        assertThatThrownBy(() -> ChatResponse.builder().text(null))
                .isInstanceOf(NullPointerException.class)
                .hasMessageContaining("use \"\"");
        assertThatThrownBy(() -> ChatResponse.builder().refusal(null)).hasMessageContaining("Optional.empty()");
    }

    @Test
    void aFinishIsAValueWithFactoriesAndABuilder() {
        StreamEvent.Finish f = StreamEvent.Finish.of(FinishReason.STOP, "r1", "oai", "m");
        assertThat(f)
                .isEqualTo(StreamEvent.Finish.builder(FinishReason.STOP)
                        .responseId("r1")
                        .provider("oai")
                        .model("m")
                        .build())
                .hasSameHashCodeAs(StreamEvent.Finish.of(FinishReason.STOP, "r1", "oai", "m"));
        assertThat(f.refusal()).isEmpty();
        assertThat(f.timings()).isEqualTo(Timings.NONE);
        assertThat(f.costUsd()).isEmpty();
        assertThat(f.isTerminal()).isTrue();
        StreamEvent.Finish priced = f.withCostUsd(new BigDecimal("0.5"));
        assertThat(priced.costUsd()).contains(new BigDecimal("0.5"));
        assertThat(priced).isNotEqualTo(f);
        Timings t = new Timings(Duration.ofMillis(7), Optional.of(Duration.ofMillis(2)));
        assertThat(priced.withTimings(t).timings()).isEqualTo(t);
        assertThat(priced.withTimings(t).costUsd()).contains(new BigDecimal("0.5"));
        StreamEvent.Finish refused =
                f.toBuilder().refusal(Optional.of("secret refusal")).build();
        assertThat(refused.toString()).doesNotContain("secret").contains("refused");
        assertThat(refused.toBuilder().build()).isEqualTo(refused);
        assertThatThrownBy(() -> StreamEvent.Finish.builder(null)).hasMessageContaining("FinishReason.STOP");
        assertThatThrownBy(() -> StreamEvent.Finish.of(FinishReason.STOP, null, "p", "m"))
                .hasMessageContaining("responseId");
    }

    @Test
    void anAttemptRecordNeedsItsOutcomeAndLatency() {
        AttemptRecord a = AttemptRecord.builder("oai", "gpt")
                .outcome("success")
                .latency(Duration.ofMillis(12))
                .build();
        assertThat(a.reason()).isEqualTo("primary");
        assertThat(a.usage()).isEqualTo(Usage.ZERO);
        assertThat(a.timeToFirstToken()).isEmpty();
        assertThat(a.usageEstimated()).isFalse();
        assertThat(a.toBuilder().build()).isEqualTo(a).hasSameHashCodeAs(a);
        assertThat(a.toBuilder().usageEstimated(true).build()).isNotEqualTo(a);
        assertThat(a.toString())
                .isEqualTo("AttemptRecord[oai:gpt, success, primary, 12 ms, Usage[inputTokens=0, outputTokens=0,"
                        + " cachedInputTokens=0, reasoningTokens=0, cacheWriteTokens=0]]");
        assertThatThrownBy(() -> AttemptRecord.builder(null, "m").build())
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("invalid attempt record: provider must not be null: pass the configured provider name to"
                        + " AttemptRecord.builder(provider, model); outcome is not set: call outcome(\"success\") or"
                        + " outcome(<the exception's simple class name>); latency is not set: call latency(Duration)");
        assertThatThrownBy(() -> AttemptRecord.builder("p", "m")
                        .outcome("success")
                        .latency(Duration.ofMillis(-1))
                        .build())
                .hasMessageContaining("latency must not be negative, was PT-0.001S");
    }
}
