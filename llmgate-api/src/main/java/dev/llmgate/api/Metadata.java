package dev.llmgate.api;

import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;

/**
 * Free-form facts about a call that interceptors, routing, budgets and audit can read. Metadata is
 * never sent to a provider and never changes the answer, except attributes named {@code llmgate.wire.*}
 * (reserved): details of a wrapped client's request that the provider-neutral request has no place for
 * (such as Anthropic's {@code is_error} on a tool result), which the matching provider adapter writes, checked,
 * and the response cache keys.
 *
 * @param tenant     the tenant (customer, team) the call is made for
 * @param user       the end user the call is made for
 * @param tags       labels, e.g. {@code "batch"} or {@code "feature:summarize"}
 * @param attributes further key/value pairs
 */
public record Metadata(
        Optional<String> tenant, Optional<String> user, Set<String> tags, Map<String, String> attributes) {

    /** No metadata. */
    public static final Metadata EMPTY = new Metadata(Optional.empty(), Optional.empty(), Set.of(), Map.of());

    public Metadata {
        Objects.requireNonNull(tenant, "tenant: use Optional.empty()");
        Objects.requireNonNull(user, "user: use Optional.empty()");
        tags = Set.copyOf(Objects.requireNonNull(tags, "tags: use Set.of()"));
        attributes = Map.copyOf(Objects.requireNonNull(attributes, "attributes: use Map.of()"));
    }

    /** This metadata with the given tenant. */
    public Metadata withTenant(String value) {
        return new Metadata(Optional.of(value), user, tags, attributes);
    }

    /** This metadata with the given user. */
    public Metadata withUser(String value) {
        return new Metadata(tenant, Optional.of(value), tags, attributes);
    }

    /** This metadata with one more tag. */
    public Metadata withTag(String tag) {
        java.util.HashSet<String> t = new java.util.HashSet<>(tags);
        t.add(tag);
        return new Metadata(tenant, user, t, attributes);
    }

    /** This metadata with one more attribute (replacing one of the same key). */
    public Metadata withAttribute(String key, String value) {
        java.util.HashMap<String, String> a = new java.util.HashMap<>(attributes);
        a.put(key, value);
        return new Metadata(tenant, user, tags, a);
    }

    /**
     * Shows the tenant, whether a user is set, the tags and the names of the attributes, in a stable order;
     * never the user (an end user's identity, often an e-mail address) or the attributes' values (they may
     * hold anything, such as a wrapped client's request details or a token).
     */
    @Override
    public String toString() {
        return "Metadata[tenant=" + tenant.orElse("") + ", user=" + (user.isPresent() ? "(set)" : "") + ", tags="
                + new java.util.TreeSet<>(tags) + ", attributes=" + new java.util.TreeSet<>(attributes.keySet())
                + "]";
    }
}
