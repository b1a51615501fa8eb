package dev.llmgate.spring.boot.internal;

import dev.llmgate.core.routing.BreakerState;
import dev.llmgate.core.routing.Deployment;
import dev.llmgate.core.routing.DeploymentHealth;
import dev.llmgate.core.routing.Route;
import dev.llmgate.core.routing.Router;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.springframework.boot.health.contributor.Health;
import org.springframework.boot.health.contributor.HealthIndicator;

/** A router's deployments as health: DOWN when every deployment of some route has an open circuit. */
public final class RouterHealthIndicator implements HealthIndicator {
    private final Router router;

    public RouterHealthIndicator(Router router) {
        this.router = router;
    }

    @Override
    public Health health() {
        Map<String, Object> deployments = new LinkedHashMap<>();
        Map<String, BreakerState> states = new LinkedHashMap<>();
        for (DeploymentHealth h : router.health()) {
            Map<String, Object> d = new LinkedHashMap<>();
            d.put("state", h.state().name());
            d.put("consecutiveFailures", h.consecutiveFailures());
            d.put("recentCalls", h.recentCalls());
            d.put("recentFailures", h.recentFailures());
            h.availableAt().ifPresent(t -> d.put("availableAt", t.toString()));
            deployments.put(h.deployment().address(), d);
            states.put(h.deployment().address(), h.state());
        }
        Map<String, Object> routes = new LinkedHashMap<>();
        boolean down = false;
        for (Map.Entry<String, Route> e : router.routes().entrySet()) {
            List<Deployment> ds = e.getValue().deployments();
            long open = ds.stream()
                    .filter(d -> states.getOrDefault(d.address(), BreakerState.CLOSED) == BreakerState.OPEN)
                    .count();
            boolean routeDown = !ds.isEmpty() && open == ds.size();
            down |= routeDown;
            routes.put(e.getKey(), routeDown ? "DOWN" : "UP");
        }
        Health.Builder b = down ? Health.down() : Health.up();
        return b.withDetail("routes", routes)
                .withDetail("deployments", deployments)
                .build();
    }
}
