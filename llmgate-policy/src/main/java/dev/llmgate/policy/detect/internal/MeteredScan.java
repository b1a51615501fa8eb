package dev.llmgate.policy.detect.internal;

import dev.llmgate.policy.Finding;
import java.util.function.Consumer;

/**
 * A built-in detector whose work is counted: it reads the text through {@link MeteredText} (its
 * regular expressions) or charges what its hand-written passes read, so a policy scan can bound
 * its work. Each such detector does work linear in the text's length. Not API.
 */
public interface MeteredScan {
    /** Like {@link dev.llmgate.policy.detect.Detector#detect}, counting the work on {@code text}'s counter. */
    void detect(MeteredText text, Consumer<Finding> sink);
}
