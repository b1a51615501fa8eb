package dev.llmgate.policy;

import static org.assertj.core.api.Assertions.assertThat;

import dev.llmgate.policy.detect.internal.MeteredText;
import dev.llmgate.policy.internal.Engine;
import dev.llmgate.policy.preset.CompliancePreset;
import dev.llmgate.policy.redact.TokenVault;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Internationalised e-mail addresses (RFC 6531/6532 mailboxes, IDNA U-label domains) under the presets that mask
 * (HIPAA) and tokenize (GDPR) addresses. Before, the e-mail pattern read ASCII only: {@code françois.dupont@example.fr}
 * was redacted to {@code franç[EMAIL]} (everything up to the mailbox's last non-ASCII letter was left),
 * {@code zoë@example.com} and {@code john.doe@müller.de} were not found at all. Each address must now be one finding
 * spanning the whole address, and redaction must leave nothing of its mailbox or domain; ordinary Unicode prose and
 * {@code @} handles stay untouched, and long runs of non-ASCII letters around an {@code @} cost linear work.
 */
class UnicodeEmailAttackTest {
    static final Policy GDPR =
            Policy.builder().name("p").preset(CompliancePreset.GDPR).build();
    static final Policy HIPAA =
            Policy.builder().name("p").preset(CompliancePreset.HIPAA).build();

    /** The red team's addresses, and addresses in other scripts: the whole address is one e-mail finding. */
    static final List<String> ADDRESSES = List.of(
            "françois.dupont@example.fr",
            "hans.müller@example.com",
            "josé.garcía@example.es",
            "zoë@example.com",
            "john.doe@müller.de",
            "jürgen@bücher.example.de",
            "用户@例子.广告",
            "иван@пример.рф",
            "δοκιμή@παράδειγμα.δοκιμή",
            "संपर्क@डाटामेल.भारत",
            "メール@例え.テスト",
            "ทดสอบ@ตัวอย่าง.ไทย",
            "测试@example.com",
            "john@例子.com",
            "\uD840\uDC00x@example.com", // a letter outside the BMP (CJK extension B)
            "ali.veli@örnek.xn--p1ai",
            "anna-maría_87+news@sub.dominio.españa.es");

    static Stream<Arguments> attacks() {
        List<Arguments> out = new ArrayList<>();
        for (String a : ADDRESSES) {
            for (PolicyStage stage : List.of(PolicyStage.INPUT, PolicyStage.OUTPUT)) {
                out.add(Arguments.of("GDPR", GDPR, stage, a));
                out.add(Arguments.of("HIPAA", HIPAA, stage, a));
            }
        }
        return out.stream();
    }

    /** The pieces of an address (its mailbox and domain labels) that must not survive redaction. */
    static List<String> pieces(String address) {
        List<String> out = new ArrayList<>();
        for (String p : address.split("[@.+_-]")) {
            if (p.length() >= 2) {
                out.add(p);
            }
        }
        return out;
    }

    static List<Finding> emails(Decision d) {
        return d.findings().stream()
                .filter(f -> f.type().equals(FindingTypes.EMAIL))
                .toList();
    }

    /** Whether {@code policy} rewrites e-mail addresses at {@code stage} (GDPR pseudonymises them in input only). */
    static boolean constrains(Policy policy, PolicyStage stage) {
        return policy == HIPAA || stage == PolicyStage.INPUT;
    }

    @ParameterizedTest(name = "{0} {2}: {3}")
    @MethodSource("attacks")
    void anInternationalisedAddressIsFoundWholeAndRedactedWhole(
            String preset, Policy policy, PolicyStage stage, String address) {
        Decision d = policy.evaluate(address, stage);
        assertThat(emails(d))
                .as("one e-mail finding spanning all of %s", address)
                .anySatisfy(f -> {
                    assertThat(f.start()).isZero();
                    assertThat(f.end()).isEqualTo(address.length());
                });
        if (!constrains(policy, stage)) {
            return;
        }
        assertThat(d.verdict()).as("%s %s", preset, address).isEqualTo(Verdict.CONSTRAIN);
        String redacted = policy.redact(address, stage);
        assertThat(redacted).as("%s redacted", address).isEqualTo("[EMAIL]");
        for (String piece : pieces(address)) {
            assertThat(redacted).doesNotContain(piece);
        }
        // through the gate: GDPR's placeholder stands for the whole address, HIPAA masks it
        TokenVault vault = new TokenVault();
        Engine.Evaluation ev = policy.engine().evaluate(address, stage, 0);
        String gated = policy.engine().redact(address, ev.toRedact(), Optional.of(vault));
        if (policy == GDPR) {
            assertThat(gated).isEqualTo("[EMAIL_1]");
            assertThat(vault.valueOf("[EMAIL_1]")).contains(address);
        } else {
            assertThat(gated).isEqualTo("[EMAIL]");
        }
    }

    /** A mailbox with a combining mark (not composed): the scan's normal form already folds it; it stays found whole. */
    @Test
    void aCombiningMarkInTheMailboxIsFoundWhole() {
        String address = "o\u0308zlem@example.com";
        for (Policy policy : List.of(GDPR, HIPAA)) {
            assertThat(policy.redact(address, PolicyStage.INPUT)).isEqualTo("[EMAIL]");
            assertThat(policy.redact("x\u0301" + address, PolicyStage.INPUT)).isEqualTo("[EMAIL]");
        }
    }

    /** An address between words and punctuation: the finding is the address, not the words or punctuation around it. */
    static Stream<Arguments> sentences() {
        return Stream.of(
                Arguments.of("Écrivez à françois.dupont@example.fr.", "françois.dupont@example.fr"),
                Arguments.of("Mail: hans.müller@example.com; Tel. folgt", "hans.müller@example.com"),
                Arguments.of("Contacto (josé.garcía@example.es), gracias", "josé.garcía@example.es"),
                Arguments.of("Write to «zoë@example.com»!", "zoë@example.com"),
                Arguments.of("Send it to john.doe@müller.de, please.", "john.doe@müller.de"),
                Arguments.of("请发邮件到 用户@例子.广告，谢谢", "用户@例子.广告"),
                Arguments.of("请发邮件到 用户@例子。广告", "用户@例子。广告"), // UTS 46 reads U+3002 as a dot
                Arguments.of("请联系 zoë@example.com。谢谢", "zoë@example.com"),
                Arguments.of("Пишите: иван@пример.рф?", "иван@пример.рф"),
                Arguments.of("Escribe a ana@correo.españa.", "ana@correo.españa"),
                Arguments.of("Γράψτε στο δοκιμή@παράδειγμα.δοκιμή: ευχαριστώ", "δοκιμή@παράδειγμα.δοκιμή"),
                Arguments.of("ईमेल करें संपर्क@डाटामेल.भारत। धन्यवाद", "संपर्क@डाटामेल.भारत"),
                Arguments.of("<zoë@example.com>, <josé@example.es>", "zoë@example.com"),
                Arguments.of("françois.dupont (at) example [dot] fr", "françois.dupont (at) example [dot] fr"),
                Arguments.of("écrire à zoë @ exämple.fr demain", "zoë @ exämple.fr"));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("sentences")
    void anAddressInASentenceIsFoundAndRedactedAlone(String text, String address) {
        int at = text.indexOf(address);
        for (Policy policy : List.of(GDPR, HIPAA)) {
            for (PolicyStage stage : List.of(PolicyStage.INPUT, PolicyStage.OUTPUT)) {
                Decision d = policy.evaluate(text, stage);
                assertThat(emails(d)).as("%s in <%s>", address, text).anySatisfy(f -> {
                    assertThat(f.start()).isEqualTo(at);
                    assertThat(f.end()).isEqualTo(at + address.length());
                });
                if (!constrains(policy, stage)) {
                    continue;
                }
                String redacted = policy.redact(text, stage);
                assertThat(redacted)
                        .as("<%s> redacted", text)
                        .startsWith(text.substring(0, at) + "[EMAIL]")
                        .endsWith(text.substring(at + address.length()).replace("<josé@example.es>", "<[EMAIL]>"));
                for (String piece : pieces(address)) {
                    assertThat(redacted.substring(at)).doesNotContain(piece);
                }
            }
        }
    }

    /** ASCII addresses are found as before, to the character. */
    @Test
    void asciiAddressesAreUnchanged() {
        assertThat(GDPR.redact("francois.dupont@example.fr", PolicyStage.INPUT)).isEqualTo("[EMAIL]");
        assertThat(HIPAA.redact("Mail francois.dupont@example.fr, or john.doe@mail.example.com.", PolicyStage.INPUT))
                .isEqualTo("Mail [EMAIL], or [EMAIL].");
        assertThat(HIPAA.redact("请联系 john@example.com。谢谢", PolicyStage.INPUT)).isEqualTo("请联系 [EMAIL]。谢谢");
        assertThat(HIPAA.redact("Voir «john@example.com» et écrivez-moi", PolicyStage.INPUT))
                .isEqualTo("Voir «[EMAIL]» et écrivez-moi");
    }

    /** Text that only looks like an address: an @ in prose or handles, words around an @ without a domain. */
    static Stream<String> benign() {
        return Stream.of(
                "C'est ça@home, à demain",
                "merci @zoë pour ton aide",
                "@用户 你好，明天见",
                "Réunion à 14h@café près de la gare",
                "prix 5€@ça.va",
                "ça@ça",
                "Le café de François est très bon. Ça va? Zoë était là.",
                "我们明天在北京见面。谢谢！",
                "Привет, как дела? Всё хорошо.",
                "Γειά σου κόσμε. Τι κάνεις;",
                "नमस्ते, आप कैसे हैं?",
                "é@é",
                "müller@ bücher",
                "naïve @ café");
    }

    @ParameterizedTest
    @MethodSource("benign")
    void unicodeProseAndHandlesAreNotAddresses(String text) {
        for (Policy policy : List.of(GDPR, HIPAA)) {
            assertThat(emails(policy.evaluate(text, PolicyStage.INPUT)))
                    .as(text)
                    .isEmpty();
            assertThat(policy.redact(text, PolicyStage.INPUT)).as(text).doesNotContain("[EMAIL]");
        }
    }

    /** A run of non-ASCII letters before an @ longer than a mailbox (64 characters): the address's last 64 are masked. */
    @Test
    void aLongRunBeforeTheAtIsCoveredAsFarAsAMailboxCanReach() {
        String text = "é".repeat(100) + "@example.fr";
        Decision d = GDPR.evaluate(text, PolicyStage.INPUT);
        assertThat(emails(d)).singleElement().satisfies(f -> {
            assertThat(f.end()).isEqualTo(text.length());
            assertThat(f.start()).isLessThanOrEqualTo(100 - 64);
        });
    }

    /** Text of a script without spaces glued to a top-level domain, longer than a label: the address is still found. */
    @Test
    void textGluedToTheTopLevelDomainDoesNotHideTheAddress() {
        for (String address : List.of("用户@例子.广告", "john@例子.com", "zoë@example.com")) {
            String text = address + "谢谢您的帮助".repeat(15);
            assertThat(emails(GDPR.evaluate(text, PolicyStage.INPUT)))
                    .as(text)
                    .singleElement()
                    .satisfies(f -> {
                        assertThat(f.start()).isZero();
                        assertThat(f.end()).isGreaterThanOrEqualTo(address.length());
                    });
        }
    }

    static long work(Policy policy, String text) {
        MeteredText metered = MeteredText.unlimited(text);
        Engine.Evaluation ev = policy.engine().evaluate(metered, PolicyStage.INPUT, 0);
        assertThat(ev.decision().ruleIds()).doesNotContain(Engine.SCAN_LIMIT_RULE);
        return metered.steps();
    }

    /**
     * 256 KB of non-ASCII letters around @ signs: counted work linear in the text (as in {@code LinearScanWorkTest}),
     * never the scan's bound, and the number of addresses found is the number written.
     */
    @Test
    void longRunsOfNonAsciiLettersAroundAtSignsCostLinearWork() {
        String[] shapes = {
            "é", "é@é", "é@", "@é", "é@é.", "é@é.é", "é.é@", "用户@例子.广告 ", "zoë@exämple.fr ", "é (at) é [dot] éé "
        };
        for (Policy policy : List.of(GDPR, HIPAA)) {
            for (String unit : shapes) {
                String small = unit.repeat((16 * 1024 + unit.length() - 1) / unit.length());
                String large = small.repeat(16);
                long w16 = work(policy, small);
                long w256 = work(policy, large);
                assertThat(w256)
                        .as("work at 256 KB against 16 KB of \"%s\"", unit)
                        .isLessThanOrEqualTo(w16 * 16 * 5 / 4);
                assertThat(w256)
                        .as("well within the scan's bound: \"%s\"", unit)
                        .isLessThan(policy.engine().scanLimit(large.length()) / 5);
            }
        }
        String units = "zoë@exämple.fr ".repeat(256 * 1024 / 15);
        Decision d = GDPR.evaluate(units, PolicyStage.INPUT);
        assertThat(d.ruleIds()).doesNotContain(Engine.SCAN_LIMIT_RULE);
        assertThat(emails(d)).hasSize(256 * 1024 / 15);
        String letters = "é".repeat(256 * 1024);
        assertThat(emails(GDPR.evaluate(letters, PolicyStage.INPUT))).isEmpty();
        assertThat(emails(GDPR.evaluate("é@é".repeat(256 * 1024 / 3), PolicyStage.INPUT)))
                .isEmpty();
        String glued = "é".repeat(256 * 1024) + "@example.com";
        assertThat(emails(GDPR.evaluate(glued, PolicyStage.INPUT)))
                .singleElement()
                .satisfies(f -> assertThat(f.end()).isEqualTo(glued.length()));
    }
}
