package dev.llmgate.policy.detect;

import dev.llmgate.policy.Finding;
import java.util.Set;
import java.util.function.Consumer;

/**
 * Finds things in text: the small SPI behind every built-in detector and any custom one.
 *
 * <p>Contract: deterministic (the same text gives the same findings), thread-safe (one instance
 * scans many texts at once), no I/O, and no catastrophic backtracking (bound every regex
 * repetition). Findings carry spans, never values. Compile patterns once, in the constructor.
 */
public interface Detector {

    /** A short stable id, e.g. {@code "pii"}; recorded in each {@link Finding#detector()}. */
    String id();

    /** The finding types this detector can report (used to validate rules at build time). */
    Set<String> types();

    /** Scans {@code text} and reports each finding to {@code sink}, in any order. */
    void detect(CharSequence text, Consumer<Finding> sink);
}
