package dev.llmgate.redis;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.llmgate.api.AnswerFacts;
import dev.llmgate.api.ChatResponse;
import dev.llmgate.api.FinishReason;
import dev.llmgate.api.Timings;
import dev.llmgate.api.TokenLogprob;
import dev.llmgate.api.ToolCall;
import dev.llmgate.api.Usage;
import dev.llmgate.core.cache.CacheKey;
import dev.llmgate.core.cache.ResponseStore;
import io.lettuce.core.KeyScanCursor;
import io.lettuce.core.RedisException;
import io.lettuce.core.ScanArgs;
import io.lettuce.core.ScanCursor;
import io.lettuce.core.SetArgs;
import io.lettuce.core.api.sync.RedisCommands;
import java.math.BigDecimal;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.Optional;

/**
 * The exact response cache in Redis ({@code ResponseCache.builder().store(...)}), so that an answer one instance
 * cached is a hit for every instance: each entry one Redis string, JSON, under
 * {@code <prefix>cache:<namespace>:<model>:<digest>} (namespace and model length-prefixed, so two keys never collide),
 * expiring after its TTL ({@code PX}); a streaming caller is served the stored answer replayed as a stream by the
 * cache, as from the in-memory store.
 *
 * <p>Guarantees (the {@link ResponseStore} contract): exact keys; a response read back equals the one stored (every
 * value, log-probabilities included); Redis slow or down is a miss or a skipped write after at most
 * {@link Builder#timeout(Duration)}, never a failed call (logged once, WARNING, without a key or text); an answer
 * whose JSON is larger than {@link Builder#maximumEntryBytes(int)} is not stored. What is stored is the provider's
 * answer as the cache stage saw it — inside the policy stage, so <b>before</b> the output policy masks it (the
 * policy masks it again on every hit), log-probabilities included: it leaves the process unmasked, so protect the
 * Redis (TLS {@code rediss://}, a password, a network only the application reaches) or keep such a cache in
 * memory.
 *
 * <p>Thread-safe; one connection serves every thread. Close it when done.
 */
public final class RedisResponseStore implements ResponseStore, AutoCloseable {
    private static final System.Logger LOG = System.getLogger(RedisResponseStore.class.getName());
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final int FORMAT = 1;

    private final RedisConnection redis;
    private final RedisCommands<String, String> commands;
    private final String prefix;
    private final int maximumEntryBytes;

    private RedisResponseStore(Builder b) {
        this.redis = new RedisConnection(b.uri, b.timeout, "RedisResponseStore");
        this.commands = redis.commands;
        this.prefix = b.keyPrefix + "cache:";
        this.maximumEntryBytes = b.maximumEntryBytes;
    }

    /** A builder for the Redis at {@code uri}, e.g. {@code "redis://127.0.0.1:6379"} or {@code "rediss://host:6380"}. */
    public static Builder builder(String uri) {
        return new Builder(uri);
    }

    private String key(CacheKey key) {
        return prefix + key.namespace().length() + ":" + key.namespace() + ":"
                + key.model().length() + ":" + key.model() + ":" + key.digest();
    }

    @Override
    public Optional<ChatResponse> get(CacheKey key) {
        String stored;
        try {
            stored = commands.get(key(key));
            recovered();
        } catch (RedisException e) {
            failed(e);
            return Optional.empty();
        }
        if (stored == null) {
            return Optional.empty();
        }
        try {
            return Optional.of(decode(JSON.readTree(stored)));
        } catch (JsonProcessingException | RuntimeException e) {
            LOG.log(
                    System.Logger.Level.WARNING,
                    "a cached answer in " + redis.where + " could not be read; treated as a miss");
            return Optional.empty();
        }
    }

    @Override
    public void put(CacheKey key, ChatResponse response, Duration ttl) {
        String json = encode(response).toString();
        if (json.getBytes(StandardCharsets.UTF_8).length > maximumEntryBytes) {
            return;
        }
        try {
            commands.set(key(key), json, SetArgs.Builder.px(Math.max(1, ttl.toMillis())));
            recovered();
        } catch (RedisException e) {
            failed(e);
        }
    }

    @Override
    public void invalidate(CacheKey key) {
        try {
            commands.unlink(key(key));
            recovered();
        } catch (RedisException e) {
            failed(e);
        }
    }

    /** Removes every entry under this store's prefix (a {@code SCAN}, then {@code UNLINK} in batches). */
    @Override
    public void invalidateAll() {
        try {
            ScanCursor cursor = ScanCursor.INITIAL;
            ScanArgs match = ScanArgs.Builder.matches(glob(prefix) + "*").limit(500);
            do {
                KeyScanCursor<String> page = commands.scan(cursor, match);
                if (!page.getKeys().isEmpty()) {
                    commands.unlink(page.getKeys().toArray(new String[0]));
                }
                cursor = page;
            } while (!cursor.isFinished());
            recovered();
        } catch (RedisException e) {
            failed(e);
        }
    }

    /** {@code s} with Redis's glob characters escaped. */
    private static String glob(String s) {
        StringBuilder out = new StringBuilder(s.length());
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            if (c == '*' || c == '?' || c == '[' || c == ']' || c == '\\') {
                out.append('\\');
            }
            out.append(c);
        }
        return out.toString();
    }

    private void failed(RedisException e) {
        redis.failed(e, "the shared cache is bypassed (misses, writes skipped) until it answers again");
    }

    private void recovered() {
        redis.answered();
    }

    static ObjectNode encode(ChatResponse r) {
        ObjectNode o = JSON.createObjectNode();
        o.put("v", FORMAT);
        o.put("id", r.id());
        o.put("provider", r.provider());
        o.put("model", r.model());
        o.put("text", r.text());
        ArrayNode calls = o.putArray("toolCalls");
        for (ToolCall c : r.toolCalls()) {
            calls.addObject().put("id", c.id()).put("name", c.name()).put("arguments", c.argumentsJson());
        }
        o.put("finishReason", r.finishReason().name());
        r.refusal().ifPresent(v -> o.put("refusal", v));
        Usage u = r.usage();
        o.putArray("usage")
                .add(u.inputTokens())
                .add(u.outputTokens())
                .add(u.cachedInputTokens())
                .add(u.reasoningTokens())
                .add(u.cacheWriteTokens());
        o.put("totalNanos", r.timings().total().toNanos());
        r.timings().timeToFirstToken().ifPresent(t -> o.put("ttftNanos", t.toNanos()));
        r.costUsd().ifPresent(c -> o.put("costUsd", c.toPlainString()));
        AnswerFacts f = r.facts();
        if (!f.equals(AnswerFacts.NONE)) {
            ObjectNode facts = o.putObject("facts");
            facts.put("callId", f.callId());
            f.deployment().ifPresent(d -> facts.put("deployment", d));
            facts.put("attempts", f.attempts());
            facts.put("cacheHit", f.cacheHit());
            facts.put("usageEstimated", f.usageEstimated());
        }
        if (!r.logprobs().isEmpty()) {
            ArrayNode lp = o.putArray("logprobs");
            for (TokenLogprob t : r.logprobs()) {
                lp.addObject().put("t", t.token()).put("p", t.logprob());
            }
        }
        return o;
    }

    static ChatResponse decode(JsonNode o) {
        if (o.path("v").asInt() != FORMAT) {
            throw new IllegalArgumentException("unknown format");
        }
        List<ToolCall> calls = new ArrayList<>();
        for (JsonNode c : o.path("toolCalls")) {
            calls.add(new ToolCall(
                    c.path("id").asText(),
                    c.path("name").asText(),
                    c.path("arguments").asText()));
        }
        JsonNode u = o.path("usage");
        List<TokenLogprob> logprobs = new ArrayList<>();
        for (JsonNode t : o.path("logprobs")) {
            logprobs.add(new TokenLogprob(t.path("t").asText(), t.path("p").asDouble()));
        }
        AnswerFacts facts = AnswerFacts.NONE;
        JsonNode f = o.get("facts");
        if (f != null) {
            facts = AnswerFacts.builder()
                    .callId(f.path("callId").asText())
                    .deployment(
                            f.hasNonNull("deployment")
                                    ? Optional.of(f.get("deployment").asText())
                                    : Optional.empty())
                    .attempts(f.path("attempts").asInt())
                    .cacheHit(f.path("cacheHit").asBoolean())
                    .usageEstimated(f.path("usageEstimated").asBoolean())
                    .build();
        }
        return ChatResponse.builder()
                .id(o.path("id").asText())
                .provider(o.path("provider").asText())
                .model(o.path("model").asText())
                .text(o.path("text").asText())
                .toolCalls(calls)
                .finishReason(FinishReason.valueOf(o.path("finishReason").asText()))
                .refusal(o.hasNonNull("refusal") ? Optional.of(o.get("refusal").asText()) : Optional.empty())
                .usage(new Usage(
                        u.path(0).asLong(),
                        u.path(1).asLong(),
                        u.path(2).asLong(),
                        u.path(3).asLong(),
                        u.path(4).asLong()))
                .timings(new Timings(
                        Duration.ofNanos(o.path("totalNanos").asLong()),
                        o.has("ttftNanos")
                                ? Optional.of(
                                        Duration.ofNanos(o.get("ttftNanos").asLong()))
                                : Optional.empty()))
                .costUsd(
                        o.hasNonNull("costUsd")
                                ? Optional.of(new BigDecimal(o.get("costUsd").asText()))
                                : Optional.empty())
                .facts(facts)
                .logprobs(logprobs)
                .build();
    }

    /** Closes the connection and the client. */
    @Override
    public void close() {
        redis.close();
    }

    @Override
    public String toString() {
        return "RedisResponseStore[" + redis.where + "]";
    }

    /** Configures a {@link RedisResponseStore}. */
    public static final class Builder {
        private final String uri;
        private Duration timeout = Duration.ofMillis(200);
        private String keyPrefix = "llmgate:";
        private int maximumEntryBytes = 512 * 1024;

        private Builder(String uri) {
            this.uri = Objects.requireNonNull(uri, "uri: e.g. \"redis://127.0.0.1:6379\"");
        }

        /** How long one operation may wait for Redis before it counts as a miss or a skipped write; default 200 ms. */
        public Builder timeout(Duration value) {
            this.timeout = RedisConnection.positive(Objects.requireNonNull(value, "timeout"));
            return this;
        }

        /**
         * Put before every key; default {@code "llmgate:"}. {@link #invalidateAll()} removes every key under it, so give
         * each cache its own prefix.
         */
        public Builder keyPrefix(String value) {
            this.keyPrefix = Objects.requireNonNull(value, "keyPrefix");
            return this;
        }

        /** The largest entry stored, in bytes of JSON; default 512 KiB. */
        public Builder maximumEntryBytes(int value) {
            if (value < 1) {
                throw new IllegalArgumentException("maximumEntryBytes must be positive, was " + value);
            }
            this.maximumEntryBytes = value;
            return this;
        }

        /**
         * Connects.
         *
         * @throws IllegalStateException if Redis is not reachable now (the message names host and port, never a
         *     password)
         */
        public RedisResponseStore build() {
            return new RedisResponseStore(this);
        }
    }
}
