package dev.llmgate.providers.gemini.internal;

import com.fasterxml.jackson.databind.JsonNode;
import dev.llmgate.api.ChatRequest;
import dev.llmgate.api.ChatResponse;
import dev.llmgate.api.ChatStream;
import dev.llmgate.api.EmbeddingRequest;
import dev.llmgate.api.EmbeddingResponse;
import dev.llmgate.api.Usage;
import dev.llmgate.api.exception.ErrorDetails;
import dev.llmgate.api.exception.InvalidRequestException;
import dev.llmgate.api.exception.ProviderException;
import dev.llmgate.api.spi.CallContext;
import dev.llmgate.providers.internal.HttpChatStream;
import dev.llmgate.providers.internal.HttpTransport;
import dev.llmgate.providers.internal.Json;
import dev.llmgate.providers.internal.Shapes;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.List;
import okhttp3.Headers;
import okhttp3.HttpUrl;
import okhttp3.MediaType;
import okhttp3.Request;
import okhttp3.RequestBody;

/**
 * The HTTP side of the Gemini provider: {@code models/{model}:generateContent},
 * {@code :streamGenerateContent?alt=sse} and {@code :batchEmbedContents} under a versioned base URL.
 * The API key travels only in the {@code x-goog-api-key} header, never in the URL.
 */
public final class GeminiClient {
    private static final MediaType JSON = MediaType.get("application/json");

    private final HttpTransport transport;
    private final HttpUrl versionedBase;
    private final Headers headers;
    private final GeminiWire.Options options;

    /** A client for the API under {@code versionedBase} (e.g. {@code .../v1beta}) sending {@code headers} (the key's included) on every request. */
    public GeminiClient(HttpTransport transport, HttpUrl versionedBase, Headers headers, GeminiWire.Options options) {
        this.transport = transport;
        this.versionedBase = versionedBase;
        this.headers = headers;
        this.options = options;
    }

    /** Cancels the calls in flight and releases the connections and threads of this provider ({@link HttpTransport#close()}). */
    public void close() {
        transport.close();
    }

    public ChatResponse chat(ChatRequest request, CallContext call) {
        byte[] body = GeminiWire.requestBody(request, options);
        JsonNode root = transport.execute(post(method(request.model(), "generateContent", false), body), call);
        if (root.has("error") && !root.has("candidates")) {
            throw transport.errorInBody(root, Headers.of(), call);
        }
        return Shapes.parse(
                transport.errors(), () -> GeminiWire.parseResponse(root, transport.errors(), request.model()));
    }

    public ChatStream stream(ChatRequest request, CallContext call) {
        byte[] body = GeminiWire.requestBody(request, options);
        HttpTransport.OpenStream open =
                transport.open(post(method(request.model(), "streamGenerateContent", true), body), call);
        return new HttpChatStream(
                transport,
                open,
                transport.sse(open, GeminiStreamDecoder::isCompleteChunk),
                new GeminiStreamDecoder(transport, open.response().headers(), call, request.model()));
    }

    public EmbeddingResponse embed(EmbeddingRequest request, CallContext call) {
        return Shapes.parse(transport.errors(), () -> embedUnchecked(request, call));
    }

    private EmbeddingResponse embedUnchecked(EmbeddingRequest request, CallContext call) {
        String resource = resourceName(request.model());
        ByteArrayOutputStream out = new ByteArrayOutputStream(256);
        try (var g = Json.FACTORY.createGenerator(out)) {
            g.writeStartObject();
            g.writeArrayFieldStart("requests");
            for (String input : request.inputs()) {
                g.writeStartObject();
                g.writeStringField("model", resource);
                g.writeObjectFieldStart("content");
                g.writeArrayFieldStart("parts");
                g.writeStartObject();
                g.writeStringField("text", input);
                g.writeEndObject();
                g.writeEndArray();
                g.writeEndObject();
                if (request.dimensions().isPresent()) {
                    g.writeNumberField(
                            "outputDimensionality", request.dimensions().getAsInt());
                }
                g.writeEndObject();
            }
            g.writeEndArray();
            g.writeEndObject();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        JsonNode root =
                transport.execute(post(method(request.model(), "batchEmbedContents", false), out.toByteArray()), call);
        JsonNode embeddings = root.get("embeddings");
        if (embeddings == null
                || !embeddings.isArray()
                || embeddings.size() != request.inputs().size()) {
            throw new ProviderException(
                    "Gemini's embedding answer does not have one vector per input",
                    ErrorDetails.of(transport.provider()),
                    true);
        }
        List<float[]> vectors = new ArrayList<>(embeddings.size());
        for (JsonNode e : embeddings) {
            JsonNode values = e.get("values");
            if (values == null || !values.isArray()) {
                throw new ProviderException(
                        "Gemini's embedding answer has an item without values",
                        ErrorDetails.of(transport.provider()),
                        true);
            }
            float[] v = new float[values.size()];
            for (int i = 0; i < v.length; i++) {
                v[i] = (float) values.get(i).asDouble();
            }
            vectors.add(v);
        }
        JsonNode usage = root.get("usageMetadata");
        long input = usage == null ? 0 : Json.number(usage, "promptTokenCount");
        return new EmbeddingResponse(vectors, transport.provider(), request.model(), Usage.of(input, 0));
    }

    /** {@code models/gemini-2.0-flash} for {@code gemini-2.0-flash}; names that already have a collection are kept. */
    static String resourceName(String model) {
        String m = model.strip();
        if (m.isEmpty()
                || m.contains("?")
                || m.contains("#")
                || m.contains(":")
                || m.startsWith("/")
                || m.endsWith("/")) {
            throw new InvalidRequestException(
                    "'" + model + "' is not a Gemini model name: use e.g. gemini-2.5-flash, models/gemini-2.5-flash"
                            + " or tunedModels/my-model",
                    ErrorDetails.NONE);
        }
        return m.contains("/") ? m : "models/" + m;
    }

    private HttpUrl method(String model, String method, boolean sse) {
        String[] segments = resourceName(model).split("/");
        HttpUrl.Builder b = versionedBase.newBuilder();
        for (int i = 0; i < segments.length; i++) {
            b.addPathSegment(i == segments.length - 1 ? segments[i] + ":" + method : segments[i]);
        }
        if (sse) {
            b.addQueryParameter("alt", "sse");
        }
        return b.build();
    }

    private Request post(HttpUrl url, byte[] body) {
        return new Request.Builder()
                .url(url)
                .headers(headers)
                .post(RequestBody.create(body, JSON))
                .build();
    }
}
