/**
 * Route the official openai-java SDK through a gate: {@link dev.llmgate.providers.openaisdk.LlmGateOpenAiHttpClient}.
 * Needs {@code com.openai:openai-java} (4.x) on the application's classpath (an optional dependency).
 */
package dev.llmgate.providers.openaisdk;
