/**
 * LangChain4j on llmgate: models backed by a gate ({@code GateChatModel}, {@code GateStreamingChatModel},
 * {@code GateEmbeddingModel}) and a provider that runs an existing LangChain4j model through a gate
 * ({@code LangChain4jProvider}). The {@code ...internal} package is not exported.
 */
@SuppressWarnings({"requires-automatic", "requires-transitive-automatic"}) // langchain4j-core has no module-info
module dev.llmgate.langchain4j {
    requires transitive dev.llmgate.core;
    requires transitive langchain4j.core;
    requires com.fasterxml.jackson.databind;

    exports dev.llmgate.langchain4j;
}
