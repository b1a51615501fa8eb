/**
 * What a test of an {@code Interceptor}, a {@code ModelProvider} or a detector needs: a call context,
 * a fake chain, a scripted provider, a controllable clock and a simulated model server.
 */
module dev.llmgate.testing {
    requires transitive dev.llmgate.api;
    requires com.fasterxml.jackson.databind;
    requires jdk.httpserver;

    exports dev.llmgate.testing;
}
