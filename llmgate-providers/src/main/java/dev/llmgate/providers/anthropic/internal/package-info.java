/** The Messages API wire format and stream decoder behind {@code AnthropicProvider}. Not public API: may change without notice. */
package dev.llmgate.providers.anthropic.internal;
