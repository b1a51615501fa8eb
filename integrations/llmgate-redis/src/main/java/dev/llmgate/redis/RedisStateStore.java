package dev.llmgate.redis;

import dev.llmgate.core.routing.StateStore;
import dev.llmgate.core.routing.StateStoreUnavailableException;
import io.lettuce.core.RedisException;
import io.lettuce.core.RedisNoScriptException;
import io.lettuce.core.ScriptOutputType;
import io.lettuce.core.api.sync.RedisCommands;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Objects;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.concurrent.ConcurrentHashMap;

/**
 * A {@link StateStore} in Redis, so that every gate of a fleet shares its budgets, rate limits, calls in flight and
 * circuit breakers: a budget that admits N admits N across all instances, a breaker one instance opens is open for
 * all. Every check-and-change is one Lua script run atomically by Redis; keys expire at the time llmgate gives
 * ({@code PXAT}; a counter keeps the later of its expiry and the one given). Needs Redis 7.0 or later.
 *
 * <pre>{@code
 * RedisStateStore store = RedisStateStore.builder("redis://redis.internal:6379").build();
 * Router router = Router.builder().stateStore(store)...build();
 * BudgetInterceptor budgets = BudgetInterceptor.builder().stateStore(store)...build();
 * }</pre>
 *
 * <p>When Redis is slow or down, every operation waits at most {@link Builder#timeout(Duration)} (commands are
 * refused at once while the connection is lost; Lettuce reconnects in the background), then:
 * <ul>
 *   <li>{@link WhenUnavailable#FAIL_CLOSED} (the default): the operation throws {@link StateStoreUnavailableException}
 *       — a call that needs a budget check or a breaker is refused before any provider is called;
 *   <li>{@link WhenUnavailable#FAIL_OPEN}: budgets and rate limits admit the call, breaker state reads as
 *       closed and writes are dropped; the first failure after a success is logged (WARNING), never a key.
 * </ul>
 * Breaker state and bucket times read with {@link #value} are kept in this process for at most
 * {@link Builder#localCacheTtl(Duration)} (default 1 s; at most 10,000 keys) so that a routed call does not pay a
 * round trip per deployment; a compare-and-set always goes to Redis (and a lost one drops the cached value), so a
 * stale value never admits a call or changes a breaker: it can only refuse a call from a token bucket, or show a
 * breaker, up to that long late.
 *
 * <p>Thread-safe; one connection serves every thread (Lettuce pipelines the commands). Close it when done.
 */
public final class RedisStateStore implements StateStore, AutoCloseable {

    /** What the store does when Redis does not answer in time. */
    public enum WhenUnavailable {
        /** Throw {@link StateStoreUnavailableException}: the call is refused. */
        FAIL_CLOSED,
        /** Admit: budgets and rate limits pass, breakers read closed, writes are dropped. */
        FAIL_OPEN
    }

    // Lua numbers are doubles: exact to 2^53, which budgets never reach (2^53 nano-dollars is $9 million per window);
    // a number is written back with %d, never in Lua's exponent notation
    private static final String ADD_IF_AT_MOST = "local v = tonumber(redis.call('GET', KEYS[1]) or '0') or 0 "
            + "local n = v + tonumber(ARGV[1]) "
            + "if n > tonumber(ARGV[2]) then return {0} end "
            + "local exp = tonumber(ARGV[3]) "
            + "local cur = redis.call('PEXPIRETIME', KEYS[1]) "
            + "if cur > exp then exp = cur end "
            + "redis.call('SET', KEYS[1], string.format('%d', n), 'PXAT', string.format('%d', exp)) return {1, n}";
    // a counter keeps the later of its expiry and the one given (the StateStore contract)
    private static final String ADD = "local n = redis.call('INCRBY', KEYS[1], ARGV[1]) "
            + "if redis.call('PEXPIRETIME', KEYS[1]) < tonumber(ARGV[2]) then "
            + "redis.call('PEXPIREAT', KEYS[1], ARGV[2]) end return n";
    private static final String COMPARE_AND_SET = "local cur = redis.call('GET', KEYS[1]) "
            + "if ARGV[1] == '0' then if cur then return 0 end elseif cur ~= ARGV[2] then return 0 end "
            + "redis.call('SET', KEYS[1], ARGV[3], 'PXAT', ARGV[4]) return 1";

    private final RedisConnection redis;
    private final RedisCommands<String, String> commands;
    private final String prefix;
    private final WhenUnavailable whenUnavailable;
    private final Duration cacheTtl;
    private final Clock clock;
    private final ConcurrentHashMap<String, Cached> cache = new ConcurrentHashMap<>();
    private final ConcurrentHashMap<String, String> shas = new ConcurrentHashMap<>();

    private record Cached(Optional<String> value, long until) {}

    /** The most keys the local cache holds (a bucket per subject must not grow it without bound). */
    private static final int CACHE_ENTRIES = 10_000;

    private RedisStateStore(Builder b) {
        this.redis = new RedisConnection(b.uri, b.timeout, "RedisStateStore");
        this.commands = redis.commands;
        this.prefix = b.keyPrefix;
        this.whenUnavailable = b.whenUnavailable;
        this.cacheTtl = b.localCacheTtl;
        this.clock = b.clock;
    }

    /**
     * A builder for the Redis at {@code uri}, e.g. {@code "redis://127.0.0.1:6379"}, {@code "rediss://host:6380"}
     * (TLS) or {@code "redis://:password@host:6379/0"} (a password in the URI is never shown in a message).
     */
    public static Builder builder(String uri) {
        return new Builder(uri);
    }

    @Override
    public OptionalLong addIfAtMost(String key, long delta, long limit, Instant expiresAt) {
        java.util.List<Object> reply = run(() -> script(
                ScriptOutputType.MULTI,
                ADD_IF_AT_MOST,
                prefix + key,
                Long.toString(delta),
                Long.toString(limit),
                Long.toString(expiresAt.toEpochMilli())));
        if (reply == null) {
            return OptionalLong.of(delta); // failing open: admitted
        }
        return ((Long) reply.get(0)) == 1L ? OptionalLong.of((Long) reply.get(1)) : OptionalLong.empty();
    }

    @Override
    public long add(String key, long delta, Instant expiresAt) {
        Long n = run(() -> script(
                ScriptOutputType.INTEGER,
                ADD,
                prefix + key,
                Long.toString(delta),
                Long.toString(expiresAt.toEpochMilli())));
        return n == null ? delta : n;
    }

    @Override
    public long counter(String key) {
        String v = run(() -> commands.get(prefix + key));
        if (v == null) {
            return 0;
        }
        try {
            return Long.parseLong(v);
        } catch (NumberFormatException e) {
            return 0;
        }
    }

    @Override
    public Optional<String> value(String key) {
        long now = clock.millis();
        Cached c = cache.get(key);
        if (c != null && c.until() > now) {
            return c.value();
        }
        Optional<String> v = Optional.ofNullable(run(() -> commands.get(prefix + key)));
        if (!cacheTtl.isZero()) {
            remember(key, new Cached(v, now + cacheTtl.toMillis()));
        }
        return v;
    }

    @Override
    public boolean compareAndSet(String key, Optional<String> expected, String newValue, Instant expiresAt) {
        Long set = run(() -> script(
                ScriptOutputType.INTEGER,
                COMPARE_AND_SET,
                prefix + key,
                expected.isPresent() ? "1" : "0",
                expected.orElse(""),
                newValue,
                Long.toString(expiresAt.toEpochMilli())));
        if (set == null) {
            return true; // failing open: the write is dropped
        }
        if (set == 1L) {
            if (!cacheTtl.isZero()) {
                remember(key, new Cached(Optional.of(newValue), clock.millis() + cacheTtl.toMillis()));
            }
            return true;
        }
        cache.remove(key);
        return false;
    }

    /** Keeps a value read; the cache holds at most {@link #CACHE_ENTRIES} keys (then it starts over). */
    private void remember(String key, Cached value) {
        if (cache.size() >= CACHE_ENTRIES) {
            cache.clear();
        }
        cache.put(key, value);
    }

    @SuppressWarnings("TypeParameterUnusedInFormals") // as Lettuce's eval: the reply's type follows `type`
    private <T> T script(ScriptOutputType type, String script, String key, String... args) {
        String sha = shas.computeIfAbsent(script, commands::scriptLoad);
        try {
            return commands.evalsha(sha, type, new String[] {key}, args);
        } catch (RedisNoScriptException e) {
            shas.remove(script); // Redis restarted or flushed its scripts
            return commands.eval(script, type, new String[] {key}, args);
        }
    }

    /** Runs a command; on a Redis failure fails closed (throws) or open (returns null), as configured. */
    private <T> T run(java.util.function.Supplier<T> command) {
        T result;
        try {
            result = command.get();
        } catch (RedisException e) {
            if (whenUnavailable == WhenUnavailable.FAIL_CLOSED) {
                throw new StateStoreUnavailableException(
                        redis.where + " did not answer (" + e.getClass().getSimpleName() + "); the call is refused"
                                + " (RedisStateStore fails closed; builder().whenUnavailable(FAIL_OPEN) admits instead)",
                        e);
            }
            redis.failed(e, "failing open, budgets and breakers are not enforced until it answers again");
            return null;
        }
        redis.answered();
        return result;
    }

    /** Closes the connection and the client. */
    @Override
    public void close() {
        redis.close();
    }

    @Override
    public String toString() {
        return "RedisStateStore[" + redis.where + ", " + whenUnavailable + "]";
    }

    /** Configures a {@link RedisStateStore}. */
    public static final class Builder {
        private final String uri;
        private Duration timeout = Duration.ofMillis(500);
        private String keyPrefix = "";
        private WhenUnavailable whenUnavailable = WhenUnavailable.FAIL_CLOSED;
        private Duration localCacheTtl = Duration.ofSeconds(1);
        private Clock clock = Clock.systemUTC();

        private Builder(String uri) {
            this.uri = Objects.requireNonNull(uri, "uri: e.g. \"redis://127.0.0.1:6379\"");
        }

        /** How long one operation may wait for Redis; default 500 ms. */
        public Builder timeout(Duration value) {
            this.timeout = RedisConnection.positive(Objects.requireNonNull(value, "timeout"));
            return this;
        }

        /** Put before every key, to share one Redis between applications (e.g. {@code "shop:"}); default none. */
        public Builder keyPrefix(String value) {
            this.keyPrefix = Objects.requireNonNull(value, "keyPrefix: use \"\" for none");
            return this;
        }

        /** What to do when Redis does not answer in time; default {@link WhenUnavailable#FAIL_CLOSED}. */
        public Builder whenUnavailable(WhenUnavailable value) {
            this.whenUnavailable = Objects.requireNonNull(value, "whenUnavailable");
            return this;
        }

        /** How long a value read from Redis is reused in this process; default 1 s; zero to always read. */
        public Builder localCacheTtl(Duration value) {
            Objects.requireNonNull(value, "localCacheTtl");
            if (value.isNegative()) {
                throw new IllegalArgumentException("localCacheTtl must not be negative, was " + value);
            }
            this.localCacheTtl = value;
            return this;
        }

        /** The clock of the local cache (inject one in tests). */
        public Builder clock(Clock value) {
            this.clock = Objects.requireNonNull(value, "clock");
            return this;
        }

        /**
         * Connects.
         *
         * @throws IllegalStateException if Redis is not reachable now (the message names host and port, never a
         *     password)
         */
        public RedisStateStore build() {
            return new RedisStateStore(this);
        }
    }
}
