package dev.llmgate.core;

import java.io.PrintWriter;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.util.function.BooleanSupplier;
import java.util.logging.Logger;
import javax.sql.DataSource;

/**
 * The real PostgreSQL of the JDBC tests: {@code LLMGATE_TEST_PG_URL}, {@code _USER}, {@code _PASSWORD} (set by
 * {@code eval "$(scripts/test-postgres.sh)"}; the tests are skipped without them).
 */
public final class TestPostgres {
    /** The URL, or null when no test database is configured. */
    public static final String URL = System.getenv("LLMGATE_TEST_PG_URL");

    private TestPostgres() {}

    /** Whether a test database is configured. */
    public static boolean configured() {
        return URL != null && !URL.isBlank();
    }

    /**
     * A minimal DataSource over DriverManager (a new connection each time); a connection attempt fails, as against a
     * dead database, whenever {@code down} says so.
     */
    public static DataSource dataSource(BooleanSupplier down) {
        return new DataSource() {
            @Override
            public Connection getConnection() throws SQLException {
                if (down.getAsBoolean()) {
                    throw new SQLException("database is down (simulated)", "08001");
                }
                return DriverManager.getConnection(
                        URL, System.getenv("LLMGATE_TEST_PG_USER"), System.getenv("LLMGATE_TEST_PG_PASSWORD"));
            }

            @Override
            public Connection getConnection(String username, String password) throws SQLException {
                return DriverManager.getConnection(URL, username, password);
            }

            @Override
            public PrintWriter getLogWriter() {
                return null;
            }

            @Override
            public void setLogWriter(PrintWriter out) {}

            @Override
            public void setLoginTimeout(int seconds) {}

            @Override
            public int getLoginTimeout() {
                return 0;
            }

            @Override
            public Logger getParentLogger() {
                return Logger.getLogger("llmgate-test");
            }

            @Override
            public <T> T unwrap(Class<T> iface) throws SQLException {
                throw new SQLException("not a wrapper");
            }

            @Override
            public boolean isWrapperFor(Class<?> iface) {
                return false;
            }
        };
    }
}
