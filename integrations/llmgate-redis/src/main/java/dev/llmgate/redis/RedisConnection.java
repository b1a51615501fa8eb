package dev.llmgate.redis;

import io.lettuce.core.ClientOptions;
import io.lettuce.core.RedisClient;
import io.lettuce.core.RedisException;
import io.lettuce.core.RedisURI;
import io.lettuce.core.TimeoutOptions;
import io.lettuce.core.api.StatefulRedisConnection;
import io.lettuce.core.api.sync.RedisCommands;
import java.time.Duration;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * One Lettuce connection as both stores use it: every command bounded by the timeout, refused at once while the
 * connection is lost (Lettuce reconnects in the background), a clear error when Redis is not reachable at start, and
 * a WARNING when it starts failing and an INFO when it answers again — naming host and port, never a password or a
 * key. Not public API.
 */
final class RedisConnection implements AutoCloseable {
    private static final System.Logger LOG = System.getLogger(RedisConnection.class.getName());

    final String where;
    final RedisCommands<String, String> commands;
    private final RedisClient client;
    private final StatefulRedisConnection<String, String> connection;
    private final AtomicBoolean failing = new AtomicBoolean();

    RedisConnection(String uri, Duration timeout, String user) {
        RedisURI parsed = RedisURI.create(uri);
        parsed.setTimeout(timeout);
        this.where = "Redis at " + parsed.getHost() + ":" + parsed.getPort();
        this.client = RedisClient.create(parsed);
        client.setOptions(ClientOptions.builder()
                .autoReconnect(true)
                .disconnectedBehavior(ClientOptions.DisconnectedBehavior.REJECT_COMMANDS)
                .timeoutOptions(TimeoutOptions.enabled(timeout))
                .build());
        try {
            this.connection = client.connect();
        } catch (RedisException e) {
            client.shutdown();
            throw new IllegalStateException(
                    where + " is not reachable (" + e.getClass().getSimpleName()
                            + "): start it, or check the address given to " + user + ".builder",
                    e);
        }
        this.commands = connection.sync();
    }

    /** Records a failure: logs {@code consequence} once, when the connection starts failing. */
    void failed(RedisException e, String consequence) {
        if (failing.compareAndSet(false, true)) {
            LOG.log(
                    System.Logger.Level.WARNING,
                    where + " did not answer (" + e.getClass().getSimpleName() + "): " + consequence);
        }
    }

    /** Records a success: logs once that Redis answers again after failures. */
    void answered() {
        if (failing.compareAndSet(true, false)) {
            LOG.log(System.Logger.Level.INFO, where + " answers again");
        }
    }

    @Override
    public void close() {
        try {
            connection.close();
        } finally {
            client.shutdown(Duration.ZERO, Duration.ofSeconds(2));
        }
    }

    static Duration positive(Duration value) {
        if (value.isNegative() || value.isZero()) {
            throw new IllegalArgumentException("timeout must be positive, was " + value);
        }
        return value;
    }
}
