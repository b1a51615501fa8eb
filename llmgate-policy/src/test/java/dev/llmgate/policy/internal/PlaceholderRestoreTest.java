package dev.llmgate.policy.internal;

import static org.assertj.core.api.Assertions.assertThat;

import dev.llmgate.policy.redact.TokenVault;
import org.junit.jupiter.api.Test;

/** What the restore of placeholders reads as JSON: as JSON readers read it. */
class PlaceholderRestoreTest {
    @Test
    void aByteOrderMarkBeforeJsonIsSkippedAsJsonReadersSkipIt() {
        assertThat(PlaceholderRestore.looksLikeJson("\uFEFF{\"a\":1}")).isTrue();
        assertThat(PlaceholderRestore.looksLikeJson("\uFEFF [1]")).isTrue();
        assertThat(PlaceholderRestore.looksLikeJson("\uFEFFHello")).isFalse();
        assertThat(PlaceholderRestore.looksLikeJson("\uFEFF")).isNull();
    }

    @Test
    void jsonWithAByteOrderMarkGetsNoPlaceholderRestoredIntoAUrlString() {
        TokenVault vault = new TokenVault();
        String token = vault.tokenize("EMAIL", "john.doe@example.com");
        String answer = "\uFEFF{\"image\":\"https://x.example/p.png " + token + "\"}";
        assertThat(PlaceholderRestore.restoreAnswer(vault, answer, false, false))
                .isEqualTo(answer);
    }
}
