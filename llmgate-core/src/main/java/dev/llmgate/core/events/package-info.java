/**
 * The listener SPI: {@link dev.llmgate.core.events.CallListener} receives an
 * {@link dev.llmgate.core.events.AttemptEvent} per attempt, with attributes named after the
 * OpenTelemetry GenAI semantic conventions.
 */
package dev.llmgate.core.events;
