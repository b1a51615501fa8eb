package dev.llmgate.policy.internal;

import static org.assertj.core.api.Assertions.assertThat;

import dev.llmgate.policy.Channel;
import java.util.List;
import org.junit.jupiter.api.Test;

class ScanViewTest {

    private static ScanView plain(String s) {
        return ScanView.of(Channel.MESSAGES, s, ScanView.Kind.PLAIN);
    }

    @Test
    void disguisedEndsAreTheViewPositionsOfQuotesBracketsAndSpacesWrittenOtherwise() {
        // percent escape, numeric reference, backslash u-escape, full-width quote, a fold to several characters
        ScanView v = plain("a%22b&#41;c\\u0020d\uFF02e\u249Cf\"g");
        assertThat(v.text()).isEqualTo("a\"b)c d\"e(a)f\"g");
        assertThat(v.disguised()).containsExactly(1, 3, 5, 7, 9, 11);
        // a backslash-escaped quote is a quote to HTML; so is a JSON string escape to the JSON's reader
        assertThat(plain("a\\\"b").disguised()).isEmpty();
        ScanView json = ScanView.of(Channel.TOOL_CALL_ARGUMENTS, "{\"u\":\"a\\\"b%22c\"}", ScanView.Kind.JSON);
        // the values, the keys, then each member again as key: value (the string quoted)
        assertThat(json.text()).isEqualTo("a\"b\"c\nu\n;\nu: \"a\"b\"c\"");
        assertThat(json.disguised()).containsExactly(3, 17);
        // nothing written otherwise: nothing listed
        assertThat(plain("a \"b\" (c)").disguised()).isEmpty();
    }

    @Test
    void legacyNamedReferencesAreReadWithoutTheirSemicolonAsHtmlReadsThem() {
        assertThat(plain("a&nbspb").text()).isEqualTo("a b");
        assertThat(plain("a&nbspx;b").text()).isEqualTo("a x;b"); // the longest legacy name, then text
        assertThat(plain("4&shy1").text()).isEqualTo("41");
        assertThat(plain("AT&ampT").text()).isEqualTo("AT&T");
        // not before a parameter's '=' (the server gets "ampsig"), and names that are not legacy need their ';'
        assertThat(plain("?x=1&amp=2").text()).isEqualTo("?x=1&amp=2");
        assertThat(plain("?x=1&ampsig=abc").text()).isEqualTo("?x=1&ampsig=abc");
        assertThat(plain("a&thinspb").text()).isEqualTo("a&thinspb");
    }

    @Test
    void disguisedPositionsMapIntoAJunctionWindowAndAJoinedText() {
        int[] disguised = {2, 5, 9, 12};
        // a window [3, 12) around the junction at 7, which the window leaves out
        assertThat(Engine.disguisedIn(disguised, new int[] {7}, 3, 12)).containsExactly(2, 5);
        // the whole text with the junctions at 4 and 10 joined
        assertThat(Engine.disguisedIn(disguised, new int[] {4, 10}, 0, 13)).containsExactly(2, 4, 8, 10);
        assertThat(Engine.disguisedIn(disguised, new int[] {5}, 0, 13)).containsExactly(2, 8, 11);
        assertThat(Engine.disguisedIn(disguised, new int[] {7}, 13, 20)).isEmpty();
        assertThat(Engine.disguisedIn(new int[0], new int[] {7}, 0, 20)).isEmpty();
    }

    @Test
    void numericReferencesAreReadAsHtmlReadsThem() {
        assertThat(plain("&#0000000052;").text()).isEqualTo("4");
        assertThat(plain("&#x0000000034;").text()).isEqualTo("4");
        assertThat(plain("a&#52 b").text()).isEqualTo("a4 b"); // the ';' is optional
        assertThat(plain("&#52111").text()).isEqualTo("\ucb8f"); // every digit is the number's, as in HTML
        assertThat(plain("&#123456789;").text()).isEqualTo("&#123456789;"); // past U+10FFFF: no character
        assertThat(plain("&#;").text()).isEqualTo("&#;");
    }

    @Test
    void aJsonNumberWithAFractionOrAnExponentReadsAsTheIntegerAReaderGets() {
        assertThat(ScanView.Builder.integerForm("4.1111111111111110E15", 0, 21)).isEqualTo("4111111111111111");
        assertThat(ScanView.Builder.integerForm("41111111111111110e-1", 0, 20)).isEqualTo("4111111111111111");
        assertThat(ScanView.Builder.integerForm("4111111111111111.0", 0, 18)).isEqualTo("4111111111111111");
        assertThat(ScanView.Builder.integerForm("3.14", 0, 4)).isNull();
        assertThat(ScanView.Builder.integerForm("1e999999999", 0, 11)).isNull();
        assertThat(ScanView.Builder.integerForm("1e99999999999", 0, 13)).isNull();
        assertThat(ScanView.Builder.integerForm("4111", 0, 4)).isNull(); // plain: read as written
        // padded past 64 characters (a red-team case: such a token was read as written)
        String zeros = "0".repeat(60);
        for (String t : new String[] {
            "4.111111111111111" + zeros + "E15",
            "0.4111111111111111" + zeros + "e16",
            "4111111111111111" + zeros + "e-60",
            "4111111111111111." + zeros,
            "0000" + zeros + "4111111111111111.0e0"
        }) {
            assertThat(ScanView.Builder.integerForm(t, 0, t.length())).as(t).isEqualTo("4111111111111111");
        }
        // an exponent padded with zeros (a fourth red-team round: read as written, the card passed)
        for (String t : new String[] {"41111111111111110e-0000000001", "4.111111111111111E0000000000000015"}) {
            assertThat(ScanView.Builder.integerForm(t, 0, t.length())).as(t).isEqualTo("4111111111111111");
        }
        // a fraction a double cannot hold: a reader that rounds to a double gets the card number
        assertThat(ScanView.Builder.integerForm("4.1111111111111110000001e15", 0, 27))
                .isEqualTo("4111111111111111");
        assertThat(ScanView.Builder.integerForm("0.5", 0, 3)).isNull();
        String negative = "-4.111111111111111" + zeros + "e15";
        assertThat(ScanView.Builder.integerForm(negative, 0, negative.length())).isEqualTo("-4111111111111111");
        // the same answer as BigDecimal wherever that is an integer of at most 19 digits
        java.util.Random random = new java.util.Random(7);
        String alphabet = "0000123456789..eE-+";
        for (int i = 0; i < 40_000; i++) {
            StringBuilder t = new StringBuilder();
            for (int n = 1 + random.nextInt(i % 2 == 0 ? 12 : 30); n > 0; n--) {
                t.append(alphabet.charAt(random.nextInt(alphabet.length())));
            }
            String token = t.toString();
            String expected;
            try {
                java.math.BigDecimal v = new java.math.BigDecimal(token).stripTrailingZeros();
                boolean written = token.indexOf('.') >= 0 || token.indexOf('e') >= 0 || token.indexOf('E') >= 0;
                expected = !written || v.scale() > 0 || v.precision() - v.scale() > 19 ? null : v.toPlainString();
            } catch (NumberFormatException | ArithmeticException e) {
                expected = null;
            }
            String actual = ScanView.Builder.integerForm(token, 0, token.length());
            if (expected != null) {
                assertThat(actual).as(token).isEqualTo(expected);
            }
        }
        ScanView v = ScanView.of(Channel.TOOL_CALL_ARGUMENTS, "{\"pan\":4.1111111111111110E15}", ScanView.Kind.JSON);
        assertThat(v.text()).startsWith("4111111111111111");
        assertThat(v.pieces(0, 16)).containsExactly(new ScanView.Piece(0, 7, 28, true));
    }

    @Test
    void plainAsciiIsItsOwnView() {
        String s = "Patient John Smith, card 4111 1111 1111 1111.";
        ScanView v = plain(s);
        assertThat(v.isIdentity()).isTrue();
        assertThat(v.text()).isSameAs(s);
        assertThat(v.pieces(25, 44)).containsExactly(new ScanView.Piece(0, 25, 44, false));
    }

    @Test
    void invisibleCharactersAreDroppedAndMappedBackInsideSpans() {
        for (String zw : new String[] {
            "\u200B",
            "\u200C",
            "\u200D",
            "\u2060",
            "\uFEFF",
            "\u00AD",
            "\u202E",
            "\u2066",
            "\uDB40\uDC20",
            "\uFE0F",
            "\u034F"
        }) {
            String s = "pan 4111" + zw + "111111111111 end";
            ScanView v = plain(s);
            assertThat(v.text()).as(zw).isEqualTo("pan 4111111111111111 end");
            assertThat(v.invisibles()).isEqualTo(1);
            // the finding's span covers the dropped character between its digits
            assertThat(v.pieces(4, 20)).as(zw).containsExactly(new ScanView.Piece(0, 4, 20 + zw.length(), false));
        }
    }

    @Test
    void digitsOfEveryScriptSpacesDashesAndFullWidthFormsFold() {
        assertThat(plain("\uFF14\uFF11\uFF11\uFF11").text()).isEqualTo("4111"); // full-width
        assertThat(plain("\u0664\u0661\u0661\u0661").text()).isEqualTo("4111"); // Arabic-Indic
        assertThat(plain("\u096A\u0967\u0967\u0967").text()).isEqualTo("4111"); // Devanagari
        assertThat(plain("\uD835\uDFD2\uD835\uDFCF").text()).isEqualTo("41"); // mathematical bold
        assertThat(plain("4111\u00A01111\u202F1111\u20091111").text()).isEqualTo("4111 1111 1111 1111");
        assertThat(plain("123\u201345\u20146789\u22127").text()).isEqualTo("123-45-6789-7");
        assertThat(plain("john\uFF20example.com and jane\uFE6Bexample.com").text())
                .isEqualTo("john@example.com and jane@example.com");
        assertThat(plain("sk\uFF0Dproj").text()).isEqualTo("sk-proj");
        assertThat(plain("a\u2028b").text()).isEqualTo("a\nb");
        assertThat(plain("caf\u00E9 \u00FCber").text())
                .as("letters with diacritics stay")
                .isEqualTo("caf\u00E9 \u00FCber");
    }

    @Test
    void escapesReadAsTheCharacterTheyEncode() {
        ScanView v = plain("pan \\u0034\\u0031\\u0031\\u0031 &#49;&#x31; %31%31 end");
        assertThat(v.text()).isEqualTo("pan 4111 11 11 end");
        assertThat(v.pieces(4, 8)).containsExactly(new ScanView.Piece(0, 4, 28, false));
        assertThat(plain("\\uD83D\\uDE00").text()).isEqualTo("\uD83D\uDE00");
        assertThat(plain("50% off, R&D, C:\\dir, \\u12 and %zz").text())
                .isEqualTo("50% off, R&D, C:\\dir, \\u12 and %zz");
        // named references of punctuation, as a browser reads them; unknown names and names without ';' stay
        assertThat(plain("https&colon;&sol;&sol;evil&period;example&sol;c&quest;d&equals;1 jane&commat;x.org")
                        .text())
                .isEqualTo("https://evil.example/c?d=1 jane@x.org");
        assertThat(plain("Q&A, &copy; 2026, &colon without semicolon, &Colon; &notaname;")
                        .text())
                .isEqualTo("Q&A, &copy; 2026, &colon without semicolon, &Colon; &notaname;");
    }

    @Test
    void theMembersReadingGrowsLinearlyWithALongKeyOverALongArray() {
        // review: the key written before every element made the view grow as key length times element count
        String key = "k".repeat(2_000);
        StringBuilder json = new StringBuilder("{\"" + key + "\": [");
        for (int i = 0; i < 20_000; i++) {
            json.append(i == 0 ? "" : ",").append("\"abc\"");
        }
        json.append("]}");
        ScanView v = ScanView.of(Channel.TOOL_CALL_ARGUMENTS, json.toString(), ScanView.Kind.JSON);
        // each element on its own line after the key's last 24 characters: a constant factor, not the key's length
        assertThat(v.text().length()).isLessThan(8 * json.length());
        assertThat(v.text()).contains(";\n" + "k".repeat(24) + ": \"abc\"\n;\n" + "k".repeat(24) + ": \"abc\"");
    }

    @Test
    void jsonIsReadAsValuesThenKeysThenEachMemberAsKeyColonValue() {
        String json = "{\"a\":\"4111 1111\",\"b\":\"1111 1111\",\"n\":[4,1,1,1],\"x\":12,\"t\":true,\"u\":\"\\u0034\"}";
        ScanView v = ScanView.of(Channel.TOOL_CALL_ARGUMENTS, json, ScanView.Kind.JSON);
        String values = "4111 1111\n1111 1111\n4111\n12\n4\na\nb\nn\nx\nt\nu";
        // a member whose value is a literal (true) has nothing to label, nor one shorter than three characters (n, x)
        String members = "a: \"4111 1111\"\n;\nb: \"1111 1111\"\n;\nu: \"4\"";
        assertThat(v.text()).isEqualTo(values + "\n;\n" + members);
        assertThat(v.rereads()).containsExactly(values.length() + 3, v.text().length());
        assertThat(v.pieces(values.length() + 3, values.length() + 4))
                .extracting(p -> json.substring(p.start(), p.end()))
                .containsExactly("a");
        assertThat(v.junctions()).contains(9, 19);
        List<ScanView.Piece> split = v.pieces(0, 19);
        assertThat(split).extracting(p -> json.substring(p.start(), p.end())).containsExactly("4111 1111", "1111 1111");
        assertThat(v.pieces(20, 24)).extracting(ScanView.Piece::number).containsOnly(true);
        assertThat(v.value(0, 19)).isEqualTo("4111 11111111 1111");
    }

    @Test
    void sourcesAreJoinedByASeparatorThatIsAJunctionBetweenLettersOrDigits() {
        ScanView.Builder b = ScanView.builder();
        b.add(Channel.MESSAGES, "my card 4111 11", ScanView.Kind.PLAIN);
        b.add(Channel.MESSAGES, "11 1111 1111.", ScanView.Kind.PLAIN);
        b.add(Channel.MESSAGES, "Thanks", ScanView.Kind.PLAIN);
        ScanView v = b.build();
        assertThat(v.text()).isEqualTo("my card 4111 11\n11 1111 1111.\nThanks");
        assertThat(v.junctions()).containsExactly(15);
        assertThat(v.pieces(8, 28))
                .containsExactly(new ScanView.Piece(0, 8, 15, false), new ScanView.Piece(1, 0, 12, false));
    }

    @Test
    void aFlagExemptsOnlyItsOwnTagsWhateverOrderTheViewReadsThemIn() {
        // JSON keys are read after the values: a flag in a value must not exempt tags in a key (an independent review)
        StringBuilder tags = new StringBuilder();
        "4111 1111 1111 1111".chars().forEach(c -> tags.appendCodePoint(0xE0000 + c));
        StringBuilder flag = new StringBuilder().appendCodePoint(0x1F3F4);
        "gbeng".chars().forEach(c -> flag.appendCodePoint(0xE0000 + c));
        flag.appendCodePoint(0xE007F);
        ScanView keyed =
                ScanView.of(Channel.TOOL_CALL_ARGUMENTS, "{\"" + tags + "\":\"go " + flag + "\"}", ScanView.Kind.JSON);
        assertThat(keyed.hiddenTagText()).isTrue();
        assertThat(keyed.text()).contains("4111 1111 1111 1111");
        ScanView flagOnly = ScanView.of(Channel.MESSAGES, "go " + flag + " team", ScanView.Kind.PLAIN);
        assertThat(flagOnly.hiddenTagText()).isFalse();
    }
}
