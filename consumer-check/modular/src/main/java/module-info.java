/** A user's application module: reads only what llmgate's modules export. */
module com.example.modular {
    requires dev.llmgate.core;
    requires dev.llmgate.providers;
    requires dev.llmgate.policy;
    requires dev.llmgate.testing;
}
