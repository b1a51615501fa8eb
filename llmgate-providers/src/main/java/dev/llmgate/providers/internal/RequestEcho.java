package dev.llmgate.providers.internal;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import okhttp3.RequestBody;
import okio.Buffer;

/**
 * The texts a request carried (its JSON string values: messages, tool results, arguments, instructions; not its
 * model), so that an upstream's error message that echoes them (a 400 quoting the input it could not take, as vLLM
 * and some gateways write) does not carry the prompt into an exception: every run of {@value #MIN_ECHO} or more
 * characters of the message that also occurs in one of those texts is replaced by {@value #MASK}. Read on error
 * paths only, from the body the transport sent; the last {@value #MAX_TEXTS} characters of texts are kept (the latest
 * messages). Immutable.
 */
public final class RequestEcho {
    /** The shortest run of a request's text that is masked (a card number, a name with its title). */
    static final int MIN_ECHO = 12;

    static final String MASK = "[request text]";
    /** The most characters of request texts compared. */
    static final int MAX_TEXTS = 256 * 1024;

    /** No request texts: nothing is masked. */
    public static final RequestEcho NONE = new RequestEcho(List.of());

    private final List<String> texts;

    private RequestEcho(List<String> texts) {
        this.texts = texts;
    }

    /** The texts of a JSON request body (none if the body is not JSON or cannot be read). */
    public static RequestEcho of(RequestBody body) {
        if (body == null) {
            return NONE;
        }
        try {
            Buffer b = new Buffer();
            body.writeTo(b);
            return of(Json.MAPPER.readTree(b.readByteArray()));
        } catch (IOException | RuntimeException e) {
            return NONE; // (an error path: a body that cannot be read again masks nothing more)
        }
    }

    static RequestEcho of(JsonNode root) {
        List<String> texts = new ArrayList<>();
        collect(root, "", texts);
        // the last texts (the latest messages, the ones an upstream most likely quotes), up to MAX_TEXTS characters
        int size = 0;
        int from = texts.size();
        while (from > 0 && size + texts.get(from - 1).length() <= MAX_TEXTS) {
            size += texts.get(--from).length();
        }
        List<String> kept = texts.subList(from, texts.size());
        return kept.isEmpty() ? NONE : new RequestEcho(List.copyOf(kept));
    }

    private static void collect(JsonNode node, String key, List<String> texts) {
        if (node == null) {
            return;
        }
        if (node.isTextual()) {
            String s = node.asText();
            if (s.length() >= MIN_ECHO && !key.equals("model")) {
                texts.add(s);
            }
        } else if (node.isObject()) {
            for (Map.Entry<String, JsonNode> e : node.properties()) {
                collect(e.getValue(), e.getKey(), texts);
            }
        } else if (node.isArray()) {
            for (JsonNode n : node) {
                collect(n, key, texts);
            }
        }
    }

    /** {@code message} with every run of {@value #MIN_ECHO} or more characters that a request text holds masked. */
    public String scrub(String message) {
        if (texts.isEmpty() || message.length() < MIN_ECHO) {
            return message;
        }
        int n = message.length();
        boolean[] echoed = new boolean[n];
        boolean any = false;
        for (int i = 0; i + MIN_ECHO <= n; i++) {
            String window = message.substring(i, i + MIN_ECHO);
            for (String t : texts) {
                if (t.contains(window)) {
                    java.util.Arrays.fill(echoed, i, i + MIN_ECHO, true);
                    any = true;
                    break;
                }
            }
        }
        if (!any) {
            return message;
        }
        StringBuilder out = new StringBuilder(n);
        for (int i = 0; i < n; i++) {
            if (!echoed[i]) {
                out.append(message.charAt(i));
            } else if (i == 0 || !echoed[i - 1]) {
                out.append(MASK);
            }
        }
        return out.toString();
    }
}
