package dev.llmgate.policy;

import static org.assertj.core.api.Assertions.assertThat;

import dev.llmgate.policy.preset.CompliancePreset;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * Identifiers read from their issuers' published formats: the US Medicare Beneficiary Identifier (CMS), the UK NHS
 * number (modulus 11), the UK National Insurance number (HMRC's prefix rules) and the Canadian Social Insurance Number
 * (Luhn); each with the look-alikes it must leave alone, and the presets that act on them. The valid numbers here were
 * computed from the check rules, not taken from a data set.
 */
class NationalIdentifierTest {

    @ParameterizedTest(name = "{0} finds {1}")
    @CsvSource(
            delimiter = '|',
            value = {
                "MBI 5KT7-WM3-CA21 on file | US_MBI:5KT7-WM3-CA21",
                "beneficiary 7WX2PQ8RT45 | US_MBI:7WX2PQ8RT45",
                "mbi: 2hj9-km4-nq77 | US_MBI:2hj9-km4-nq77",
                "card shows 9AA9-AA9-AA99 | US_MBI:9AA9-AA9-AA99",
                "NHS number 609 139 0996 | UK_NHS:609 139 0996",
                "NHS No. 6091390996 | UK_NHS:6091390996",
                "her number is 907 866 6617 | UK_NHS:907 866 6617",
                "nhs 116-372-6516 | UK_NHS:116-372-6516",
                "NI number JG 10 37 85 D | UK_NINO:JG 10 37 85 D",
                "nino ce902233a | UK_NINO:ce902233a",
                "my NI no is SK 451209B | UK_NINO:SK 451209B",
                "WL123456A | UK_NINO:WL123456A",
                "SIN 527 316 723 | CA_SIN:527 316 723",
                "social insurance number 250587706 | CA_SIN:250587706",
                "NAS : 977-183-417 | CA_SIN:977-183-417",
                "615 055 613 | CA_SIN:615 055 613"
            })
    void findsEachFormat(String text, String expected) {
        assertThat(PiiDetectorTest.found(text)).contains(expected);
    }

    @ParameterizedTest(name = "nothing of {1} in: {0}")
    @CsvSource(
            delimiter = '|',
            value = {
                // letters CMS never uses (S L O I B Z), wrong positions, wrong length, mixed case
                "MBI 5ST7-WM3-CA21 | US_MBI",
                "MBI 5KT7-WM3-CO21 | US_MBI",
                "MBI 5KT7-WM3-CA2 | US_MBI",
                "MBI 5KT7-WM3-CA211 | US_MBI",
                "MBI K5T7-WM3-CA21 | US_MBI",
                "MBI 5Kt7-WM3-CA21 | US_MBI",
                "MBI 5KT7WM3-CA21 | US_MBI",
                "sku 5KT7-WM3-CA21-X | US_MBI",
                // a wrong check digit, a check digit of 10, all the same digit, a Unix time, mixed separators
                "NHS 609 139 0997 | UK_NHS",
                "NHS 000 000 0000 | UK_NHS",
                "created 1700031676 by cron | UK_NHS",
                "NHS 609 139-0996 | UK_NHS",
                "order 6091390996 shipped | UK_NHS",
                // prefixes HMRC never allocates, a first letter it never uses, a suffix beyond D, digits glued on
                "GB 12 34 56 A | UK_NINO",
                "ZZ 12 34 56 A | UK_NINO",
                "QA 12 34 56 A | UK_NINO",
                "DA 12 34 56 A | UK_NINO",
                "JG 10 37 85 E | UK_NINO",
                "JG1037851D | UK_NINO",
                "XJG 10 37 85 D | UK_NINO",
                // a failed Luhn check, a first digit Canada does not issue, mixed separators, part of a longer number
                "SIN 527 316 724 | CA_SIN",
                "SIN 046 454 286 | CA_SIN",
                "SIN 827 316 723 | CA_SIN",
                "SIN 527 316-723 | CA_SIN",
                "ref 1527 316 723 | CA_SIN",
                "total 527 316 723,50 | CA_SIN",
                "id 527316723 | CA_SIN"
            })
    void doesNotFindLookAlikes(String text, String type) {
        assertThat(PiiDetectorTest.found(text)).noneMatch(f -> f.startsWith(type + ":"));
    }

    @Test
    void hipaaMasksTheBeneficiaryIdentifierAndTheOtherNationalNumbers() {
        Policy hipaa = Policy.builder().name("h").preset(CompliancePreset.HIPAA).build();
        String text = "Member 5KT7-WM3-CA21, NHS 609 139 0996, NI JG 10 37 85 D, SIN 527 316 723.";

        Decision d = hipaa.evaluate(text, PolicyStage.INPUT);
        String redacted = hipaa.redact(text, PolicyStage.INPUT);

        assertThat(d.verdict()).isEqualTo(Verdict.CONSTRAIN);
        assertThat(d.ruleIds())
                .contains("hipaa.164.514(b)(2)(i)(I).health-plan", "hipaa.164.514(b)(2)(i)(R).other-unique-id");
        assertThat(redacted)
                .doesNotContain("5KT7-WM3-CA21", "609 139 0996", "JG 10 37 85 D", "527 316 723")
                .doesNotContain("0996", "CA21", "85 D", "723");
    }

    @Test
    void gdprActsOnThemAndUnicodeFormattingDoesNotHideThem() {
        Policy gdpr = Policy.builder().name("g").preset(CompliancePreset.GDPR).build();
        // full-width digits, a no-break space and a zero-width space inside the numbers
        String text =
                "NHS \uff16\uff10\uff19 139\u00a00996 and NINO JG 10\u200b 37 85 D and MBI 5KT7\u2011WM3\u2011CA21";

        String redacted = gdpr.redact(text, PolicyStage.INPUT);

        assertThat(gdpr.evaluate(text, PolicyStage.INPUT).verdict()).isEqualTo(Verdict.CONSTRAIN);
        assertThat(redacted).doesNotContain("0996", "85 D", "CA21").contains("[UK_NHS", "[UK_NINO", "[US_MBI");
    }
}
