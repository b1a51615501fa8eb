/**
 * The service-provider interfaces: {@link dev.llmgate.api.spi.Interceptor} for cross-cutting
 * behaviour and {@link dev.llmgate.api.spi.ModelProvider} for talking to a vendor.
 */
@NullMarked
package dev.llmgate.api.spi;

import org.jspecify.annotations.NullMarked;
