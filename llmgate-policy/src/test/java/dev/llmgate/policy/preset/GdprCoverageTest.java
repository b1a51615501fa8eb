package dev.llmgate.policy.preset;

import static org.assertj.core.api.Assertions.assertThat;

import dev.llmgate.policy.Decision;
import dev.llmgate.policy.FindingTypes;
import dev.llmgate.policy.Policy;
import dev.llmgate.policy.PolicyStage;
import dev.llmgate.policy.Rule;
import dev.llmgate.policy.Verdict;
import dev.llmgate.policy.detect.PiiDetector;
import dev.llmgate.policy.redact.RedactionMode;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * The GDPR preset pseudonymises every identifier type its personal-data detector can emit, except the
 * documented exclusions below (docs/policy-presets.md, GDPR): a type added to {@link PiiDetector} without a
 * decision here fails this test.
 */
class GdprCoverageTest {
    /** Types the preset deliberately leaves alone, with the reason documented in docs/policy-presets.md. */
    static final Map<String, String> EXCLUDED = Map.of(
            FindingTypes.DATE, "a date on its own identifies nobody (DATE_OF_BIRTH is covered)",
            FindingTypes.URL, "a URL addresses a resource; an e-mail or a name in it is found as its own type",
            FindingTypes.ABA_ROUTING, "a routing number identifies a bank, not a person");

    @Test
    void everyTypeThePiiDetectorEmitsIsPseudonymisedOrADocumentedExclusion() {
        Policy gdpr = Policy.builder().preset(CompliancePreset.GDPR).build();
        assertThat(PiiDetector.all().types()).containsAll(EXCLUDED.keySet());
        for (String type : PiiDetector.all().types()) {
            boolean constrained = gdpr.rules().stream()
                    .anyMatch(
                            r -> r.verdict() == Verdict.CONSTRAIN && r.appliesTo(PolicyStage.INPUT) && r.selects(type));
            if (EXCLUDED.containsKey(type)) {
                assertThat(gdpr.rules().stream().anyMatch((Rule r) -> r.selects(type)))
                        .as("%s is a documented exclusion", type)
                        .isFalse();
                continue;
            }
            assertThat(constrained).as("GDPR constrains %s at input", type).isTrue();
            RedactionMode expected =
                    type.equals(FindingTypes.CREDIT_CARD) ? RedactionMode.MASK : RedactionMode.TOKENIZE;
            assertThat(gdpr.redactionMode(type))
                    .as("GDPR redaction of %s", type)
                    .isEqualTo(expected);
        }
    }

    @Test
    void aLicenceNumberAndADeviceIdAreConstrained() {
        Policy gdpr = Policy.builder().preset(CompliancePreset.GDPR).build();
        Decision d = gdpr.evaluate("licence number AB-123456, serial number SN-99887766", PolicyStage.INPUT);
        assertThat(d.verdict()).isEqualTo(Verdict.CONSTRAIN);
        assertThat(d.findings())
                .extracting(f -> f.type())
                .contains(FindingTypes.LICENSE_NUMBER, FindingTypes.DEVICE_ID);
    }
}
