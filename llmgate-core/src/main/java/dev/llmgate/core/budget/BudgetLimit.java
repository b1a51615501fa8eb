package dev.llmgate.core.budget;

import dev.llmgate.api.Metadata;
import dev.llmgate.api.exception.ConfigurationException;
import java.math.BigDecimal;
import java.math.RoundingMode;
import java.time.Duration;
import java.util.Locale;
import java.util.Objects;
import java.util.Optional;

/**
 * One limit: at most {@code amount} of {@code metric} per {@code window} for each subject of
 * {@code scope} (or only for {@code subject}). Windows are fixed and aligned to the epoch (a one-day
 * window resets at 00:00 UTC), so every gate sharing a state store agrees on them — up to twice the
 * amount can pass around a window's edge (the end of one window and the start of the next). Two kinds
 * have no edge:
 * <ul>
 *   <li>{@link Builder#smooth(long)} request limits are a token bucket: a bucket of {@code burst}
 *       calls that refills one call every {@code window / amount}, so the rate holds at every moment
 *       and at most {@code amount + burst - 1} calls pass in any interval of one window
 *       ({@code smooth(1)}: at most {@code amount}, evenly spaced);
 *   <li>{@link #inFlight(long, Duration)} limits count calls in flight at once.
 * </ul>
 *
 * <p>Guarantees: immutable; validated on {@link Builder#build()} ({@link ConfigurationException}); equal
 * when every value is equal.
 *
 * <p>A final class rather than a record so that settings can be added in later versions without
 * breaking callers: create limits with {@link #requests}, {@link #tokens} or {@link #usd}
 * (docs/api-stability.md).
 */
public final class BudgetLimit {

    /** The attribute {@link BudgetScope#KEY} limits read by default. */
    public static final String DEFAULT_KEY_ATTRIBUTE = "api_key_id";

    static final String NONE = "(none)";

    private final BudgetScope scope;
    private final BudgetMetric metric;
    private final BigDecimal amount;
    private final Duration window;
    private final Optional<String> subject;
    private final String keyAttribute;
    private final long burst;

    private BudgetLimit(Builder b) {
        this.scope = b.scope;
        this.metric = b.metric;
        this.amount = Objects.requireNonNull(b.amount, "amount");
        this.window = Objects.requireNonNull(b.window, "window");
        this.subject = b.subject;
        this.keyAttribute = b.keyAttribute;
        this.burst = b.burst;
        if (burst != 0 && metric != BudgetMetric.REQUESTS) {
            throw new ConfigurationException("smooth(...) applies to request limits (BudgetLimit.requests); "
                    + metric.name().toLowerCase(Locale.ROOT) + " limits count in fixed windows: remove smooth(...)");
        }
        if (burst < 0) {
            throw new ConfigurationException("a smooth limit's burst must be at least 1 call, was " + burst);
        }
        if (burst > 0 && amount.signum() <= 0) {
            throw new ConfigurationException("a smooth limit must admit at least 1 call per window, was " + amount);
        }
        if (burst > 0 && BigDecimal.valueOf(burst).compareTo(amount) > 0) {
            throw new ConfigurationException(
                    "a smooth limit's burst (" + burst + ") must not be larger than its amount ("
                            + amount.toPlainString() + "): smooth(1) to smooth(" + amount.toPlainString() + ")");
        }
        if (metric == BudgetMetric.IN_FLIGHT && amount.signum() <= 0) {
            throw new ConfigurationException("an in-flight limit must admit at least 1 call, was " + amount);
        }
        if (amount.signum() < 0) {
            throw new ConfigurationException("budget amount must not be negative, was " + amount.toPlainString());
        }
        if (metric != BudgetMetric.USD && amount.stripTrailingZeros().scale() > 0) {
            throw new ConfigurationException("a " + metric.name().toLowerCase(Locale.ROOT)
                    + " budget must be a whole number, was " + amount.toPlainString());
        }
        if (window.compareTo(Duration.ofSeconds(1)) < 0) {
            throw new ConfigurationException(
                    metric == BudgetMetric.IN_FLIGHT
                            ? "an in-flight limit's lease must be at least one second, was " + window
                            : "budget window must be at least one second, was " + window);
        }
        if (scope == BudgetScope.GLOBAL && subject.isPresent()) {
            throw new ConfigurationException(
                    "a GLOBAL budget has no subject: remove subject(\"" + subject.get() + "\")");
        }
    }

    /** Whose calls count together. */
    public BudgetScope scope() {
        return scope;
    }

    /** What is counted. */
    public BudgetMetric metric() {
        return metric;
    }

    /** The most per window; whole numbers for requests and tokens, USD with up to 9 decimals. */
    public BigDecimal amount() {
        return amount;
    }

    /** The window, at least one second. */
    public Duration window() {
        return window;
    }

    /** Only this tenant/user/key; empty: every subject separately. */
    public Optional<String> subject() {
        return subject;
    }

    /**
     * For a {@link Builder#smooth(long) smooth} request limit, how many calls may pass at once (the bucket's size);
     * 0 for a fixed-window limit.
     */
    public long burst() {
        return burst;
    }

    /** Whether this is a token bucket ({@link Builder#smooth(long)}) rather than a fixed window. */
    public boolean isSmooth() {
        return burst > 0;
    }

    /** For {@link BudgetScope#KEY}, the metadata attribute naming the key. */
    public String keyAttribute() {
        return keyAttribute;
    }

    /** Equal when every value is equal ({@code amount} by {@link BigDecimal#equals}, so {@code 10} and {@code 10.0} differ). */
    @Override
    public boolean equals(Object o) {
        return o == this
                || o instanceof BudgetLimit l
                        && scope == l.scope
                        && metric == l.metric
                        && amount.equals(l.amount)
                        && window.equals(l.window)
                        && subject.equals(l.subject)
                        && keyAttribute.equals(l.keyAttribute)
                        && burst == l.burst;
    }

    @Override
    public int hashCode() {
        return Objects.hash(scope, metric, amount, window, subject, keyAttribute, burst);
    }

    @Override
    public String toString() {
        return "BudgetLimit[scope=" + scope + ", metric=" + metric + ", amount=" + amount + ", window=" + window
                + ", subject=" + subject + ", keyAttribute=" + keyAttribute + (burst > 0 ? ", burst=" + burst : "")
                + "]";
    }

    /** At most {@code max} calls per {@code window}. */
    public static Builder requests(long max, Duration window) {
        return new Builder(BudgetMetric.REQUESTS, BigDecimal.valueOf(max), window);
    }

    /** At most {@code max} tokens per {@code window}. */
    public static Builder tokens(long max, Duration window) {
        return new Builder(BudgetMetric.TOKENS, BigDecimal.valueOf(max), window);
    }

    /** At most {@code usd} US dollars (a decimal string, e.g. {@code "25.00"}) per {@code window}. */
    public static Builder usd(String usd, Duration window) {
        return new Builder(BudgetMetric.USD, new BigDecimal(usd), window);
    }

    /**
     * At most {@code max} calls in flight at once. The slot a call takes is given back when it ends; if the process
     * dies first, the slot is freed when {@code lease} has passed without any call of the same subject starting or
     * ending (the store's expiry), so pick a lease longer than your longest call.
     */
    public static Builder inFlight(long max, Duration lease) {
        return new Builder(BudgetMetric.IN_FLIGHT, BigDecimal.valueOf(max), lease);
    }

    /** The limit in counter units: calls, tokens, or nano-dollars (USD x 10^9, rounded down). */
    long units() {
        return metric == BudgetMetric.USD
                ? amount.movePointRight(9).setScale(0, RoundingMode.FLOOR).longValueExact()
                : amount.longValueExact();
    }

    /** Whose counter a call with {@code metadata} uses, or empty if the limit does not apply to it. */
    Optional<String> subjectOf(Metadata metadata) {
        String s;
        switch (scope) {
            case TENANT:
                s = metadata.tenant().orElse(NONE);
                break;
            case USER:
                s = metadata.user().orElse(NONE);
                break;
            case KEY:
                s = metadata.attributes().getOrDefault(keyAttribute, NONE);
                break;
            default:
                s = "*";
        }
        if (subject.isPresent() && !subject.get().equals(s)) {
            return Optional.empty();
        }
        return Optional.of(s);
    }

    /** E.g. {@code "tenant=acme usd<=10 per PT24H"}, for messages. */
    String describe(String who) {
        String prefix = scope == BudgetScope.GLOBAL ? "global" : scope.name().toLowerCase(Locale.ROOT) + "=" + who;
        String bound = metric.name().toLowerCase(Locale.ROOT) + "<="
                + amount.stripTrailingZeros().toPlainString();
        if (metric == BudgetMetric.IN_FLIGHT) {
            return prefix + " " + bound;
        }
        return prefix + " " + bound + " per " + window + (burst > 0 ? " (smooth, burst " + burst + ")" : "");
    }

    /** Builds a {@link BudgetLimit}; the scope defaults to {@link BudgetScope#TENANT}. */
    public static final class Builder {
        private final BudgetMetric metric;
        private final BigDecimal amount;
        private final Duration window;
        private BudgetScope scope = BudgetScope.TENANT;
        private Optional<String> subject = Optional.empty();
        private String keyAttribute = DEFAULT_KEY_ATTRIBUTE;
        private long burst;

        private Builder(BudgetMetric metric, BigDecimal amount, Duration window) {
            this.metric = metric;
            this.amount = amount;
            this.window = window;
        }

        /** Each tenant separately. */
        public Builder perTenant() {
            this.scope = BudgetScope.TENANT;
            return this;
        }

        /** Each end user separately. */
        public Builder perUser() {
            this.scope = BudgetScope.USER;
            return this;
        }

        /** Each API key (metadata attribute {@code attribute}) separately. */
        public Builder perKey(String attribute) {
            this.scope = BudgetScope.KEY;
            this.keyAttribute = Objects.requireNonNull(attribute, "attribute");
            return this;
        }

        /** All calls together. */
        public Builder global() {
            this.scope = BudgetScope.GLOBAL;
            return this;
        }

        /** Only this tenant, user or key. */
        public Builder only(String value) {
            this.subject = Optional.of(Objects.requireNonNull(value, "subject"));
            return this;
        }

        /**
         * A request limit without window edges: a token bucket of {@code burst} calls refilled at {@code amount} per
         * {@code window} (see the class documentation). {@code burst} from 1 (calls evenly spaced, never more than
         * {@code amount} in any window) to {@code amount} (the same average rate, bursts up to {@code amount}).
         */
        public Builder smooth(long burst) {
            if (burst < 1) {
                throw new ConfigurationException("a smooth limit's burst must be at least 1 call, was " + burst);
            }
            this.burst = burst;
            return this;
        }

        /** {@link #smooth(long)} with a burst of the limit's amount. */
        public Builder smooth() {
            return smooth(amount.longValue());
        }

        /** @throws ConfigurationException naming the value that is wrong */
        public BudgetLimit build() {
            return new BudgetLimit(this);
        }
    }
}
