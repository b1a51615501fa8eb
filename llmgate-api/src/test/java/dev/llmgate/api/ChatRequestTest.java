package dev.llmgate.api;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class ChatRequestTest {

    @Test
    void buildsAnImmutableRequest() {
        ChatRequest r = ChatRequest.builder("openai:gpt-4o-mini")
                .system("be brief")
                .user("hi")
                .temperature(0.2)
                .maxOutputTokens(10)
                .addStop("END")
                .seed(7)
                .tenant("acme")
                .tag("t1")
                .providerOption("reasoning_effort", "low")
                .build();
        assertThat(r.messages()).hasSize(2);
        assertThat(r.lastUserText()).isEqualTo("hi");
        assertThat(r.metadata().tenant()).contains("acme");
        assertThatThrownBy(() -> r.messages().add(Message.user("x"))).isInstanceOf(UnsupportedOperationException.class);
        assertThatThrownBy(() -> r.providerOptions().put("x", 1)).isInstanceOf(UnsupportedOperationException.class);
        assertThat(r.toBuilder().build()).isEqualTo(r);
    }

    @Test
    void rejectsBadValuesWithMessagesThatSayHowToFixThem() {
        assertThatThrownBy(() -> ChatRequest.builder("m").build()).hasMessageContaining("at least one message");
        assertThatThrownBy(() -> ChatRequest.builder(" ").user("x").build())
                .hasMessageContaining("model must not be blank");
        assertThatThrownBy(
                        () -> ChatRequest.builder("m").user("x").temperature(3).build())
                .hasMessage("temperature must be between 0 and 2, was 3.0");
        assertThatThrownBy(() -> ChatRequest.builder("m").user("x").topP(0).build())
                .hasMessageContaining("topP must be greater than 0");
        assertThatThrownBy(() ->
                        ChatRequest.builder("m").user("x").maxOutputTokens(0).build())
                .hasMessageContaining("maxOutputTokens must be at least 1");
        assertThatThrownBy(() -> ChatRequest.builder("m")
                        .user("x")
                        .toolChoice(ToolChoice.required())
                        .build())
                .hasMessageContaining("needs tools");
        assertThatThrownBy(() -> ChatRequest.builder("m")
                        .user("x")
                        .addTool(ToolDefinition.of("a", "", "{}"))
                        .toolChoice(ToolChoice.tool("b"))
                        .build())
                .hasMessageContaining("names tool 'b', which is not among the request's tools");
        assertThatThrownBy(() -> ChatRequest.builder("m")
                        .user("x")
                        .addTool(ToolDefinition.of("a", "", "{}"))
                        .addTool(ToolDefinition.of("a", "", "{}"))
                        .build())
                .hasMessageContaining("two tools are named 'a'");
        assertThatThrownBy(() -> ChatRequest.builder("m")
                        .user("x")
                        .providerOption("o", new Object())
                        .build())
                .hasMessageContaining("providerOptions.o must be a String, Number, Boolean, List or Map");
        assertThatThrownBy(() -> ChatRequest.builder("m")
                        .user("x")
                        .providerOption("o", Map.of("k", List.of(new Object())))
                        .build())
                .hasMessageContaining("providerOptions.o.k[0]");
    }

    @Test
    void anUnknownToolNameThatIsNoIdentifierIsNotEchoedInTheMessage() {
        assertThatThrownBy(() -> ChatRequest.builder("m")
                        .user("hi")
                        .addTool(ToolDefinition.of("weather", "", "{}"))
                        .toolChoice(ToolChoice.tool("4111111111111111"))
                        .build())
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("a name of 16 characters, not shown")
                .hasMessageNotContaining("4111111111111111");
        assertThatThrownBy(() -> ToolDefinition.of("4111 1111 1111 1111", "", "{}"))
                .hasMessageNotContaining("4111");
        assertThatThrownBy(() -> ChatRequest.builder("m")
                        .user("hi")
                        .addTool(ToolDefinition.of("weather", "", "{}"))
                        .toolChoice(ToolChoice.tool("a123-45-6789"))
                        .build())
                .hasMessageNotContaining("6789");
    }

    @Test
    void toolAndSchemaNamesFollowTheProvidersRules() {
        assertThatThrownBy(() -> ToolDefinition.of("get weather", "", "{}"))
                .hasMessageContaining("tool name 'get weather' is not allowed");
        assertThatThrownBy(() -> ToolDefinition.of("w", "", "[]")).hasMessageContaining("must be a JSON object");
        assertThatThrownBy(() -> ResponseFormat.jsonSchema("a b", "{}", true))
                .hasMessageContaining("schema name 'a b'");
    }

    @Test
    void messagesEnforceTheirRoleRules() {
        assertThatThrownBy(() -> new Message(
                        Role.USER,
                        List.of(ContentPart.text("x")),
                        List.of(new ToolCall("1", "f", "{}")),
                        java.util.Optional.empty(),
                        java.util.Optional.empty()))
                .hasMessageContaining("only ASSISTANT messages can carry tool calls");
        assertThatThrownBy(() -> new Message(
                        Role.TOOL,
                        List.of(ContentPart.text("x")),
                        List.of(),
                        java.util.Optional.empty(),
                        java.util.Optional.empty()))
                .hasMessageContaining("Message.tool(toolCallId, result)");
        assertThatThrownBy(() -> new Message(
                        Role.SYSTEM,
                        List.of(ContentPart.imageUrl("https://x/y.png")),
                        List.of(),
                        java.util.Optional.empty(),
                        java.util.Optional.empty()))
                .hasMessageContaining("images are only allowed in USER messages");
        Message m = Message.user(
                ContentPart.text("a"), ContentPart.image(new byte[] {1, 2}, "image/png"), ContentPart.text("b"));
        assertThat(m.text()).isEqualTo("ab");
        assertThat(m.hasImages()).isTrue();
        assertThat(m.mapText(String::toUpperCase).text()).isEqualTo("AB");
        assertThatThrownBy(() -> ContentPart.image(new byte[0], "text/plain"))
                .hasMessageContaining("must be an image type");
    }

    @Test
    void toStringNeverShowsPromptOrAnswerText() {
        ChatRequest r = ChatRequest.builder("openai:m")
                .system("secret system")
                .user("my SSN is 078-05-1120")
                .build();
        ChatResponse a = ChatResponse.builder()
                .text("the secret answer")
                .toolCalls(List.of(new ToolCall("c", "lookup", "{\"ssn\":\"078-05-1120\"}")))
                .build();
        String all = r + " " + r.messages() + " " + a + " " + a.toolCalls() + " "
                + new StreamEvent.TextDelta("secret delta") + " " + ContentPart.text("secret part");
        assertThat(all).doesNotContain("secret").doesNotContain("078-05-1120");
        assertThat(r.toString()).contains("openai:m").contains("messages=2");
    }

    @Test
    void imageBytesAreCopiedInAndOut() {
        byte[] data = {1, 2, 3};
        ContentPart.ImageData img = ContentPart.image(data, "image/png");
        data[0] = 9;
        assertThat(img.data()[0]).isEqualTo((byte) 1);
        img.data()[1] = 9;
        assertThat(img.data()[1]).isEqualTo((byte) 2);
        assertThat(img).isEqualTo(ContentPart.image(new byte[] {1, 2, 3}, "image/png"));
    }

    @Test
    void aRejectedProviderOptionsMapLeavesTheBuilderAsItWas() {
        ChatRequest.Builder b = ChatRequest.builder("m").user("hi").providerOption("seed_style", "x");
        java.util.Map<String, Object> withNullKey = new java.util.HashMap<>();
        withNullKey.put(null, 1);
        assertThatThrownBy(() -> b.providerOptions(withNullKey)).isInstanceOf(NullPointerException.class);
        assertThat(b.build().providerOptions()).containsEntry("seed_style", "x");
    }
}
