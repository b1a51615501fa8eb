/**
 * Routing, fallback, retries, circuit breaking and hedging: a {@link dev.llmgate.core.routing.Router}
 * registered at {@code Stage.ROUTING} resolves the aliases of its {@link dev.llmgate.core.routing.Route}s
 * to {@link dev.llmgate.core.routing.Deployment}s. See {@code docs/routing-and-fallback.md}.
 */
package dev.llmgate.core.routing;
