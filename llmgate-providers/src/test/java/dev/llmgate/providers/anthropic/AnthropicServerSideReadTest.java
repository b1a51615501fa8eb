package dev.llmgate.providers.anthropic;

import static dev.llmgate.providers.anthropic.AnthropicTestSupport.fixture;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.llmgate.api.ChatRequest;
import dev.llmgate.api.ContentPart;
import dev.llmgate.api.Message;
import dev.llmgate.api.Role;
import dev.llmgate.api.ToolCall;
import dev.llmgate.api.ToolChoice;
import dev.llmgate.api.ToolDefinition;
import dev.llmgate.api.exception.InvalidRequestException;
import dev.llmgate.providers.anthropic.internal.AnthropicServerSide;
import dev.llmgate.providers.anthropic.internal.AnthropicWire;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * {@link AnthropicServerSide#read}: a Messages request read as a server would, and written again by
 * {@link AnthropicWire}, is the request the client sent; what cannot be carried faithfully is refused
 * with a message that names the part, never the prompt.
 */
class AnthropicServerSideReadTest {
    static final ObjectMapper MAPPER = new ObjectMapper();
    static final AnthropicWire.Options OPTIONS = new AnthropicWire.Options(4096, false);
    static final String SECRET_TEXT = "PROMPT-TEXT-THAT-MUST-NOT-LEAK";

    /** Numbers compare by value (the writer writes a temperature of 1 as 1.0), everything else exactly. */
    static final Comparator<JsonNode> NUMBERS = (a, b) ->
            a.equals(b) || (a.isNumber() && b.isNumber() && a.decimalValue().compareTo(b.decimalValue()) == 0) ? 0 : 1;

    static JsonNode tree(byte[] json) {
        try {
            return MAPPER.readTree(json);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** The body AnthropicWire writes for what {@code read} made of {@code body}. */
    static JsonNode rewrite(byte[] body) {
        AnthropicServerSide.Intercepted in = AnthropicServerSide.read(body, "anthropic:");
        ChatRequest r = in.request().withModel(in.model());
        return tree(AnthropicWire.requestBody(r, in.stream(), OPTIONS, "anthropic"));
    }

    static void assertSameJson(JsonNode actual, JsonNode expected) {
        assertThat(actual.equals(NUMBERS, expected))
                .as("expected %s%nbut was  %s", expected, actual)
                .isTrue();
    }

    /** The forms AnthropicWire writes for what the captures say in a shorter form: content strings as one text block. */
    static JsonNode normalise(JsonNode body) {
        ObjectNode copy = body.deepCopy();
        for (JsonNode m : copy.path("messages")) {
            JsonNode c = m.get("content");
            if (c != null && c.isTextual()) {
                ArrayNode blocks = MAPPER.createArrayNode();
                blocks.addObject().put("type", "text").put("text", c.asText());
                ((ObjectNode) m).set("content", blocks);
            }
        }
        return copy;
    }

    @ParameterizedTest
    @ValueSource(
            strings = {
                "llama-server.anthropic-messages.request.json",
                "llama-server.anthropic-messages-stream.request.json",
                "llama-server.anthropic-tools.request.json",
                "llama-server.anthropic-tools-stream.request.json"
            })
    void aCapturedRequestIsForwardedAsItWasSent(String name) {
        byte[] body = fixture(name).getBytes(StandardCharsets.UTF_8);
        assertSameJson(rewrite(body), normalise(tree(body)));
        // and AnthropicWire's own form of it is a fixed point, byte for byte after one pass
        byte[] once = AnthropicWire.requestBody(
                AnthropicServerSide.read(body, "").request(),
                AnthropicServerSide.read(body, "").stream(),
                OPTIONS,
                "anthropic");
        assertThat(AnthropicWire.requestBody(
                        AnthropicServerSide.read(once, "").request(),
                        AnthropicServerSide.read(once, "").stream(),
                        OPTIONS,
                        "anthropic"))
                .isEqualTo(once);
    }

    @Test
    void aCapturedRequestReadsAsTheProviderNeutralRequest() {
        AnthropicServerSide.Intercepted in = AnthropicServerSide.read(
                fixture("llama-server.anthropic-tools-stream.request.json").getBytes(StandardCharsets.UTF_8),
                "anthropic:");
        assertThat(in.model()).isEqualTo("tiny-test-llama");
        assertThat(in.stream()).isTrue();
        ChatRequest r = in.request();
        assertThat(r.model()).isEqualTo("anthropic:tiny-test-llama");
        assertThat(r.maxOutputTokens()).hasValue(128);
        assertThat(r.toolChoice()).contains(ToolChoice.required());
        assertThat(r.tools()).extracting(ToolDefinition::name).containsExactly("get_weather");
        assertThat(r.messages()).containsExactly(Message.user("Weather in Paris?"));
        assertThat(r.providerOptions()).isEmpty();
    }

    /** A conversation as the SDK sends it, with {@code marks} cache_control breakpoints at the blocks named by index. */
    static String cached(java.util.Set<String> marks) {
        java.util.function.Function<String, String> cc = name -> marks.contains(name)
                ? ",\"cache_control\":{\"type\":\"ephemeral\"" + (name.equals("system") ? ",\"ttl\":\"5m\"" : "") + "}"
                : "";
        return "{\"model\":\"claude-x\",\"max_tokens\":50,"
                + "\"system\":[{\"type\":\"text\",\"text\":\"You are terse.\"},{\"type\":\"text\",\"text\":\"Long manual.\""
                + cc.apply("system") + "}],"
                + "\"messages\":[{\"role\":\"user\",\"content\":[{\"type\":\"text\",\"text\":\"Document: ...\""
                + cc.apply("text")
                + "},{\"type\":\"image\",\"source\":{\"type\":\"url\",\"url\":\"https://example.com/a.png\"}"
                + cc.apply("image")
                + "},{\"type\":\"text\",\"text\":\"Weather?\"}]},"
                + "{\"role\":\"assistant\",\"content\":[{\"type\":\"text\",\"text\":\"Checking.\"},{\"type\":\"tool_use\","
                + "\"id\":\"toolu_1\",\"name\":\"w\",\"input\":{}" + cc.apply("tool_use") + "}]},"
                + "{\"role\":\"user\",\"content\":[{\"type\":\"tool_result\",\"tool_use_id\":\"toolu_1\","
                + "\"content\":\"18 C\"" + cc.apply("tool_result") + "},{\"type\":\"text\",\"text\":\"And?\"}]}],"
                + "\"tools\":[{\"name\":\"w\",\"input_schema\":{\"type\":\"object\"}},{\"name\":\"v\","
                + "\"input_schema\":{\"type\":\"object\"}" + cc.apply("tool") + "}]}";
    }

    static final List<String> BLOCKS = List.of("system", "text", "image", "tool_use", "tool_result", "tool");

    @Test
    void promptCachingBreakpointsReachTheUpstreamWhereTheClientPutThem() {
        // every kind of block, four breakpoints at a time (Anthropic's limit)
        for (int a = 0; a < BLOCKS.size(); a++) {
            for (int b = a + 1; b < BLOCKS.size(); b++) {
                java.util.Set<String> marks = new java.util.HashSet<>(BLOCKS);
                marks.remove(BLOCKS.get(a));
                marks.remove(BLOCKS.get(b));
                byte[] body = cached(marks).getBytes(StandardCharsets.UTF_8);
                ObjectNode expected = (ObjectNode) tree(body);
                if (!marks.contains("system")) { // without a breakpoint, system blocks are joined (the same prompt)
                    expected.put("system", "You are terse.\n\nLong manual.");
                }
                assertSameJson(rewrite(body), expected);
            }
        }
        byte[] body = cached(java.util.Set.of("system", "text", "tool_result", "tool"))
                .getBytes(StandardCharsets.UTF_8);
        ChatRequest r = AnthropicServerSide.read(body, "anthropic:").request();
        // a stage that adds or removes a message moves every position: no breakpoint then (never one on another block)
        ChatRequest shorter = r.toBuilder()
                .messages(r.messages().subList(0, r.messages().size() - 1))
                .build();
        String written =
                new String(AnthropicWire.requestBody(shorter, false, OPTIONS, "anthropic"), StandardCharsets.UTF_8);
        assertThat(written).doesNotContain("cache_control").contains("\"system\":\"You are terse.\\n\\nLong manual.\"");
        // a stage that keeps the counts but puts another block where a breakpoint was: that breakpoint is dropped
        List<Message> reshaped = new ArrayList<>(r.messages());
        reshaped.set(2, Message.user("Another text")); // was: text (marked), image, text
        ChatRequest other = r.toBuilder().messages(reshaped).build();
        String otherWritten =
                new String(AnthropicWire.requestBody(other, false, OPTIONS, "anthropic"), StandardCharsets.UTF_8);
        assertThat(otherWritten)
                .contains("{\"type\":\"text\",\"text\":\"Another text\"}")
                .contains("\"ttl\":\"5m\"") // the system breakpoint stays
                .contains("\"content\":\"18 C\",\"cache_control\"");
        // a policy that rewrites a text keeps the breakpoints where they were
        ChatRequest redacted = r.toBuilder()
                .messages(r.messages().stream()
                        .map(m -> m.mapText(t -> t.replace("Document", "[REDACTED]")))
                        .toList())
                .build();
        assertThat(new String(AnthropicWire.requestBody(redacted, false, OPTIONS, "anthropic"), StandardCharsets.UTF_8))
                .contains(
                        "{\"type\":\"text\",\"text\":\"[REDACTED]: ...\",\"cache_control\":{\"type\":\"ephemeral\"}}");
        // a caller's own attribute cannot write anything but Anthropic's breakpoint into the body
        ChatRequest forged = r.toBuilder()
                .metadata(r.metadata()
                        .withAttribute(
                                "llmgate.wire.anthropic.cache_control",
                                r.metadata()
                                        .attributes()
                                        .get("llmgate.wire.anthropic.cache_control")
                                        .replace(
                                                "\"ttl\":\"5m\"", "\"ttl\":\"forever\",\"x\":\"" + SECRET_TEXT + "\"")))
                .build();
        assertThat(new String(AnthropicWire.requestBody(forged, false, OPTIONS, "anthropic"), StandardCharsets.UTF_8))
                .doesNotContain(SECRET_TEXT)
                .doesNotContain("forever");
    }

    @Test
    void breakpointsAnthropicWouldRefuseAreRefusedBeforeAnyAttempt() {
        assertThat(refused(cached(java.util.Set.copyOf(BLOCKS.subList(0, 5)))).getMessage())
                .contains("5 cache_control breakpoints")
                .contains("at most 4");
        assertThat(refused(cached(java.util.Set.of("text"))
                                .replace("\"type\":\"ephemeral\"}", "\"type\":\"ephemeral\",\"ttl\":\"1h\"}"))
                        .getMessage())
                .contains("one-hour cache");
        // the same tool call answered as failed and as not failed cannot be carried
        assertThat(refused(withMessages(
                                "[{\"role\":\"user\",\"content\":[{\"type\":\"tool_result\",\"tool_use_id\":\"t\","
                                        + "\"is_error\":true,\"content\":\"" + SECRET_TEXT
                                        + "\"},{\"type\":\"tool_result\",\"tool_use_id\":\"t\","
                                        + "\"content\":\"ok\"}]}]"))
                        .getMessage())
                .contains("different is_error");
    }

    @Test
    void aFailedToolResultKeepsItsIsErrorThroughTheGate() {
        String body = "{\"model\":\"claude-x\",\"max_tokens\":50,\"messages\":["
                + "{\"role\":\"user\",\"content\":\"Weather?\"},"
                + "{\"role\":\"assistant\",\"content\":[{\"type\":\"tool_use\",\"id\":\"toolu_1\",\"name\":\"w\","
                + "\"input\":{}},{\"type\":\"tool_use\",\"id\":\"toolu_2\",\"name\":\"w\",\"input\":{}}]},"
                + "{\"role\":\"user\",\"content\":[{\"type\":\"tool_result\",\"tool_use_id\":\"toolu_1\","
                + "\"content\":\"timeout\",\"is_error\":true},{\"type\":\"tool_result\",\"tool_use_id\":\"toolu_2\","
                + "\"content\":\"18 C\"}]}]}";
        ChatRequest r = AnthropicServerSide.read(body.getBytes(StandardCharsets.UTF_8), "anthropic:")
                .request();
        // the neutral tool message holds the text; the failure travels beside it
        assertThat(r.messages().get(2)).isEqualTo(Message.tool("toolu_1", "timeout"));
        assertThat(r.metadata().attributes()).containsEntry(AnthropicWire.TOOL_ERRORS_ATTRIBUTE, "toolu_1");
        String written = new String(AnthropicWire.requestBody(r, false, OPTIONS, "anthropic"), StandardCharsets.UTF_8);
        assertThat(written)
                .contains("{\"type\":\"tool_result\",\"tool_use_id\":\"toolu_1\",\"content\":\"timeout\","
                        + "\"is_error\":true}")
                .contains("{\"type\":\"tool_result\",\"tool_use_id\":\"toolu_2\",\"content\":\"18 C\"}");
    }

    /** Every request AnthropicWire can write comes back as the same JSON: 400 generated ones, from a fixed seed. */
    @Test
    void everyGeneratedRequestRoundTrips() {
        Random random = new Random(20261124L);
        for (int i = 0; i < 400; i++) {
            ChatRequest r = generate(random);
            boolean stream = random.nextBoolean();
            byte[] body = AnthropicWire.requestBody(r, stream, OPTIONS, "anthropic");
            assertSameJson(rewrite(body), tree(body));
            assertThat(AnthropicServerSide.read(body, "").stream()).isEqualTo(stream);
        }
    }

    private static ChatRequest generate(Random random) {
        ChatRequest.Builder b = ChatRequest.builder("claude-test-" + random.nextInt(3));
        List<String> failed = new ArrayList<>();
        if (random.nextBoolean()) {
            b.system(text(random));
        }
        List<ToolDefinition> tools = new ArrayList<>();
        int toolCount = random.nextInt(3);
        for (int t = 0; t < toolCount; t++) {
            tools.add(new ToolDefinition(
                    "tool_" + t,
                    random.nextBoolean() ? "" : text(random),
                    "{\"type\":\"object\",\"properties\":{\"q\":{\"type\":\"string\",\"description\":"
                            + MAPPER.valueToTree(text(random)) + "}},\"required\":[\"q\"]}",
                    random.nextBoolean()));
        }
        tools.forEach(b::addTool);
        int turns = 1 + random.nextInt(5);
        int callId = 0;
        for (int turn = 0; turn < turns; turn++) {
            List<ContentPart> parts = new ArrayList<>();
            parts.add(ContentPart.text(text(random)));
            if (random.nextInt(4) == 0) {
                byte[] png = new byte[1 + random.nextInt(40)];
                random.nextBytes(png);
                parts.add(ContentPart.image(png, "image/png"));
            }
            if (random.nextInt(5) == 0) {
                parts.add(ContentPart.imageUrl("https://example.com/cat-" + turn + ".jpg"));
            }
            if (random.nextInt(3) == 0) {
                parts.add(ContentPart.text(text(random)));
            }
            b.addMessage(new Message(Role.USER, parts, List.of(), Optional.empty(), Optional.empty()));
            if (turn == turns - 1 && random.nextBoolean()) {
                break;
            }
            List<ToolCall> calls = new ArrayList<>();
            if (!tools.isEmpty() && random.nextBoolean()) {
                int n = 1 + random.nextInt(2);
                for (int c = 0; c < n; c++) {
                    calls.add(new ToolCall(
                            "toolu_" + callId++,
                            tools.get(random.nextInt(tools.size())).name(),
                            "{\"q\":" + MAPPER.valueToTree(text(random)) + ",\"n\":[1,2.5,-3e2,{\"x\":null}]}"));
                }
            }
            b.addMessage(Message.assistant(random.nextBoolean() ? text(random) : "", calls));
            for (ToolCall c : calls) {
                b.addMessage(Message.tool(c.id(), random.nextInt(4) == 0 ? "" : text(random)));
                if (random.nextInt(3) == 0) {
                    failed.add(c.id()); // a tool that failed: is_error true
                }
            }
        }
        if (!tools.isEmpty()) {
            switch (random.nextInt(5)) {
                case 0:
                    b.toolChoice(ToolChoice.auto());
                    break;
                case 1:
                    b.toolChoice(ToolChoice.required());
                    break;
                case 2:
                    b.toolChoice(ToolChoice.none());
                    break;
                case 3:
                    b.toolChoice(ToolChoice.tool(tools.get(0).name()));
                    break;
                default:
                    break;
            }
            if (random.nextInt(3) == 0) {
                b.parallelToolCalls(false);
            }
        }
        if (random.nextBoolean()) {
            b.maxOutputTokens(1 + random.nextInt(100_000));
        }
        if (random.nextBoolean()) {
            b.temperature(random.nextInt(11) / 10.0);
        }
        if (random.nextBoolean()) {
            b.topP(0.05 + random.nextInt(19) / 20.0);
        }
        if (random.nextBoolean()) {
            b.addStop("\n\nHuman:");
            b.addStop(text(random) + "x");
        }
        if (random.nextBoolean()) {
            b.providerOption("metadata", Map.of("user_id", "user-" + random.nextInt(100)));
        }
        if (random.nextBoolean()) {
            b.providerOption("top_k", random.nextInt(50));
        }
        if (random.nextBoolean()) {
            Map<String, Object> thinking = new LinkedHashMap<>();
            thinking.put("type", "enabled");
            thinking.put("budget_tokens", 1024);
            b.providerOption("thinking", thinking);
        }
        if (random.nextBoolean()) {
            b.providerOption("service_tier", "standard_only");
        }
        if (!failed.isEmpty()) {
            b.metadata(dev.llmgate.api.Metadata.EMPTY.withAttribute(
                    AnthropicWire.TOOL_ERRORS_ATTRIBUTE, String.join(",", failed)));
        }
        return b.build();
    }

    private static final String[] PIECES = {
        "Hello", " world", "\"quoted\"", "back\\slash", "tab\tnew\nline\r", "\u0000\u001f", "emoji \uD83D\uDE00",
        "e\u0301", "\u202Eright-to-left", "\u2028\u2029", "\uFEFF", "日本語", "ĉu", " "
    };

    private static String text(Random random) {
        StringBuilder sb = new StringBuilder();
        int n = 1 + random.nextInt(6);
        for (int i = 0; i < n; i++) {
            sb.append(PIECES[random.nextInt(PIECES.length)]);
        }
        return sb.toString();
    }

    @Test
    void equivalentFormsAreAcceptedAndForwardedInTheWritersForm() {
        String body = "{\"model\":\"claude-x\",\"max_tokens\":10,"
                + "\"system\":[{\"type\":\"text\",\"text\":\"be brief\"},{\"type\":\"text\",\"text\":\"be kind\"}],"
                + "\"messages\":["
                + "{\"role\":\"user\",\"content\":\"hi\"},"
                + "{\"role\":\"assistant\",\"content\":[{\"type\":\"text\",\"text\":\"a\"},"
                + "{\"type\":\"tool_use\",\"id\":\"toolu_1\",\"name\":\"f\",\"input\":{}},"
                + "{\"type\":\"text\",\"text\":\"b\"},{\"type\":\"tool_use\",\"id\":\"toolu_2\",\"name\":\"f\",\"input\":{\"k\":1}}]},"
                + "{\"role\":\"user\",\"content\":[{\"type\":\"tool_result\",\"tool_use_id\":\"toolu_1\",\"is_error\":false,"
                + "\"content\":[{\"type\":\"text\",\"text\":\"r1\"}]},{\"type\":\"text\",\"text\":\"then\"},"
                + "{\"type\":\"tool_result\",\"tool_use_id\":\"toolu_2\"}]}],"
                + "\"tools\":[{\"type\":\"custom\",\"name\":\"f\",\"input_schema\":{\"type\":\"object\"},\"strict\":false}],"
                + "\"tool_choice\":{\"type\":\"auto\",\"disable_parallel_tool_use\":true},"
                + "\"metadata\":null,\"stream\":false}";
        JsonNode expected = tree(("{\"model\":\"claude-x\",\"max_tokens\":10,\"system\":\"be brief\\n\\nbe kind\","
                        + "\"messages\":[{\"role\":\"user\",\"content\":[{\"type\":\"text\",\"text\":\"hi\"}]},"
                        + "{\"role\":\"assistant\",\"content\":[{\"type\":\"text\",\"text\":\"a\"},"
                        + "{\"type\":\"tool_use\",\"id\":\"toolu_1\",\"name\":\"f\",\"input\":{}},"
                        + "{\"type\":\"text\",\"text\":\"b\"},{\"type\":\"tool_use\",\"id\":\"toolu_2\",\"name\":\"f\",\"input\":{\"k\":1}}]},"
                        + "{\"role\":\"user\",\"content\":[{\"type\":\"tool_result\",\"tool_use_id\":\"toolu_1\",\"content\":\"r1\"},"
                        + "{\"type\":\"text\",\"text\":\"then\"},{\"type\":\"tool_result\",\"tool_use_id\":\"toolu_2\"}]}],"
                        + "\"tools\":[{\"name\":\"f\",\"input_schema\":{\"type\":\"object\"}}],"
                        + "\"tool_choice\":{\"type\":\"auto\",\"disable_parallel_tool_use\":true}}")
                .getBytes(StandardCharsets.UTF_8));
        assertSameJson(rewrite(body.getBytes(StandardCharsets.UTF_8)), expected);
    }

    // ---------------------------------------------------------------------------------------------
    // Hostile and unsupported input

    static InvalidRequestException refused(String body) {
        try {
            AnthropicServerSide.read(body.getBytes(StandardCharsets.UTF_8), "anthropic:");
        } catch (InvalidRequestException e) {
            assertThat(e.getMessage()).doesNotContain(SECRET_TEXT);
            return e;
        }
        throw new AssertionError("accepted: " + body);
    }

    static String withMessages(String messages) {
        return "{\"model\":\"claude-x\",\"max_tokens\":10,\"messages\":" + messages + "}";
    }

    static String userBlocks(String blocks) {
        return withMessages("[{\"role\":\"user\",\"content\":[{\"type\":\"text\",\"text\":\"" + SECRET_TEXT + "\"},"
                + blocks + "]}]");
    }

    @Test
    void notJsonOrNotAnObjectIsRefused() {
        assertThat(refused("{\"model\": \"claude-x\", ").getMessage()).contains("not valid JSON");
        assertThat(refused("").getMessage()).contains("not a JSON object");
        assertThat(refused("[1,2]").getMessage()).contains("not a JSON object");
        assertThat(refused("\"" + SECRET_TEXT + "\"").getMessage()).contains("not a JSON object");
        assertThat(refused("{\"model\":\"m\",\"max_tokens\":1,\"messages\":[{\"role\":\"user\",\"content\":\"x\"}]} "
                                + SECRET_TEXT)
                        .getMessage())
                .contains("not valid JSON");
    }

    @Test
    void aRequestWithoutModelMaxTokensOrMessagesIsRefused() {
        assertThat(refused("{\"max_tokens\":1,\"messages\":[{\"role\":\"user\",\"content\":\"" + SECRET_TEXT + "\"}]}")
                        .getMessage())
                .contains("no model");
        assertThat(refused("{\"model\":7,\"max_tokens\":1,\"messages\":[]}").getMessage())
                .contains("no model");
        assertThat(refused("{\"model\":\"m\",\"messages\":[{\"role\":\"user\",\"content\":\"" + SECRET_TEXT + "\"}]}")
                        .getMessage())
                .contains("max_tokens");
        assertThat(refused("{\"model\":\"m\",\"max_tokens\":0,\"messages\":[]}").getMessage())
                .contains("max_tokens");
        assertThat(refused("{\"model\":\"m\",\"max_tokens\":1.5,\"messages\":[]}")
                        .getMessage())
                .contains("max_tokens");
        assertThat(refused("{\"model\":\"m\",\"max_tokens\":1,\"messages\":[]}").getMessage())
                .contains("no messages");
    }

    @Test
    void anUnknownRoleIsRefusedByName() {
        assertThat(refused(withMessages("[{\"role\":\"system\",\"content\":\"" + SECRET_TEXT + "\"}]"))
                        .getMessage())
                .contains("role 'system'")
                .contains("\"system\"");
        assertThat(refused(withMessages("[{\"role\":\"tool\",\"content\":\"" + SECRET_TEXT + "\"}]"))
                        .getMessage())
                .contains("role 'tool'");
        assertThat(refused(withMessages("[{\"content\":\"" + SECRET_TEXT + "\"}]"))
                        .getMessage())
                .contains("role ''");
        assertThat(refused(withMessages("[{\"role\":\"user\",\"content\":\"x\",\"name\":\"bob\"}]"))
                        .getMessage())
                .contains("'name'");
    }

    @Test
    void aBlockThatCannotBeCarriedIsRefusedNamingItAndWhatToDo() {
        InvalidRequestException document = refused(userBlocks("{\"type\":\"document\",\"source\":{\"type\":\"text\","
                + "\"media_type\":\"text/plain\",\"data\":\"" + SECRET_TEXT + "\"}}"));
        assertThat(document.getMessage())
                .contains("messages[0].content[1]")
                .contains("'document'")
                .contains("without the gate");
        assertThat(refused(userBlocks("{\"type\":\"text\",\"text\":\"" + SECRET_TEXT
                                + "\",\"cache_control\":{\"type\":\"persistent\"}}"))
                        .getMessage())
                .contains("cache_control");
        assertThat(refused(userBlocks("{\"type\":\"tool_result\",\"tool_use_id\":\"t\",\"content\":[{\"type\":\"text\","
                                + "\"text\":\"" + SECRET_TEXT + "\",\"cache_control\":{\"type\":\"ephemeral\"}}]}"))
                        .getMessage())
                .contains("cache_control")
                .contains("on the tool_result block itself");
        assertThat(refused(userBlocks(
                                "{\"type\":\"tool_result\",\"tool_use_id\":\"t\",\"is_error\":\"yes\",\"content\":\""
                                        + SECRET_TEXT + "\"}"))
                        .getMessage())
                .contains("is_error")
                .doesNotContain(SECRET_TEXT);
        assertThat(refused(userBlocks("{\"type\":\"tool_result\",\"tool_use_id\":\"t\",\"content\":[{\"type\":\"text\","
                                + "\"text\":\"a\"},{\"type\":\"text\",\"text\":\"" + SECRET_TEXT + "\"}]}"))
                        .getMessage())
                .contains("several content blocks");
        assertThat(refused(userBlocks("{\"type\":\"tool_use\",\"id\":\"t\",\"name\":\"f\",\"input\":{}}"))
                        .getMessage())
                .contains("tool_use block in a user message");
        assertThat(refused(userBlocks("{\"type\":\"image\",\"source\":{\"type\":\"file\",\"file_id\":\"file_1\"}}"))
                        .getMessage())
                .contains("'file'");
        assertThat(refused(userBlocks(
                                "{\"type\":\"image\",\"source\":{\"type\":\"base64\",\"media_type\":\"image/png\","
                                        + "\"data\":\"%%%not base64\"}}"))
                        .getMessage())
                .contains("base64");
        assertThat(refused(withMessages("[{\"role\":\"assistant\",\"content\":[{\"type\":\"thinking\",\"thinking\":\""
                                + SECRET_TEXT + "\",\"signature\":\"s\"}]}]"))
                        .getMessage())
                .contains("'thinking'");
        assertThat(refused(userBlocks("{\"type\":\"" + "x".repeat(500) + "\"}")).getMessage())
                .hasSizeLessThan(600);
    }

    @Test
    void serverToolsAndUnknownToolFieldsAreRefused() {
        String user = "[{\"role\":\"user\",\"content\":\"" + SECRET_TEXT + "\"}]";
        assertThat(refused("{\"model\":\"m\",\"max_tokens\":1,\"messages\":" + user
                                + ",\"tools\":[{\"type\":\"web_search_20250305\",\"name\":\"web_search\"}]}")
                        .getMessage())
                .contains("server tool")
                .contains("web_search_20250305");
        assertThat(refused("{\"model\":\"m\",\"max_tokens\":1,\"messages\":" + user
                                + ",\"tools\":[{\"name\":\"f\",\"input_schema\":{},\"cache_control\":{\"type\":\"ephemeral\","
                                + "\"scope\":\"global\"}}]}")
                        .getMessage())
                .contains("cache_control")
                .contains("type and ttl only");
        assertThat(refused(
                                "{\"model\":\"m\",\"max_tokens\":1,\"messages\":" + user
                                        + ",\"tools\":[{\"name\":\"f\",\"input_schema\":{}}],\"tool_choice\":{\"type\":\"tool\",\"name\":\"g\"}}")
                        .getMessage())
                .contains("'g'");
        assertThat(refused("{\"model\":\"m\",\"max_tokens\":1,\"messages\":" + user
                                + ",\"tool_choice\":{\"type\":\"any\"}}")
                        .getMessage())
                .contains("needs tools");
        assertThat(refused("{\"model\":\"m\",\"max_tokens\":1,\"messages\":" + user + ",\"temperature\":1.5}")
                        .getMessage())
                .contains("temperature");
    }

    @Test
    void hugeAndOddUnicodeTextIsCarriedUnchanged() {
        StringBuilder odd = new StringBuilder();
        for (int i = 0; i < 200_000; i++) {
            odd.append("\uD83D\uDE00e\u0301\u202E\u0000\u2028\"\\");
        }
        ObjectNode body = MAPPER.createObjectNode().put("model", "m").put("max_tokens", 5);
        body.putArray("messages").addObject().put("role", "user").put("content", odd.toString());
        // a lone surrogate, legal in JSON text as an escape (it has no UTF-8 form)
        String json = body.toString().replace("\"}]}", "\\ud800\"}]}");
        ChatRequest r = AnthropicServerSide.read(json.getBytes(StandardCharsets.UTF_8), "")
                .request();
        assertThat(r.messages().get(0).text()).isEqualTo(odd + "\uD800");
    }

    @Test
    void aStringBeyondTheJsonReadersLimitIsRefusedWithAReason() {
        String big = "{\"model\":\"m\",\"max_tokens\":5,\"messages\":[{\"role\":\"user\",\"content\":\""
                + "a".repeat(20_000_001) + "\"}]}";
        assertThat(refused(big).getMessage()).contains("limits").contains("by URL");
    }

    @Test
    void refusalsNeverCarryPromptTextEvenInNames() {
        assertThatThrownBy(() -> AnthropicServerSide.read(
                        userBlocks("{\"type\":\"image\",\"source\":{\"type\":\"url\",\"url\":\"data:image/png;base64,"
                                        + SECRET_TEXT + "\"}}")
                                .getBytes(StandardCharsets.UTF_8),
                        ""))
                .isInstanceOf(InvalidRequestException.class)
                .message()
                .doesNotContain(SECRET_TEXT);
    }
}
