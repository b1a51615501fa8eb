package dev.llmgate.policy.fuzz;

import dev.llmgate.policy.Finding;
import dev.llmgate.policy.FindingTypes;
import dev.llmgate.policy.Policy;
import dev.llmgate.policy.PolicyStage;
import dev.llmgate.policy.preset.CompliancePreset;
import java.util.List;
import java.util.function.IntUnaryOperator;

/**
 * The invariant behind the policy's normalisation: a value a preset finds stays found when it is
 * written differently (its group separators replaced by other separators, an invisible character
 * put inside it, its digits written in another script, some of its characters escaped as JSON,
 * HTML or URL escapes), and the redacted text holds none of its digits in a row. Driven by a
 * choice function, so that both the coverage-guided fuzzer and a seeded random run can use it.
 */
final class FoldingInvariant {
    private FoldingInvariant() {}

    static final Policy POLICY = Policy.builder()
            .preset(CompliancePreset.HIPAA)
            .preset(CompliancePreset.PCI_DSS)
            .build();

    /** Values and their types; groups are separated by single spaces (the separator the transformations replace). */
    static final String[][] VALUES = {
        {"4111 1111 1111 1111", FindingTypes.CREDIT_CARD}, {"5500 0000 0000 0004", FindingTypes.CREDIT_CARD},
        {"3782 822463 10005", FindingTypes.CREDIT_CARD}, {"6011 0009 9013 9424", FindingTypes.CREDIT_CARD},
        {"536 22 1456", FindingTypes.US_SSN}, {"078 05 1121", FindingTypes.US_SSN},
        {"DE89 3704 0044 0532 0130 00", FindingTypes.IBAN}, {"GB29 NWBK 6016 1331 9268 19", FindingTypes.IBAN},
        {"FR14 2004 1010 0505 0001 3M02 606", FindingTypes.IBAN}
    };

    static final String[] SEPARATORS = {
        " ", "\u00A0", "\u202F", "\u2009", "\u3000", "\n", "\t", "\r\n", "-", "\u2013", "\u2212", "\uFF0D", "/", ".",
        "_", " - "
    };
    static final String[] INVISIBLE = {
        "\u200B",
        "\u200C",
        "\u200D",
        "\u2060",
        "\uFEFF",
        "\u00AD",
        "\u202A",
        "\u2066",
        "\u034F",
        "\uFE0F",
        "\uDB40\uDC41"
    };
    static final int[] DIGIT_ZEROS = {
        '0', 0xFF10, 0x0660, 0x06F0, 0x0966, 0x09E6, 0x0E50, 0x1D7CE, 0x1D7D8, 0x1D7E2, 0x1D7EC, 0x1D7F6
    };
    static final String[] CONTEXT = {
        "Please use", "on file:", "value", "Notes.", "id is", "(see attached)", "\u2014", "ok"
    };

    /** Builds a transformed value from {@code choose} (choose.applyAsInt(n) returns a number in [0, n)) and checks the invariant. */
    static void check(IntUnaryOperator choose) {
        String[] v = VALUES[choose.applyAsInt(VALUES.length)];
        String value = v[0];
        // the separator between groups (an IBAN's groups may also be joined directly)
        String sep = SEPARATORS[choose.applyAsInt(SEPARATORS.length)];
        if (v[1].equals(FindingTypes.US_SSN) && (sep.equals(" - ") || sep.equals("\r\n") || sep.equals("\u3000"))) {
            sep = "-"; // (a 3-2-4 number takes one separator character)
        }
        value = value.replace(" ", sep);
        int zero = DIGIT_ZEROS[choose.applyAsInt(DIGIT_ZEROS.length)];
        StringBuilder b = new StringBuilder();
        for (int i = 0; i < value.length(); i++) {
            char c = value.charAt(i);
            int how = choose.applyAsInt(8);
            if (c >= '0' && c <= '9') {
                int cp = zero + (c - '0');
                if (how == 0) {
                    b.append(String.format("\\u%04x", (int) c));
                } else if (how == 1) {
                    b.append("&#").append((int) c).append(';');
                } else if (how == 2) {
                    b.append('%').append(Integer.toHexString(c).toUpperCase(java.util.Locale.ROOT));
                } else {
                    b.appendCodePoint(cp);
                }
            } else {
                b.append(c);
            }
            if (i + 1 < value.length() && how == 7) {
                b.append(INVISIBLE[choose.applyAsInt(INVISIBLE.length)]);
            }
        }
        String written = b.toString();
        String text = CONTEXT[choose.applyAsInt(CONTEXT.length)] + " " + written + " "
                + CONTEXT[choose.applyAsInt(CONTEXT.length)];
        List<Finding> found = POLICY.evaluate(text, PolicyStage.INPUT).findings();
        if (found.stream().noneMatch(f -> f.type().equals(v[1]))) {
            throw new AssertionError(v[1] + " not found in " + escape(text));
        }
        String redacted = POLICY.redact(text, PolicyStage.INPUT);
        String digits = v[0].replaceAll("[^0-9]", "");
        if (redacted.replaceAll("[^0-9]", "").contains(digits.substring(0, Math.min(8, digits.length())))) {
            throw new AssertionError(v[1] + " not masked in " + escape(redacted));
        }
    }

    static String escape(String s) {
        StringBuilder b = new StringBuilder();
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            b.append(c >= 0x20 && c < 0x7F ? String.valueOf(c) : String.format("\\u%04X", (int) c));
        }
        return b.toString();
    }
}
