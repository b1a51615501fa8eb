package dev.llmgate.policy;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * The formats of issue #22's "PII breadth" one by one, and the false positives each must not bring:
 * national and international phone numbers of six numbering plans with extensions, bare numbers only
 * after a telephone word, cards of unknown issuers only with a card word, IBANs in lower case, names
 * from the lists, street forms in English, German and French, and no "During 1971" addresses.
 */
class PiiBreadthTest {

    @ParameterizedTest(name = "{0} finds {1}")
    @CsvSource(
            delimiter = '|',
            value = {
                "Call 0490 75 40 81 tomorrow | PHONE:0490 75 40 81",
                "mobile 0412 345 678 | PHONE:0412 345 678",
                "(02) 9374 4000 | PHONE:(02) 9374 4000",
                "+61 2 9374 4000 | PHONE:+61 2 9374 4000",
                "+44 20 7946 0958 | PHONE:+44 20 7946 0958",
                "+44 (0)20 7946 0958 | PHONE:+44 (0)20 7946 0958",
                "020 7946 0958 | PHONE:020 7946 0958",
                "07700 900123 | PHONE:07700 900123",
                "+49 30 901820 | PHONE:+49 30 901820",
                "030 901820 | PHONE:030 901820",
                "(030) 901820-12 | PHONE:(030) 901820-12",
                "030/901820 | PHONE:030/901820",
                "0151 23456789 | PHONE:0151 23456789",
                "+33 1 23 45 67 89 | PHONE:+33 1 23 45 67 89",
                "01 23 45 67 89 | PHONE:01 23 45 67 89",
                "01.23.45.67.89 | PHONE:01.23.45.67.89",
                "+91 98765 43210 | PHONE:+91 98765 43210",
                "098765 43210 | PHONE:098765 43210",
                "011 2345 6789 | PHONE:011 2345 6789",
                "(415) 555-2671 x036 | PHONE:(415) 555-2671 x036",
                "415-555-2671 ext. 12 | PHONE:415-555-2671 ext. 12",
                "+1-415-555-2671x036 | PHONE:+1-415-555-2671x036",
                "001-415-555-2671x036 | PHONE:001-415-555-2671x036",
                "(415)555-2671 | PHONE:(415)555-2671",
                "030 901820 Durchwahl 12 | PHONE:030 901820 Durchwahl 12",
                "Phone: 4155552671 | PHONE:4155552671",
                "call me at 4155552671 | PHONE:4155552671",
                "Telefon 03090182012 | PHONE:03090182012",
                "t\u00e9l\u00e9phone 0123456789 | PHONE:0123456789",
                "tel\u00e9fono 0123456789 | PHONE:0123456789",
                "Handy 01512345678 | PHONE:01512345678",
                "portable 0612345678 | PHONE:0612345678",
                "card 7111111111111114 | CREDIT_CARD:7111111111111114",
                "Visa 7123 4567 8901 2342 | CREDIT_CARD:7123 4567 8901 2342",
                "tarjeta 123456789007 | CREDIT_CARD:123456789007",
                "UATP 122000000000003 | CREDIT_CARD:122000000000003",
                "JCB 180000000000002 | CREDIT_CARD:180000000000002",
                "Mir 2200 0000 0000 0004 | CREDIT_CARD:2200 0000 0000 0004",
                "my iban is de89 3704 0044 0532 0130 00 | IBAN:de89 3704 0044 0532 0130 00",
                "John Smith called | PERSON_NAME:John Smith",
                "Mary Ann Jones signed | PERSON_NAME:Mary Ann Jones",
                "John F. Kennedy | PERSON_NAME:John F. Kennedy",
                "M. Dupont est l\u00e0 | PERSON_NAME:M. Dupont",
                "my name is Priya Raghunathan | PERSON_NAME:Priya Raghunathan",
                "Je m'appelle Camille Moreau | PERSON_NAME:Camille Moreau",
                "Sherlock lived at 221B Baker Street | POSTAL_ADDRESS:221B Baker Street",
                "1600 Pennsylvania Ave NW | POSTAL_ADDRESS:1600 Pennsylvania Ave",
                "Hauptstra\u00dfe 5 | POSTAL_ADDRESS:Hauptstra\u00dfe 5",
                "Wir wohnen Am Ring 3 | POSTAL_ADDRESS:Am Ring 3",
                "B\u00fcro Berliner Allee 12a | POSTAL_ADDRESS:Berliner Allee 12a",
                "Theodor-Heuss-Ring 12 | POSTAL_ADDRESS:Theodor-Heuss-Ring 12",
                "Kaiserring 3 | POSTAL_ADDRESS:Kaiserring 3",
                "12 rue de la Paix | POSTAL_ADDRESS:12 rue de la Paix",
                "5 avenue des Champs-\u00c9lys\u00e9es | POSTAL_ADDRESS:5 avenue des Champs-\u00c9lys\u00e9es",
                "3 bd Haussmann | POSTAL_ADDRESS:3 bd Haussmann",
                "12 Rue de Rivoli | POSTAL_ADDRESS:12 Rue de Rivoli"
            })
    void findsEachFormat(String text, String expected) {
        assertThat(PiiDetectorTest.found(text)).contains(expected);
    }

    @ParameterizedTest(name = "nothing of {1} in: {0}")
    @CsvSource(
            delimiter = '|',
            value = {
                "On 2024-03-15 at 10:30 | PHONE",
                "due 15.03.2024 and 05/03/2024 and 03-15-2024 | PHONE",
                "at 12:30:45 | PHONE",
                "ISO 9001:2015 and ISO 27001 | PHONE",
                "version 0.12.3 and v1.2.3 | PHONE",
                "price $1,299.00 or 0.99 EUR | PHONE",
                "from 1990-2000 and 2019 - 2023 | PHONE",
                "Order number 4155552671 shipped | PHONE",
                "Order 0123 4567 89 is late | PHONE",
                "Invoice 0412 345 678 attached | PHONE",
                "ISBN 0-306-40615-2 | PHONE",
                "ISSN 0317-8471 | PHONE",
                "number 4155552671 | PHONE",
                "4155552671 | PHONE",
                "my card number is 6011 0009 9013 9424 | PHONE",
                "IBAN: NL91 ABNA 0417 1643 00 | PHONE",
                "Population 8 336 817 in 2019 | PHONE",
                "order 7111111111111114 | CREDIT_CARD",
                "card 7111111111111115 | CREDIT_CARD",
                "During 1971 the war continued | POSTAL_ADDRESS",
                "Spring 2020 was odd | POSTAL_ADDRESS",
                "Engineering 101 starts | POSTAL_ADDRESS",
                "Offering 2020 | POSTAL_ADDRESS",
                "String 42 is too long | POSTAL_ADDRESS",
                "Hauptstra\u00dfe 1950 | POSTAL_ADDRESS",
                "Im Jahr 2020 wuchsen wir | POSTAL_ADDRESS",
                "Am Montag 3 Stunden | POSTAL_ADDRESS",
                "Im Kapitel 12 | POSTAL_ADDRESS",
                "Christian Democrats won | PERSON_NAME",
                "Jordan River flows south | PERSON_NAME",
                "Victoria Station is busy | PERSON_NAME",
                "Washington Post reports | PERSON_NAME",
                "General Electric announced | PERSON_NAME"
            })
    void doesNotFindLookAlikes(String text, String type) {
        assertThat(PiiDetectorTest.found(text)).noneMatch(f -> f.startsWith(type + ":"));
    }
}
