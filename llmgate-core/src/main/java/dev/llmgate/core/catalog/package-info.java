/**
 * A catalog of models with their context windows, output limits and list prices, and exact
 * ({@link java.math.BigDecimal}) cost accounting for {@link dev.llmgate.api.Usage}:
 * {@link dev.llmgate.core.catalog.ModelCatalog#defaults()} for the bundled data,
 * {@link dev.llmgate.core.catalog.ModelInfo#cost(dev.llmgate.api.Usage)} for one call's cost.
 * Every type here is immutable and thread-safe.
 *
 * <p>{@code dev.llmgate.core.catalog.internal} is not API and may change without notice.
 */
package dev.llmgate.core.catalog;
