package dev.llmgate.core.routing;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.llmgate.api.ChatRequest;
import dev.llmgate.api.exception.BudgetExceededException;
import dev.llmgate.api.exception.ConfigurationException;
import dev.llmgate.core.LlmGate;
import dev.llmgate.core.TestPostgres;
import dev.llmgate.core.budget.BudgetInterceptor;
import dev.llmgate.core.budget.BudgetLimit;
import dev.llmgate.testing.MutableClock;
import dev.llmgate.testing.Reply;
import dev.llmgate.testing.ScriptedProvider;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import javax.sql.DataSource;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The state store on a real PostgreSQL (LLMGATE_TEST_PG_URL, _USER, _PASSWORD, e.g. from
 * {@code eval "$(scripts/test-postgres.sh)"}; skipped otherwise): the StateStore contract, two gates sharing one
 * budget under concurrency, and a database that fails closed or open.
 */
class JdbcStateStoreTest {
    private final String table = "llmgate_state_test_" + Long.toHexString(System.nanoTime());
    private final MutableClock clock = new MutableClock(Instant.parse("2026-12-06T12:00:00Z"));
    private final AtomicBoolean down = new AtomicBoolean();
    private DataSource dataSource;

    @BeforeEach
    void connect() {
        Assumptions.assumeTrue(
                TestPostgres.configured(),
                "LLMGATE_TEST_PG_URL is not set: run eval \"$(scripts/test-postgres.sh)\" first");
        dataSource = TestPostgres.dataSource(down::get);
    }

    @AfterEach
    void drop() throws SQLException {
        if (dataSource != null) {
            down.set(false);
            try (Connection c = dataSource.getConnection();
                    Statement s = c.createStatement()) {
                s.execute("DROP TABLE IF EXISTS " + table);
            }
        }
    }

    private JdbcStateStore store() {
        return JdbcStateStore.builder(dataSource)
                .table(table)
                .createTable(true)
                .clock(clock)
                .build();
    }

    @Test
    void theStoreKeepsTheStateStoreContract() {
        JdbcStateStore s = store();
        Instant later = clock.instant().plusSeconds(60);
        assertThat(s.addIfAtMost("k", 7, 10, later)).isEqualTo(OptionalLong.of(7));
        assertThat(s.addIfAtMost("k", 4, 10, later)).isEmpty();
        assertThat(s.addIfAtMost("k", 3, 10, later)).isEqualTo(OptionalLong.of(10));
        assertThat(s.addIfAtMost("new", 11, 10, later)).isEmpty();
        assertThat(s.counter("new")).isZero();
        assertThat(s.add("k", -10, later)).isZero();
        assertThat(s.counter("absent")).isZero();
        assertThat(s.compareAndSet("v", Optional.of("a"), "b", later)).isFalse();
        assertThat(s.compareAndSet("v", Optional.empty(), "a", later)).isTrue();
        assertThat(s.compareAndSet("v", Optional.empty(), "x", later)).isFalse();
        assertThat(s.compareAndSet("v", Optional.of("a"), "b", later)).isTrue();
        assertThat(s.value("v")).contains("b");
        // a counter keeps the later of its expiry and the one given
        s.add("lease", 1, clock.instant().plusSeconds(600));
        s.add("lease", 1, clock.instant().plusSeconds(2));
        s.addIfAtMost("lease", 1, 10, clock.instant().plusSeconds(2));
        // keys expire by the store's clock
        s.add("short", 5, clock.instant().plusSeconds(10));
        clock.advance(Duration.ofSeconds(11));
        assertThat(s.counter("short")).isZero();
        assertThat(s.addIfAtMost("short", 9, 10, clock.instant().plusSeconds(10)))
                .isEqualTo(OptionalLong.of(9));
        assertThat(s.compareAndSet("v", Optional.of("b"), "c", clock.instant())).isTrue();
        clock.advance(Duration.ofSeconds(1));
        assertThat(s.value("v")).isEmpty();
        assertThat(s.compareAndSet(
                        "v", Optional.empty(), "fresh", clock.instant().plusSeconds(60)))
                .isTrue();
        assertThat(s.counter("lease")).isEqualTo(3); // 12 s later: alive until 600 s
        assertThat(s.purgeExpired()).isGreaterThanOrEqualTo(0);
    }

    @Test
    void aBudgetThatAdmitsNAdmitsExactlyNOfAThousandCallsAcrossTwoGates() throws Exception {
        JdbcStateStore a = store();
        JdbcStateStore b =
                JdbcStateStore.builder(dataSource).table(table).clock(clock).build();
        BudgetLimit limit = BudgetLimit.requests(20, Duration.ofHours(1)).build();
        ScriptedProvider ok = ScriptedProvider.answering(c -> Reply.text("ok"));
        AtomicInteger passed = new AtomicInteger();
        try (LlmGate one = gate(a, limit, ok);
                LlmGate two = gate(b, limit, ok)) {
            List<LlmGate> gates = List.of(one, two);
            ExecutorService pool = Executors.newFixedThreadPool(16);
            CountDownLatch go = new CountDownLatch(1);
            for (int i = 0; i < 1000; i++) {
                LlmGate gate = gates.get(i % 2);
                pool.execute(() -> {
                    try {
                        go.await();
                        gate.chat(ChatRequest.builder("p:m")
                                .user("hi")
                                .tenant("acme")
                                .build());
                        passed.incrementAndGet();
                    } catch (BudgetExceededException refused) {
                        // counted by what passed
                    } catch (InterruptedException e) {
                        Thread.currentThread().interrupt();
                    }
                });
            }
            go.countDown();
            pool.shutdown();
            assertThat(pool.awaitTermination(120, TimeUnit.SECONDS)).isTrue();
        }
        assertThat(passed.get()).isEqualTo(20);
    }

    private LlmGate gate(StateStore store, BudgetLimit limit, ScriptedProvider provider) {
        return LlmGate.builder()
                .provider("p", provider)
                .clock(clock)
                .addInterceptor(BudgetInterceptor.builder()
                        .limit(limit)
                        .stateStore(store)
                        .build())
                .build();
    }

    @Test
    void aBreakerOneRouterOpensIsOpenForTheOther() {
        ScriptedProvider failing =
                ScriptedProvider.answering(c -> Reply.failure(new dev.llmgate.api.exception.OverloadedException(
                        "busy", dev.llmgate.api.exception.ErrorDetails.of("p"), Optional.empty(), null)));
        CircuitBreakerPolicy policy = new CircuitBreakerPolicy(2, 1.0, 10, 10, Duration.ofMinutes(5));
        Router one = Router.builder()
                .route(Route.builder("r")
                        .deployment("p:m")
                        .retry(RetryPolicy.NONE)
                        .build())
                .circuitBreaker(policy)
                .stateStore(store())
                .clock(clock)
                .build();
        Router two = Router.builder()
                .route(Route.builder("r")
                        .deployment("p:m")
                        .retry(RetryPolicy.NONE)
                        .build())
                .circuitBreaker(policy)
                .stateStore(JdbcStateStore.builder(dataSource)
                        .table(table)
                        .clock(clock)
                        .build())
                .clock(clock)
                .build();
        try (LlmGate gate = LlmGate.builder()
                .provider("p", failing)
                .clock(clock)
                .addInterceptor(one)
                .build()) {
            for (int i = 0; i < 2; i++) {
                assertThatThrownBy(() -> gate.chat(ChatRequest.of("r", "hi")));
            }
        }
        assertThat(two.health("p:m").orElseThrow().state()).isEqualTo(BreakerState.OPEN);
    }

    @Test
    void aFailingDatabaseFailsClosedOrOpenAsConfigured() {
        JdbcStateStore closed = store();
        JdbcStateStore open = JdbcStateStore.builder(dataSource)
                .table(table)
                .clock(clock)
                .failOpen(true)
                .build();
        ScriptedProvider ok = ScriptedProvider.answering(c -> Reply.text("ok"));
        BudgetLimit limit = BudgetLimit.requests(100, Duration.ofHours(1)).build();
        try (LlmGate strict = gate(closed, limit, ok);
                LlmGate lenient = gate(open, limit, ok)) {
            ChatRequest call =
                    ChatRequest.builder("p:m").user("hi").tenant("acme").build();
            assertThat(strict.chat(call).text()).isEqualTo("ok");
            down.set(true);
            assertThatThrownBy(() -> strict.chat(call))
                    .isInstanceOf(StateStoreUnavailableException.class)
                    .hasMessageContaining(table)
                    .hasMessageContaining("fails closed");
            assertThat(ok.calls()).isEqualTo(1);
            assertThat(lenient.chat(call).text()).isEqualTo("ok");
        }
    }

    @Test
    void aTableNameThatIsNotAnIdentifierIsRefused() {
        assertThatThrownBy(() -> JdbcStateStore.builder(dataSource).table("x; DROP TABLE y"))
                .isInstanceOf(ConfigurationException.class)
                .hasMessageContaining("not a plain SQL identifier");
    }
}
