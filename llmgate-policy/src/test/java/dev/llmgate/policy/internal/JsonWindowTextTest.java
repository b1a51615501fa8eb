package dev.llmgate.policy.internal;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

/** A streamed JSON window's strings as a client reads them: decoded, keys and values in document order, lines. */
class JsonWindowTextTest {
    @Test
    void stringsAreDecodedInDocumentOrderEachEndedByALineBreakOnceClosed() {
        String w = "{\"x)\": \"See \\u0021[c](h\\/p) ok\", \"n\": 1, \"b\": [\"a\\nb\", \"open";
        JsonWindowText t = JsonWindowText.of(w, JsonTokens.OUTSIDE);
        assertThat(t.text).isEqualTo("x)\nSee ![c](h/p) ok\nn\nb\na\nb\nopen");
        // where each character came from: an escape's backslash, a line break's closing quote
        assertThat(t.rawOf(t.text.indexOf('!'))).isEqualTo(w.indexOf("\\u0021"));
        assertThat(t.rawOf(2)).isEqualTo(w.indexOf("\":")); // the line break after the key "x)"
        assertThat(t.from(w.indexOf("open"))).isEqualTo(t.text.indexOf("open"));
        assertThat(t.from(w.length())).isEqualTo(t.text.length());
    }

    @Test
    void anEscapeCutByTheWindowIsNotReadYetAndABrokenOneIsReadAsText() {
        assertThat(JsonWindowText.of("[\"a\\u00", JsonTokens.OUTSIDE).text).isEqualTo("a");
        assertThat(JsonWindowText.of("[\"a\\", JsonTokens.OUTSIDE).text).isEqualTo("a");
        assertThat(JsonWindowText.of("[\"a\\uZZ![c]\"]", JsonTokens.OUTSIDE).text)
                .isEqualTo("a\\uZZ![c]\n");
        // a window that begins inside a string, or right after its backslash
        assertThat(JsonWindowText.of("bc\", \"d\"", JsonTokens.IN_STRING).text).isEqualTo("bc\nd\n");
        assertThat(JsonWindowText.of("u0021[c]\"", JsonTokens.AFTER_BACKSLASH).text)
                .isEqualTo("![c]\n");
    }
}
