package dev.llmgate.core.audit;

import static dev.llmgate.core.audit.AuditFixtures.KEY;
import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.llmgate.core.LlmGate;
import dev.llmgate.core.TestPostgres;
import dev.llmgate.testing.MutableClock;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;
import javax.sql.DataSource;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Runs against a real PostgreSQL when LLMGATE_TEST_PG_URL (and _USER, _PASSWORD) are set, e.g. by
 * {@code eval "$(scripts/test-postgres.sh)"}; skipped otherwise.
 */
class JdbcAuditSinkTest {

    private final String table = "llmgate_audit_test_" + Long.toHexString(System.nanoTime());
    private final AtomicInteger failConnections = new AtomicInteger();
    private DataSource dataSource;

    @BeforeEach
    void connect() {
        assumeTrue(
                TestPostgres.configured(),
                "LLMGATE_TEST_PG_URL is not set: run eval \"$(scripts/test-postgres.sh)\" first");
        dataSource = TestPostgres.dataSource(() -> failConnections.getAndUpdate(n -> Math.max(0, n - 1)) > 0);
    }

    @AfterEach
    void dropTable() throws SQLException {
        if (dataSource != null) {
            failConnections.set(0);
            try (Connection c = dataSource.getConnection();
                    Statement s = c.createStatement()) {
                s.execute("DROP TABLE IF EXISTS " + table);
            }
        }
    }

    private AuditLog writeCalls(AuditSink sink, int calls, List<AuditSinkFailure> failures) {
        MutableClock clock = new MutableClock();
        AuditLog audit =
                AuditFixtures.log(sink, KEY, clock).onSinkFailure(failures::add).build();
        try (LlmGate gate = AuditFixtures.gate(audit, AuditFixtures.echo(), clock)) {
            for (int i = 0; i < calls; i++) {
                gate.chat("fast", "q" + i);
            }
        }
        audit.close();
        return audit;
    }

    @Test
    void storesAVerifyingLogAndTamperingInTheTableIsDetected() throws SQLException {
        InMemoryAuditSink copy = new InMemoryAuditSink();
        JdbcAuditSink jdbc =
                JdbcAuditSink.builder(dataSource).table(table).createTable(true).build();
        List<AuditSinkFailure> failures = new CopyOnWriteArrayList<>();
        AuditLog audit = writeCalls(
                FanOutAuditSink.builder().add(jdbc).addCheckpointCopy(copy).build(), 30, failures);
        assertThat(failures).isEmpty();

        List<String> lines = JdbcAuditSink.readLines(dataSource, table, audit.logId());
        AuditVerifier verifier = AuditVerifier.builder()
                .trustKey(KEY.publicKeyHex())
                .externalCheckpointLines(copy.lines())
                .build();
        VerificationReport report = verifier.verifyLines(lines, table);
        assertThat(report.valid()).as(report.summary()).isTrue();
        assertThat(report.callRecords()).isEqualTo(30);

        try (Connection c = dataSource.getConnection();
                Statement s = c.createStatement()) {
            s.executeUpdate("UPDATE " + table
                    + " SET line = replace(line, '\"outcome\":\"success\"', '\"outcome\":\"failed\"') WHERE seq = 4");
        }
        assertThat(verifier.verifyLines(JdbcAuditSink.readLines(dataSource, table, audit.logId()), table)
                        .failure())
                .get()
                .extracting(VerificationReport.Failure::seq)
                .isEqualTo(4L);
        try (Connection c = dataSource.getConnection();
                Statement s = c.createStatement()) {
            s.executeUpdate("UPDATE " + table
                    + " SET line = replace(line, '\"outcome\":\"failed\"', '\"outcome\":\"success\"') WHERE seq = 4");
            s.executeUpdate("DELETE FROM " + table + " WHERE seq > 20");
        }
        assertThat(verifier.verifyLines(JdbcAuditSink.readLines(dataSource, table, audit.logId()), table)
                        .failure())
                .get()
                .extracting(VerificationReport.Failure::reason)
                .asString()
                .contains("truncated");
    }

    @Test
    void anUnreachableDatabaseIsRetriedAndReportedWithoutLosingRecords() throws SQLException {
        JdbcAuditSink jdbc =
                JdbcAuditSink.builder(dataSource).table(table).createTable(true).build();
        failConnections.set(3);
        List<AuditSinkFailure> failures = new CopyOnWriteArrayList<>();
        AuditLog audit = writeCalls(jdbc, 12, failures);
        assertThat(failures).hasSize(3);
        assertThat(failures.get(0).error()).hasMessageContaining("database is down");
        VerificationReport report = AuditFixtures.verifier(KEY)
                .verifyLines(JdbcAuditSink.readLines(dataSource, table, audit.logId()), table);
        assertThat(report.valid()).as(report.summary()).isTrue();
        assertThat(report.callRecords()).isEqualTo(12);
    }

    @Test
    void aLogBuiltAgainWithTheSameIdContinuesItsChainInTheTable() throws SQLException {
        String logId = "00000000000000db";
        MutableClock clock = new MutableClock();
        for (int round = 0; round < 2; round++) {
            JdbcAuditSink jdbc = JdbcAuditSink.builder(dataSource)
                    .table(table)
                    .createTable(true)
                    .build();
            AuditLog audit = AuditFixtures.log(jdbc, KEY, clock).logId(logId).build();
            try (LlmGate gate = AuditFixtures.gate(audit, AuditFixtures.echo(), clock)) {
                for (int i = 0;
                        i < 1100 * round + 3;
                        i++) { // the second round reads back more than one page (1,000 rows)
                    gate.chat("fast", "round " + round + " q" + i);
                }
            }
            audit.close();
        }
        List<String> lines = JdbcAuditSink.readLines(dataSource, table, logId);
        VerificationReport report = AuditFixtures.verifier(KEY).verifyLines(lines, table);
        assertThat(report.valid()).as(report.summary()).isTrue();
        assertThat(report.callRecords()).isEqualTo(3 + 1103);
        assertThat(lines).filteredOn(l -> l.contains("\"type\":\"genesis\"")).hasSize(1);
        assertThat(lines).filteredOn(l -> l.contains("\"resumed\":true")).hasSize(1);

        // a third start reads back all of it (more than one page) and continues
        JdbcAuditSink jdbc = JdbcAuditSink.builder(dataSource).table(table).build();
        AuditLog third = AuditFixtures.log(jdbc, KEY, clock).logId(logId).build();
        assertThat(third.stats().callRecords()).isEqualTo(1106);
        third.close();
        assertThat(AuditFixtures.verifier(KEY)
                        .verifyLines(JdbcAuditSink.readLines(dataSource, table, logId), table)
                        .valid())
                .isTrue();
    }
}
