package dev.llmgate.policy;

import java.util.Objects;

/**
 * Something a detector found: its type, where it is and how sure the detector is. A finding never
 * holds the matched value, so findings (and the decisions made of them) can be logged and audited.
 *
 * @param type       what was found, e.g. {@code "EMAIL"} or {@code "SECRET_AWS_ACCESS_KEY"} (see {@link FindingTypes})
 * @param start      first character (UTF-16 index into the scanned text), inclusive
 * @param end        last character, exclusive
 * @param confidence 0 to 1: pattern strength, checksum validation and context words combined
 * @param detector   the id of the detector that found it
 */
public record Finding(String type, int start, int end, double confidence, String detector) {
    public Finding {
        Objects.requireNonNull(type, "type");
        Objects.requireNonNull(detector, "detector");
        if (start < 0 || end < start) {
            throw new IllegalArgumentException("invalid span [" + start + ", " + end + ")");
        }
        if (!(confidence >= 0 && confidence <= 1)) {
            throw new IllegalArgumentException("confidence must be between 0 and 1, was " + confidence);
        }
    }

    /** The number of characters covered. */
    public int length() {
        return end - start;
    }

    /** True if this finding's span overlaps {@code other}'s. */
    public boolean overlaps(Finding other) {
        return start < other.end && other.start < end;
    }

    /** This finding moved by {@code delta} characters (used when a scanned window starts inside a larger text). */
    public Finding shift(int delta) {
        return new Finding(type, start + delta, end + delta, confidence, detector);
    }
}
