package dev.llmgate.core.cache;

import static org.assertj.core.api.Assertions.assertThat;

import dev.llmgate.api.ChatRequest;
import dev.llmgate.api.ContentPart;
import dev.llmgate.api.Message;
import dev.llmgate.api.Metadata;
import dev.llmgate.api.ResponseFormat;
import dev.llmgate.api.ToolCall;
import dev.llmgate.api.ToolChoice;
import dev.llmgate.api.ToolDefinition;
import dev.llmgate.core.cache.internal.RequestDigest;
import java.lang.reflect.Field;
import java.lang.reflect.Modifier;
import java.lang.reflect.ParameterizedType;
import java.lang.reflect.RecordComponent;
import java.lang.reflect.Type;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalDouble;
import java.util.OptionalInt;
import java.util.OptionalLong;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.function.UnaryOperator;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The cache key: every answer-changing field changes it, every excluded field does not, and a field
 * added to the request cannot go unnoticed.
 */
class CacheKeyDerivationTest {

    /** The components of ChatRequest that are keyed: update this list (and docs/caching.md) when the request changes. */
    static final Set<String> KEYED = Set.of(
            "model",
            "messages",
            "tools",
            "toolChoice",
            "parallelToolCalls",
            "responseFormat",
            "temperature",
            "topP",
            "maxOutputTokens",
            "stop",
            "seed",
            "providerOptions");

    static ChatRequest base() {
        Map<String, Object> nested = new LinkedHashMap<>();
        nested.put("k", List.of(1, 2));
        nested.put("z", true);
        return ChatRequest.builder("p:m")
                .system("be brief")
                .addMessage(Message.user(
                        ContentPart.text("look at these"),
                        ContentPart.imageUrl("https://example.com/a.png"),
                        new ContentPart.ImageData(new byte[] {1, 2, 3}, "image/png", ContentPart.ImageDetail.LOW)))
                .addMessage(Message.assistant("checking", List.of(new ToolCall("c1", "lookup", "{\"a\":1}"))))
                .addMessage(Message.tool("c1", "42"))
                .addMessage(Message.user("and now?").withName("bob"))
                .addTool(ToolDefinition.of("lookup", "looks things up", "{\"type\":\"object\"}"))
                .toolChoice(ToolChoice.auto())
                .parallelToolCalls(true)
                .responseFormat(ResponseFormat.jsonSchema("answer", "{\"type\":\"object\"}", true))
                .temperature(0.5)
                .topP(0.9)
                .maxOutputTokens(100)
                .addStop("END")
                .seed(7)
                .providerOption("reasoning_effort", "low")
                .providerOption("nested", nested)
                .metadata(new Metadata(Optional.of("t1"), Optional.of("u1"), Set.of("a"), Map.of("x", "y")))
                .build();
    }

    static String key(ChatRequest r) {
        return RequestDigest.digest("exact", "ns", r);
    }

    static ChatRequest withMessage(ChatRequest r, int index, UnaryOperator<Message> change) {
        List<Message> m = new ArrayList<>(r.messages());
        m.set(index, change.apply(m.get(index)));
        return r.withMessages(m);
    }

    /** Sets one value of the base request. */
    @SuppressWarnings("unchecked")
    static ChatRequest set(String component, Object value) {
        ChatRequest.Builder b = base().toBuilder();
        switch (component) {
            case "tools" -> b.tools((List<ToolDefinition>) value);
            case "toolChoice" -> b.toolChoice((Optional<ToolChoice>) value);
            case "parallelToolCalls" -> b.parallelToolCalls((Optional<Boolean>) value);
            case "responseFormat" -> b.responseFormat((ResponseFormat) value);
            case "temperature" -> b.temperature((OptionalDouble) value);
            case "topP" -> b.topP((OptionalDouble) value);
            case "maxOutputTokens" -> b.maxOutputTokens((OptionalInt) value);
            case "stop" -> b.stop((List<String>) value);
            case "seed" -> b.seed((OptionalLong) value);
            case "providerOptions" -> b.providerOptions((Map<String, Object>) value);
            case "metadata" -> b.metadata((Metadata) value);
            default -> throw new IllegalArgumentException(component);
        }
        return b.build();
    }

    /** The instance fields of ChatRequest: its values (it is a final class, not a record). */
    static Map<String, Field> chatRequestFields() {
        Map<String, Field> fields = new LinkedHashMap<>();
        for (Field f : ChatRequest.class.getDeclaredFields()) {
            if (!Modifier.isStatic(f.getModifiers())) {
                fields.put(f.getName(), f);
            }
        }
        return fields;
    }

    /** Each answer-changing change, named "component: what". */
    static Stream<Arguments> answerChangingChanges() {
        ChatRequest b = base();
        Map<String, Object> otherNested = new LinkedHashMap<>();
        otherNested.put("k", List.of(1, 3));
        otherNested.put("z", true);
        return Stream.of(
                Arguments.of("model: another deployment", b.withModel("p:m2")),
                Arguments.of("model: another provider", b.withModel("q:m")),
                Arguments.of("messages: system prompt", withMessage(b, 0, m -> m.mapText(t -> "be verbose"))),
                Arguments.of("messages: role system -> developer", withMessage(b, 0, m -> Message.developer(m.text()))),
                Arguments.of("messages: last user text", withMessage(b, 4, m -> m.mapText(t -> "and then?"))),
                Arguments.of("messages: trailing space", withMessage(b, 4, m -> m.mapText(t -> t + " "))),
                Arguments.of("messages: participant name", withMessage(b, 4, m -> m.withName("alice"))),
                Arguments.of("messages: no participant name", withMessage(b, 4, m -> Message.user(m.text()))),
                Arguments.of(
                        "messages: image url",
                        withMessage(
                                b,
                                1,
                                m -> Message.user(
                                        m.content().get(0),
                                        ContentPart.imageUrl("https://example.com/b.png"),
                                        m.content().get(2)))),
                Arguments.of(
                        "messages: image bytes",
                        withMessage(
                                b,
                                1,
                                m -> Message.user(
                                        m.content().get(0),
                                        m.content().get(1),
                                        new ContentPart.ImageData(
                                                new byte[] {1, 2, 4}, "image/png", ContentPart.ImageDetail.LOW)))),
                Arguments.of(
                        "messages: image media type",
                        withMessage(
                                b,
                                1,
                                m -> Message.user(
                                        m.content().get(0),
                                        m.content().get(1),
                                        new ContentPart.ImageData(
                                                new byte[] {1, 2, 3}, "image/jpeg", ContentPart.ImageDetail.LOW)))),
                Arguments.of(
                        "messages: image detail",
                        withMessage(
                                b,
                                1,
                                m -> Message.user(
                                        m.content().get(0),
                                        m.content().get(1),
                                        new ContentPart.ImageData(
                                                new byte[] {1, 2, 3}, "image/png", ContentPart.ImageDetail.HIGH)))),
                Arguments.of(
                        "messages: url part as text part",
                        withMessage(
                                b,
                                1,
                                m -> Message.user(
                                        m.content().get(0),
                                        ContentPart.text("https://example.com/a.png"),
                                        m.content().get(2)))),
                Arguments.of(
                        "messages: part order",
                        withMessage(
                                b,
                                1,
                                m -> Message.user(
                                        m.content().get(1),
                                        m.content().get(0),
                                        m.content().get(2)))),
                Arguments.of(
                        "messages: tool call arguments",
                        withMessage(
                                b,
                                2,
                                m -> Message.assistant(
                                        "checking", List.of(new ToolCall("c1", "lookup", "{\"a\":2}"))))),
                Arguments.of(
                        "messages: tool call id",
                        withMessage(
                                b,
                                2,
                                m -> Message.assistant(
                                        "checking", List.of(new ToolCall("c2", "lookup", "{\"a\":1}"))))),
                Arguments.of(
                        "messages: assistant text",
                        withMessage(
                                b, 2, m -> Message.assistant("", List.of(new ToolCall("c1", "lookup", "{\"a\":1}"))))),
                Arguments.of("messages: tool result", withMessage(b, 3, m -> Message.tool("c1", "43"))),
                Arguments.of("messages: tool call id answered", withMessage(b, 3, m -> Message.tool("c9", "42"))),
                Arguments.of(
                        "messages: one more turn",
                        b.toBuilder().addMessage(Message.user("more")).build()),
                Arguments.of(
                        "messages: text split into two parts",
                        withMessage(
                                b,
                                4,
                                m -> new Message(
                                        m.role(),
                                        List.of(ContentPart.text("and "), ContentPart.text("now?")),
                                        m.toolCalls(),
                                        m.toolCallId(),
                                        m.name()))),
                Arguments.of(
                        "tools: description",
                        set("tools", List.of(ToolDefinition.of("lookup", "finds", "{\"type\":\"object\"}")))),
                Arguments.of(
                        "tools: schema",
                        set(
                                "tools",
                                List.of(ToolDefinition.of(
                                        "lookup", "looks things up", "{\"type\":\"object\",\"properties\":{}}")))),
                Arguments.of(
                        "tools: strict",
                        set(
                                "tools",
                                List.of(new ToolDefinition(
                                        "lookup", "looks things up", "{\"type\":\"object\"}", true)))),
                Arguments.of(
                        "tools: one more",
                        set(
                                "tools",
                                List.of(b.tools().get(0), ToolDefinition.of("other", "", "{\"type\":\"object\"}")))),
                Arguments.of("toolChoice: required", set("toolChoice", Optional.of(ToolChoice.required()))),
                Arguments.of("toolChoice: none", set("toolChoice", Optional.of(ToolChoice.none()))),
                Arguments.of("toolChoice: specific", set("toolChoice", Optional.of(ToolChoice.tool("lookup")))),
                Arguments.of("toolChoice: unset", set("toolChoice", Optional.empty())),
                Arguments.of("parallelToolCalls: false", set("parallelToolCalls", Optional.of(false))),
                Arguments.of("parallelToolCalls: unset", set("parallelToolCalls", Optional.empty())),
                Arguments.of("responseFormat: text", set("responseFormat", ResponseFormat.text())),
                Arguments.of("responseFormat: json object", set("responseFormat", ResponseFormat.jsonObject())),
                Arguments.of(
                        "responseFormat: not strict",
                        set("responseFormat", ResponseFormat.jsonSchema("answer", "{\"type\":\"object\"}", false))),
                Arguments.of(
                        "responseFormat: schema name",
                        set("responseFormat", ResponseFormat.jsonSchema("other", "{\"type\":\"object\"}", true))),
                Arguments.of("temperature: 0.6", set("temperature", OptionalDouble.of(0.6))),
                Arguments.of("temperature: unset", set("temperature", OptionalDouble.empty())),
                Arguments.of("topP: 0.8", set("topP", OptionalDouble.of(0.8))),
                Arguments.of("topP: unset", set("topP", OptionalDouble.empty())),
                Arguments.of("maxOutputTokens: 101", set("maxOutputTokens", OptionalInt.of(101))),
                Arguments.of("maxOutputTokens: unset", set("maxOutputTokens", OptionalInt.empty())),
                Arguments.of("stop: another", set("stop", List.of("STOP"))),
                Arguments.of("stop: one more", set("stop", List.of("END", "FIN"))),
                Arguments.of("stop: none", set("stop", List.of())),
                Arguments.of("seed: 8", set("seed", OptionalLong.of(8))),
                Arguments.of("seed: unset", set("seed", OptionalLong.empty())),
                Arguments.of(
                        "providerOptions: value",
                        set(
                                "providerOptions",
                                Map.of(
                                        "reasoning_effort",
                                        "high",
                                        "nested",
                                        b.providerOptions().get("nested")))),
                Arguments.of(
                        "providerOptions: nested value",
                        set("providerOptions", Map.of("reasoning_effort", "low", "nested", otherNested))),
                Arguments.of(
                        "providerOptions: one more key",
                        set(
                                "providerOptions",
                                Map.of(
                                        "reasoning_effort",
                                        "low",
                                        "nested",
                                        b.providerOptions().get("nested"),
                                        "logprobs",
                                        true))),
                Arguments.of(
                        "providerOptions: number vs string",
                        set(
                                "providerOptions",
                                Map.of("reasoning_effort", "low", "nested", Map.of("k", List.of("1", 2), "z", true)))),
                Arguments.of("providerOptions: none", set("providerOptions", Map.of())));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("answerChangingChanges")
    void everyAnswerChangingFieldChangesTheKey(String change, ChatRequest changed) {
        assertThat(key(changed)).as(change).isNotEqualTo(key(base()));
    }

    @Test
    void theChangesCoverEveryKeyedComponent() {
        Set<String> covered = answerChangingChanges()
                .map(a -> ((String) a.get()[0]).split(":")[0])
                .collect(Collectors.toSet());
        assertThat(covered).isEqualTo(KEYED);
    }

    @Test
    void excludedFieldsDoNotChangeTheKey() {
        ChatRequest b = base();
        String k = key(b);
        assertThat(key(set("metadata", Metadata.EMPTY))).isEqualTo(k);
        assertThat(key(set("metadata", b.metadata().withUser("someone-else")))).isEqualTo(k);
        assertThat(key(set("metadata", b.metadata().withTag("batch")))).isEqualTo(k);
        assertThat(key(set("metadata", b.metadata().withAttribute("request-id", "r-123"))))
                .isEqualTo(k);
        assertThat(key(set("metadata", b.metadata().withTenant("t2"))))
                .as("the tenant is keyed as the namespace, not here")
                .isEqualTo(k);
        assertThat(key(CacheControl.refresh()
                        .withTtl(java.time.Duration.ofMinutes(5))
                        .applyTo(b)))
                .as("per-request cache controls are metadata")
                .isEqualTo(k);
    }

    @Test
    void wireDetailsInTheMetadataAreKeyed() {
        // a tool result marked failed (Anthropic's is_error) is another request: never answered from the other's entry
        ChatRequest b = base();
        String k = key(b);
        String failed =
                key(set("metadata", b.metadata().withAttribute("llmgate.wire.anthropic.tool_errors", "toolu_1")));
        assertThat(failed).isNotEqualTo(k);
        assertThat(key(set("metadata", b.metadata().withAttribute("llmgate.wire.anthropic.tool_errors", "toolu_2"))))
                .isNotEqualTo(failed)
                .isNotEqualTo(k);
        assertThat(key(set(
                        "metadata",
                        b.metadata()
                                .withAttribute("llmgate.wire.anthropic.tool_errors", "toolu_1")
                                .withAttribute("request-id", "r-9"))))
                .isEqualTo(failed);
    }

    @Test
    void everyComponentOfTheRequestIsKeyedOrExcludedOnPurpose() {
        Set<String> components = chatRequestFields().keySet();
        Set<String> excluded = RequestDigest.EXCLUDED.get(ChatRequest.class);
        Set<String> union = new HashSet<>(KEYED);
        union.addAll(excluded);
        assertThat(components)
                .as(
                        "a ChatRequest field was added or removed: decide whether it changes the answer, then update KEYED or"
                                + " RequestDigest.EXCLUDED, RequestDigest.CHAT_REQUEST_VALUES, this test's changes, and docs/caching.md")
                .isEqualTo(union);
        assertThat(RequestDigest.CHAT_REQUEST_VALUES)
                .as("the key reads every value of ChatRequest")
                .containsExactlyInAnyOrderElementsOf(union);
        assertThat(KEYED).doesNotContainAnyElementsOf(excluded);
        assertThat(RequestDigest.EXCLUDED.keySet()).containsExactly(ChatRequest.class);
    }

    /** The canonical order is the order of ChatRequest's components when it was a record: changing it changes every key. */
    @Test
    void theCanonicalOrderOfTheRequestsValuesIsPinned() {
        assertThat(RequestDigest.CHAT_REQUEST_VALUES)
                .containsExactly(
                        "model",
                        "messages",
                        "tools",
                        "toolChoice",
                        "parallelToolCalls",
                        "responseFormat",
                        "temperature",
                        "topP",
                        "maxOutputTokens",
                        "stop",
                        "seed",
                        "providerOptions",
                        "metadata");
    }

    /**
     * The shape of everything reachable from a ChatRequest, as the key derivation walks it. If this
     * fails, a nested type gained, lost or renamed a component: check that the new field is keyed
     * correctly (it is, by default) or excluded, and update the snapshot.
     */
    @Test
    void theShapeOfTheKeyedRequestIsPinned() {
        Map<String, String> shape = new TreeMap<>();
        walk(ChatRequest.class, shape);
        String expected = """
                dev.llmgate.api.ChatRequest: model String, messages List<Message>, tools List<ToolDefinition>, toolChoice Optional<ToolChoice>, parallelToolCalls Optional<Boolean>, responseFormat ResponseFormat, temperature OptionalDouble, topP OptionalDouble, maxOutputTokens OptionalInt, stop List<String>, seed OptionalLong, providerOptions Map<String, Object>, metadata (excluded)
                dev.llmgate.api.ContentPart$ImageData: data byte[], mediaType String, detail ImageDetail
                dev.llmgate.api.ContentPart$ImageDetail: enum AUTO, LOW, HIGH
                dev.llmgate.api.ContentPart$ImageUrl: url String, detail ImageDetail
                dev.llmgate.api.ContentPart$Text: text String
                dev.llmgate.api.Message: role Role, content List<ContentPart>, toolCalls List<ToolCall>, toolCallId Optional<String>, name Optional<String>
                dev.llmgate.api.ResponseFormat$JsonObject: enum INSTANCE
                dev.llmgate.api.ResponseFormat$JsonSchema: name String, schemaJson String, strict boolean
                dev.llmgate.api.ResponseFormat$Text: enum INSTANCE
                dev.llmgate.api.Role: enum SYSTEM, DEVELOPER, USER, ASSISTANT, TOOL
                dev.llmgate.api.ToolCall: id String, name String, argumentsJson String
                dev.llmgate.api.ToolChoice$Auto: enum INSTANCE
                dev.llmgate.api.ToolChoice$None: enum INSTANCE
                dev.llmgate.api.ToolChoice$Required: enum INSTANCE
                dev.llmgate.api.ToolChoice$Specific: name String
                dev.llmgate.api.ToolDefinition: name String, description String, parametersJsonSchema String, strict boolean
                """;
        String actual =
                shape.entrySet().stream()
                                .map(e -> e.getKey() + ": " + e.getValue())
                                .collect(Collectors.joining("\n")) + "\n";
        assertThat(actual).isEqualTo(expected);
    }

    private static final Set<Type> LEAVES = Set.of(
            String.class,
            boolean.class,
            Boolean.class,
            int.class,
            long.class,
            double.class,
            byte[].class,
            Object.class,
            OptionalInt.class,
            OptionalLong.class,
            OptionalDouble.class);

    private static void walk(Type type, Map<String, String> shape) {
        if (type instanceof ParameterizedType p) {
            for (Type arg : p.getActualTypeArguments()) {
                walk(arg, shape);
            }
            assertThat(p.getRawType())
                    .as("a container the key derivation knows")
                    .isIn(List.class, Map.class, Set.class, Optional.class);
            return;
        }
        Class<?> c = (Class<?>) type;
        if (shape.containsKey(c.getName()) || LEAVES.contains(c)) {
            return;
        }
        if (c == ChatRequest.class) {
            Set<String> excluded = RequestDigest.EXCLUDED.getOrDefault(c, Set.of());
            Map<String, Field> fields = chatRequestFields();
            shape.put(
                    c.getName(),
                    RequestDigest.CHAT_REQUEST_VALUES.stream()
                            .map(n -> n
                                    + (excluded.contains(n)
                                            ? " (excluded)"
                                            : " " + simple(fields.get(n).getGenericType())))
                            .collect(Collectors.joining(", ")));
            for (String n : RequestDigest.CHAT_REQUEST_VALUES) {
                if (!excluded.contains(n)) {
                    walk(fields.get(n).getGenericType(), shape);
                }
            }
        } else if (c.isRecord()) {
            Set<String> excluded = RequestDigest.EXCLUDED.getOrDefault(c, Set.of());
            shape.put(
                    c.getName(),
                    Arrays.stream(c.getRecordComponents())
                            .map(rc -> rc.getName()
                                    + (excluded.contains(rc.getName())
                                            ? " (excluded)"
                                            : " " + simple(rc.getGenericType())))
                            .collect(Collectors.joining(", ")));
            for (RecordComponent rc : c.getRecordComponents()) {
                if (!excluded.contains(rc.getName())) {
                    walk(rc.getGenericType(), shape);
                }
            }
        } else if (c.isEnum()) {
            shape.put(
                    c.getName(),
                    "enum "
                            + Arrays.stream(c.getEnumConstants())
                                    .map(e -> ((Enum<?>) e).name())
                                    .collect(Collectors.joining(", ")));
        } else if (c.isSealed()) {
            for (Class<?> sub : c.getPermittedSubclasses()) {
                walk(sub, shape);
            }
        } else {
            throw new AssertionError(
                    "the key derivation cannot encode " + c.getName() + ": teach RequestDigest about it");
        }
    }

    private static String simple(Type t) {
        return t.getTypeName().replaceAll("[a-z0-9_.]+\\.([A-Z])", "$1").replaceAll("[A-Za-z]+\\$", "");
    }

    @Test
    void normalizationIgnoresMapOrderAndNumberSpelling() {
        Map<String, Object> ab = new LinkedHashMap<>();
        ab.put("a", 1);
        ab.put("b", 2.50);
        Map<String, Object> ba = new LinkedHashMap<>();
        ba.put("b", 2.5f);
        ba.put("a", 1L);
        ChatRequest r1 =
                ChatRequest.builder("p:m").user("hi").providerOption("o", ab).build();
        ChatRequest r2 =
                ChatRequest.builder("p:m").user("hi").providerOption("o", ba).build();
        assertThat(key(r1)).isEqualTo(key(r2));
        ChatRequest one =
                ChatRequest.builder("p:m").user("hi").providerOption("n", 1).build();
        ChatRequest oneDotZero =
                ChatRequest.builder("p:m").user("hi").providerOption("n", 1.0).build();
        ChatRequest oneString =
                ChatRequest.builder("p:m").user("hi").providerOption("n", "1").build();
        assertThat(key(one)).isEqualTo(key(oneDotZero)).isNotEqualTo(key(oneString));
        ChatRequest zero =
                ChatRequest.builder("p:m").user("hi").temperature(0.0).build();
        ChatRequest negativeZero =
                ChatRequest.builder("p:m").user("hi").temperature(-0.0).build();
        assertThat(key(zero)).isEqualTo(key(negativeZero));
    }

    @Test
    void theNamespaceAndTheDomainAreKeyed() {
        ChatRequest r = ChatRequest.of("p:m", "hi");
        assertThat(RequestDigest.digest("exact", "a", r)).isNotEqualTo(RequestDigest.digest("exact", "b", r));
        assertThat(RequestDigest.digest("exact", "a", r))
                .isNotEqualTo(RequestDigest.digest("semantic-partition", "a", r));
    }

    @Test
    void stringsAreLengthPrefixedSoBoundariesCannotShift() {
        ChatRequest ab = ChatRequest.builder("p:m").user("ab").addStop("c").build();
        ChatRequest a = ChatRequest.builder("p:m").user("a").addStop("bc").build();
        assertThat(key(ab)).isNotEqualTo(key(a));
        ChatRequest two =
                ChatRequest.builder("p:m").addStop("x").addStop("y").user("q").build();
        ChatRequest one = ChatRequest.builder("p:m").addStop("xy").user("q").build();
        assertThat(key(two)).isNotEqualTo(key(one));
    }

    /**
     * Pins the canonical form: a store shared by several processes (or versions) relies on equal
     * requests giving equal digests everywhere. If this fails the canonical form changed: bump
     * RequestDigest.KEY_VERSION and update the expected digest.
     */
    @Test
    void theDigestIsStableAcrossRunsAndMachines() {
        String digest = RequestDigest.digest(
                "exact", "default", ChatRequest.of("openai:gpt-4o-mini", "What is an AI gateway?"));
        assertThat(digest).hasSize(64).isEqualTo(PINNED);
        assertThat(key(base()))
                .as("every component set, nested records, images, options")
                .isEqualTo(PINNED_BASE);
        assertThat(base()).isEqualTo(base());
        assertThat(key(base())).isEqualTo(key(base()));
    }

    static final String PINNED = "24c65364e192f2efcc07efef0d7875328b734bd427cf4b7cbb48d075b9a1ca5c";
    static final String PINNED_BASE = "be6f9c3db3e4ba4612a3fb4f451bae94b95ee3ce5b7b0f69722601ebd1908093";

    @Test
    void nonAsciiTextIsEncodedWithoutCollisions() {
        String[] texts = {
            "naive",
            "na\u00efve",
            "na\u0080\u0000\u00efve",
            "\u65e5\u672c",
            "\u0080\u65e5\u0000",
            "\u00e9",
            "\u0080\u0000\u00e9",
            "\ud83d\ude00",
            "\u0080\ud83d\u0080\ude00"
        };
        Set<String> digests = new java.util.HashSet<>();
        for (String t : texts) {
            digests.add(RequestDigest.digest("exact", "default", ChatRequest.of("openai:gpt-4o-mini", t)));
        }
        assertThat(digests).hasSize(texts.length);
    }

    @Test
    void excludedComponentsAreRealComponents() {
        for (Map.Entry<Class<?>, Set<String>> e : RequestDigest.EXCLUDED.entrySet()) {
            Set<String> names = e.getKey() == ChatRequest.class
                    ? new TreeSet<>(chatRequestFields().keySet())
                    : Arrays.stream(e.getKey().getRecordComponents())
                            .map(RecordComponent::getName)
                            .collect(Collectors.toCollection(TreeSet::new));
            assertThat(names).containsAll(e.getValue());
        }
    }

    /**
     * Keys are stable across builds (an external store shared by two versions keeps its hits): pinned
     * values for strings that take the bulk ASCII path, the character loop (short, non-ASCII, lone
     * surrogates, which encode to the same length as ASCII) and both with question marks.
     */
    @Test
    void keysOfLongAndShortStringsArePinned() {
        Map<String, String> pinned = new LinkedHashMap<>();
        pinned.put(
                "Summarise the quarterly report for the board? And list the three largest risks, please? ".repeat(3),
                "8e041f2cfa264209863c6f94b54d0109fc655303037ba65694992b4727e4062a");
        pinned.put("x".repeat(63), "684cf35ec4b52fc884f7661075ac75a2e2b46ad175dd58456fc99631fba761af");
        pinned.put("y".repeat(64), "f1b716bd59fbc7f18b2a891d11303459ae48b0fdb49c494d201178b1ef3bdb75");
        pinned.put("?".repeat(70), "c2bf945e9c9cd0d7549eb06800e8243178c5805a86e995f49c550e15eb6a728a");
        pinned.put(
                "lone \uD800 surrogate in a long enough string of ascii text, more than sixty-four chars",
                "6df3732b0ebb951099c902d77bde6fa630fcf9acce904cc9db7ff1c3265701c5");
        pinned.put(
                "lone \uDC00? surrogate and question mark in a long enough string of ascii text, more than 64",
                "a43c83a6f584a61b858fad0451f8bc3e3fdb032c987c5f82a9b5c9b366d19c17");
        pinned.put(
                "caf\u00e9 is not ascii, and this string is long enough to try the bulk path at all........",
                "988dd6ebba1ebf31ce5904162f3e2edb34d5bc34dbcc900056f2e3d9a92625f4");
        pinned.put(
                "emoji \uD83D\uDE00 pair in a long enough string of ascii text, more than sixty-four characters",
                "828bd7f0d6fc4205d5b4759dbc33ed931c6e6642f13d350e4662906c0562a442");
        pinned.put(
                "tab\tnewline\nquote\"backslash\\ and control \u0001 chars in a long enough ascii string......",
                "50caef7727626ba55ad4b47453b762fa78a211744b9ae1246584e6e9d802f70e");
        for (Map.Entry<String, String> e : pinned.entrySet()) {
            assertThat(RequestDigest.digest(
                            "d", "ns", ChatRequest.builder("m").user(e.getKey()).build()))
                    .as(e.getKey())
                    .isEqualTo(e.getValue());
        }
    }
}
