/**
 * Provider adapters on OkHttp and Jackson: OpenAI, Azure OpenAI, OpenAI-compatible servers,
 * Anthropic, Gemini and Ollama, and the bridges that run existing clients through a gate. The
 * {@code ...internal} packages are not exported. The official openai-java and anthropic-java SDKs are
 * optional: only {@code dev.llmgate.providers.openaisdk} and {@code ...anthropicsdk} need them.
 */
@SuppressWarnings({"requires-automatic", "requires-transitive-automatic"}) // okio and openai-java have no module-info
module dev.llmgate.providers {
    requires transitive dev.llmgate.api;
    requires transitive dev.llmgate.core;
    requires transitive okhttp3;
    requires okio;
    requires kotlin.stdlib;
    requires com.fasterxml.jackson.databind;
    requires static openai.java.core; // optional: an application that uses openaisdk requires it itself
    requires static com.anthropic.core; // optional: an application that uses anthropicsdk requires it itself

    exports dev.llmgate.providers;
    exports dev.llmgate.providers.anthropic;
    exports dev.llmgate.providers.anthropicsdk;
    exports dev.llmgate.providers.gemini;
    exports dev.llmgate.providers.okhttp;
    exports dev.llmgate.providers.ollama;
    exports dev.llmgate.providers.openai;
    exports dev.llmgate.providers.openaisdk;
}
