package dev.llmgate.policy.detect.internal;

import java.util.List;

/**
 * A detector whose findings are exactly those of a {@link RecognizerSet} over its recognizers,
 * with overlaps resolved ({@link Recognizer#resolveOverlaps}), so that a policy may scan several
 * such detectors in one shared pass ({@link FusedScan}). Not API.
 */
interface RecognizerBacked {
    /** The detector's id, as its findings carry it. */
    String id();

    /** The recognizers, in the order the detector runs them. */
    List<Recognizer> scannedRecognizers();
}
