/**
 * {@link dev.llmgate.micrometer.LlmGateMicrometer}: installs Micrometer observations and meters on a gate. See
 * docs/observability.md for the observation and meter tables.
 */
package dev.llmgate.micrometer;
