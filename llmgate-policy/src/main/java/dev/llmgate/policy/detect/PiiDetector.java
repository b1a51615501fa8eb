package dev.llmgate.policy.detect;

import dev.llmgate.api.exception.ConfigurationException;
import dev.llmgate.policy.Finding;
import dev.llmgate.policy.detect.internal.BuiltInScans;
import dev.llmgate.policy.detect.internal.MeteredText;
import dev.llmgate.policy.detect.internal.PiiRecognizers;
import dev.llmgate.policy.detect.internal.Recognizer;
import dev.llmgate.policy.detect.internal.RecognizerSet;
import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.function.Consumer;

/**
 * Personal data with validation, not just patterns: e-mail, phone numbers (international and
 * national formats of the US, UK, Germany, France, Australia and India by their numbering plans, with
 * extensions; bare digit runs only after a telephone word), US SSN (invalid area/group/serial and
 * well-known test numbers rejected), payment cards (Luhn and issuer ranges; Luhn alone with a card
 * word near), CVV and magnetic-stripe track data, IBAN (country length and MOD-97), ABA routing
 * numbers (3-7-1 checksum), IPv4/IPv6 and MAC addresses, URLs, dates (and dates of birth near
 * "DOB"/"born"), US passport, driver licence, ITIN, NPI (Luhn with the 80840 prefix) and DEA
 * (checksum) numbers, Medicare Beneficiary Identifiers (CMS's format), UK NHS numbers (modulus 11) and
 * National Insurance numbers (HMRC's prefix rules), Canadian Social Insurance Numbers (Luhn), VINs
 * (check digit), medical-record, health-plan, account, licence, device and
 * plate numbers when labelled by context words, street addresses (US, German, French, Spanish),
 * ZIP codes near a state or "ZIP", and names introduced by context ("Patient:", "Name:", "Dr.") or
 * made of a listed given name and a listed surname.
 *
 * <p>Each finding's confidence combines the pattern's strength, checksum validation and context
 * words in the 48 characters before it; weak patterns (a bare 9-digit number) only reach the usual
 * threshold of 0.5 with context. Where findings of this detector overlap, the most confident wins.
 * Immutable and thread-safe; every pattern is compiled once, with bounded repetition only.
 */
public final class PiiDetector implements Detector {
    private static final List<Recognizer> ALL = PiiRecognizers.all();

    private final List<Recognizer> recognizers;
    private final RecognizerSet scanner;
    private final Set<String> types;

    private PiiDetector(List<Recognizer> recognizers) {
        this.recognizers = List.copyOf(recognizers);
        this.scanner = new RecognizerSet(this.recognizers);
        Set<String> t = new TreeSet<>();
        for (Recognizer r : recognizers) {
            t.add(r.type());
            if (r.contextType() != null) {
                t.add(r.contextType());
            }
        }
        this.types = Set.copyOf(t);
    }

    /** A detector of every personal-data type listed in the class documentation. */
    public static PiiDetector all() {
        return new PiiDetector(ALL);
    }

    /**
     * A detector of only {@code types} (see {@link dev.llmgate.policy.FindingTypes}).
     *
     * @throws ConfigurationException if a type is not one this detector knows
     */
    public static PiiDetector of(Collection<String> types) {
        Set<String> wanted = new LinkedHashSet<>(types);
        List<Recognizer> chosen = new ArrayList<>();
        for (Recognizer r : ALL) {
            if (wanted.contains(r.type()) || (r.contextType() != null && wanted.contains(r.contextType()))) {
                chosen.add(r);
            }
        }
        Set<String> known = all().types();
        List<String> unknown = new ArrayList<>();
        for (String w : wanted) {
            if (!known.contains(w)) {
                unknown.add(w);
            }
        }
        if (!unknown.isEmpty()) {
            throw new ConfigurationException(
                    "PiiDetector does not know the type(s) " + unknown + "; known types are " + known);
        }
        return new PiiDetector(chosen);
    }

    /** Shorthand for {@link #of(Collection)}. */
    public static PiiDetector of(String... types) {
        return of(List.of(types));
    }

    static {
        BuiltInScans.metered(PiiDetector.class, PiiDetector::detectMetered);
        BuiltInScans.recognizers(PiiDetector.class, PiiDetector::scannedRecognizers);
    }

    @Override
    public String id() {
        return "pii";
    }

    @Override
    public Set<String> types() {
        return types;
    }

    @Override
    public void detect(CharSequence text, Consumer<Finding> sink) {
        detectMetered(MeteredText.unlimited(text), sink);
    }

    /** Not API: {@link #detect(CharSequence, Consumer)} counting the work on {@code text}'s counter. */
    private void detectMetered(MeteredText text, Consumer<Finding> sink) {
        List<Finding> found = new ArrayList<>();
        scanner.scan(text, id(), found);
        for (Finding f : Recognizer.resolveOverlaps(found)) {
            sink.accept(f);
        }
    }

    /** The recognizers, for a policy's shared scan. */
    private List<Recognizer> scannedRecognizers() {
        return recognizers;
    }

    @Override
    public String toString() {
        return "PiiDetector" + types;
    }
}
