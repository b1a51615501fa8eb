package dev.llmgate.policy;

import java.util.concurrent.CompletionStage;

/**
 * The application's approval callback for {@link Verdict#REQUIRE_APPROVAL}: asks a person or a
 * workflow and completes with {@link Verdict#ALLOW} (or {@link Verdict#ALLOW_LOG}) to let the call go
 * on, or {@link Verdict#BLOCK} to stop it. If it does not complete within the {@link Approval}'s
 * timeout, or fails, the approval's default verdict applies. Must be thread-safe.
 */
@FunctionalInterface
public interface ApprovalHandler {

    /** Starts the approval of {@code request}; must not block (return a stage that completes later). */
    CompletionStage<Verdict> decide(ApprovalRequest request);
}
