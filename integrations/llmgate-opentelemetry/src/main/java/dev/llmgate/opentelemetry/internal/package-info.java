/** The interceptors and instruments behind {@code LlmGateTelemetry}. Not public API. */
package dev.llmgate.opentelemetry.internal;
