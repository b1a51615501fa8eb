package dev.llmgate.policy.internal;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

/** Where a streamed JSON answer stands after a prefix of it: the keys of the containers still open. */
class JsonPathTest {

    private static JsonPath after(String prefix) {
        JsonPath p = new JsonPath();
        // in two steps, split anywhere: the path is the same however the text arrives
        int half = prefix.length() / 2;
        p.advance(prefix, 0, half);
        p.advance(prefix, half, prefix.length());
        return p;
    }

    @Test
    void theOpenContainersKeysAndAPendingKey() {
        JsonPath p = after("{\"patient\": {\"phones\": [\"2175550142\", ");
        assertThat(p.keys()).containsExactly(null, "patient", "phones");
        assertThat(p.arrays()).containsExactly(false, false, true);
        assertThat(p.pendingKey()).isNull();

        assertThat(after("{\"patient\": {\"ssn\": ").pendingKey()).isEqualTo("ssn");
        // a string whose colon is still to come may be a key: what follows decides
        assertThat(after("{\"patient\": {\"ssn\"").pendingKey()).isEqualTo("ssn");
        assertThat(after("{\"patient\": {\"ph\\u006fne\": [").keys()).containsExactly(null, "patient", "phone");
        assertThat(after("{\"patient\": {\"ssn\": \"536\", ").pendingKey()).isNull();
        assertThat(after("{\"a\": 1, \"b\": true}, ").keys()).isEmpty();
    }

    @Test
    void keysAreKeptByTheirLastCharactersAndQuotesInStringsDoNotCount() {
        JsonPath p = after("{\"x\": \"a \\\"quoted\\\" {[ value\", \"" + "k".repeat(40) + "_phone\": [");
        assertThat(p.keys()).containsExactly(null, "k".repeat(JsonPath.KEY_MAX - 6) + "_phone");
    }

    @Test
    void aPathDeeperThanItRemembersIsForgottenNotWrong() {
        JsonPath p = after("{\"k\": " + "[".repeat(100));
        assertThat(p.keys()).isEmpty();
        p.advance("]".repeat(100), 0, 100);
        assertThat(p.keys()).containsExactly((String) null);
    }
}
