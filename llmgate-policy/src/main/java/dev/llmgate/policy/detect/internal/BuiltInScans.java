package dev.llmgate.policy.detect.internal;

import dev.llmgate.policy.Finding;
import dev.llmgate.policy.detect.Detector;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Consumer;
import java.util.function.Function;

/**
 * How the policy engine reaches what the built-in detectors keep private: their metered scans
 * ({@link MeteredScan}) and their recognizers (for a policy's shared pass, {@link FusedScan}). The
 * detectors are public classes of an exported package; these capabilities are not API, so the
 * detectors do not implement them publicly but register them here when their class is
 * initialised (before any instance exists), once: a second registration for a class fails, so a
 * registered scan (and with it the work bound) cannot be replaced. Keyed by exact class: the
 * built-in detectors are final. Not API.
 */
public final class BuiltInScans {

    /** A detector's metered scan. */
    @FunctionalInterface
    public interface Metered<D extends Detector> {
        void detect(D detector, MeteredText text, Consumer<Finding> sink);
    }

    private static final Map<Class<?>, Metered<Detector>> METERED = new ConcurrentHashMap<>();
    private static final Map<Class<?>, Function<Detector, List<Recognizer>>> RECOGNIZERS = new ConcurrentHashMap<>();

    private BuiltInScans() {}

    /** Registers the metered scan of the detectors of class {@code type} (called from its static initialiser). */
    @SuppressWarnings("unchecked")
    public static <D extends Detector> void metered(Class<D> type, Metered<D> scan) {
        if (METERED.putIfAbsent(type, (Metered<Detector>) scan) != null) {
            throw new IllegalStateException("the metered scan of " + type.getName() + " is registered already");
        }
    }

    /** Registers the recognizers of the detectors of class {@code type}, whose findings are exactly theirs. */
    @SuppressWarnings("unchecked")
    public static <D extends Detector> void recognizers(Class<D> type, Function<D, List<Recognizer>> recognizers) {
        if (RECOGNIZERS.putIfAbsent(type, (Function<Detector, List<Recognizer>>) recognizers) != null) {
            throw new IllegalStateException("the recognizers of " + type.getName() + " are registered already");
        }
    }

    /** {@code d}'s metered scan, if it is a built-in detector. */
    public static Optional<MeteredScan> meteredScan(Detector d) {
        Metered<Detector> scan = METERED.get(d.getClass());
        return scan == null ? Optional.empty() : Optional.of((text, sink) -> scan.detect(d, text, sink));
    }

    /** {@code d}'s recognizers, if its findings are exactly those of a recognizer set (PII, secrets). */
    static Optional<RecognizerBacked> recognizerBacked(Detector d) {
        Function<Detector, List<Recognizer>> recognizers = RECOGNIZERS.get(d.getClass());
        if (recognizers == null) {
            return Optional.empty();
        }
        return Optional.of(new RecognizerBacked() {
            @Override
            public String id() {
                return d.id();
            }

            @Override
            public List<Recognizer> scannedRecognizers() {
                return recognizers.apply(d);
            }
        });
    }
}
