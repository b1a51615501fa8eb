package dev.llmgate.providers.ollama.internal;

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
import dev.llmgate.providers.internal.ProviderSettings;
import dev.llmgate.providers.internal.Shapes;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import okhttp3.Headers;
import okhttp3.HttpUrl;
import okhttp3.MediaType;
import okhttp3.Request;
import okhttp3.RequestBody;

/**
 * The HTTP side of the Ollama provider: {@code /api/chat} (blocking with {@code stream:false}, NDJSON
 * streaming with {@code stream:true}) and {@code /api/embed}. A 404 becomes an
 * {@link InvalidRequestException} that says how to fix it ({@code ollama pull}, or the base URL).
 */
public final class OllamaClient {
    private static final MediaType JSON = MediaType.get("application/json");

    private final HttpTransport transport;
    private final HttpUrl chatUrl;
    private final HttpUrl embedUrl;
    private final Headers headers;

    public OllamaClient(HttpTransport transport, HttpUrl baseUrl, Headers headers) {
        this.transport = transport;
        this.chatUrl = ProviderSettings.resolve(baseUrl, "api/chat");
        this.embedUrl = ProviderSettings.resolve(baseUrl, "api/embed");
        this.headers = headers;
    }

    /** Cancels the calls in flight and releases the connections and threads of this provider ({@link HttpTransport#close()}). */
    public void close() {
        transport.close();
    }

    public ChatResponse chat(ChatRequest request, CallContext call) {
        byte[] body = OllamaWire.requestBody(request, false);
        JsonNode root;
        try {
            root = transport.execute(post(chatUrl, body), call);
        } catch (InvalidRequestException e) {
            throw withHint(e, request.model());
        }
        if (root.has("error")) {
            throw transport.errorInBody(root, Headers.of(), call);
        }
        return Shapes.parse(
                transport.errors(), () -> OllamaWire.parseResponse(root, transport.provider(), request.model()));
    }

    public ChatStream stream(ChatRequest request, CallContext call) {
        byte[] body = OllamaWire.requestBody(request, true);
        HttpTransport.OpenStream open;
        try {
            open = transport.open(post(chatUrl, body), call);
        } catch (InvalidRequestException e) {
            throw withHint(e, request.model());
        }
        return new HttpChatStream(
                transport,
                open,
                transport.ndjson(open),
                new OllamaStreamDecoder(transport, open.response().headers(), call, request.model()));
    }

    public EmbeddingResponse embed(EmbeddingRequest request, CallContext call) {
        return Shapes.parse(transport.errors(), () -> embedUnchecked(request, call));
    }

    private EmbeddingResponse embedUnchecked(EmbeddingRequest request, CallContext call) {
        ByteArrayOutputStream out = new ByteArrayOutputStream(256);
        try (var g = Json.FACTORY.createGenerator(out)) {
            g.writeStartObject();
            g.writeStringField("model", request.model());
            g.writeArrayFieldStart("input");
            for (String s : request.inputs()) {
                g.writeString(s);
            }
            g.writeEndArray();
            if (request.dimensions().isPresent()) {
                g.writeNumberField("dimensions", request.dimensions().getAsInt());
            }
            g.writeEndObject();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        JsonNode root;
        try {
            root = transport.execute(post(embedUrl, out.toByteArray()), call);
        } catch (InvalidRequestException e) {
            throw withHint(e, request.model());
        }
        if (root.has("error")) {
            throw transport.errorInBody(root, Headers.of(), call);
        }
        JsonNode embeddings = root.get("embeddings");
        if (embeddings == null
                || !embeddings.isArray()
                || embeddings.size() != request.inputs().size()) {
            throw new ProviderException(
                    "Ollama's embedding answer does not have one vector per input (is '" + request.model()
                            + "' an embedding model?)",
                    ErrorDetails.of(transport.provider()),
                    true);
        }
        List<float[]> vectors = new ArrayList<>(embeddings.size());
        for (JsonNode e : embeddings) {
            if (!e.isArray()) {
                throw new ProviderException(
                        "Ollama's embedding answer has an item that is not a vector",
                        ErrorDetails.of(transport.provider()),
                        true);
            }
            float[] v = new float[e.size()];
            for (int i = 0; i < v.length; i++) {
                v[i] = (float) e.get(i).asDouble();
            }
            vectors.add(v);
        }
        String model = Json.text(root, "model");
        return new EmbeddingResponse(
                vectors,
                transport.provider(),
                model.isEmpty() ? request.model() : model,
                Usage.of(Json.number(root, "prompt_eval_count"), 0));
    }

    /** A 404 either names an unknown model (pull it) or means the base URL points at the wrong path. */
    private InvalidRequestException withHint(InvalidRequestException e, String model) {
        if (e.details().httpStatus().orElse(0) != 404) {
            return e;
        }
        String message = e.getMessage() == null ? "" : e.getMessage().toLowerCase(Locale.ROOT);
        if (message.contains("model")) {
            return new InvalidRequestException(
                    "Ollama does not have the model '" + model + "': download it with `ollama pull " + model
                            + "`, or check the name with `ollama list`",
                    e.details(),
                    e);
        }
        return new InvalidRequestException(
                "the server answered 404 Not Found for Ollama's API: check the base URL, which must be the"
                        + " server root (e.g. http://localhost:11434), without /api or /v1",
                e.details(),
                e);
    }

    private Request post(HttpUrl url, byte[] body) {
        return new Request.Builder()
                .url(url)
                .headers(headers)
                .post(RequestBody.create(body, JSON))
                .build();
    }
}
