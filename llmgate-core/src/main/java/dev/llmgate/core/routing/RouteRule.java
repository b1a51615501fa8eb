package dev.llmgate.core.routing;

import java.util.List;
import java.util.Objects;

/**
 * A rule of rule-based routing: when {@code condition} holds, the call uses only the listed
 * deployments of the route (ordered by the route's strategy). Rules are tried in the order added;
 * the first that holds wins; when none holds the call uses every deployment of the route.
 *
 * @param name        a name for diagnostics and the attempt record
 * @param condition   when the rule applies
 * @param deployments the {@code "provider:model"} addresses of the route's deployments to use
 */
public record RouteRule(String name, RequestCondition condition, List<String> deployments) {
    public RouteRule {
        Objects.requireNonNull(name, "name");
        Objects.requireNonNull(condition, "condition");
        deployments = List.copyOf(Objects.requireNonNull(deployments, "deployments"));
    }
}
