/**
 * {@link dev.llmgate.opentelemetry.LlmGateTelemetry}: installs OpenTelemetry spans and metrics on a gate. See
 * docs/observability.md for the span tree and the attribute and metric tables.
 */
package dev.llmgate.opentelemetry;
