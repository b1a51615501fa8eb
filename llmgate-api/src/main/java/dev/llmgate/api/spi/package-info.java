/**
 * The service-provider interfaces: {@link dev.llmgate.api.spi.Interceptor} for cross-cutting
 * behaviour and {@link dev.llmgate.api.spi.ModelProvider} for talking to a vendor.
 */
package dev.llmgate.api.spi;
