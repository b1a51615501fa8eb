package dev.llmgate.policy.detect.internal;

import dev.llmgate.policy.Finding;
import dev.llmgate.policy.detect.Detector;
import java.util.ArrayList;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Several {@link RecognizerBacked} detectors of one policy scanned in one shared pass: one
 * character-feature pass, one candidate index, one keyword pass, instead of one of each per
 * detector. Each detector gets exactly the findings its own {@code detect} would give (same
 * recognizers, same order, overlaps resolved per detector). Immutable and thread-safe. Not API.
 */
public final class FusedScan {
    private final RecognizerSet set;
    private final Map<Detector, String> fused;

    private FusedScan(RecognizerSet set, Map<Detector, String> fused) {
        this.set = set;
        this.fused = fused;
    }

    /** A shared scan of the recognizer-backed detectors among {@code detectors}, if at least two fit in one index (64 recognizers). */
    public static Optional<FusedScan> of(List<Detector> detectors) {
        List<Recognizer> recognizers = new ArrayList<>();
        List<String> ids = new ArrayList<>();
        IdentityHashMap<Detector, String> fused = new IdentityHashMap<>();
        java.util.Set<String> seenIds = new java.util.HashSet<>();
        for (Detector d : detectors) {
            RecognizerBacked b = BuiltInScans.recognizerBacked(d).orElse(null);
            if (b != null && seenIds.add(b.id())) {
                List<Recognizer> own = b.scannedRecognizers();
                if (recognizers.size() + own.size() > 64) {
                    continue;
                }
                recognizers.addAll(own);
                for (int i = 0; i < own.size(); i++) {
                    ids.add(b.id());
                }
                fused.put(d, b.id());
            }
        }
        if (fused.size() < 2) {
            return Optional.empty();
        }
        return Optional.of(new FusedScan(new RecognizerSet(recognizers, ids), fused));
    }

    /** Whether {@code detector}'s findings come from {@link #scan}. */
    public boolean covers(Detector detector) {
        return fused.containsKey(detector);
    }

    /** The findings of every covered detector in {@code text}: per detector id, overlaps resolved. */
    public Map<String, List<Finding>> scan(CharSequence text) {
        return scan(MeteredText.unlimited(text));
    }

    /** Like {@link #scan(CharSequence)}, counting the work on {@code text}'s counter. */
    public Map<String, List<Finding>> scan(MeteredText text) {
        List<Finding> all = new ArrayList<>();
        set.scan(text, null, all);
        Map<String, List<Finding>> byDetector = new java.util.HashMap<>();
        for (Finding f : all) {
            byDetector.computeIfAbsent(f.detector(), k -> new ArrayList<>()).add(f);
        }
        byDetector.replaceAll((k, v) -> Recognizer.resolveOverlaps(v));
        return byDetector;
    }

    /** The id under which {@code detector}'s findings are reported. */
    public String idOf(Detector detector) {
        return fused.get(detector);
    }
}
