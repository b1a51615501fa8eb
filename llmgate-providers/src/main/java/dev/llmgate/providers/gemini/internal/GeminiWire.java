package dev.llmgate.providers.gemini.internal;

import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.databind.JsonNode;
import dev.llmgate.api.ChatRequest;
import dev.llmgate.api.ChatResponse;
import dev.llmgate.api.ContentPart;
import dev.llmgate.api.FinishReason;
import dev.llmgate.api.Message;
import dev.llmgate.api.ResponseFormat;
import dev.llmgate.api.Role;
import dev.llmgate.api.TokenLogprob;
import dev.llmgate.api.ToolCall;
import dev.llmgate.api.ToolChoice;
import dev.llmgate.api.ToolDefinition;
import dev.llmgate.api.Usage;
import dev.llmgate.api.exception.ContentFilteredException;
import dev.llmgate.api.exception.ErrorDetails;
import dev.llmgate.api.exception.InvalidRequestException;
import dev.llmgate.api.exception.ProviderException;
import dev.llmgate.providers.internal.DataUrls;
import dev.llmgate.providers.internal.Json;
import dev.llmgate.providers.internal.OptionsObject;
import dev.llmgate.providers.internal.ProviderErrors;
import dev.llmgate.providers.internal.TokenLogprobs;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * The Gemini {@code generateContent} wire format. Request bodies are written in one pass with a
 * streaming generator (tool and response schemas embedded raw, never re-parsed); responses are read
 * from one parsed tree.
 *
 * <p>Gemini function calls carry no id in most answers, so ids are synthesized per answer
 * ({@code call_0}, {@code call_1}, ...); a vendor id is kept when Gemini sends one. A call's
 * {@code thoughtSignature} (which Gemini 3 requires back on the next request) is carried inside the id
 * after {@value #SIGNATURE_MARKER}, in URL-safe base64, so that it survives the round trip through
 * {@link ToolCall} and {@link Message#tool(String, String)} unchanged.
 */
public final class GeminiWire {
    /** Separates a tool call id's base from the thought signature it carries. */
    static final String SIGNATURE_MARKER = "__ts_";

    private static final Set<String> STANDARD_FIELDS = Set.of(
            "model",
            "contents",
            "systemInstruction",
            "system_instruction",
            "tools",
            "toolConfig",
            "tool_config",
            "generation_config");
    private static final String GENERATION_CONFIG = "generationConfig";

    private GeminiWire() {}

    /**
     * How requests are written.
     *
     * @param jsonSchemaFields true (the default) to send tool parameters as {@code parametersJsonSchema} and a response
     *                         schema as {@code responseJsonSchema} (full JSON Schema); false for the older OpenAPI-subset
     *                         fields {@code parameters} and {@code responseSchema}
     */
    public record Options(boolean jsonSchemaFields) {}

    // ---------------------------------------------------------------- request

    public static byte[] requestBody(ChatRequest r, Options options) {
        ByteArrayOutputStream out = new ByteArrayOutputStream(1024);
        try (JsonGenerator g = Json.FACTORY.createGenerator(out)) {
            Map<String, Object> extra = r.providerOptions();
            for (String key : extra.keySet()) {
                if (STANDARD_FIELDS.contains(key)) {
                    throw new InvalidRequestException(
                            "providerOptions must not set '" + key + "': it is a standard field, set it through"
                                    + " ChatRequest.Builder (generation settings go in providerOptions 'generationConfig', camelCase)",
                            ErrorDetails.NONE);
                }
            }
            g.writeStartObject();
            writeSystemInstruction(g, r.messages());
            writeContents(g, r.messages());
            writeTools(g, r, options);
            writeGenerationConfig(g, r, options, extra.get(GENERATION_CONFIG));
            for (Map.Entry<String, Object> e : extra.entrySet()) {
                if (!e.getKey().equals(GENERATION_CONFIG)) {
                    g.writeFieldName(e.getKey());
                    Json.MAPPER.writeValue(g, e.getValue());
                }
            }
            g.writeEndObject();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return out.toByteArray();
    }

    private static void writeSystemInstruction(JsonGenerator g, List<Message> messages) throws IOException {
        boolean open = false;
        for (Message m : messages) {
            if (m.role() != Role.SYSTEM && m.role() != Role.DEVELOPER) {
                continue;
            }
            if (!open) {
                g.writeObjectFieldStart("systemInstruction");
                g.writeArrayFieldStart("parts");
                open = true;
            }
            g.writeStartObject();
            g.writeStringField("text", m.text());
            g.writeEndObject();
        }
        if (open) {
            g.writeEndArray();
            g.writeEndObject();
        }
    }

    private static void writeContents(JsonGenerator g, List<Message> messages) throws IOException {
        Map<String, String> callNames = new HashMap<>();
        boolean any = false;
        boolean inToolTurn = false;
        g.writeArrayFieldStart("contents");
        for (Message m : messages) {
            if (m.role() == Role.SYSTEM || m.role() == Role.DEVELOPER) {
                continue;
            }
            if (m.role() == Role.TOOL) {
                // Consecutive tool results form one turn: Gemini wants as many functionResponse parts as the
                // preceding turn had functionCall parts, in one content.
                if (!inToolTurn) {
                    g.writeStartObject();
                    g.writeStringField("role", "user");
                    g.writeArrayFieldStart("parts");
                    inToolTurn = true;
                }
                writeFunctionResponse(g, m, callNames);
                any = true;
                continue;
            }
            if (inToolTurn) {
                g.writeEndArray();
                g.writeEndObject();
                inToolTurn = false;
            }
            if (m.role() == Role.ASSISTANT) {
                if (m.content().isEmpty() && m.toolCalls().isEmpty()) {
                    continue;
                }
                g.writeStartObject();
                g.writeStringField("role", "model");
                g.writeArrayFieldStart("parts");
                String text = m.text();
                if (!text.isEmpty()) {
                    g.writeStartObject();
                    g.writeStringField("text", text);
                    g.writeEndObject();
                }
                for (ToolCall c : m.toolCalls()) {
                    callNames.put(c.id(), c.name());
                    writeFunctionCall(g, c);
                }
                g.writeEndArray();
                g.writeEndObject();
            } else {
                g.writeStartObject();
                g.writeStringField("role", "user");
                g.writeArrayFieldStart("parts");
                for (ContentPart p : m.content()) {
                    writeUserPart(g, p);
                }
                g.writeEndArray();
                g.writeEndObject();
            }
            any = true;
        }
        if (inToolTurn) {
            g.writeEndArray();
            g.writeEndObject();
        }
        g.writeEndArray();
        if (!any) {
            throw new InvalidRequestException(
                    "Gemini needs at least one user message besides system instructions: add one with"
                            + " addMessage(Message.user(\"...\"))",
                    ErrorDetails.NONE);
        }
    }

    private static void writeUserPart(JsonGenerator g, ContentPart p) throws IOException {
        g.writeStartObject();
        if (p instanceof ContentPart.Text t) {
            g.writeStringField("text", t.text());
        } else if (p instanceof ContentPart.ImageData d) {
            g.writeObjectFieldStart("inlineData");
            g.writeStringField("mimeType", d.mediaType());
            g.writeStringField("data", Base64.getEncoder().encodeToString(d.data()));
            g.writeEndObject();
        } else {
            String url = ((ContentPart.ImageUrl) p).url();
            if (DataUrls.isDataUrl(url)) {
                DataUrls.Inline inline = DataUrls.parse(url);
                g.writeObjectFieldStart("inlineData");
                g.writeStringField("mimeType", inline.mediaType());
                g.writeStringField("data", inline.base64());
                g.writeEndObject();
            } else {
                g.writeObjectFieldStart("fileData");
                String mime = DataUrls.mediaTypeOfPath(url);
                if (!mime.isEmpty()) {
                    g.writeStringField("mimeType", mime);
                }
                g.writeStringField("fileUri", url);
                g.writeEndObject();
            }
        }
        g.writeEndObject();
    }

    private static void writeFunctionCall(JsonGenerator g, ToolCall c) throws IOException {
        g.writeStartObject();
        g.writeObjectFieldStart("functionCall");
        g.writeStringField("name", c.name());
        g.writeFieldName("args");
        g.writeTree(argumentsObject(c));
        g.writeEndObject();
        Optional<String> signature = signatureOf(c.id());
        if (signature.isPresent()) {
            g.writeStringField("thoughtSignature", signature.get());
        }
        g.writeEndObject();
    }

    private static JsonNode argumentsObject(ToolCall c) {
        String args = c.argumentsJson().strip();
        if (args.isEmpty()) {
            return Json.MAPPER.createObjectNode();
        }
        try {
            JsonNode node = Json.MAPPER.readTree(args);
            if (node != null && node.isObject()) {
                return node;
            }
        } catch (IOException e) {
            // reported below
        }
        throw new InvalidRequestException(
                "the arguments of tool call '" + c.name() + "' in the conversation are not a JSON object:"
                        + " Gemini needs function call args as an object; fix or drop that assistant message",
                ErrorDetails.NONE);
    }

    private static void writeFunctionResponse(JsonGenerator g, Message m, Map<String, String> callNames)
            throws IOException {
        String id = m.toolCallId().orElse("");
        String name = callNames.get(id);
        if (name == null) {
            throw new InvalidRequestException(
                    "a TOOL message answers tool call id '" + shortId(id) + "', but no earlier assistant message"
                            + " made a call with that id: Gemini needs the function's name, so keep the assistant message with the tool"
                            + " calls (response.message()) in the conversation and pass the call's id unchanged",
                    ErrorDetails.NONE);
        }
        g.writeStartObject();
        g.writeObjectFieldStart("functionResponse");
        g.writeStringField("name", name);
        g.writeFieldName("response");
        String text = m.text();
        JsonNode parsed = null;
        String stripped = text.strip();
        if (stripped.startsWith("{") && stripped.endsWith("}")) {
            try {
                parsed = Json.MAPPER.readTree(stripped);
            } catch (IOException notJson) {
                parsed = null;
            }
        }
        if (parsed != null && parsed.isObject()) {
            g.writeTree(parsed);
        } else {
            g.writeStartObject();
            g.writeStringField("output", text);
            g.writeEndObject();
        }
        g.writeEndObject();
        g.writeEndObject();
    }

    private static void writeTools(JsonGenerator g, ChatRequest r, Options options) throws IOException {
        if (r.tools().isEmpty()) {
            return;
        }
        g.writeArrayFieldStart("tools");
        g.writeStartObject();
        g.writeArrayFieldStart("functionDeclarations");
        for (ToolDefinition t : r.tools()) {
            g.writeStartObject();
            g.writeStringField("name", t.name());
            if (!t.description().isEmpty()) {
                g.writeStringField("description", t.description());
            }
            g.writeFieldName(options.jsonSchemaFields() ? "parametersJsonSchema" : "parameters");
            g.writeRawValue(t.parametersJsonSchema());
            g.writeEndObject();
        }
        g.writeEndArray();
        g.writeEndObject();
        g.writeEndArray();
        if (r.toolChoice().isPresent()) {
            ToolChoice c = r.toolChoice().get();
            g.writeObjectFieldStart("toolConfig");
            g.writeObjectFieldStart("functionCallingConfig");
            if (c instanceof ToolChoice.Specific s) {
                g.writeStringField("mode", "ANY");
                g.writeArrayFieldStart("allowedFunctionNames");
                g.writeString(s.name());
                g.writeEndArray();
            } else {
                g.writeStringField(
                        "mode",
                        c instanceof ToolChoice.None ? "NONE" : c instanceof ToolChoice.Required ? "ANY" : "AUTO");
            }
            g.writeEndObject();
            g.writeEndObject();
        }
    }

    private static void writeGenerationConfig(JsonGenerator g, ChatRequest r, Options options, Object extraConfig)
            throws IOException {
        OptionsObject config =
                new OptionsObject(g, GENERATION_CONFIG, extraConfig, "{\"thinkingConfig\":{\"thinkingBudget\":0}}");
        if (r.temperature().isPresent()) {
            config.number("temperature", r.temperature().getAsDouble());
        }
        if (r.topP().isPresent()) {
            config.number("topP", r.topP().getAsDouble());
        }
        if (r.maxOutputTokens().isPresent()) {
            config.number("maxOutputTokens", r.maxOutputTokens().getAsInt());
        }
        if (!r.stop().isEmpty()) {
            config.strings("stopSequences", r.stop());
        }
        if (r.seed().isPresent()) {
            long seed = r.seed().getAsLong();
            if (seed < Integer.MIN_VALUE || seed > Integer.MAX_VALUE) {
                throw new InvalidRequestException(
                        "Gemini's seed is a 32-bit integer, but the request's seed " + seed
                                + " does not fit: use a value between " + Integer.MIN_VALUE + " and "
                                + Integer.MAX_VALUE,
                        ErrorDetails.NONE);
            }
            config.number("seed", seed);
        }
        ResponseFormat f = r.responseFormat();
        if (f instanceof ResponseFormat.JsonObject || f instanceof ResponseFormat.JsonSchema) {
            config.string("responseMimeType", "application/json");
            if (f instanceof ResponseFormat.JsonSchema s) {
                config.raw(options.jsonSchemaFields() ? "responseJsonSchema" : "responseSchema", s.schemaJson());
                config.reserve("responseJsonSchema");
                config.reserve("responseSchema");
            }
        }
        config.finish();
    }

    // ---------------------------------------------------------------- response

    /** Reads a {@code GenerateContentResponse}; throws {@link ContentFilteredException} if the prompt was blocked. */
    public static ChatResponse parseResponse(JsonNode root, ProviderErrors errors, String requestedModel) {
        String provider = errors.provider();
        JsonNode candidates = root.get("candidates");
        if (candidates == null || !candidates.isArray() || candidates.isEmpty()) {
            String block = blockReason(root);
            if (!block.isEmpty()) {
                throw promptBlocked(block, errors);
            }
            throw new ProviderException("Gemini's answer has no candidates", ErrorDetails.of(provider), true);
        }
        JsonNode candidate = candidates.get(0);
        StringBuilder text = new StringBuilder();
        List<ToolCall> calls = new ArrayList<>();
        JsonNode parts = candidate.path("content").path("parts");
        for (JsonNode part : parts) {
            if (part.path("thought").asBoolean(false)) {
                continue;
            }
            JsonNode t = part.get("text");
            if (t != null && t.isTextual()) {
                text.append(t.asText());
            }
            JsonNode fc = part.get("functionCall");
            if (fc != null && fc.isObject()) {
                calls.add(toolCall(fc, part, calls.size()));
            }
        }
        String model = Json.text(root, "modelVersion");
        return ChatResponse.builder()
                .id(Json.text(root, "responseId"))
                .provider(provider)
                .model(model.isEmpty() ? requestedModel : model)
                .text(text.toString())
                .toolCalls(calls)
                .finishReason(finishReason(Json.text(candidate, "finishReason"), !calls.isEmpty()))
                .usage(usage(root.get("usageMetadata")))
                .logprobs(logprobs(candidate))
                .build();
    }

    /**
     * The tokens of a candidate's {@code logprobsResult.chosenCandidates} (present when
     * {@code generationConfig.responseLogprobs} is true); empty otherwise.
     */
    public static List<TokenLogprob> logprobs(JsonNode candidate) {
        return TokenLogprobs.read(candidate.path("logprobsResult").get("chosenCandidates"), "logProbability");
    }

    /** The tool call of a {@code functionCall} part, the {@code index}-th of its answer. */
    static ToolCall toolCall(JsonNode functionCall, JsonNode part, int index) {
        JsonNode args = functionCall.get("args");
        String argsText = args == null || args.isNull() ? "{}" : args.isTextual() ? args.asText() : args.toString();
        return new ToolCall(
                toolCallId(index, Json.text(functionCall, "id"), Json.text(part, "thoughtSignature")),
                Json.text(functionCall, "name"),
                argsText);
    }

    /** {@code call_<index>} (or Gemini's own id), followed by the thought signature when there is one. */
    static String toolCallId(int index, String vendorId, String thoughtSignature) {
        String base = vendorId.isEmpty() ? "call_" + index : vendorId;
        if (thoughtSignature.isEmpty()) {
            return base;
        }
        String urlSafe = thoughtSignature.replace('+', '-').replace('/', '_');
        int end = urlSafe.length();
        while (end > 0 && urlSafe.charAt(end - 1) == '=') {
            end--;
        }
        return base + SIGNATURE_MARKER + urlSafe.substring(0, end);
    }

    /** The thought signature a tool call id carries, restored to the standard base64 Gemini sent. */
    static Optional<String> signatureOf(String id) {
        int at = id.indexOf(SIGNATURE_MARKER);
        if (at < 0 || at + SIGNATURE_MARKER.length() == id.length()) {
            return Optional.empty();
        }
        StringBuilder sig = new StringBuilder(
                id.substring(at + SIGNATURE_MARKER.length()).replace('-', '+').replace('_', '/'));
        while (sig.length() % 4 != 0) {
            sig.append('=');
        }
        return Optional.of(sig.toString());
    }

    private static String shortId(String id) {
        int at = id.indexOf(SIGNATURE_MARKER);
        String base = at < 0 ? id : id.substring(0, at);
        return base.length() > 64 ? base.substring(0, 64) + "..." : base;
    }

    /** {@code promptFeedback.blockReason}, or {@code ""}. */
    static String blockReason(JsonNode root) {
        return Json.text(root.path("promptFeedback"), "blockReason");
    }

    /** The exception for a prompt Gemini refused to answer (the reason, Gemini's text, scrubbed). */
    static ContentFilteredException promptBlocked(String blockReason, ProviderErrors errors) {
        String reason = errors.secrets().scrub(blockReason);
        return new ContentFilteredException(
                "Gemini blocked the prompt (blockReason " + reason + "): rephrase the request, or"
                        + " adjust the thresholds with providerOptions 'safetySettings' where policy allows",
                ErrorDetails.of(errors.provider(), 200, reason, ""));
    }

    /** Maps a Gemini finish reason; {@code hasToolCalls} turns a plain stop into {@link FinishReason#TOOL_CALLS}. */
    public static FinishReason finishReason(String reason, boolean hasToolCalls) {
        switch (reason) {
            case "MAX_TOKENS":
                return FinishReason.LENGTH;
            case "SAFETY":
            case "RECITATION":
            case "BLOCKLIST":
            case "PROHIBITED_CONTENT":
            case "SPII":
            case "IMAGE_SAFETY":
            case "IMAGE_PROHIBITED_CONTENT":
            case "IMAGE_RECITATION":
                return FinishReason.CONTENT_FILTER;
            case "LANGUAGE":
            case "OTHER":
            case "MALFORMED_FUNCTION_CALL":
            case "UNEXPECTED_TOOL_CALL":
            case "TOO_MANY_TOOL_CALLS":
            case "MISSING_THOUGHT_SIGNATURE":
            case "MALFORMED_RESPONSE":
            case "IMAGE_OTHER":
            case "NO_IMAGE":
                return FinishReason.ERROR;
            default:
                return hasToolCalls ? FinishReason.TOOL_CALLS : FinishReason.STOP;
        }
    }

    /**
     * Reads {@code usageMetadata} (absent: zero). Input is {@code promptTokenCount} plus
     * {@code toolUsePromptTokenCount}; output is {@code candidatesTokenCount} plus {@code thoughtsTokenCount}
     * (thinking is billed as output); cached input is {@code cachedContentTokenCount}.
     */
    public static Usage usage(JsonNode u) {
        if (u == null || u.isNull()) {
            return Usage.ZERO;
        }
        long thoughts = Json.number(u, "thoughtsTokenCount");
        return new Usage(
                Json.number(u, "promptTokenCount") + Json.number(u, "toolUsePromptTokenCount"),
                Json.number(u, "candidatesTokenCount") + thoughts,
                Json.number(u, "cachedContentTokenCount"),
                thoughts,
                0);
    }
}
