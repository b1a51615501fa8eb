package dev.llmgate.policy.training;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.Iterator;
import java.util.List;

/**
 * Reads the training sources a manifest names (llmgate-policy/training/manifest.json): each file is
 * checked against its SHA-256 before a row is read, then rows are taken as the source's entry says
 * (format, text field, label), so that the same files always give the same examples.
 */
final class TrainingSources {
    private static final ObjectMapper JSON = new ObjectMapper();

    private TrainingSources() {}

    /** One labelled text of a source. */
    record Example(String source, String text, int label, String lang) {}

    /** A source's entry in the manifest. */
    record Source(String id, String group, String role, List<Example> examples) {}

    /**
     * Reads every source of {@code manifest} from {@code dataDir} (a file's {@code path} relative to it; a file with a
     * {@code local} path is read from this repository, relative to the manifest's folder).
     */
    static List<Source> read(Path manifest, Path dataDir) throws IOException {
        return read(JSON.readTree(manifest.toFile()), manifest.toAbsolutePath().getParent(), dataDir);
    }

    /** {@link #read(Path, Path)} of a manifest already read, whose folder is {@code manifestDir}. */
    static List<Source> read(JsonNode root, Path manifestDir, Path dataDir) throws IOException {
        List<Source> out = new ArrayList<>();
        List<String> problems = new ArrayList<>();
        for (JsonNode s : root.get("sources")) {
            String id = s.get("id").asText();
            String role = s.path("role").asText("train");
            String group = s.path("group").asText(id);
            if (s.path("format").asText().equals("grammar")) {
                out.add(new Source(
                        id,
                        group,
                        role,
                        GrammarExamples.generate(id, root.path("seed").asLong())));
                continue;
            }
            List<Example> examples = new ArrayList<>();
            for (JsonNode f : s.get("files")) {
                String path = f.get("path").asText();
                // a file in this repository ("local", relative to the manifest's folder), or one under dataDir
                Path file = f.has("local")
                        ? manifestDir.resolve(f.get("local").asText()).normalize()
                        : dataDir.resolve(path);
                if (!Files.isRegularFile(file)) {
                    problems.add(id + ": missing " + file + " (fetch the files under \"raw\" from "
                            + s.get("repository").asText() + " at commit "
                            + s.get("commit").asText() + " into "
                            + dataDir.resolve("raw").resolve(id) + ", then run extract.py)");
                    continue;
                }
                byte[] bytes = Files.readAllBytes(file);
                String sha = sha256(bytes);
                if (!sha.equals(f.get("sha256").asText())) {
                    problems.add(id + ": " + file + " has SHA-256 " + sha + ", the manifest says "
                            + f.get("sha256").asText()
                            + " (a different version of the file: fetch the commit the manifest names)");
                    continue;
                }
                examples.addAll(rows(id, s, f, new String(bytes, StandardCharsets.UTF_8)));
            }
            out.add(new Source(id, group, role, examples));
        }
        if (!problems.isEmpty()) {
            throw new IOException("training data does not match the manifest:\n  " + String.join("\n  ", problems));
        }
        return out;
    }

    private static List<Example> rows(String id, JsonNode source, JsonNode file, String content) throws IOException {
        String format = file.path("format").asText(source.path("format").asText());
        String lang = file.path("lang").asText(source.path("lang").asText("en"));
        List<Example> out = new ArrayList<>();
        switch (format) {
            case "jsonl" -> {
                for (String line : content.split("\n", -1)) {
                    if (!line.isBlank()) {
                        add(out, id, JSON.readTree(line), source, file, lang);
                    }
                }
            }
            case "json" -> {
                JsonNode node = JSON.readTree(content).at(file.path("pointer").asText(""));
                for (Iterator<JsonNode> it = node.elements(); it.hasNext(); ) {
                    add(out, id, it.next(), source, file, lang);
                }
            }
            case "lines" -> {
                for (String line : content.split("\n", -1)) {
                    if (!line.isBlank()) {
                        out.add(new Example(id, line.strip(), constantLabel(source, file), lang));
                    }
                }
            }
            case "csv" -> {
                List<List<String>> table = Csv.parse(content);
                List<String> header = table.get(0);
                int column = header.indexOf(
                        file.path("text").asText(source.path("text").asText()));
                String labelField =
                        file.path("labelField").asText(source.path("labelField").asText(""));
                int labelColumn = labelField.isEmpty() ? -1 : header.indexOf(labelField);
                if (column < 0) {
                    throw new IOException(
                            id + ": no column " + file.path("text").asText() + " in " + header);
                }
                for (List<String> row : table.subList(1, table.size())) {
                    if (row.size() > column) {
                        int label =
                                labelColumn < 0 ? constantLabel(source, file) : mapLabel(source, row.get(labelColumn));
                        if (label >= 0) {
                            out.add(new Example(id, row.get(column), label, lang));
                        }
                    }
                }
            }
            default -> throw new IOException(id + ": unknown format " + format);
        }
        int limit = source.path("limit").asInt(Integer.MAX_VALUE);
        return out.size() > limit ? everyKth(out, limit) : out;
    }

    /** {@code limit} rows spread evenly over {@code rows}, in order (a deterministic subset). */
    private static List<Example> everyKth(List<Example> rows, int limit) {
        List<Example> out = new ArrayList<>(limit);
        for (int i = 0; i < limit; i++) {
            out.add(rows.get((int) ((long) i * rows.size() / limit)));
        }
        return out;
    }

    private static void add(List<Example> out, String id, JsonNode row, JsonNode source, JsonNode file, String lang) {
        String textField = file.path("text").asText(source.path("text").asText("text"));
        JsonNode text = row.isTextual() ? row : row.at(textField.startsWith("/") ? textField : "/" + textField);
        if (!text.isTextual()) {
            return;
        }
        String labelField =
                file.path("labelField").asText(source.path("labelField").asText(""));
        int label = labelField.isEmpty()
                ? constantLabel(source, file)
                : mapLabel(
                        source,
                        row.at(labelField.startsWith("/") ? labelField : "/" + labelField)
                                .asText());
        String rowLang = row.path("lang").asText(lang);
        if (label >= 0) {
            out.add(new Example(id, text.asText(), label, rowLang));
        }
    }

    private static int constantLabel(JsonNode source, JsonNode file) {
        return file.path("label").asInt(source.path("label").asInt(-1));
    }

    /** A label column's value as 0 or 1 by the source's {@code labelMap} (default: "0"/"1"); -1 drops the row. */
    private static int mapLabel(JsonNode source, String value) {
        JsonNode map = source.path("labelMap");
        if (map.isObject()) {
            return map.path(value).asInt(-1);
        }
        return value.equals("1") ? 1 : value.equals("0") ? 0 : -1;
    }

    static String sha256(byte[] bytes) {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(bytes));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    /** RFC 4180 CSV: quoted fields with doubled quotes and line breaks inside. */
    static final class Csv {
        private Csv() {}

        static List<List<String>> parse(String s) {
            List<List<String>> rows = new ArrayList<>();
            List<String> row = new ArrayList<>();
            StringBuilder field = new StringBuilder();
            boolean quoted = false;
            for (int i = 0; i < s.length(); i++) {
                char c = s.charAt(i);
                if (quoted) {
                    if (c == '"' && i + 1 < s.length() && s.charAt(i + 1) == '"') {
                        field.append('"');
                        i++;
                    } else if (c == '"') {
                        quoted = false;
                    } else {
                        field.append(c);
                    }
                } else if (c == '"') {
                    quoted = true;
                } else if (c == ',') {
                    row.add(field.toString());
                    field.setLength(0);
                } else if (c == '\n' || c == '\r') {
                    if (c == '\r' && i + 1 < s.length() && s.charAt(i + 1) == '\n') {
                        i++;
                    }
                    row.add(field.toString());
                    field.setLength(0);
                    rows.add(row);
                    row = new ArrayList<>();
                } else {
                    field.append(c);
                }
            }
            if (field.length() > 0 || !row.isEmpty()) {
                row.add(field.toString());
                rows.add(row);
            }
            return rows;
        }
    }
}
