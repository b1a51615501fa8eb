package dev.llmgate.core.routing;

import dev.llmgate.api.ChatRequest;
import java.util.Objects;
import java.util.function.Predicate;

/**
 * A condition on a request's metadata or content, for {@link Route.Builder#rule rule-based routing}.
 * Any lambda is one ({@code r -> r.metadata().tags().contains("vip")}); the factories cover the common cases.
 * Conditions must be thread-safe and cheap: they run on every call of their route.
 */
@FunctionalInterface
public interface RequestCondition extends Predicate<ChatRequest> {

    /** The request's tenant is {@code tenant}. */
    static RequestCondition tenant(String tenant) {
        Objects.requireNonNull(tenant, "tenant");
        return r -> r.metadata().tenant().map(tenant::equals).orElse(false);
    }

    /** The request carries the tag {@code tag}. */
    static RequestCondition tag(String tag) {
        Objects.requireNonNull(tag, "tag");
        return r -> r.metadata().tags().contains(tag);
    }

    /** The metadata attribute {@code key} equals {@code value}. */
    static RequestCondition attribute(String key, String value) {
        Objects.requireNonNull(key, "key");
        Objects.requireNonNull(value, "value");
        return r -> value.equals(r.metadata().attributes().get(key));
    }

    /** The request offers tools. */
    static RequestCondition usesTools() {
        return r -> !r.tools().isEmpty();
    }

    /** The request's estimated input ({@link TokenEstimator}) is more than {@code tokens}. */
    static RequestCondition estimatedInputAbove(long tokens) {
        return r -> TokenEstimator.inputTokens(r) > tokens;
    }

    /** Any request. */
    static RequestCondition always() {
        return r -> true;
    }
}
