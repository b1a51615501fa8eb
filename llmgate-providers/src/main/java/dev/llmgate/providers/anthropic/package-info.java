/**
 * Anthropic's Messages API as a {@link dev.llmgate.api.spi.ModelProvider}: see
 * {@link dev.llmgate.providers.anthropic.AnthropicProvider} for configuration and how requests,
 * answers, streams, usage and errors are mapped.
 */
package dev.llmgate.providers.anthropic;
