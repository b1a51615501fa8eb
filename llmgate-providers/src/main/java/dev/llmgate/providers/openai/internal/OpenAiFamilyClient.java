package dev.llmgate.providers.openai.internal;

import com.fasterxml.jackson.databind.JsonNode;
import dev.llmgate.api.ChatRequest;
import dev.llmgate.api.ChatResponse;
import dev.llmgate.api.ChatStream;
import dev.llmgate.api.EmbeddingRequest;
import dev.llmgate.api.EmbeddingResponse;
import dev.llmgate.api.Usage;
import dev.llmgate.api.exception.ErrorDetails;
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
import java.util.function.Function;
import okhttp3.Headers;
import okhttp3.HttpUrl;
import okhttp3.MediaType;
import okhttp3.Request;
import okhttp3.RequestBody;

/** The HTTP side shared by the OpenAI, Azure OpenAI and OpenAI-compatible providers. */
public final class OpenAiFamilyClient {
    private static final MediaType JSON = MediaType.get("application/json");

    private final HttpTransport transport;
    private final Function<String, HttpUrl> chatUrl;
    private final Function<String, HttpUrl> embeddingsUrl;
    private final java.util.function.Supplier<Headers> headers;
    private final OpenAiWire.Options options;

    public OpenAiFamilyClient(
            HttpTransport transport,
            Function<String, HttpUrl> chatUrl,
            Function<String, HttpUrl> embeddingsUrl,
            java.util.function.Supplier<Headers> headers,
            OpenAiWire.Options options) {
        this.transport = transport;
        this.chatUrl = chatUrl;
        this.embeddingsUrl = embeddingsUrl;
        this.headers = headers;
        this.options = options;
    }

    /** Cancels the calls in flight and releases the connections and threads of this provider ({@link HttpTransport#close()}). */
    public void close() {
        transport.close();
    }

    public ChatResponse chat(ChatRequest request, CallContext call) {
        JsonNode root = transport.execute(
                post(chatUrl.apply(request.model()), OpenAiWire.requestBody(request, false, options)), call);
        if (root.has("error") && !root.has("choices")) {
            throw transport.errorInBody(root, Headers.of(), call);
        }
        return Shapes.parse(transport.errors(), () -> OpenAiWire.parseResponse(root, transport.provider()));
    }

    public ChatStream stream(ChatRequest request, CallContext call) {
        HttpTransport.OpenStream open = transport.open(
                post(chatUrl.apply(request.model()), OpenAiWire.requestBody(request, true, options)), call);
        return new HttpChatStream(
                transport,
                open,
                transport.sse(open),
                new OpenAiStreamDecoder(transport.errors(), open.response().headers(), call));
    }

    public EmbeddingResponse embed(EmbeddingRequest request, CallContext call) {
        return Shapes.parse(transport.errors(), () -> embedUnchecked(request, call));
    }

    private EmbeddingResponse embedUnchecked(EmbeddingRequest request, CallContext call) {
        ByteArrayOutputStream out = new ByteArrayOutputStream(256);
        try (var g = Json.FACTORY.createGenerator(out)) {
            g.writeStartObject();
            if (options.sendModel()) {
                g.writeStringField("model", request.model());
            }
            g.writeArrayFieldStart("input");
            for (String s : request.inputs()) {
                g.writeString(s);
            }
            g.writeEndArray();
            g.writeStringField("encoding_format", "float");
            if (request.dimensions().isPresent()) {
                g.writeNumberField("dimensions", request.dimensions().getAsInt());
            }
            g.writeEndObject();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        JsonNode root = transport.execute(post(embeddingsUrl.apply(request.model()), out.toByteArray()), call);
        JsonNode data = root.get("data");
        if (data == null || !data.isArray() || data.size() != request.inputs().size()) {
            throw new ProviderException(
                    "the provider's embedding answer does not have one vector per input",
                    ErrorDetails.of(transport.provider()),
                    true);
        }
        float[][] vectors = new float[data.size()][];
        for (JsonNode item : data) {
            int index = item.path("index").asInt(-1);
            JsonNode emb = item.get("embedding");
            if (index < 0 || index >= vectors.length || emb == null || !emb.isArray()) {
                throw new ProviderException(
                        "the provider's embedding answer has a malformed item",
                        ErrorDetails.of(transport.provider()),
                        true);
            }
            float[] v = new float[emb.size()];
            for (int i = 0; i < v.length; i++) {
                v[i] = (float) emb.get(i).asDouble();
            }
            vectors[index] = v;
        }
        List<float[]> list = new ArrayList<>(vectors.length);
        for (float[] v : vectors) {
            if (v == null) {
                throw new ProviderException(
                        "the provider's embedding answer misses an index", ErrorDetails.of(transport.provider()), true);
            }
            list.add(v);
        }
        JsonNode u = root.path("usage");
        return new EmbeddingResponse(
                list, transport.provider(), Json.text(root, "model"), Usage.of(Json.number(u, "prompt_tokens"), 0));
    }

    private Request post(HttpUrl url, byte[] body) {
        return new Request.Builder()
                .url(url)
                .headers(headers.get())
                .post(RequestBody.create(body, JSON))
                .build();
    }
}
