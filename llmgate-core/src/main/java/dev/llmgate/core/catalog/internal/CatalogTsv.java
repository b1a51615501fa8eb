package dev.llmgate.core.catalog.internal;

import dev.llmgate.core.catalog.ModelCatalogParseException;
import dev.llmgate.core.catalog.ModelInfo;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.Reader;
import java.io.UncheckedIOException;
import java.io.Writer;
import java.math.BigDecimal;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.regex.Pattern;

/**
 * Reads and writes the model catalog's TSV format, by hand (core has no JSON or CSV library).
 *
 * <p>Format: UTF-8 text, one entry per line, values separated by one tab. Lines that are blank or whose
 * first non-blank character is {@code '#'} are comments. The first other line is the header, naming
 * the columns in any order; {@code provider} and {@code model} are required, the others optional.
 * An empty value means unknown. Entries may omit trailing empty values.
 */
public final class CatalogTsv {

    private static final String PROVIDER = "provider";
    private static final String MODEL = "model";
    private static final String CONTEXT_WINDOW = "context_window";
    private static final String MAX_OUTPUT_TOKENS = "max_output_tokens";
    private static final String INPUT = "input_usd_per_mtok";
    private static final String CACHED_INPUT = "cached_input_usd_per_mtok";
    private static final String OUTPUT = "output_usd_per_mtok";
    private static final String CACHE_WRITE = "cache_write_usd_per_mtok";

    /** Every column, in the order {@link #write} uses. */
    public static final List<String> COLUMNS =
            List.of(PROVIDER, MODEL, CONTEXT_WINDOW, MAX_OUTPUT_TOKENS, INPUT, CACHED_INPUT, OUTPUT, CACHE_WRITE);

    private static final Pattern ID = Pattern.compile("\\S+");
    private static final Pattern TOKENS = Pattern.compile("[0-9]+");
    private static final Pattern PRICE = Pattern.compile("[0-9]+(\\.[0-9]+)?");

    private CatalogTsv() {}

    /**
     * Parses a catalog file.
     *
     * @param reader the file's content; read to the end, not closed
     * @param source the file's name, for error messages
     * @return the entries in file order
     * @throws ModelCatalogParseException naming line, column and what was expected
     * @throws UncheckedIOException       if reading fails
     */
    public static List<ModelInfo> read(Reader reader, String source) {
        BufferedReader in = reader instanceof BufferedReader ? (BufferedReader) reader : new BufferedReader(reader);
        List<ModelInfo> entries = new ArrayList<>();
        Map<String, Integer> seen = new HashMap<>();
        List<String> header = null;
        int lineNumber = 0;
        try {
            String line;
            while ((line = in.readLine()) != null) {
                lineNumber++;
                if (lineNumber == 1 && line.startsWith("\uFEFF")) {
                    line = line.substring(1);
                }
                String trimmed = line.strip();
                if (trimmed.isEmpty() || trimmed.startsWith("#")) {
                    continue;
                }
                if (header == null) {
                    header = readHeader(line, source, lineNumber);
                    continue;
                }
                ModelInfo info = readEntry(line, header, source, lineNumber);
                Integer earlier = seen.putIfAbsent(info.key(), lineNumber);
                if (earlier != null) {
                    throw new ModelCatalogParseException(
                            source,
                            lineNumber,
                            Optional.empty(),
                            "duplicates the entry for " + info.key() + " on line " + earlier
                                    + ": each provider/model may appear once, edit that line instead");
                }
                entries.add(info);
            }
        } catch (IOException e) {
            throw new UncheckedIOException(
                    "reading the model catalog " + source + " failed at line " + (lineNumber + 1), e);
        }
        if (header == null) {
            throw new ModelCatalogParseException(
                    source,
                    Math.max(1, lineNumber),
                    Optional.empty(),
                    "expected a header line naming the columns (" + String.join(", ", COLUMNS)
                            + ", separated by tabs), but the file has only comments and blank lines");
        }
        return entries;
    }

    /**
     * Writes {@code entries} in the format {@link #read} accepts, with a header line and every column.
     *
     * @param entries the entries, written in this order
     * @param out     receives the text; flushed, not closed
     */
    public static void write(List<ModelInfo> entries, Writer out) {
        try {
            out.write(String.join("\t", COLUMNS));
            out.write('\n');
            for (ModelInfo info : entries) {
                out.write(String.join(
                        "\t",
                        info.provider(),
                        info.model(),
                        text(info.contextWindow()),
                        text(info.maxOutputTokens()),
                        text(info.inputUsdPerMillion()),
                        text(info.cachedInputUsdPerMillion()),
                        text(info.outputUsdPerMillion()),
                        text(info.cacheWriteUsdPerMillion())));
                out.write('\n');
            }
            out.flush();
        } catch (IOException e) {
            throw new UncheckedIOException("writing the model catalog failed", e);
        }
    }

    private static List<String> readHeader(String line, String source, int lineNumber) {
        String[] names = line.split("\t", -1);
        List<String> header = new ArrayList<>(names.length);
        for (String raw : names) {
            String name = raw.strip();
            if (!COLUMNS.contains(name)) {
                String shown = name.isEmpty() ? "an empty column name" : "unknown column '" + name + "'";
                throw new ModelCatalogParseException(
                        source,
                        lineNumber,
                        Optional.empty(),
                        "expected the header line naming the"
                                + " columns, separated by tabs; found " + shown + ". Known columns: "
                                + String.join(", ", COLUMNS)
                                + " (provider and model are required)");
            }
            if (header.contains(name)) {
                throw new ModelCatalogParseException(
                        source,
                        lineNumber,
                        Optional.empty(),
                        "the header names column '" + name + "' twice: name each column once");
            }
            header.add(name);
        }
        for (String required : List.of(PROVIDER, MODEL)) {
            if (!header.contains(required)) {
                throw new ModelCatalogParseException(
                        source,
                        lineNumber,
                        Optional.empty(),
                        "the header line lacks the required column '" + required + "': found "
                                + String.join(", ", header) + "; expected at least provider and model");
            }
        }
        return List.copyOf(header);
    }

    private static ModelInfo readEntry(String line, List<String> header, String source, int lineNumber) {
        String[] values = line.split("\t", -1);
        if (values.length > header.size()) {
            throw new ModelCatalogParseException(
                    source,
                    lineNumber,
                    Optional.empty(),
                    "found " + values.length
                            + " tab-separated values, but the header names only " + header.size() + " columns ("
                            + String.join(", ", header)
                            + "): remove the extra tabs or add the column to the header");
        }
        Map<String, String> row = new HashMap<>();
        for (int i = 0; i < header.size(); i++) {
            row.put(header.get(i), i < values.length ? values[i].strip() : "");
        }
        String provider = id(row, PROVIDER, "a provider family such as openai", source, lineNumber);
        String model = id(row, MODEL, "a model id such as gpt-4o", source, lineNumber);
        ModelInfo.Builder b = ModelInfo.builder(provider, model)
                .contextWindow(tokens(row, CONTEXT_WINDOW, source, lineNumber))
                .maxOutputTokens(tokens(row, MAX_OUTPUT_TOKENS, source, lineNumber))
                .inputUsdPerMillion(price(row, INPUT, source, lineNumber))
                .cachedInputUsdPerMillion(price(row, CACHED_INPUT, source, lineNumber))
                .outputUsdPerMillion(price(row, OUTPUT, source, lineNumber))
                .cacheWriteUsdPerMillion(price(row, CACHE_WRITE, source, lineNumber));
        try {
            return b.build();
        } catch (IllegalArgumentException e) {
            throw new ModelCatalogParseException(source, lineNumber, Optional.empty(), e.getMessage());
        }
    }

    private static String id(Map<String, String> row, String column, String expected, String source, int lineNumber) {
        String value = row.get(column);
        if (!ID.matcher(value).matches()) {
            throw new ModelCatalogParseException(
                    source,
                    lineNumber,
                    Optional.of(column),
                    "expected " + expected + " (required, no spaces), was " + shown(value));
        }
        return value;
    }

    private static OptionalInt tokens(Map<String, String> row, String column, String source, int lineNumber) {
        String value = row.getOrDefault(column, "");
        if (value.isEmpty()) {
            return OptionalInt.empty();
        }
        int parsed = -1;
        if (TOKENS.matcher(value).matches()) {
            try {
                parsed = Integer.parseInt(value);
            } catch (NumberFormatException tooLarge) {
                parsed = -1;
            }
        }
        if (parsed < 1) {
            throw new ModelCatalogParseException(
                    source,
                    lineNumber,
                    Optional.of(column),
                    "expected a whole number of tokens"
                            + " from 1 to " + Integer.MAX_VALUE
                            + " written with digits only, such as 128000, or nothing if unknown; was "
                            + shown(value));
        }
        return OptionalInt.of(parsed);
    }

    private static Optional<BigDecimal> price(Map<String, String> row, String column, String source, int lineNumber) {
        String value = row.getOrDefault(column, "");
        if (value.isEmpty()) {
            return Optional.empty();
        }
        if (!PRICE.matcher(value).matches()) {
            throw new ModelCatalogParseException(
                    source,
                    lineNumber,
                    Optional.of(column),
                    "expected a price in USD per million"
                            + " tokens such as 2.50 (digits with an optional decimal point; no '$', no thousands separator, no exponent),"
                            + " or nothing if unknown; was " + shown(value));
        }
        return Optional.of(new BigDecimal(value));
    }

    private static String shown(String value) {
        return value.isEmpty() ? "empty" : "'" + value + "'";
    }

    private static String text(OptionalInt value) {
        return value.isPresent() ? Integer.toString(value.getAsInt()) : "";
    }

    private static String text(Optional<BigDecimal> value) {
        return value.map(BigDecimal::toPlainString).orElse("");
    }
}
