/**
 * Observing calls: {@link dev.llmgate.core.events.CallObserver} sees every call and every attempt start and end
 * (register with {@code LlmGate.Builder.observer}; the OpenTelemetry and Micrometer integrations are observers), and
 * {@link dev.llmgate.core.events.CallListener} receives a router's {@link dev.llmgate.core.events.AttemptEvent} per
 * attempt, with attributes named after the OpenTelemetry GenAI semantic conventions.
 */
package dev.llmgate.core.events;
