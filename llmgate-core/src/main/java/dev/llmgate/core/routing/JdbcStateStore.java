package dev.llmgate.core.routing;

import dev.llmgate.api.exception.ConfigurationException;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Objects;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import java.util.regex.Pattern;
import javax.sql.DataSource;

/**
 * A {@link StateStore} in a PostgreSQL table, so that the instances of a fleet share budgets, rate limits, calls in
 * flight and circuit breakers through the database they already have. Each operation is one SQL statement
 * (an {@code INSERT ... ON CONFLICT DO UPDATE ... WHERE} or a conditional {@code UPDATE}), atomic per key under
 * PostgreSQL's row locking (committed at once, also on a pool without auto-commit); expiry times come from this
 * store's clock, and a counter keeps the later of its expiry and the one given, as with the in-memory store.
 *
 * <pre>
 * CREATE TABLE IF NOT EXISTS llmgate_state (
 *   key        TEXT PRIMARY KEY,
 *   counter    BIGINT NOT NULL DEFAULT 0,
 *   value      TEXT,
 *   expires_at BIGINT NOT NULL            -- epoch milliseconds
 * )
 * </pre>
 *
 * <p>When the database fails or does not answer within {@link Builder#timeout(Duration)} (a statement's query
 * timeout; the pool's own connection timeout also applies), the store fails closed (throws
 * {@link StateStoreUnavailableException}: the call is refused) or open (admits; breakers read closed), as
 * {@link Builder#failOpen(boolean)} says. Rows past their expiry are deleted now and then (every 4,096 writes) and
 * by {@link #purgeExpired()}. Each operation takes a connection from the {@link DataSource} and returns it: use a
 * pool. Thread-safe.
 */
public final class JdbcStateStore implements StateStore {
    private static final System.Logger LOG = System.getLogger(JdbcStateStore.class.getName());
    private static final Pattern IDENTIFIER =
            Pattern.compile("[A-Za-z_][A-Za-z0-9_]{0,62}(\\.[A-Za-z_][A-Za-z0-9_]{0,62})?");
    private static final int PURGE_EVERY = 4096;

    private final DataSource dataSource;
    private final String table;
    private final Clock clock;
    private final boolean failOpen;
    private final int timeoutSeconds;
    private final AtomicLong writes = new AtomicLong();
    private final AtomicBoolean failing = new AtomicBoolean();

    private final String addIfAtMost;
    private final String updateIfAtMost;
    private final String add;
    private final String counter;
    private final String value;
    private final String insertIfAbsent;
    private final String replace;

    private JdbcStateStore(Builder b) {
        this.dataSource = b.dataSource;
        this.table = b.table;
        this.clock = b.clock;
        this.failOpen = b.failOpen;
        this.timeoutSeconds = (int) Math.max(1, (b.timeout.toMillis() + 999) / 1000);
        String t = table;
        // the current row (alias s) counts as absent when it has expired: its counter as 0, its value as null
        String live = "CASE WHEN s.expires_at <= ? THEN 0 ELSE s.counter END";
        this.addIfAtMost = "INSERT INTO " + t + " AS s (key, counter, value, expires_at) VALUES (?, ?, NULL, ?)"
                + " ON CONFLICT (key) DO UPDATE SET counter = " + live + " + EXCLUDED.counter,"
                + " value = CASE WHEN s.expires_at <= ? THEN NULL ELSE s.value END,"
                + " expires_at = GREATEST(s.expires_at, EXCLUDED.expires_at)"
                + " WHERE " + live + " + EXCLUDED.counter <= ? RETURNING s.counter";
        this.updateIfAtMost = "UPDATE " + t + " SET counter = counter + ?, expires_at = GREATEST(expires_at, ?)"
                + " WHERE key = ? AND expires_at > ? AND counter + ? <= ? RETURNING counter";
        this.add = "INSERT INTO " + t + " AS s (key, counter, value, expires_at) VALUES (?, ?, NULL, ?)"
                + " ON CONFLICT (key) DO UPDATE SET counter = " + live + " + EXCLUDED.counter,"
                + " value = CASE WHEN s.expires_at <= ? THEN NULL ELSE s.value END,"
                + " expires_at = GREATEST(s.expires_at, EXCLUDED.expires_at) RETURNING s.counter";
        this.counter = "SELECT counter FROM " + t + " WHERE key = ? AND expires_at > ?";
        this.value = "SELECT value FROM " + t + " WHERE key = ? AND expires_at > ?";
        this.insertIfAbsent = "INSERT INTO " + t + " AS s (key, counter, value, expires_at) VALUES (?, 0, ?, ?)"
                + " ON CONFLICT (key) DO UPDATE SET value = EXCLUDED.value, expires_at = EXCLUDED.expires_at,"
                + " counter = 0 WHERE s.expires_at <= ? OR s.value IS NULL";
        this.replace = "UPDATE " + t + " SET value = ?, expires_at = ? WHERE key = ? AND value = ? AND expires_at > ?";
        if (b.createTable) {
            try (Connection c = dataSource.getConnection();
                    Statement s = c.createStatement()) {
                s.execute(createTableSql(table));
            } catch (SQLException e) {
                throw new ConfigurationException("could not create the state table " + table + ": " + e.getMessage()
                        + " (create it yourself with JdbcStateStore.createTableSql, or grant CREATE)");
            }
        }
    }

    /** A builder on {@code dataSource} (a pool, e.g. HikariCP, pointing at PostgreSQL). */
    public static Builder builder(DataSource dataSource) {
        return new Builder(dataSource);
    }

    /** The DDL of the table, as documented above. */
    public static String createTableSql(String table) {
        return "CREATE TABLE IF NOT EXISTS " + table
                + " (key TEXT PRIMARY KEY, counter BIGINT NOT NULL DEFAULT 0, value TEXT, expires_at BIGINT NOT NULL)";
    }

    @FunctionalInterface
    private interface Sql<T> {
        T run(Connection c) throws SQLException;
    }

    private <T> Optional<T> run(Sql<T> sql) {
        try (Connection c = dataSource.getConnection()) {
            T result;
            if (c.getAutoCommit()) {
                result = sql.run(c);
            } else {
                // a pool that hands out connections without auto-commit: each operation is its own transaction
                try {
                    result = sql.run(c);
                    c.commit();
                } catch (SQLException | RuntimeException e) {
                    c.rollback();
                    throw e;
                }
            }
            if (failing.compareAndSet(true, false)) {
                LOG.log(System.Logger.Level.INFO, "the state table " + table + " answers again");
            }
            return Optional.ofNullable(result);
        } catch (SQLException e) {
            if (!failOpen) {
                throw new StateStoreUnavailableException(
                        "the state table " + table + " could not be used ("
                                + e.getClass().getSimpleName() + ", SQL state "
                                + e.getSQLState() + "); the call is refused (JdbcStateStore fails closed;"
                                + " builder().failOpen(true) admits instead)",
                        e);
            }
            if (failing.compareAndSet(false, true)) {
                LOG.log(
                        System.Logger.Level.WARNING,
                        "the state table " + table + " could not be used ("
                                + e.getClass().getSimpleName()
                                + "): failing open, budgets and breakers are not enforced until it answers again");
            }
            return Optional.empty();
        }
    }

    private PreparedStatement prepare(Connection c, String sql) throws SQLException {
        PreparedStatement p = c.prepareStatement(sql);
        p.setQueryTimeout(timeoutSeconds);
        return p;
    }

    private static Long longOrNull(ResultSet r) throws SQLException {
        return r.next() ? r.getLong(1) : null;
    }

    @Override
    public OptionalLong addIfAtMost(String key, long delta, long limit, Instant expiresAt) {
        long now = clock.millis();
        wrote();
        Optional<Optional<Long>> result = run(c -> {
            if (delta > limit) {
                // an absent key starts at 0: only an existing, live counter below zero could still admit this
                try (PreparedStatement p = prepare(c, updateIfAtMost)) {
                    p.setLong(1, delta);
                    p.setLong(2, expiresAt.toEpochMilli());
                    p.setString(3, key);
                    p.setLong(4, now);
                    p.setLong(5, delta);
                    p.setLong(6, limit);
                    try (ResultSet r = p.executeQuery()) {
                        return Optional.ofNullable(longOrNull(r));
                    }
                }
            }
            try (PreparedStatement p = prepare(c, addIfAtMost)) {
                p.setString(1, key);
                p.setLong(2, delta);
                p.setLong(3, expiresAt.toEpochMilli());
                p.setLong(4, now);
                p.setLong(5, now);
                p.setLong(6, now);
                p.setLong(7, limit);
                try (ResultSet r = p.executeQuery()) {
                    return Optional.ofNullable(longOrNull(r));
                }
            }
        });
        if (result.isEmpty()) {
            return OptionalLong.of(delta); // failing open: admitted
        }
        return result.get().map(OptionalLong::of).orElse(OptionalLong.empty());
    }

    @Override
    public long add(String key, long delta, Instant expiresAt) {
        long now = clock.millis();
        wrote();
        return run(c -> {
                    try (PreparedStatement p = prepare(c, add)) {
                        p.setString(1, key);
                        p.setLong(2, delta);
                        p.setLong(3, expiresAt.toEpochMilli());
                        p.setLong(4, now);
                        p.setLong(5, now);
                        try (ResultSet r = p.executeQuery()) {
                            return longOrNull(r);
                        }
                    }
                })
                .orElse(delta);
    }

    @Override
    public long counter(String key) {
        long now = clock.millis();
        return run(c -> {
                    try (PreparedStatement p = prepare(c, counter)) {
                        p.setString(1, key);
                        p.setLong(2, now);
                        try (ResultSet r = p.executeQuery()) {
                            return longOrNull(r);
                        }
                    }
                })
                .orElse(0L);
    }

    @Override
    public Optional<String> value(String key) {
        long now = clock.millis();
        return run(c -> {
            try (PreparedStatement p = prepare(c, value)) {
                p.setString(1, key);
                p.setLong(2, now);
                try (ResultSet r = p.executeQuery()) {
                    return r.next() ? r.getString(1) : null;
                }
            }
        });
    }

    @Override
    public boolean compareAndSet(String key, Optional<String> expected, String newValue, Instant expiresAt) {
        long now = clock.millis();
        wrote();
        return run(c -> {
                    if (expected.isEmpty()) {
                        try (PreparedStatement p = prepare(c, insertIfAbsent)) {
                            p.setString(1, key);
                            p.setString(2, newValue);
                            p.setLong(3, expiresAt.toEpochMilli());
                            p.setLong(4, now);
                            return p.executeUpdate() == 1;
                        }
                    }
                    try (PreparedStatement p = prepare(c, replace)) {
                        p.setString(1, newValue);
                        p.setLong(2, expiresAt.toEpochMilli());
                        p.setString(3, key);
                        p.setString(4, expected.get());
                        p.setLong(5, now);
                        return p.executeUpdate() == 1;
                    }
                })
                .orElse(true); // failing open: the write is dropped
    }

    /** Deletes the rows past their expiry; returns how many. */
    public int purgeExpired() {
        long now = clock.millis();
        return run(c -> {
                    try (PreparedStatement p = prepare(c, "DELETE FROM " + table + " WHERE expires_at <= ?")) {
                        p.setLong(1, now);
                        return p.executeUpdate();
                    }
                })
                .orElse(0);
    }

    private void wrote() {
        if (writes.incrementAndGet() % PURGE_EVERY == 0) {
            try {
                purgeExpired();
            } catch (StateStoreUnavailableException e) {
                // the write itself reports the failure
            }
        }
    }

    @Override
    public String toString() {
        return "JdbcStateStore[" + table + (failOpen ? ", fails open" : ", fails closed") + "]";
    }

    /** Configures a {@link JdbcStateStore}. */
    public static final class Builder {
        private final DataSource dataSource;
        private String table = "llmgate_state";
        private boolean createTable;
        private Clock clock = Clock.systemUTC();
        private boolean failOpen;
        private Duration timeout = Duration.ofSeconds(1);

        private Builder(DataSource dataSource) {
            this.dataSource = Objects.requireNonNull(dataSource, "dataSource: a connection pool to PostgreSQL");
        }

        /** The table; default {@code llmgate_state}; letters, digits and underscores, optionally schema-qualified. */
        public Builder table(String value) {
            Objects.requireNonNull(value, "table");
            if (!IDENTIFIER.matcher(value).matches()) {
                throw new ConfigurationException("table '" + value
                        + "' is not a plain SQL identifier (letters, digits, _; optionally schema.table)");
            }
            this.table = value;
            return this;
        }

        /** Create the table at build() if it does not exist; default false. */
        public Builder createTable(boolean value) {
            this.createTable = value;
            return this;
        }

        /** The clock of expiry times (inject one in tests; every instance's clock should agree within seconds). */
        public Builder clock(Clock value) {
            this.clock = Objects.requireNonNull(value, "clock");
            return this;
        }

        /** Admit calls when the database fails, instead of refusing them (the default). */
        public Builder failOpen(boolean value) {
            this.failOpen = value;
            return this;
        }

        /** The most a statement may run; default 1 s (rounded up to whole seconds, JDBC's unit). */
        public Builder timeout(Duration value) {
            Objects.requireNonNull(value, "timeout");
            if (value.isNegative() || value.isZero()) {
                throw new ConfigurationException("timeout must be positive, was " + value);
            }
            this.timeout = value;
            return this;
        }

        /** The store (and its table, if {@link #createTable} was set). */
        public JdbcStateStore build() {
            return new JdbcStateStore(this);
        }
    }
}
