package dev.llmgate.policy;

import dev.llmgate.policy.internal.Engine;

/** Gives tests in other packages the engine behind a policy (not API: {@code Policy.engine()} is package-private). */
public final class PolicyEngines {
    private PolicyEngines() {}

    public static Engine of(Policy policy) {
        return policy.engine();
    }
}
