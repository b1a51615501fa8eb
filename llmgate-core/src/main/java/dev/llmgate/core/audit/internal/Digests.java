package dev.llmgate.core.audit.internal;

import dev.llmgate.api.ChatRequest;
import dev.llmgate.api.ChatResponse;
import dev.llmgate.api.ContentPart;
import dev.llmgate.api.Message;
import dev.llmgate.api.ToolCall;
import dev.llmgate.core.cache.internal.RequestDigest;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.TreeMap;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

/**
 * Digests of requests and responses over a documented canonical form (docs/audit-format.md,
 * "Content digests"): {@code "sha256:<hex>"} or, with a key, {@code "hmac-sha256:<hex>"}. Thread-safe.
 * Not public API.
 */
public final class Digests {
    private final SecretKeySpec hmacKey;
    private final ThreadLocal<Mac> mac;

    public Digests(byte[] hmacKeyOrNull) {
        if (hmacKeyOrNull == null) {
            this.hmacKey = null;
            this.mac = null;
        } else {
            this.hmacKey = new SecretKeySpec(hmacKeyOrNull.clone(), "HmacSHA256");
            this.mac = ThreadLocal.withInitial(() -> {
                try {
                    Mac m = Mac.getInstance("HmacSHA256");
                    m.init(hmacKey);
                    return m;
                } catch (GeneralSecurityException e) {
                    throw new IllegalStateException("the JDK has no HmacSHA256", e);
                }
            });
        }
    }

    /** {@code "sha256"} or {@code "hmac-sha256"}. */
    public String algorithm() {
        return hmacKey == null ? "sha256" : "hmac-sha256";
    }

    /** The id of the HMAC key (first 16 hex digits of SHA-256 of SHA-256 of the key), so auditors can tell keys apart. */
    public String keyId() {
        return hmacKey == null
                ? ""
                : Hex.encode(Sha256.hash(Sha256.hash(hmacKey.getEncoded()))).substring(0, 16);
    }

    public String digest(Object canonicalValue) {
        if (mac == null) {
            return "sha256:" + Hex.encode(CanonicalJson.sha256(canonicalValue));
        }
        return "hmac-sha256:" + Hex.encode(CanonicalJson.mac(canonicalValue, mac.get()));
    }

    /** The canonical form of a request's conversation: the model asked for and the messages. */
    public static TreeMap<String, Object> requestForm(String requestedModel, ChatRequest request) {
        TreeMap<String, Object> m = new TreeMap<>();
        m.put("model", requestedModel);
        List<Object> messages = new ArrayList<>(request.messages().size());
        for (Message msg : request.messages()) {
            messages.add(messageForm(msg));
        }
        m.put("messages", messages);
        // the wire details a provider-neutral request cannot hold (Anthropic's is_error, cache_control marks) change
        // what is sent: digested too, only when present (a request without them digests as before)
        TreeMap<String, Object> wire = null;
        for (java.util.Map.Entry<String, String> a :
                request.metadata().attributes().entrySet()) {
            if (a.getKey().startsWith(RequestDigest.WIRE_ATTRIBUTE_PREFIX)) {
                if (wire == null) {
                    wire = new TreeMap<>();
                }
                wire.put(a.getKey(), a.getValue());
            }
        }
        if (wire != null) {
            m.put("wire", wire);
        }
        return m;
    }

    static TreeMap<String, Object> messageForm(Message msg) {
        TreeMap<String, Object> m = new TreeMap<>();
        m.put("role", lowerName(msg.role()));
        List<Object> parts = new ArrayList<>(msg.content().size());
        for (ContentPart p : msg.content()) {
            TreeMap<String, Object> part = new TreeMap<>();
            if (p instanceof ContentPart.Text) {
                part.put("type", "text");
                part.put("text", ((ContentPart.Text) p).text());
            } else if (p instanceof ContentPart.ImageUrl) {
                part.put("type", "image_url");
                part.put("url", ((ContentPart.ImageUrl) p).url());
            } else {
                ContentPart.ImageData d = (ContentPart.ImageData) p;
                part.put("type", "image");
                part.put("media_type", d.mediaType());
                part.put("sha256", Hex.encode(Sha256.hash(d.data())));
            }
            parts.add(part);
        }
        m.put("content", parts);
        if (!msg.toolCalls().isEmpty()) {
            m.put("tool_calls", toolCallsForm(msg.toolCalls()));
        }
        msg.toolCallId().ifPresent(id -> m.put("tool_call_id", id));
        msg.name().ifPresent(n -> m.put("name", n));
        return m;
    }

    /**
     * The canonical form of an answer: the SHA-256 of its text (so a streamed answer can be digested
     * as it passes, without keeping its text), tool calls, finish reason, refusal.
     */
    public static TreeMap<String, Object> responseForm(ChatResponse response) {
        return responseForm(response, TextSha256.of(response.text()));
    }

    /** {@link #responseForm(ChatResponse)} with the text's digest computed already ({@link TextSha256}). */
    public static TreeMap<String, Object> responseForm(ChatResponse response, byte[] textSha256) {
        TreeMap<String, Object> m = new TreeMap<>();
        m.put("text_sha256", Hex.encode(textSha256));
        m.put("tool_calls", toolCallsForm(response.toolCalls()));
        m.put("finish_reason", lowerName(response.finishReason()));
        response.refusal().ifPresent(r -> m.put("refusal", r));
        return m;
    }

    static List<Object> toolCallsForm(List<ToolCall> calls) {
        List<Object> out = new ArrayList<>(calls.size());
        for (ToolCall c : calls) {
            TreeMap<String, Object> t = new TreeMap<>();
            t.put("id", c.id());
            t.put("name", c.name());
            t.put("arguments", c.argumentsJson());
            out.add(t);
        }
        return out;
    }

    private static final ClassValue<String[]> LOWER_NAMES = new ClassValue<>() {
        @Override
        protected String[] computeValue(Class<?> type) {
            Object[] constants = type.getEnumConstants();
            String[] names = new String[constants.length];
            for (int i = 0; i < names.length; i++) {
                names[i] = ((Enum<?>) constants[i]).name().toLowerCase(Locale.ROOT);
            }
            return names;
        }
    };

    /** An enum constant's name in lower case, as records spell roles, outcomes and finish reasons (computed once per constant). */
    @SuppressWarnings("EnumOrdinal") // a per-constant lookup table, built from values() in the same order
    public static String lowerName(Enum<?> e) {
        return LOWER_NAMES.get(e.getDeclaringClass())[e.ordinal()];
    }

    /** Bytes of a string, for tests. */
    static byte[] utf8(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }
}
