package dev.llmgate.providers.openai.internal;

import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.core.StreamReadFeature;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectReader;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.llmgate.api.EmbeddingRequest;
import dev.llmgate.api.EmbeddingResponse;
import dev.llmgate.api.Metadata;
import dev.llmgate.api.Usage;
import dev.llmgate.api.exception.ErrorDetails;
import dev.llmgate.api.exception.InvalidRequestException;
import dev.llmgate.api.exception.LlmException;
import dev.llmgate.api.exception.ProviderException;
import dev.llmgate.api.spi.CallContext;
import dev.llmgate.api.spi.ModelProvider;
import dev.llmgate.core.LlmGate;
import dev.llmgate.providers.WrapOptions;
import dev.llmgate.providers.internal.Json;
import dev.llmgate.providers.internal.ProviderErrors;
import dev.llmgate.providers.internal.WrappedExchange;
import dev.llmgate.providers.internal.WrappedUpstream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.Set;
import okhttp3.Headers;

/**
 * Routes one {@code POST .../embeddings} exchange of an existing OpenAI-format client through a gate's
 * embedding chain ({@link LlmGate#wrapEmbed}): policy on the inputs (a block refuses, a redaction is
 * what gets embedded), budgets, routing, audit with a digest of the vectors. Upstream is called through
 * the client's own stack with the client's own bytes when no stage changed the inputs or the model, or
 * with the client's body whose {@code input} and {@code model} the chain changed (every other member
 * kept); the client gets upstream's answer as upstream sent it. Only an answer from another provider
 * (a route's fallback) is written anew, in the encoding the client asked for.
 */
public final class OpenAiEmbeddingsBridge {
    private static final ObjectReader STRICT = Json.MAPPER
            .reader()
            .with(StreamReadFeature.STRICT_DUPLICATE_DETECTION)
            .with(DeserializationFeature.FAIL_ON_TRAILING_TOKENS);

    private OpenAiEmbeddingsBridge() {}

    /** Handles one exchange, as {@link OpenAiBridge#handle} does for Chat Completions. */
    public static WrappedUpstream.Reply handle(
            LlmGate gate,
            WrapOptions wrapOptions,
            byte[] requestBody,
            String clientKey,
            int clientRetryCount,
            WrappedUpstream.Upstream upstream) {
        String providerName = wrapOptions.providerName();
        ProviderErrors errors = new ProviderErrors(providerName, clientKey);
        ObjectNode sentByClient;
        EmbeddingRequest request;
        boolean singleInput;
        try {
            sentByClient = read(requestBody);
            singleInput = sentByClient.get("input").isTextual();
            request = embeddingRequest(sentByClient, providerName + ":");
        } catch (InvalidRequestException e) {
            return OpenAiBridge.error(e, true);
        }
        String model = Json.text(sentByClient, "model");
        Optional<String> route = wrapOptions.routeFor(model);
        WrappedUpstream.warnOnClientRetry(route, clientRetryCount, "openai-java: maxRetries(0)");
        boolean routed = route.isPresent();
        if (routed) {
            request = request.withModel(route.get());
        }
        if (!clientKey.isEmpty()) {
            request = new EmbeddingRequest(
                    request.model(),
                    request.inputs(),
                    request.dimensions(),
                    WrappedUpstream.clientMetadata(request.metadata(), clientKey));
        }
        List<String> inputsAsSent = inputs(sentByClient);
        WrappedExchange exchange = new WrappedExchange();
        List<Answered> answered = new java.util.concurrent.CopyOnWriteArrayList<>();
        boolean base64 = Json.text(sentByClient, "encoding_format").equals("base64");
        boolean single = singleInput;
        ModelProvider forward = new ModelProvider() {
            @Override
            public dev.llmgate.api.ChatResponse chat(dev.llmgate.api.ChatRequest r, CallContext call) {
                throw new IllegalStateException("the embeddings bridge makes no chat calls");
            }

            @Override
            public EmbeddingResponse embed(EmbeddingRequest attempt, CallContext call) {
                byte[] body =
                        attempt.inputs().equals(inputsAsSent) && attempt.model().equals(model)
                                ? requestBody
                                : rewritten(sentByClient, attempt, single);
                try (WrappedUpstream.UpstreamResponse r = WrappedUpstream.send(upstream, body, errors, exchange)) {
                    if (r.status() < 200 || r.status() > 299) {
                        throw WrappedUpstream.upstreamError(r, errors, exchange, call);
                    }
                    String text = WrappedUpstream.read(r.body(), errors, false, exchange);
                    EmbeddingResponse parsed = parse(text, attempt.inputs().size(), providerName);
                    answered.add(new Answered(
                            parsed,
                            new WrappedExchange.Raw(r.status(), r.headers(), text.getBytes(StandardCharsets.UTF_8))));
                    return parsed;
                }
            }
        };
        try {
            EmbeddingResponse response = gate.wrapEmbed(request, providerName, forward);
            WrappedExchange.Raw raw = null;
            for (Answered a : answered) {
                if (sameVectors(a.parsed(), response)) {
                    raw = a.raw(); // the attempt that answered (a hedge may have answered twice)
                }
            }
            Headers.Builder headers = new Headers.Builder();
            byte[] body;
            if (raw != null && response.provider().equals(providerName)) {
                headers.addAll(WrappedExchange.passedOn(raw.headers(), errors.secrets()));
                body = raw.body();
            } else {
                body = write(response, base64);
            }
            headers.set("Content-Type", "application/json");
            if (routed) {
                headers.set(WrappedUpstream.SHOULD_RETRY, "false");
            }
            return new WrappedUpstream.Reply(200, headers.build(), body);
        } catch (LlmException e) {
            return WrappedUpstream.failed(
                    e, exchange, routed, errors, gateError -> OpenAiBridge.error(gateError, routed));
        }
    }

    /** One upstream answer: the vectors read from it, and its bytes. */
    private record Answered(EmbeddingResponse parsed, WrappedExchange.Raw raw) {}

    private static boolean sameVectors(EmbeddingResponse a, EmbeddingResponse b) {
        if (a.size() != b.size()) {
            return false;
        }
        for (int i = 0; i < a.size(); i++) {
            if (!java.util.Arrays.equals(a.vector(i), b.vector(i))) {
                return false;
            }
        }
        return true;
    }

    /** The members of an embeddings request the gate reads; any other is refused (it would reach upstream unexamined). */
    private static final Set<String> EXAMINED = Set.of("model", "input", "encoding_format", "dimensions");

    private static ObjectNode read(byte[] body) {
        JsonNode root;
        try {
            root = STRICT.readTree(body);
        } catch (IOException e) {
            throw invalid("the request body is not valid JSON, or names a member twice");
        }
        if (root == null || !root.isObject()) {
            throw invalid("the request body is not a JSON object");
        }
        if (Json.text(root, "model").isEmpty()) {
            throw invalid("the request has no model");
        }
        for (Map.Entry<String, JsonNode> member : root.properties()) {
            if (!EXAMINED.contains(member.getKey())
                    && (!member.getValue().isNull() || !OpenAiServerSide.plainName(member.getKey()))) {
                String named = OpenAiServerSide.plainName(member.getKey())
                        ? "the member \"" + member.getKey() + "\""
                        : "a member (its name is not shown)";
                throw invalid(named + " of an embeddings request is not examined"
                        + " by the gate (only the texts to embed are: a value sent beside them, such as \"user\" or"
                        + " \"metadata\", would reach upstream unexamined); send the request without it");
            }
        }
        JsonNode format = root.get("encoding_format");
        if (format != null
                && !format.isNull()
                && !(format.isTextual() && Set.of("float", "base64").contains(format.asText()))) {
            throw invalid("\"encoding_format\" must be \"float\" or \"base64\"");
        }
        JsonNode dimensions = root.get("dimensions");
        if (dimensions != null && !dimensions.isNull() && !dimensions.canConvertToInt()) {
            throw invalid("\"dimensions\" must be an integer");
        }
        JsonNode input = root.get("input");
        if (input == null || !(input.isTextual() || input.isArray()) || input.isEmpty() && input.isArray()) {
            throw invalid("\"input\" must be a string or a non-empty array of strings");
        }
        if (input.isArray()) {
            for (JsonNode i : input) {
                if (!i.isTextual()) {
                    throw invalid("\"input\" holds token ids or other non-text values, which the gate cannot examine:"
                            + " send the texts as strings");
                }
            }
        }
        return (ObjectNode) root;
    }

    private static List<String> inputs(ObjectNode root) {
        JsonNode input = root.get("input");
        List<String> texts = new ArrayList<>(input.isArray() ? input.size() : 1);
        if (input.isTextual()) {
            texts.add(input.asText());
        } else {
            input.forEach(i -> texts.add(i.asText()));
        }
        return texts;
    }

    private static EmbeddingRequest embeddingRequest(ObjectNode root, String prefix) {
        JsonNode dims = root.get("dimensions");
        OptionalInt dimensions =
                dims != null && dims.canConvertToInt() ? OptionalInt.of(dims.asInt()) : OptionalInt.empty();
        try {
            return new EmbeddingRequest(prefix + Json.text(root, "model"), inputs(root), dimensions, Metadata.EMPTY);
        } catch (IllegalArgumentException e) {
            throw invalid(e.getMessage());
        }
    }

    /** The client's body with the chain's inputs and the attempt's model; every other member as the client sent it. */
    private static byte[] rewritten(ObjectNode sentByClient, EmbeddingRequest attempt, boolean singleInput) {
        ObjectNode copy = sentByClient.deepCopy();
        copy.put("model", attempt.model());
        if (singleInput && attempt.inputs().size() == 1) {
            copy.put("input", attempt.inputs().get(0));
        } else {
            ArrayNode inputs = copy.putArray("input");
            attempt.inputs().forEach(inputs::add);
        }
        try {
            return Json.MAPPER.writeValueAsBytes(copy);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Upstream's vectors, as floats or base64 (little-endian float32, OpenAI's {@code encoding_format: base64}). */
    private static EmbeddingResponse parse(String text, int inputs, String provider) {
        JsonNode root;
        try {
            root = Json.MAPPER.readTree(text);
        } catch (IOException e) {
            root = null;
        }
        JsonNode data = root == null ? null : root.get("data");
        if (data == null || !data.isArray() || data.size() != inputs) {
            throw new ProviderException(
                    "the upstream embedding answer does not have one vector per input",
                    ErrorDetails.of(provider),
                    true);
        }
        float[][] vectors = new float[inputs][];
        for (JsonNode item : data) {
            int index = item.path("index").asInt(-1);
            JsonNode emb = item.get("embedding");
            if (index < 0 || index >= inputs || emb == null || vectors[index] != null) {
                throw new ProviderException(
                        "the upstream embedding answer has a malformed item", ErrorDetails.of(provider), true);
            }
            if (emb.isTextual()) {
                byte[] bytes;
                try {
                    bytes = Base64.getDecoder().decode(emb.asText());
                } catch (IllegalArgumentException e) {
                    throw new ProviderException(
                            "the upstream embedding answer has a malformed base64 vector",
                            ErrorDetails.of(provider),
                            true);
                }
                if (bytes.length % 4 != 0) {
                    throw new ProviderException(
                            "the upstream embedding answer has a malformed base64 vector",
                            ErrorDetails.of(provider),
                            true);
                }
                float[] v = new float[bytes.length / 4];
                ByteBuffer.wrap(bytes)
                        .order(ByteOrder.LITTLE_ENDIAN)
                        .asFloatBuffer()
                        .get(v);
                vectors[index] = v;
            } else if (emb.isArray()) {
                float[] v = new float[emb.size()];
                for (int i = 0; i < v.length; i++) {
                    v[i] = (float) emb.get(i).asDouble();
                }
                vectors[index] = v;
            } else {
                throw new ProviderException(
                        "the upstream embedding answer has a malformed item", ErrorDetails.of(provider), true);
            }
        }
        JsonNode u = root.path("usage");
        return new EmbeddingResponse(
                List.of(vectors), provider, Json.text(root, "model"), Usage.of(Json.number(u, "prompt_tokens"), 0));
    }

    /** An embeddings answer written for vectors upstream did not send (another provider's, after a fallback). */
    private static byte[] write(EmbeddingResponse r, boolean base64) {
        ByteArrayOutputStream out = new ByteArrayOutputStream(64 + 16 * r.size());
        try (JsonGenerator g = Json.FACTORY.createGenerator(out)) {
            g.writeStartObject();
            g.writeStringField("object", "list");
            g.writeArrayFieldStart("data");
            for (int i = 0; i < r.size(); i++) {
                float[] v = r.vector(i);
                g.writeStartObject();
                g.writeStringField("object", "embedding");
                g.writeNumberField("index", i);
                if (base64) {
                    ByteBuffer b = ByteBuffer.allocate(4 * v.length).order(ByteOrder.LITTLE_ENDIAN);
                    b.asFloatBuffer().put(v);
                    g.writeStringField("embedding", Base64.getEncoder().encodeToString(b.array()));
                } else {
                    g.writeArrayFieldStart("embedding");
                    for (float f : v) {
                        g.writeNumber(f);
                    }
                    g.writeEndArray();
                }
                g.writeEndObject();
            }
            g.writeEndArray();
            g.writeStringField("model", r.model());
            g.writeObjectFieldStart("usage");
            g.writeNumberField("prompt_tokens", r.usage().inputTokens());
            g.writeNumberField("total_tokens", r.usage().inputTokens());
            g.writeEndObject();
            g.writeEndObject();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return out.toByteArray();
    }

    private static InvalidRequestException invalid(String what) {
        return new InvalidRequestException(
                "cannot read the intercepted embeddings request: " + what, ErrorDetails.NONE);
    }
}
