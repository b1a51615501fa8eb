package dev.llmgate.policy;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.llmgate.api.exception.ConfigurationException;
import dev.llmgate.policy.detect.PiiDetector;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class PiiDetectorTest {
    private static final PiiDetector PII = PiiDetector.all();

    /** The findings at or above the default threshold, as "TYPE:matched text". */
    static List<String> found(String text) {
        List<String> out = new ArrayList<>();
        PII.detect(text, f -> {
            if (f.confidence() >= Policy.DEFAULT_THRESHOLD) {
                out.add(f.type() + ":" + text.substring(f.start(), f.end()));
            }
        });
        return out;
    }

    @ParameterizedTest(name = "{0} finds {1}")
    @CsvSource(
            delimiter = '|',
            value = {
                "write to jane.doe+news@example.co.uk today | EMAIL:jane.doe+news@example.co.uk",
                "call +44 20 7123 4567 now | PHONE:+44 20 7123 4567",
                "US office (415) 555-0132 | PHONE:(415) 555-0132",
                "SSN 536-22-1456 on file | US_SSN:536-22-1456",
                "ssn: 536221456 | US_SSN:536221456",
                "card 4111 1111 1111 1111 exp 12/29 | CREDIT_CARD:4111 1111 1111 1111",
                "amex 3714-496353-98431 | CREDIT_CARD:3714-496353-98431",
                "card 7111111111111114 (Luhn-valid, unknown issuer) | CREDIT_CARD:7111111111111114",
                "Karte 1234 5678 1234 5670 | CREDIT_CARD:1234 5678 1234 5670",
                "CC 123456789007 | CREDIT_CARD:123456789007",
                "enRoute 201400000000009 | CREDIT_CARD:201400000000009",
                "my iban is de89 3704 0044 0532 0130 00 | IBAN:de89 3704 0044 0532 0130 00",
                "iban: gb82west12345698765432 | IBAN:gb82west12345698765432",
                "IBAN GB82 west 1234 5698 7654 32 | IBAN:GB82 west 1234 5698 7654 32",
                "pay to DE89 3704 0044 0532 0130 00 please | IBAN:DE89 3704 0044 0532 0130 00",
                "from 192.168.10.4 port | IP_ADDRESS:192.168.10.4",
                "host 2001:db8::8a2e:370:7334 | IP_ADDRESS:2001:db8::8a2e:370:7334",
                "see https://example.com/a?b=c. | URL:https://example.com/a?b=c",
                "seen on 2024-03-15 | DATE:2024-03-15",
                "DOB: 04/12/1987 | DATE_OF_BIRTH:04/12/1987",
                "born March 3, 1990 | DATE_OF_BIRTH:March 3, 1990",
                "passport number 912803456 | US_PASSPORT:912803456",
                "driver's license D1234567 | US_DRIVER_LICENSE:D1234567",
                "ITIN 912-70-1234 | US_ITIN:912-70-1234",
                "NPI 1234567893 | US_NPI:1234567893",
                "DEA AB1234563 | US_DEA:AB1234563",
                "VIN 1HGCM82633A004352 | VEHICLE_ID:1HGCM82633A004352",
                "MRN: 00123456 | MEDICAL_RECORD_NUMBER:00123456",
                "Member ID: XK-99812 | HEALTH_PLAN_NUMBER:XK-99812",
                "lives at 1600 Pennsylvania Avenue NW | POSTAL_ADDRESS:1600 Pennsylvania Avenue",
                "Wohnt in der Hauptstraße 12 | POSTAL_ADDRESS:Hauptstraße 12",
                "Springfield, IL 62704 | ZIP_CODE:62704",
                "Patient: John Smith, 45 | PERSON_NAME:John Smith",
                "seen by Dr. Alvarez today | PERSON_NAME:Alvarez",
                "CVV: 123 | CARD_CVV:123",
                "MAC 00:1A:2B:3C:4D:5E | MAC_ADDRESS:00:1A:2B:3C:4D:5E",
                "routing 121000358 | ABA_ROUTING:121000358"
            })
    void findsValidIdentifiers(String text, String expected) {
        assertThat(found(text)).contains(expected);
    }

    @ParameterizedTest(name = "nothing of {1} in: {0}")
    @CsvSource(
            delimiter = '|',
            value = {
                "SSN 000-12-3456 | US_SSN",
                "SSN 666-12-3456 | US_SSN",
                "SSN 912-34-5678 | US_SSN",
                "SSN 123-00-4567 | US_SSN",
                "SSN 123-45-0000 | US_SSN",
                "SSN 078-05-1120 | US_SSN",
                "SSN 536-22.1456 | US_SSN",
                "card 4111 1111 1111 1112 | CREDIT_CARD",
                "order 7111111111111114 (Luhn-valid, unknown issuer, no card word) | CREDIT_CARD",
                "card 7111111111111115 (unknown issuer, Luhn fails) | CREDIT_CARD",
                "card 4111-1111-1111-111 | CREDIT_CARD",
                "iban DE89 3704 0044 0532 0130 01 | IBAN",
                "iban XX89 3704 0044 0532 0130 00 | IBAN",
                "NPI 1234567890 | US_NPI",
                "NPI 3234567893 | US_NPI",
                "DEA AB1234567 | US_DEA",
                "DEA QB1234563 | US_DEA",
                "VIN 1HGCM82643A004352 | VEHICLE_ID",
                "ITIN 912-89-1234 | US_ITIN",
                "version 1.2.3.4.5 | IP_ADDRESS",
                "ip 256.1.1.1 | IP_ADDRESS",
                "time 10:30:00 and std::cout | IP_ADDRESS",
                "email me at jane@localhost | EMAIL",
                "see report.pdf and config.yaml | URL",
                "on 2024-13-45 | DATE",
                "number 912803456 | US_PASSPORT",
                "number D1234567 | US_DRIVER_LICENSE",
                "order 00123456 shipped | MEDICAL_RECORD_NUMBER",
                "we sold 62704 units | ZIP_CODE",
                "the name of the game | PERSON_NAME",
                "broadcast FF:FF:FF:FF:FF:FF | MAC_ADDRESS",
                "invoice 123456789 | ABA_ROUTING"
            })
    void rejectsInvalidChecksumsAndNearMisses(String text, String type) {
        assertThat(found(text)).noneMatch(f -> f.startsWith(type + ":"));
    }

    @Test
    void contextWordsRaiseConfidence() {
        List<Finding> bare = new ArrayList<>();
        List<Finding> labelled = new ArrayList<>();
        PII.detect("536221456", bare::add);
        PII.detect("Social Security Number 536221456", labelled::add);
        double bareSsn = bare.stream()
                .filter(f -> f.type().equals(FindingTypes.US_SSN))
                .mapToDouble(Finding::confidence)
                .max()
                .orElse(0);
        double labelledSsn = labelled.stream()
                .filter(f -> f.type().equals(FindingTypes.US_SSN))
                .mapToDouble(Finding::confidence)
                .max()
                .orElse(0);
        assertThat(bareSsn).isLessThan(Policy.DEFAULT_THRESHOLD);
        assertThat(labelledSsn).isGreaterThanOrEqualTo(Policy.DEFAULT_THRESHOLD).isGreaterThan(bareSsn);
    }

    @Test
    void findingsCarrySpansNotValues() {
        String text = "mail a@b.io";
        List<Finding> found = new ArrayList<>();
        PII.detect(text, found::add);
        assertThat(found).singleElement().satisfies(f -> {
            assertThat(f.start()).isEqualTo(5);
            assertThat(f.end()).isEqualTo(11);
            assertThat(f.toString()).doesNotContain("a@b.io");
        });
    }

    @Test
    void perTypeSubsetAndUnknownTypes() {
        PiiDetector emailsOnly = PiiDetector.of(FindingTypes.EMAIL);
        List<Finding> found = new ArrayList<>();
        emailsOnly.detect("a@b.io 4111 1111 1111 1111", found::add);
        assertThat(found).extracting(Finding::type).containsExactly(FindingTypes.EMAIL);
        assertThatThrownBy(() -> PiiDetector.of("EMIAL"))
                .isInstanceOf(ConfigurationException.class)
                .hasMessageContaining("EMIAL")
                .hasMessageContaining("EMAIL");
    }

    @Test
    void thresholdsArePerType() {
        Policy strict = Policy.builder()
                .detector(PII)
                .rule(Rule.of("r", Verdict.BLOCK, FindingTypes.PHONE))
                .threshold(FindingTypes.PHONE, 0.99)
                .build();
        Policy lax = Policy.builder()
                .detector(PII)
                .rule(Rule.of("r", Verdict.BLOCK, FindingTypes.PHONE))
                .build();
        assertThat(strict.evaluate("call (415) 555-0132", PolicyStage.INPUT).verdict())
                .isEqualTo(Verdict.ALLOW);
        assertThat(lax.evaluate("call (415) 555-0132", PolicyStage.INPUT).verdict())
                .isEqualTo(Verdict.BLOCK);
    }
}
