package dev.llmgate.policy;

import static org.assertj.core.api.Assertions.assertThat;

import dev.llmgate.policy.preset.CompliancePreset;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Red-team round 9: values whose detection hangs on a label, written the way records, forms and payloads write them.
 * "Member ID Number: XYZ123456789" masked the word "Number" and sent the number; JSON and XML labels were not read;
 * card verification codes as field names, in brackets or after a short phrase did not trigger PCI DSS's block.
 */
class StructuredLabelAttackTest {
    private static final Policy HIPAA =
            Policy.builder().name("h").preset(CompliancePreset.HIPAA).build();
    private static final Policy PCI =
            Policy.builder().name("p").preset(CompliancePreset.PCI_DSS).build();

    @ParameterizedTest(name = "{0}")
    @CsvSource(
            delimiter = '|',
            value = {
                "Member ID Number: XYZ123456789 | XYZ123456789",
                "Member ID No: XYZ123456789 | XYZ123456789",
                "Medical Record Number (MRN): 4471829 | 4471829",
                "Patient ID Number: 4471829 | 4471829",
                "Subscriber ID Number: W123456789 | W123456789",
                "Serial Number (SN): PM12345678 | PM12345678",
                "{\"mrn\":\"4471829\"} | 4471829",
                "<MRN>4471829</MRN> | 4471829",
                "mrn = '4471829' | 4471829",
                "Member IDs: XYZ123456789, W123456789 | XYZ123456789",
                "Patient MRNs: 4471829 and 5582930 | 4471829",
                "MRNs: 40012 | 40012",
                "Device IDs: 12345 | 12345"
            })
    void hipaaMasksTheValueAfterTheWholeLabel(String text, String value) {
        String redacted = HIPAA.redact(text, PolicyStage.INPUT);
        assertThat(redacted).doesNotContain(value);
    }

    @ParameterizedTest(name = "{0}")
    @ValueSource(
            strings = {
                "The policy number is required for all 2024 claims",
                "License number: pending renewal in 2025",
                "Group number: Engineering",
                "Member ID: see the back of your card",
                "Our medical records 2019 audit found no gaps",
                "The account numbers 2024 report is attached",
                // a review: a plural label is followed by counts more often than by identifiers
                "Health plans: 2024 options",
                "Medical records: 1998 to 2003",
                "Member IDs: 1200 active",
                "Patient IDs: 2024 cohort",
                "Policy numbers: 3000 issued",
                "License plates: 12 cars",
                "  member ids: 1200"
            })
    void aLabelFollowedByAWordIsNoIdentifier(String text) {
        assertThat(HIPAA.redact(text, PolicyStage.INPUT)).isEqualTo(text);
    }

    @ParameterizedTest(name = "{0}")
    @ValueSource(
            strings = {
                "{\"pan\": \"4111111111111111\", \"cvv\": \"123\"}",
                "{\"cvc\": 123}",
                "<ns:CVV2>123</ns:CVV2>",
                "cvv: \"123\"",
                "card_cvc=123&exp=1229",
                "card[number]=4242424242424242&card[cvc]=123",
                "security_code=123",
                "The CVV on the back is 123.",
                "Kartenpr\u00fcfnummer: 123",
                "cryptogramme visuel : 123",
                "CVV code: 482",
                "CVV number: 482",
                "Security code (CVV): 482",
                "CVV (on the back): 123",
                "the CVV on my card was 123",
                "My CVV printed on the back is 123",
                // a compound key read as its words; CID after a card's name, a determiner or a size
                "{\"cardCvv\": \"123\"}",
                "Amex CID: 1234",
                "Card CID 1234",
                "your CID is 1234",
                "the 4-digit CID: 1234",
                // a review: CID/CSC in capitals after a number, an issuer, a possessive or any other word
                "4111 1111 1111 1111 exp 12/26 CSC 123",
                "Card number: 378282246310005 Expiry: 04/27 CID: 1234",
                "Visa CSC: 123",
                "Please enter the Amex card's CID: 1234",
                "The cardholder's CID: 1234",
                "payment CID: 1234",
                "Amex Gold cid 4321",
                // a third review: CSC in capitals after any word, CID after a card or its issuer
                "Card: 4111 1111 1111 1111 Exp 12/26 Customer CSC 123",
                "Please provide CSC 123",
                "Confirm CSC: 123",
                "Name on card Jane Doe CSC 123",
                "Amex Blue CID: 1234",
                "Discover It CID: 123",
                "Expiry MM/YY CSC 123",
                "cvv which is 123"
            })
    void pciBlocksAVerificationCodeWrittenAsAFieldOrAPhrase(String text) {
        assertThat(PCI.evaluate(text, PolicyStage.INPUT).verdict()).isEqualTo(Verdict.BLOCK);
    }

    @ParameterizedTest(name = "{0}")
    @ValueSource(
            strings = {
                "The CVV is not required for 123 orders",
                "cvv_length=3",
                "Call the security desk on ext 1234 about the code",
                "card 42 of 123",
                "Our security code review process was 2024's top priority",
                "The CID officers said the case was 2019",
                "{\"campaign_cid\": 1234}",
                "order_cid=4821",
                "{\"campaignCid\": 1234, \"orderCsc\": \"5521\"}",
                "Process CID 4021 crashed",
                "customer CID 1234"
            })
    void ordinaryTextAboutCodesIsNotBlocked(String text) {
        assertThat(PCI.evaluate(text, PolicyStage.INPUT).verdict()).isNotEqualTo(Verdict.BLOCK);
    }

    @ParameterizedTest(name = "{0}")
    @CsvSource(
            delimiter = '|',
            value = {
                "Patient: MARGARET WHITFIELD | WHITFIELD",
                "Name: MARGARET WHITFIELD | MARGARET",
                "PATIENT NAME: WHITFIELD, MARGARET | MARGARET",
                "MR. JOHN WHITFIELD | WHITFIELD",
                "Attending: DR. CHIDI OKAFOR | OKAFOR",
                "Sehr geehrte Frau Dr. Schneider, | Schneider",
                "Mrs. Dr. Whitfield | Whitfield",
                "Patient: Mary Smith-Jones | Jones",
                "Patient: Ian McDonald | Donald",
                "Name: J\u00fcrgen M\u00fcller-L\u00fcdenscheidt | denscheidt",
                "Madame Dupont, | Dupont",
                "Bonjour Monsieur Dupont | Dupont",
                "Sehr geehrte Frau Prof. Dr. Schneider, | Schneider",
                "Herr Dr. med. M\u00fcller | ller",
                "Patient: O'BRIEN, MARGARET | BRIEN",
                "MR. SMITH | SMITH",
                "Herr Prof. Dr. med. Klein | Klein"
            })
    void namesInCapitalsAfterTitlesAndWithInnerCapitalsAreMaskedWhole(String text, String part) {
        assertThat(HIPAA.redact(text, PolicyStage.INPUT)).doesNotContain(part);
    }

    @ParameterizedTest(name = "{0}")
    @ValueSource(
            strings = {
                "MR BRAIN W/O CONTRAST",
                "Dx: MS FLARE",
                "DR ORDERS REVIEWED",
                "Patient is NPO",
                "Patient is HIV positive",
                "Patient: DNR/DNI",
                "Name: TBD",
                "{\"name\": \"Metformin\", \"dose\": \"500 mg\"}",
                "{\"name\": \"get_weather\"}"
            })
    void abbreviationsInCapitalRecordsAreNoNames(String text) {
        assertThat(HIPAA.evaluate(text, PolicyStage.INPUT).findings())
                .noneMatch(f -> f.type().equals(FindingTypes.PERSON_NAME));
    }

    @ParameterizedTest(name = "{0}")
    @ValueSource(
            strings = {
                "EMV tag 57: 4539578763621486D27041011000012345678F",
                "%B4539578763621486^O'BRIEN/SEAN^2704101100001234567890?",
                "%B4539578763621486^SMITH-JONES/MARY^2704101100001234567890?",
                "%B4539578763621486^DOE,JANE^2704101100001234567890?"
            })
    void trackDataInItsEmvAndNamedFormsIsBlocked(String text) {
        assertThat(PCI.evaluate(text, PolicyStage.INPUT).verdict()).isEqualTo(Verdict.BLOCK);
    }

    @ParameterizedTest(name = "{0}")
    @CsvSource(
            delimiter = '|',
            value = {
                // EMV's Application PAN (tag 5A, length, BCD PAN padded with F) in a hex dump of TLV data
                "9F02060000000010005A0841111111111111115F24032912319F1A020840 | 4111111111111111",
                "5A08378282246310005F5F2403291231 | 378282246310005",
                "5a0845395787636214865F2403291231 | 4539578763621486"
            })
    void aPanInAnEmvTlvHexDumpIsMasked(String dump, String pan) {
        assertThat(PCI.redact(dump, PolicyStage.INPUT))
                .doesNotContain(pan)
                .contains("5F24")
                .doesNotContain("[TRACK");
    }

    @ParameterizedTest(name = "{0}")
    @ValueSource(
            strings = {
                "5A0841111111111111125F2403", // Luhn fails
                "9F02060000000010005F24032912319F1A020840", // no tag 5A
                "5A0312345F2403"
            })
    void hexDumpsWithoutAPanAreUnchanged(String dump) {
        assertThat(PCI.redact(dump, PolicyStage.INPUT)).isEqualTo(dump);
    }

    @ParameterizedTest(name = "{0}")
    @ValueSource(strings = {"sha 4539578763621487D27041011000012345678F", "0x1234567890123D1234567"})
    void hexThatHappensToHoldADIsNoTrackData(String text) {
        assertThat(PCI.evaluate(text, PolicyStage.INPUT).findings())
                .noneMatch(f -> f.type().equals(FindingTypes.CARD_TRACK_DATA));
    }

    @ParameterizedTest(name = "{0}")
    @CsvSource(
            delimiter = '|',
            value = {
                "DOB: 19560314 | 19560314",
                "DOB 1956/03/14 | 1956/03/14",
                "<birthTime value=\"19800412\"/> | 19800412",
                "DMG*D8*19800412*F~ | 19800412",
                "born 1956.03.14 | 1956.03.14"
            })
    void datesOfBirthYearFirstAreMasked(String text, String date) {
        assertThat(HIPAA.redact(text, PolicyStage.INPUT)).doesNotContain(date);
    }

    @ParameterizedTest(name = "{0}")
    @ValueSource(
            strings = {
                "Order 20240315 shipped",
                "build 20231201 passed",
                "ticket 19991231",
                "Je ne sais pas. Commande 20240115"
            })
    void eightDigitsWithoutABirthWordAreNoDate(String text) {
        assertThat(HIPAA.redact(text, PolicyStage.INPUT)).isEqualTo(text);
    }

    @ParameterizedTest(name = "{0}")
    @ValueSource(
            strings = {"Requires Python 3.10.12.1 or Java 17.0.9.1", "version 1.2.3.4 is out", "build: 10.0.190.45"})
    void aVersionNumberIsNoIpAddress(String text) {
        assertThat(HIPAA.evaluate(text, PolicyStage.INPUT).findings())
                .noneMatch(f -> f.type().equals(FindingTypes.IP_ADDRESS));
    }

    @ParameterizedTest(name = "{0}")
    @ValueSource(strings = {"server 10.0.12.1 is down", "from 192.168.1.20 via eth0", "node 10.0.1.23 is NotReady"})
    void anAddressIsStillOne(String text) {
        assertThat(HIPAA.evaluate(text, PolicyStage.INPUT).findings())
                .anyMatch(f -> f.type().equals(FindingTypes.IP_ADDRESS));
    }

    @ParameterizedTest(name = "{0}")
    @ValueSource(
            strings = {
                "DE002 (PAN): 164539578763621486",
                "card 45395787636214860427",
                "PAN 00001002314539578763621486042700"
            })
    void aCardNumberInsideALongerRunIsMaskedWithACardWord(String text) {
        assertThat(PCI.redact(text, PolicyStage.INPUT)).doesNotContain("4539578763621486");
    }

    @ParameterizedTest(name = "{0}")
    @ValueSource(strings = {"order 164539578763621486 shipped", "trace id 45395787636214860427"})
    void aLongRunWithoutACardWordIsNoCard(String text) {
        assertThat(PCI.evaluate(text, PolicyStage.INPUT).findings())
                .noneMatch(f -> f.type().equals(FindingTypes.CREDIT_CARD));
    }

    @ParameterizedTest(name = "{0}")
    @CsvSource(
            delimiter = '|',
            value = {
                "First Name: Margaret\\nLast Name: Whitfield | Whitfield",
                "Patient: Margaret\\nSurname: Whitfield | Whitfield",
                "Name: Margaret Whitfield\\nPhysician: Dr. Alan Grant | Grant",
                // a name wrapped over a line break goes on, unless the next line is a label
                "Patient: Margaret\\nWhitfield, DOB 07/14/1961, presented with a cough | Whitfield",
                "The patient, Mrs. Margaret\\nWhitfield, was admitted | Whitfield",
                "Referred by Dr. Alan\\nWhitfield for follow-up. | Whitfield",
                "Mrs. Margaret\\nWhitfield, was admitted | Whitfield",
                "Patient: WHITFIELD,\\nMargaret | WHITFIELD"
            })
    void aNameEndsAtTheEndOfItsLine(String text, String part) {
        // a name read on over a line break took the next line's label as its words ("Margaret\nLast Name"), and the
        // next line's value stood without a label
        String lines = text.replace("\\n", "\n"); // (a line break cannot stand in a CSV row)
        assertThat(HIPAA.redact(lines, PolicyStage.INPUT)).doesNotContain(part);
    }

    @ParameterizedTest(name = "{0}")
    @CsvSource(
            delimiter = '|',
            value = {
                // a review: a wrapped name swallowed the headings and lines after it
                "Patient: Zoltan Vrabec\\nMedications\\nAspirin 81 mg daily | Aspirin 81 mg daily",
                "Patient: Margaret Whitfield\\nChief Complaint\\nChest pain | Chief Complaint",
                "Dear Dr. Whitfield\\nThank You for the referral. | Thank You for the referral.",
                "PATIENT: MARGARET WHITFIELD\\nADMISSION DATE 2024 | ADMISSION DATE"
            })
    void aNameDoesNotSwallowTheLinesAfterIt(String text, String kept) {
        String lines = text.replace("\\n", "\n");
        assertThat(HIPAA.redact(lines, PolicyStage.INPUT)).contains(kept.replace("\\n", "\n"));
    }

    @org.junit.jupiter.api.Test
    void theLabelLineOfAWrappedNameIsCountedInCodePointsByBothMatchers() {
        // a third review: the regex counted code points, the hand matcher chars (emoji on the next line)
        String text = "Patient: Margaret\nWhitfield reviewed \uD83D\uDE00\uD83D\uDE00\uD83D\uDE00\uD83D\uDE00"
                + "\uD83D\uDE00 today, ok ok: follow-up";
        String plain = HIPAA.redact(text, PolicyStage.INPUT);
        String viaPattern = HIPAA.redact("\u00AB" + text, PolicyStage.INPUT);
        assertThat(viaPattern).isEqualTo("\u00AB" + plain);
    }
}
