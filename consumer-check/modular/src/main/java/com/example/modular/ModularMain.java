package com.example.modular;

import dev.llmgate.api.ChatRequest;
import dev.llmgate.api.ChatResponse;
import dev.llmgate.core.LlmGate;
import dev.llmgate.policy.Policy;
import dev.llmgate.policy.preset.CompliancePreset;
import dev.llmgate.providers.openai.OpenAiCompatibleProvider;
import dev.llmgate.testing.LocalModelServer;

/** A governed call on the module path against the simulated model: the e-mail address must be masked before it leaves. */
public final class ModularMain {
    public static void main(String[] args) {
        try (LocalModelServer server = LocalModelServer.start();
             LlmGate gate = LlmGate.builder()
                     .provider("local", OpenAiCompatibleProvider.builder(server.baseUrl()).name("local").build())
                     .addInterceptor(Policy.builder().preset(CompliancePreset.HIPAA).build().interceptor())
                     .build()) {
            ChatResponse answer = gate.chat(ChatRequest.of("local:" + LocalModelServer.MODEL, "Mail ann.lee@example.org the results"));
            if (answer.text().contains("ann.lee@example.org")) {
                throw new AssertionError("the e-mail address reached the model: " + answer.text());
            }
            if (!ModularMain.class.getModule().isNamed()) {
                throw new AssertionError("ran on the class path, not as a module");
            }
            System.out.println("modular consumer: " + ModularMain.class.getModule().getName() + " -> " + answer.text());
        }
    }
}
