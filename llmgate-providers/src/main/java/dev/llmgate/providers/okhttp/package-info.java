/** Route an existing OkHttp-based OpenAI-format client through a gate: {@link dev.llmgate.providers.okhttp.LlmGateInterceptor}. */
package dev.llmgate.providers.okhttp;
