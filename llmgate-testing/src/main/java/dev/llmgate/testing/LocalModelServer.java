package dev.llmgate.testing;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A simulated model served over real HTTP on loopback, in OpenAI's Chat Completions wire format, so
 * that the whole stack (HTTP, SSE streaming, tool calls, errors) runs on a machine with no API key
 * and no network. Its answers are deterministic and say that they are simulated; it is not a
 * language model. Point any OpenAI-compatible client at {@link #baseUrl()}, for example llmgate's:
 * <pre>{@code
 * try (LocalModelServer server = LocalModelServer.start()) {
 *     ModelProvider local = OpenAiCompatibleProvider.builder(server.baseUrl()).name("local").build();
 *     ...
 * }
 * }</pre>
 *
 * <p>Behaviour: a chat answer quotes the last user message; with tools and {@code tool_choice}
 * "required" (or a named tool, or a prompt that names a tool) it calls that tool with {@code {}}
 * arguments; after a tool result it acknowledges the result; JSON response formats get a small
 * JSON object. Usage counts about one token per four characters. A prompt longer than the
 * configured context window gets OpenAI's {@code context_length_exceeded} error, and a wrong key
 * (when one is required) a 401, exactly as OpenAI shapes them. Also serves {@code /v1/embeddings}
 * (deterministic hashed vectors: the same text, the same unit-length vector) and {@code /v1/models}.
 *
 * <p>Binds to 127.0.0.1 only, on a free port. Thread-safe; {@link #close()} stops it.
 */
public final class LocalModelServer implements AutoCloseable {
    /** The model name the server reports by default. */
    public static final String MODEL = "llmgate-simulated-1";

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final JsonFactory JSON_FACTORY = JSON.getFactory();

    private final HttpServer server;
    private final ExecutorService executor;
    private final String requiredKey;
    private final int contextWindow;
    private final AtomicInteger requests = new AtomicInteger();

    private LocalModelServer(String requiredKey, int contextWindow) throws IOException {
        this.requiredKey = requiredKey;
        this.contextWindow = contextWindow;
        this.server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 64);
        AtomicInteger n = new AtomicInteger();
        this.executor = Executors.newCachedThreadPool(r -> {
            Thread t = new Thread(r, "llmgate-local-model-" + n.incrementAndGet());
            t.setDaemon(true);
            return t;
        });
        server.setExecutor(executor);
        server.createContext("/v1/chat/completions", this::chat);
        server.createContext("/v1/embeddings", this::embeddings);
        server.createContext("/v1/models", this::models);
        server.start();
    }

    /** Starts a server that accepts any key and has an 8,192-token context window. */
    public static LocalModelServer start() {
        return start("", 8192);
    }

    /**
     * Starts a server.
     *
     * @param requiredKey   the bearer key every request must carry; {@code ""} accepts any
     * @param contextWindow prompts estimated above this many tokens get a context-length error
     */
    public static LocalModelServer start(String requiredKey, int contextWindow) {
        try {
            return new LocalModelServer(requiredKey, contextWindow);
        } catch (IOException e) {
            throw new IllegalStateException(
                    "could not start the local model server on 127.0.0.1: " + e.getMessage(), e);
        }
    }

    /** The base URL, e.g. {@code http://127.0.0.1:51234/v1}. */
    public String baseUrl() {
        return "http://127.0.0.1:" + server.getAddress().getPort() + "/v1";
    }

    /** How many requests the server has received. */
    public int requestCount() {
        return requests.get();
    }

    @Override
    public void close() {
        server.stop(0);
        executor.shutdownNow();
        try {
            executor.awaitTermination(2, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private boolean authorized(HttpExchange ex) throws IOException {
        if (requiredKey.isEmpty()) {
            return true;
        }
        String auth = ex.getRequestHeaders().getFirst("Authorization");
        if (("Bearer " + requiredKey).equals(auth)) {
            return true;
        }
        error(
                ex,
                401,
                "Incorrect API key provided. You can find your API key in your account settings.",
                "invalid_request_error",
                "invalid_api_key");
        return false;
    }

    private void chat(HttpExchange ex) throws IOException {
        try (ex) {
            requests.incrementAndGet();
            if (!"POST".equals(ex.getRequestMethod())) {
                error(ex, 405, "Use POST for /v1/chat/completions", "invalid_request_error", "method_not_allowed");
                return;
            }
            if (!authorized(ex)) {
                return;
            }
            JsonNode req;
            try {
                req = JSON.readTree(ex.getRequestBody());
            } catch (IOException e) {
                error(ex, 400, "We could not parse the JSON body of your request.", "invalid_request_error", "");
                return;
            }
            JsonNode messages = req.path("messages");
            if (!messages.isArray() || messages.isEmpty()) {
                error(ex, 400, "'messages' must contain at least one message.", "invalid_request_error", "");
                return;
            }
            String model = req.path("model").asText(MODEL);
            int promptChars = 0;
            for (JsonNode m : messages) {
                promptChars += m.path("content").isTextual()
                        ? m.path("content").asText().length()
                        : m.path("content").toString().length();
            }
            int promptTokens = Math.max(1, (promptChars + 3) / 4);
            if (promptTokens > contextWindow) {
                error(
                        ex,
                        400,
                        "This model's maximum context length is " + contextWindow
                                + " tokens. However, your messages resulted in " + promptTokens
                                + " tokens. Please reduce the length of the messages.",
                        "invalid_request_error",
                        "context_length_exceeded");
                return;
            }
            Answer answer = answer(req, messages);
            int completionTokens = Math.max(1, (answer.text.length() + answer.toolArgs.length() + 3) / 4);
            String id = "chatcmpl-sim-" + requests.get();
            if (req.path("stream").asBoolean(false)) {
                stream(ex, id, model, answer, promptTokens, completionTokens);
            } else {
                complete(ex, id, model, answer, promptTokens, completionTokens);
            }
        }
    }

    private static final class Answer {
        String text = "";
        String toolName = "";
        String toolArgs = "";
        String finish = "stop";
    }

    private static Answer answer(JsonNode req, JsonNode messages) {
        Answer a = new Answer();
        JsonNode last = messages.get(messages.size() - 1);
        String lastText =
                last.path("content").isTextual() ? last.path("content").asText() : "";
        if ("tool".equals(last.path("role").asText())) {
            a.text = "[simulated] The tool returned: " + abbreviate(lastText, 120);
            return a;
        }
        String userText = "";
        for (JsonNode m : messages) {
            if ("user".equals(m.path("role").asText())) {
                JsonNode c = m.path("content");
                userText = c.isTextual() ? c.asText() : textOfParts(c);
            }
        }
        JsonNode tools = req.path("tools");
        if (tools.isArray()
                && !tools.isEmpty()
                && !"none".equals(req.path("tool_choice").asText())) {
            String chosen = "";
            JsonNode choice = req.path("tool_choice");
            if (choice.isObject()) {
                chosen = choice.path("function").path("name").asText();
            } else {
                for (JsonNode t : tools) {
                    String name = t.path("function").path("name").asText();
                    if ("required".equals(choice.asText()) || userText.contains(name)) {
                        chosen = name;
                        break;
                    }
                }
            }
            if (!chosen.isEmpty()) {
                a.toolName = chosen;
                a.toolArgs = "{}";
                a.finish = "tool_calls";
                return a;
            }
        }
        String format = req.path("response_format").path("type").asText("text");
        if (!format.equals("text")) {
            a.text = "{\"answer\":\"simulated\",\"question_chars\":" + userText.length() + "}";
            return a;
        }
        a.text = "[simulated] Hello from llmgate's built-in local model. You said: \"" + abbreviate(userText, 80)
                + "\". Set OPENAI_API_KEY or ANTHROPIC_API_KEY to talk to a real model.";
        JsonNode max = req.has("max_tokens") ? req.get("max_tokens") : req.get("max_completion_tokens");
        if (max != null && max.asInt() > 0 && max.asInt() * 4 < a.text.length()) {
            a.text = a.text.substring(0, max.asInt() * 4);
            a.finish = "length";
        }
        return a;
    }

    private static String textOfParts(JsonNode parts) {
        StringBuilder sb = new StringBuilder();
        for (JsonNode p : parts) {
            if ("text".equals(p.path("type").asText())) {
                sb.append(p.path("text").asText());
            }
        }
        return sb.toString();
    }

    private static String abbreviate(String s, int max) {
        String flat = s.replace('\n', ' ').strip();
        return flat.length() <= max ? flat : flat.substring(0, max) + "...";
    }

    private void complete(HttpExchange ex, String id, String model, Answer a, int promptTokens, int completionTokens)
            throws IOException {
        ByteArrayOutputStream out = new ByteArrayOutputStream(512);
        try (JsonGenerator g = JSON_FACTORY.createGenerator(out)) {
            g.writeStartObject();
            g.writeStringField("id", id);
            g.writeStringField("object", "chat.completion");
            g.writeNumberField("created", 1_700_000_000L);
            g.writeStringField("model", model);
            g.writeArrayFieldStart("choices");
            g.writeStartObject();
            g.writeNumberField("index", 0);
            g.writeObjectFieldStart("message");
            g.writeStringField("role", "assistant");
            if (a.toolName.isEmpty()) {
                g.writeStringField("content", a.text);
            } else {
                g.writeNullField("content");
                g.writeArrayFieldStart("tool_calls");
                g.writeStartObject();
                g.writeStringField("id", "call_sim_1");
                g.writeStringField("type", "function");
                g.writeObjectFieldStart("function");
                g.writeStringField("name", a.toolName);
                g.writeStringField("arguments", a.toolArgs);
                g.writeEndObject();
                g.writeEndObject();
                g.writeEndArray();
            }
            g.writeNullField("refusal");
            g.writeEndObject();
            g.writeStringField("finish_reason", a.finish);
            g.writeEndObject();
            g.writeEndArray();
            writeUsage(g, promptTokens, completionTokens);
            g.writeEndObject();
        }
        send(ex, 200, "application/json", out.toByteArray());
    }

    private void stream(HttpExchange ex, String id, String model, Answer a, int promptTokens, int completionTokens)
            throws IOException {
        ex.getResponseHeaders().set("Content-Type", "text/event-stream");
        ex.getResponseHeaders().set("Cache-Control", "no-cache");
        ex.sendResponseHeaders(200, 0);
        OutputStream os = ex.getResponseBody();
        String prefix = "{\"id\":\"" + id + "\",\"object\":\"chat.completion.chunk\",\"created\":1700000000,\"model\":"
                + JSON.writeValueAsString(model) + ",\"choices\":[";
        event(
                os,
                prefix + "{\"index\":0,\"delta\":{\"role\":\"assistant\",\"content\":\"\"},\"finish_reason\":null}]}");
        if (a.toolName.isEmpty()) {
            for (String piece : pieces(a.text)) {
                event(
                        os,
                        prefix + "{\"index\":0,\"delta\":{\"content\":" + JSON.writeValueAsString(piece)
                                + "},\"finish_reason\":null}]}");
            }
        } else {
            event(
                    os,
                    prefix
                            + "{\"index\":0,\"delta\":{\"tool_calls\":[{\"index\":0,\"id\":\"call_sim_1\",\"type\":\"function\","
                            + "\"function\":{\"name\":" + JSON.writeValueAsString(a.toolName)
                            + ",\"arguments\":\"\"}}]},\"finish_reason\":null}]}");
            event(
                    os,
                    prefix + "{\"index\":0,\"delta\":{\"tool_calls\":[{\"index\":0,\"function\":{\"arguments\":"
                            + JSON.writeValueAsString(a.toolArgs) + "}}]},\"finish_reason\":null}]}");
        }
        event(os, prefix + "{\"index\":0,\"delta\":{},\"finish_reason\":\"" + a.finish + "\"}]}");
        ByteArrayOutputStream usage = new ByteArrayOutputStream();
        try (JsonGenerator g = JSON_FACTORY.createGenerator(usage)) {
            g.writeStartObject();
            writeUsage(g, promptTokens, completionTokens);
            g.writeEndObject();
        }
        String u = usage.toString(StandardCharsets.UTF_8);
        event(os, prefix + "]," + u.substring(1, u.length() - 1) + "}");
        event(os, "[DONE]");
    }

    private static List<String> pieces(String text) {
        List<String> out = new ArrayList<>();
        int start = 0;
        for (int i = 1; i <= text.length(); i++) {
            if (i == text.length() || text.charAt(i) == ' ') {
                out.add(text.substring(start, i));
                start = i;
            }
        }
        return out;
    }

    private static void event(OutputStream os, String data) throws IOException {
        os.write(("data: " + data + "\n\n").getBytes(StandardCharsets.UTF_8));
        os.flush();
    }

    private static void writeUsage(JsonGenerator g, int promptTokens, int completionTokens) throws IOException {
        g.writeObjectFieldStart("usage");
        g.writeNumberField("prompt_tokens", promptTokens);
        g.writeNumberField("completion_tokens", completionTokens);
        g.writeNumberField("total_tokens", promptTokens + completionTokens);
        g.writeObjectFieldStart("prompt_tokens_details");
        g.writeNumberField("cached_tokens", 0);
        g.writeEndObject();
        g.writeObjectFieldStart("completion_tokens_details");
        g.writeNumberField("reasoning_tokens", 0);
        g.writeEndObject();
        g.writeEndObject();
    }

    private void embeddings(HttpExchange ex) throws IOException {
        try (ex) {
            requests.incrementAndGet();
            if (!authorized(ex)) {
                return;
            }
            JsonNode req = JSON.readTree(ex.getRequestBody());
            JsonNode input = req.path("input");
            List<String> texts = new ArrayList<>();
            if (input.isTextual()) {
                texts.add(input.asText());
            } else {
                input.forEach(n -> texts.add(n.asText()));
            }
            int dims = req.path("dimensions").asInt(64);
            ByteArrayOutputStream out = new ByteArrayOutputStream();
            int tokens = 0;
            try (JsonGenerator g = JSON_FACTORY.createGenerator(out)) {
                g.writeStartObject();
                g.writeStringField("object", "list");
                g.writeArrayFieldStart("data");
                for (int i = 0; i < texts.size(); i++) {
                    tokens += Math.max(1, texts.get(i).length() / 4);
                    g.writeStartObject();
                    g.writeStringField("object", "embedding");
                    g.writeNumberField("index", i);
                    g.writeArrayFieldStart("embedding");
                    for (float f : HashedEmbedding.of(texts.get(i), dims)) {
                        g.writeNumber(f);
                    }
                    g.writeEndArray();
                    g.writeEndObject();
                }
                g.writeEndArray();
                g.writeStringField("model", req.path("model").asText(MODEL));
                g.writeObjectFieldStart("usage");
                g.writeNumberField("prompt_tokens", tokens);
                g.writeNumberField("total_tokens", tokens);
                g.writeEndObject();
                g.writeEndObject();
            }
            send(ex, 200, "application/json", out.toByteArray());
        }
    }

    private void models(HttpExchange ex) throws IOException {
        try (ex) {
            send(
                    ex,
                    200,
                    "application/json",
                    ("{\"object\":\"list\",\"data\":[{\"id\":\"" + MODEL
                                    + "\",\"object\":\"model\",\"created\":1700000000,\"owned_by\":\"llmgate\"}]}")
                            .getBytes(StandardCharsets.UTF_8));
        }
    }

    private static void error(HttpExchange ex, int status, String message, String type, String code)
            throws IOException {
        String body = "{\"error\":{\"message\":" + JSON.writeValueAsString(message) + ",\"type\":\"" + type
                + "\",\"param\":null,\"code\":" + (code.isEmpty() ? "null" : "\"" + code + "\"") + "}}";
        send(ex, status, "application/json", body.getBytes(StandardCharsets.UTF_8));
    }

    private static void send(HttpExchange ex, int status, String contentType, byte[] body) throws IOException {
        ex.getResponseHeaders().set("Content-Type", contentType);
        ex.getResponseHeaders().set("x-request-id", "req_sim");
        ex.sendResponseHeaders(status, body.length);
        try (OutputStream os = ex.getResponseBody()) {
            os.write(body);
        }
    }
}
