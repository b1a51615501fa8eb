package dev.llmgate.core.catalog;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import java.io.IOException;
import java.io.InputStream;
import java.io.Reader;
import java.io.StringReader;
import java.io.StringWriter;
import java.math.BigDecimal;
import java.nio.charset.StandardCharsets;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class ModelCatalogTsvTest {

    private static final String HEADER = "provider\tmodel\tcontext_window\tmax_output_tokens\tinput_usd_per_mtok"
            + "\tcached_input_usd_per_mtok\toutput_usd_per_mtok\tcache_write_usd_per_mtok\n";

    private static ModelCatalogParseException parseError(String tsv) {
        return catchThrowableOfType(
                ModelCatalogParseException.class, () -> ModelCatalog.fromTsv(new StringReader(tsv), "my-models.tsv"));
    }

    @Test
    void readsCommentsBlankLinesOmittedTrailingValuesAndAnyColumnOrder() {
        String tsv = "\uFEFF# my prices\r\n"
                + "\r\n"
                + "model\tprovider\toutput_usd_per_mtok\tinput_usd_per_mtok\tcontext_window\r\n"
                + "  # indented comment\r\n"
                + "my-model\tacme\t4\t1.50\t32000\r\n"
                + "other\tacme\r\n";
        ModelCatalog catalog = ModelCatalog.fromTsv(new StringReader(tsv), "acme.tsv");

        assertThat(catalog.size()).isEqualTo(2);
        ModelInfo mine = catalog.lookup("acme", "my-model").orElseThrow();
        assertThat(mine.inputUsdPerMillion()).contains(new BigDecimal("1.5"));
        assertThat(mine.outputUsdPerMillion()).contains(new BigDecimal("4"));
        assertThat(mine.contextWindow()).hasValue(32000);
        assertThat(mine.maxOutputTokens()).isEmpty();
        assertThat(mine.cacheWriteUsdPerMillion()).isEmpty();
        assertThat(catalog.lookup("acme", "other").orElseThrow().inputUsdPerMillion())
                .isEmpty();
    }

    @Test
    void emptyValuesMeanUnknown() {
        ModelCatalog catalog = ModelCatalog.fromTsv(new StringReader(HEADER + "p\tm\t\t\t1\t\t2\t\n"));
        ModelInfo info = catalog.lookup("p", "m").orElseThrow();
        assertThat(info.contextWindow()).isEmpty();
        assertThat(info.cachedInputUsdPerMillion()).isEmpty();
        assertThat(info.outputUsdPerMillion()).contains(new BigDecimal("2"));
    }

    @Test
    void aBadPriceNamesLineColumnAndWhatIsExpected() {
        ModelCatalogParseException e =
                parseError("# comment\n" + HEADER + "p\tok\t\t\t1\t\t2\t\np\tm\t128000\t\t$2.50\t\t10\t\n");

        assertThat(e.lineNumber()).isEqualTo(4);
        assertThat(e.column()).contains("input_usd_per_mtok");
        assertThat(e.source()).isEqualTo("my-models.tsv");
        assertThat(e)
                .hasMessageStartingWith(
                        "my-models.tsv line 4, column 'input_usd_per_mtok': expected a price in USD per million tokens such as 2.50")
                .hasMessageContaining("no '$'")
                .hasMessageContaining("was '$2.50'");
    }

    @Test
    void otherBadNumbersAreReportedToo() {
        ModelCatalogParseException tokens = parseError(HEADER + "p\tm\t128k\n");
        assertThat(tokens.lineNumber()).isEqualTo(2);
        assertThat(tokens.column()).contains("context_window");
        assertThat(tokens)
                .hasMessageContaining("expected a whole number of tokens")
                .hasMessageContaining("such as 128000")
                .hasMessageContaining("was '128k'");

        assertThat(parseError(HEADER + "p\tm\t\t0\n"))
                .hasMessageContaining("column 'max_output_tokens'")
                .hasMessageContaining("was '0'");
        assertThat(parseError(HEADER + "p\tm\t99999999999\n")).hasMessageContaining("column 'context_window'");
        assertThat(parseError(HEADER + "p\tm\t\t\t1,000.5\n")).hasMessageContaining("column 'input_usd_per_mtok'");
        assertThat(parseError(HEADER + "p\tm\t\t\t1e-3\n")).hasMessageContaining("no exponent");
        assertThat(parseError(HEADER + "p\tm\t\t\t-1\n")).hasMessageContaining("was '-1'");
        assertThat(parseError(HEADER + "p\tm\t\t\t1\t\t\t.5\n"))
                .hasMessageContaining("column 'cache_write_usd_per_mtok'");
    }

    @Test
    void missingIdsAreReported() {
        ModelCatalogParseException e = parseError(HEADER + "openai\t\t128000\n");
        assertThat(e.lineNumber()).isEqualTo(2);
        assertThat(e.column()).contains("model");
        assertThat(e).hasMessageContaining("expected a model id such as gpt-4o (required, no spaces), was empty");

        assertThat(parseError(HEADER + "open ai\tgpt-4o\n"))
                .hasMessageContaining("column 'provider'")
                .hasMessageContaining("'open ai'");
    }

    @Test
    void tooManyValuesAreReported() {
        ModelCatalogParseException e = parseError("provider\tmodel\tinput_usd_per_mtok\np\tm\t1\t2\n");
        assertThat(e.lineNumber()).isEqualTo(2);
        assertThat(e.column()).isEmpty();
        assertThat(e)
                .hasMessage(
                        "my-models.tsv line 2: found 4 tab-separated values, but the header names only 3 columns"
                                + " (provider, model, input_usd_per_mtok): remove the extra tabs or add the column to the header");
    }

    @Test
    void headerProblemsAreReported() {
        ModelCatalogParseException unknown = parseError("# x\nprovider\tmodel\tprice\n");
        assertThat(unknown.lineNumber()).isEqualTo(2);
        assertThat(unknown)
                .hasMessageContaining("unknown column 'price'")
                .hasMessageContaining("Known columns: provider, model,");

        assertThat(parseError("provider\tinput_usd_per_mtok\n"))
                .hasMessageContaining("lacks the required column 'model'");
        assertThat(parseError("provider\tmodel\tmodel\n")).hasMessageContaining("names column 'model' twice");
        assertThat(parseError("openai\tgpt-4o\t128000\n")).hasMessageContaining("unknown column 'openai'");

        ModelCatalogParseException empty = parseError("# only comments\n\n");
        assertThat(empty.lineNumber()).isEqualTo(2);
        assertThat(empty).hasMessageContaining("expected a header line naming the columns");
    }

    @Test
    void duplicatesNameBothLines() {
        ModelCatalogParseException e = parseError(HEADER + "p\tm\t\t\t1\n# x\np\tm\t\t\t2\n");
        assertThat(e.lineNumber()).isEqualTo(4);
        assertThat(e).hasMessageContaining("duplicates the entry for p/m on line 2");
    }

    @Test
    void theBundledFileParsesAndRoundTrips() throws IOException {
        ModelCatalog bundled = ModelCatalog.defaults();
        StringWriter out = new StringWriter();
        bundled.writeTsv(out);

        ModelCatalog again = ModelCatalog.fromTsv(new StringReader(out.toString()), "round-trip.tsv");

        assertThat(again.entries()).isEqualTo(bundled.entries());
        assertThat(out.toString()).startsWith(HEADER);
        try (InputStream in = ModelCatalog.class.getResourceAsStream(ModelCatalog.BUNDLED_RESOURCE)) {
            assertThat(in).as("bundled resource next to ModelCatalog").isNotNull();
            String text = new String(in.readAllBytes(), StandardCharsets.UTF_8);
            assertThat(text).contains("Checked: 2026-11-24");
        }
    }

    @Test
    void readerFailuresAreUnchecked() {
        Reader failing = new Reader() {
            @Override
            public int read(char[] buf, int off, int len) throws IOException {
                throw new IOException("disk gone");
            }

            @Override
            public void close() {}
        };
        assertThatThrownBy(() -> ModelCatalog.fromTsv(failing, "x.tsv"))
                .isInstanceOf(java.io.UncheckedIOException.class)
                .hasMessageContaining("x.tsv");
    }

    @Test
    void exceptionWithoutColumn() {
        ModelCatalogParseException e = new ModelCatalogParseException("f", 3, Optional.empty(), "bad");
        assertThat(e).hasMessage("f line 3: bad");
        assertThat(e.column()).isEmpty();
    }
}
