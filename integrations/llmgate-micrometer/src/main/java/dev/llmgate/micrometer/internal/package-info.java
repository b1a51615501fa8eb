/** The observer behind {@code LlmGateMicrometer}. Not public API. */
package dev.llmgate.micrometer.internal;
