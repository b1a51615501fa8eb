package dev.llmgate.core.audit;

import dev.llmgate.api.exception.ConfigurationException;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.NoSuchElementException;
import java.util.Objects;
import java.util.Spliterator;
import java.util.Spliterators;
import java.util.stream.Stream;
import java.util.stream.StreamSupport;
import javax.sql.DataSource;

/**
 * Stores entries in a relational table through plain {@code java.sql}, one row per entry, one
 * transaction per batch. The table (created by {@link Builder#createTable} if asked, else by you):
 *
 * <pre>
 * CREATE TABLE llmgate_audit (
 *   log_id     VARCHAR(32)  NOT NULL,   -- the log's id
 *   seq        BIGINT       NOT NULL,   -- the entry's sequence number
 *   entry_type VARCHAR(16)  NOT NULL,   -- genesis | call | checkpoint | key_rotation
 *   entry_hash CHAR(64)     NOT NULL,   -- the entry hash (hex)
 *   line       TEXT         NOT NULL,   -- the entry's canonical JSON, exactly as in a file sink
 *   PRIMARY KEY (log_id, seq))
 * </pre>
 * The {@code line} column is the evidence; the other columns index it. Read a log back for the
 * verifier with {@link #readLines(DataSource, String, String)}. Grant the application INSERT and
 * SELECT only: the log's hash chain and signed checkpoints make any UPDATE or DELETE detectable, and
 * a copy of the checkpoints kept elsewhere makes it provable.
 *
 * <p>Guarantees: a batch is committed whole or rolled back; after a failure the connection is
 * replaced and the batch retried by the log; rows already committed are skipped, never duplicated.
 */
public final class JdbcAuditSink implements AuditSink {
    private final DataSource dataSource;
    private final String table;
    private Connection connection;
    private long lastSeq = -1;

    private JdbcAuditSink(Builder b) {
        this.dataSource = b.dataSource;
        this.table = b.table;
    }

    /** A builder for a sink writing through {@code dataSource}. */
    public static Builder builder(DataSource dataSource) {
        return new Builder(dataSource);
    }

    /** The DDL of the table, as documented above. */
    public static String createTableSql(String table) {
        return "CREATE TABLE IF NOT EXISTS " + table
                + " (log_id VARCHAR(32) NOT NULL, seq BIGINT NOT NULL, entry_type VARCHAR(16) NOT NULL,"
                + " entry_hash CHAR(64) NOT NULL, line TEXT NOT NULL, PRIMARY KEY (log_id, seq))";
    }

    @Override
    public void write(List<AuditEntry> entries) throws IOException {
        List<AuditEntry> todo = new ArrayList<>(entries.size());
        for (AuditEntry e : entries) {
            if (e.seq() > lastSeq) {
                todo.add(e);
            }
        }
        if (todo.isEmpty()) {
            return;
        }
        try {
            Connection c = connection();
            try (PreparedStatement ps = c.prepareStatement(
                    "INSERT INTO " + table + " (log_id, seq, entry_type, entry_hash, line) VALUES (?, ?, ?, ?, ?)")) {
                for (AuditEntry e : todo) {
                    ps.setString(1, e.logId());
                    ps.setLong(2, e.seq());
                    ps.setString(3, e.type());
                    ps.setString(4, e.hash());
                    ps.setString(5, e.line());
                    ps.addBatch();
                }
                ps.executeBatch();
                c.commit();
                lastSeq = todo.get(todo.size() - 1).seq();
            } catch (SQLException e) {
                rollbackAndDrop(c);
                if (alreadyStored(todo)) {
                    return;
                }
                throw e;
            }
        } catch (SQLException e) {
            throw new IOException(
                    "JDBC audit sink could not store entries " + todo.get(0).seq() + ".."
                            + todo.get(todo.size() - 1).seq() + " in table " + table + ": " + e.getMessage(),
                    e);
        }
    }

    /** After an ambiguous failure (e.g. the commit's answer was lost): true if the batch is in fact stored. */
    private boolean alreadyStored(List<AuditEntry> todo) {
        AuditEntry lastEntry = todo.get(todo.size() - 1);
        try (Connection c = dataSource.getConnection();
                PreparedStatement ps = c.prepareStatement(
                        "SELECT COUNT(*) FROM " + table + " WHERE log_id = ? AND seq >= ? AND seq <= ?")) {
            ps.setString(1, lastEntry.logId());
            ps.setLong(2, todo.get(0).seq());
            ps.setLong(3, lastEntry.seq());
            try (ResultSet rs = ps.executeQuery()) {
                if (rs.next() && rs.getLong(1) == todo.size()) {
                    lastSeq = lastEntry.seq();
                    return true;
                }
            }
        } catch (SQLException ignored) {
            // the original failure is reported
        }
        return false;
    }

    private Connection connection() throws SQLException {
        if (connection == null) {
            Connection c = dataSource.getConnection();
            c.setAutoCommit(false);
            connection = c;
        }
        return connection;
    }

    private void rollbackAndDrop(Connection c) {
        try {
            c.rollback();
        } catch (SQLException ignored) {
            // the connection is replaced anyway
        }
        try {
            c.close();
        } catch (SQLException ignored) {
            // the connection is replaced anyway
        }
        connection = null;
    }

    @Override
    public void close() throws IOException {
        if (connection != null) {
            try {
                connection.close();
            } catch (SQLException e) {
                throw new IOException("closing the JDBC audit sink's connection failed: " + e.getMessage(), e);
            } finally {
                connection = null;
            }
        }
    }

    /**
     * The rows of log {@code logId} already in the table, in sequence order, read a page at a time, so
     * that a log built on this sink with the same id continues their chain.
     */
    @Override
    public Stream<String> reopen(String logId) {
        Iterator<String> rows = new Iterator<>() {
            private static final int PAGE = 1000;
            private final ArrayDeque<String> page = new ArrayDeque<>();
            private long after = -1;
            private boolean exhausted;

            @Override
            public boolean hasNext() {
                if (page.isEmpty() && !exhausted) {
                    fetch();
                }
                return !page.isEmpty();
            }

            @Override
            public String next() {
                if (!hasNext()) {
                    throw new NoSuchElementException();
                }
                return page.removeFirst();
            }

            private void fetch() {
                try (Connection c = dataSource.getConnection();
                        PreparedStatement ps = c.prepareStatement(
                                "SELECT seq, line FROM " + table + " WHERE log_id = ? AND seq > ? ORDER BY seq")) {
                    ps.setMaxRows(PAGE);
                    ps.setString(1, logId);
                    ps.setLong(2, after);
                    try (ResultSet rs = ps.executeQuery()) {
                        while (rs.next()) {
                            after = rs.getLong(1);
                            page.add(rs.getString(2));
                        }
                    }
                    exhausted = page.size() < PAGE;
                } catch (SQLException e) {
                    throw new UncheckedIOException(new IOException(
                            "reading log " + logId + " back from table " + table + " failed: " + e.getMessage(), e));
                }
            }
        };
        return StreamSupport.stream(
                Spliterators.spliteratorUnknownSize(rows, Spliterator.ORDERED | Spliterator.NONNULL), false);
    }

    /** The lines of log {@code logId} in {@code table}, in sequence order, for {@link AuditVerifier#verifyLines}. */
    public static List<String> readLines(DataSource dataSource, String table, String logId) throws SQLException {
        List<String> lines = new ArrayList<>();
        try (Connection c = dataSource.getConnection();
                PreparedStatement ps = c.prepareStatement(
                        "SELECT line FROM " + checkTable(table) + " WHERE log_id = ? ORDER BY seq")) {
            ps.setString(1, logId);
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    lines.add(rs.getString(1));
                }
            }
        }
        return lines;
    }

    private static String checkTable(String table) {
        if (!table.matches("[A-Za-z_][A-Za-z0-9_]*(\\.[A-Za-z_][A-Za-z0-9_]*)?")) {
            throw new IllegalArgumentException(
                    "table name '" + table + "' is not allowed: use letters, digits and '_' (optionally schema.table)");
        }
        return table;
    }

    @Override
    public String toString() {
        return "JdbcAuditSink[" + table + "]";
    }

    /** Configures a {@link JdbcAuditSink}. */
    public static final class Builder {
        private final DataSource dataSource;
        private String table = "llmgate_audit";
        private boolean createTable;

        private Builder(DataSource dataSource) {
            this.dataSource = Objects.requireNonNull(dataSource, "dataSource");
        }

        /** The table name (letters, digits, '_', optionally {@code schema.table}); default {@code llmgate_audit}. */
        public Builder table(String value) {
            this.table = Objects.requireNonNull(value, "table");
            return this;
        }

        /** Create the table at build() if it does not exist; default false. */
        public Builder createTable(boolean value) {
            this.createTable = value;
            return this;
        }

        /**
         * Builds the sink (and creates the table if asked).
         *
         * @throws ConfigurationException if the table name is not allowed or the table cannot be created
         */
        public JdbcAuditSink build() {
            try {
                checkTable(table);
            } catch (IllegalArgumentException e) {
                throw new ConfigurationException(e.getMessage());
            }
            if (createTable) {
                try (Connection c = dataSource.getConnection();
                        Statement s = c.createStatement()) {
                    s.execute(createTableSql(table));
                    if (!c.getAutoCommit()) {
                        c.commit();
                    }
                } catch (SQLException e) {
                    throw new ConfigurationException("cannot create the audit table " + table + ": " + e.getMessage());
                }
            }
            return new JdbcAuditSink(this);
        }
    }
}
