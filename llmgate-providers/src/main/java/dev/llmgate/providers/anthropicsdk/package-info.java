/**
 * Route the official anthropic-java SDK through a gate:
 * {@link dev.llmgate.providers.anthropicsdk.LlmGateAnthropicHttpClient}. Needs
 * {@code com.anthropic:anthropic-java} (3.x) on the application's classpath (an optional dependency).
 */
package dev.llmgate.providers.anthropicsdk;
