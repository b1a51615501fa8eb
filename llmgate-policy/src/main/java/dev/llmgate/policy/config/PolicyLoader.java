package dev.llmgate.policy.config;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import dev.llmgate.api.Role;
import dev.llmgate.api.exception.ConfigurationException;
import dev.llmgate.policy.Policy;
import dev.llmgate.policy.PolicyStage;
import dev.llmgate.policy.Rule;
import dev.llmgate.policy.ToolPolicy;
import dev.llmgate.policy.ToolRule;
import dev.llmgate.policy.Verdict;
import dev.llmgate.policy.detect.DenyListDetector;
import dev.llmgate.policy.detect.ExfiltrationDetector;
import dev.llmgate.policy.detect.PiiDetector;
import dev.llmgate.policy.detect.PromptInjectionDetector;
import dev.llmgate.policy.detect.SecretDetector;
import dev.llmgate.policy.preset.CompliancePreset;
import dev.llmgate.policy.redact.RedactionMode;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

/**
 * Loads a policy from a YAML or JSON file (the format is chosen by the file extension). The schema
 * is documented in docs/policy.md; every key is optional. An invalid file fails with a
 * {@link ConfigurationException} listing each problem with its line, the field and what was
 * expected, e.g. {@code policy.yaml line 12, rules[0].verdict: expected one of ALLOW, ...; was 'BLOK'}.
 *
 * <p>What a file cannot hold (an approval callback, a custom detector, an HMAC key) is added to the
 * returned builder in code: {@code PolicyLoader.load(path).approval(...).build()}.
 */
public final class PolicyLoader {
    /** Duplicate keys are errors: a second {@code rules:} must not silently replace the first. */
    private static final JsonFactory JSON = JsonFactory.builder()
            .enable(com.fasterxml.jackson.core.StreamReadFeature.STRICT_DUPLICATE_DETECTION)
            .build();

    private static final YAMLFactory YAML = YAMLFactory.builder()
            .enable(com.fasterxml.jackson.core.StreamReadFeature.STRICT_DUPLICATE_DETECTION)
            .build();
    private static final Set<String> TOP = Set.of(
            "name",
            "presets",
            "detectors",
            "denyList",
            "thresholds",
            "defaultThreshold",
            "redaction",
            "streamWindow",
            "scanRoles",
            "channels",
            "restoreTokens",
            "rules",
            "tools");

    private PolicyLoader() {}

    /** The file's policy as a builder, for further settings in code. */
    public static Policy.Builder load(Path file) {
        String content;
        try {
            content = Files.readString(file, StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new ConfigurationException("cannot read policy file " + file + ": " + e.getMessage());
        }
        String name = file.getFileName().toString().toLowerCase(Locale.ROOT);
        boolean yaml = name.endsWith(".yaml") || name.endsWith(".yml");
        if (!yaml && !name.endsWith(".json")) {
            throw new ConfigurationException("policy file " + file + " must end in .yaml, .yml or .json");
        }
        return parse(content, yaml, file.getFileName().toString());
    }

    /** Parses {@code content} (YAML if {@code yaml}, else JSON); {@code source} names it in error messages. */
    public static Policy.Builder parse(String content, boolean yaml, String source) {
        Node root = readTree(content, yaml, source);
        return new Reader(source, "").read(root);
    }

    /**
     * Parses the policy held under the top-level key {@code key} of a larger YAML or JSON document (such as the
     * {@code policy} section of a gate configuration file); problems name the line and the field with its path
     * ({@code gate.yaml line 40, policy.rules[0].verdict: ...}). Other top-level keys are not looked at.
     *
     * @throws ConfigurationException listing every problem, or if the document has no such key
     */
    public static Policy.Builder parseSection(String content, boolean yaml, String source, String key) {
        Node root = readTree(content, yaml, source);
        if (!(root.value instanceof Map<?, ?> top) || !(top.get(key) instanceof Node section)) {
            throw new ConfigurationException(source + ": no top-level '" + key + "' section to read a policy from");
        }
        return new Reader(source, key + ".").read(section);
    }

    /**
     * Reads a policy from a tree of maps, lists and scalars (what a framework's property binder produces), with the
     * same keys as a policy file. Scalars may be strings ({@code "0.8"} for a number); problems name the field with
     * {@code prefix} in front ({@code llmgate.policy.rules[0].verdict: ...}), without line numbers.
     *
     * @throws ConfigurationException listing every problem
     */
    public static Policy.Builder fromTree(Map<String, ?> tree, String source, String prefix) {
        return new Reader(source, prefix).read(Node.of(tree));
    }

    private static Node readTree(String content, boolean yaml, String source) {
        try (JsonParser p = (yaml ? YAML : JSON).createParser(content)) {
            JsonToken first = p.nextToken();
            return first == null ? new Node(new LinkedHashMap<String, Node>(), 1) : Node.read(p);
        } catch (JsonProcessingException e) {
            int line = e.getLocation() == null ? 0 : e.getLocation().getLineNr();
            // the parser's message without the text it quotes (a mistyped line may hold a secret)
            String first = e.getOriginalMessage().split("\n", 2)[0];
            String msg = first.startsWith("Duplicate field")
                    ? first + " (each key at most once)"
                    : first.replaceAll("'[^']*'", "'…'").replaceAll("\"[^\"]*\"", "\"…\"");
            throw new ConfigurationException(
                    source + " line " + line + ": not valid " + (yaml ? "YAML" : "JSON") + ": " + msg);
        } catch (IOException e) {
            throw new ConfigurationException("cannot parse " + source + ": " + e.getMessage());
        }
    }

    /** A parsed value with the line it started on. */
    static final class Node {
        final Object value; // Map<String, Node>, List<Node>, String, Number, Boolean or null
        final int line;

        Node(Object value, int line) {
            this.value = value;
            this.line = line;
        }

        /** A tree of maps, lists and scalars as a node without line numbers (line 0). */
        static Node of(Object value) {
            if (value instanceof Map<?, ?> m) {
                Map<String, Node> map = new LinkedHashMap<>();
                m.forEach((k, v) -> map.put(String.valueOf(k), of(v)));
                return new Node(map, 0);
            }
            if (value instanceof List<?> l) {
                List<Node> list = new ArrayList<>();
                l.forEach(v -> list.add(of(v)));
                return new Node(list, 0);
            }
            if (value instanceof String || value instanceof Number || value instanceof Boolean) {
                return new Node(value, 0);
            }
            return new Node(value == null ? null : String.valueOf(value), 0);
        }

        static Node read(JsonParser p) throws IOException {
            int line = p.currentTokenLocation().getLineNr();
            JsonToken t = p.currentToken();
            switch (t) {
                case START_OBJECT: {
                    Map<String, Node> map = new LinkedHashMap<>();
                    while (p.nextToken() == JsonToken.FIELD_NAME) {
                        String key = p.currentName();
                        p.nextToken();
                        map.put(key, read(p));
                    }
                    return new Node(map, line);
                }
                case START_ARRAY: {
                    List<Node> list = new ArrayList<>();
                    while (p.nextToken() != JsonToken.END_ARRAY) {
                        list.add(read(p));
                    }
                    return new Node(list, line);
                }
                case VALUE_STRING:
                    return new Node(p.getText(), line);
                case VALUE_NUMBER_INT:
                case VALUE_NUMBER_FLOAT:
                    return new Node(p.getNumberValue(), line);
                case VALUE_TRUE:
                case VALUE_FALSE:
                    return new Node(p.getBooleanValue(), line);
                default:
                    return new Node(null, line);
            }
        }
    }

    /** Reads the tree into a builder, collecting every problem. */
    private static final class Reader {
        private final String source;
        private final String prefix;
        private final List<String> problems = new ArrayList<>();

        Reader(String source, String prefix) {
            this.source = source;
            this.prefix = prefix;
        }

        void problem(Node at, String field, String what) {
            String where = at.line > 0 ? source + " line " + at.line + ", " : source + ", ";
            problems.add(where + prefix + field + ": " + what);
        }

        Policy.Builder read(Node root) {
            Policy.Builder b = Policy.builder();
            Map<String, Node> top = map(root, "(top level)");
            if (top == null) {
                throw new ConfigurationException(problems);
            }
            for (Map.Entry<String, Node> e : top.entrySet()) {
                if (!TOP.contains(e.getKey())) {
                    problem(e.getValue(), e.getKey(), "unknown field; expected one of " + new java.util.TreeSet<>(TOP));
                }
            }
            Node n;
            if ((n = top.get("name")) != null) {
                String s = string(n, "name");
                if (s != null) {
                    b.name(s);
                }
            }
            if ((n = top.get("presets")) != null) {
                for (Node item : list(n, "presets")) {
                    CompliancePreset preset = enumValue(item, "presets[]", CompliancePreset.class);
                    if (preset != null) {
                        b.preset(preset);
                    }
                }
            }
            if ((n = top.get("detectors")) != null) {
                detectors(b, n);
            }
            if ((n = top.get("denyList")) != null) {
                denyList(b, n);
            }
            if ((n = top.get("thresholds")) != null) {
                Map<String, Node> m = map(n, "thresholds");
                if (m != null) {
                    m.forEach((type, v) -> {
                        Double d = number(v, "thresholds." + type, 0, 1);
                        if (d != null) {
                            b.threshold(type, d);
                        }
                    });
                }
            }
            if ((n = top.get("defaultThreshold")) != null) {
                Double d = number(n, "defaultThreshold", 0, 1);
                if (d != null) {
                    b.defaultThreshold(d);
                }
            }
            if ((n = top.get("redaction")) != null) {
                Map<String, Node> m = map(n, "redaction");
                if (m != null) {
                    m.forEach((type, v) -> {
                        RedactionMode mode = enumValue(v, "redaction." + type, RedactionMode.class);
                        if (mode != null) {
                            b.redaction(type, mode);
                        }
                    });
                }
            }
            if ((n = top.get("streamWindow")) != null) {
                Double d = number(n, "streamWindow", Policy.MIN_STREAM_WINDOW, 1_000_000);
                if (d != null) {
                    b.streamWindow(d.intValue());
                }
            }
            if ((n = top.get("scanRoles")) != null) {
                List<Role> roles = new ArrayList<>();
                for (Node item : list(n, "scanRoles")) {
                    Role r = enumValue(item, "scanRoles[]", Role.class);
                    if (r != null) {
                        roles.add(r);
                    }
                }
                b.scanRoles(roles.toArray(new Role[0]));
            }
            if ((n = top.get("channels")) != null) {
                List<dev.llmgate.policy.Channel> channels = new ArrayList<>();
                for (Node item : list(n, "channels")) {
                    dev.llmgate.policy.Channel c = enumValue(item, "channels[]", dev.llmgate.policy.Channel.class);
                    if (c != null) {
                        channels.add(c);
                    }
                }
                b.channels(channels.toArray(new dev.llmgate.policy.Channel[0]));
            }
            if ((n = top.get("restoreTokens")) != null) {
                List<dev.llmgate.policy.redact.TokenRestore> restore = new ArrayList<>();
                for (Node item : list(n, "restoreTokens")) {
                    dev.llmgate.policy.redact.TokenRestore r =
                            enumValue(item, "restoreTokens[]", dev.llmgate.policy.redact.TokenRestore.class);
                    if (r != null) {
                        restore.add(r);
                    }
                }
                b.restoreTokens(restore.toArray(new dev.llmgate.policy.redact.TokenRestore[0]));
            }
            if ((n = top.get("rules")) != null) {
                List<Node> items = list(n, "rules");
                for (int i = 0; i < items.size(); i++) {
                    rule(b, items.get(i), "rules[" + i + "]");
                }
            }
            if ((n = top.get("tools")) != null) {
                tools(b, n);
            }
            if (!problems.isEmpty()) {
                throw new ConfigurationException(problems);
            }
            return b;
        }

        private void detectors(Policy.Builder b, Node n) {
            for (Node item : list(n, "detectors")) {
                if (item.value instanceof String s) {
                    switch (s) {
                        case "pii":
                            b.detector(PiiDetector.all());
                            break;
                        case "secrets":
                            b.detector(SecretDetector.all());
                            break;
                        case "prompt-injection":
                            b.detector(PromptInjectionDetector.all());
                            break;
                        case "exfiltration":
                            b.detector(ExfiltrationDetector.all());
                            break;
                        default:
                            problem(
                                    item,
                                    "detectors[]",
                                    "expected one of pii, secrets, prompt-injection, exfiltration (or {pii: [types]}); was "
                                            + shown(s));
                    }
                } else if (item.value instanceof Map<?, ?>) {
                    Map<String, Node> m = map(item, "detectors[]");
                    Node types = m.get("pii");
                    if (types == null || m.size() != 1) {
                        problem(item, "detectors[]", "expected {pii: [TYPE, ...]}");
                        continue;
                    }
                    List<String> ts = strings(types, "detectors[].pii");
                    try {
                        b.detector(PiiDetector.of(ts));
                    } catch (ConfigurationException e) {
                        problem(types, "detectors[].pii", e.problems().get(0));
                    }
                } else {
                    problem(item, "detectors[]", "expected a detector name or {pii: [types]}");
                }
            }
        }

        private void denyList(Policy.Builder b, Node n) {
            Map<String, Node> m = map(n, "denyList");
            if (m == null) {
                return;
            }
            DenyListDetector.Builder d = DenyListDetector.builder();
            for (Map.Entry<String, Node> e : m.entrySet()) {
                switch (e.getKey()) {
                    case "keywords":
                        d.keywords(strings(e.getValue(), "denyList.keywords"));
                        break;
                    case "regex": {
                        Map<String, Node> r = map(e.getValue(), "denyList.regex");
                        if (r != null) {
                            r.forEach((type, v) -> {
                                String pattern = string(v, "denyList.regex." + type);
                                if (pattern != null) {
                                    try {
                                        java.util.regex.Pattern.compile(pattern);
                                        d.regex(type, pattern);
                                    } catch (java.util.regex.PatternSyntaxException ex) {
                                        problem(
                                                v,
                                                "denyList.regex." + type,
                                                "expected a Java regular expression: " + ex.getDescription());
                                    }
                                }
                            });
                        }
                        break;
                    }
                    case "topics": {
                        Map<String, Node> t = map(e.getValue(), "denyList.topics");
                        if (t != null) {
                            t.forEach((topic, v) -> d.topic(topic, strings(v, "denyList.topics." + topic)));
                        }
                        break;
                    }
                    default:
                        problem(
                                e.getValue(),
                                "denyList." + e.getKey(),
                                "unknown field; expected keywords, regex or topics");
                }
            }
            try {
                b.detector(d.build());
            } catch (ConfigurationException ex) {
                for (String p : ex.problems()) {
                    problem(n, "denyList", p);
                }
            }
        }

        private void rule(Policy.Builder b, Node n, String field) {
            Map<String, Node> m = map(n, field);
            if (m == null) {
                return;
            }
            unknown(m, field, "id", "types", "stages", "verdict", "minCount");
            String id = required(m, n, field, "id") ? string(m.get("id"), field + ".id") : null;
            List<String> types = required(m, n, field, "types") ? strings(m.get("types"), field + ".types") : List.of();
            Verdict verdict = required(m, n, field, "verdict")
                    ? enumValue(m.get("verdict"), field + ".verdict", Verdict.class)
                    : null;
            Rule.Builder r = Rule.builder(id == null ? "?" : id).types(types);
            if (m.containsKey("stages")) {
                List<PolicyStage> stages = new ArrayList<>();
                for (Node s : list(m.get("stages"), field + ".stages")) {
                    PolicyStage st = enumValue(s, field + ".stages[]", PolicyStage.class);
                    if (st == PolicyStage.INPUT || st == PolicyStage.OUTPUT) {
                        stages.add(st);
                    } else if (st != null) {
                        problem(
                                s,
                                field + ".stages[]",
                                "expected input or output (output covers streams; tool calls go under tools)");
                    }
                }
                r.stages(stages.toArray(new PolicyStage[0]));
            }
            if (m.containsKey("minCount")) {
                Double c = number(m.get("minCount"), field + ".minCount", 1, Integer.MAX_VALUE);
                if (c != null) {
                    r.minCount(c.intValue());
                }
            }
            if (id != null && verdict != null && !types.isEmpty()) {
                try {
                    b.rule(r.verdict(verdict).build());
                } catch (IllegalArgumentException e) {
                    problem(n, field, e.getMessage());
                }
            }
        }

        private void tools(Policy.Builder b, Node n) {
            Map<String, Node> m = map(n, "tools");
            if (m == null) {
                return;
            }
            unknown(m, "tools", "default", "rules", "denyArgumentTypes", "argumentVerdict", "allowedHosts");
            ToolPolicy.Builder t = ToolPolicy.builder();
            if (m.containsKey("default")) {
                Verdict v = enumValue(m.get("default"), "tools.default", Verdict.class);
                if (v != null) {
                    t.defaultVerdict(v);
                }
            }
            if (m.containsKey("rules")) {
                List<Node> items = list(m.get("rules"), "tools.rules");
                for (int i = 0; i < items.size(); i++) {
                    String f = "tools.rules[" + i + "]";
                    Map<String, Node> r = map(items.get(i), f);
                    if (r == null) {
                        continue;
                    }
                    unknown(r, f, "id", "name", "verdict");
                    String name = required(r, items.get(i), f, "name") ? string(r.get("name"), f + ".name") : null;
                    Verdict v = required(r, items.get(i), f, "verdict")
                            ? enumValue(r.get("verdict"), f + ".verdict", Verdict.class)
                            : null;
                    String id = r.containsKey("id") ? string(r.get("id"), f + ".id") : "tool." + name;
                    if (name != null && v != null && id != null) {
                        try {
                            t.rule(new ToolRule(id, name, v));
                        } catch (IllegalArgumentException e) {
                            problem(items.get(i), f, e.getMessage());
                        }
                    }
                }
            }
            Verdict argumentVerdict = Verdict.BLOCK;
            if (m.containsKey("argumentVerdict")) {
                Verdict v = enumValue(m.get("argumentVerdict"), "tools.argumentVerdict", Verdict.class);
                argumentVerdict = v == null ? Verdict.BLOCK : v;
            }
            if (m.containsKey("denyArgumentTypes")) {
                t.denyArgumentTypes(
                        argumentVerdict,
                        strings(m.get("denyArgumentTypes"), "tools.denyArgumentTypes")
                                .toArray(new String[0]));
            }
            if (m.containsKey("allowedHosts")) {
                t.allowHosts(
                        strings(m.get("allowedHosts"), "tools.allowedHosts").toArray(new String[0]));
            }
            try {
                b.tools(t.build());
            } catch (IllegalArgumentException e) {
                problem(n, "tools", e.getMessage());
            }
        }

        private boolean required(Map<String, Node> m, Node at, String field, String key) {
            if (!m.containsKey(key)) {
                problem(at, field, "missing required field '" + key + "'");
                return false;
            }
            return true;
        }

        private void unknown(Map<String, Node> m, String field, String... known) {
            List<String> k = Arrays.asList(known);
            for (Map.Entry<String, Node> e : m.entrySet()) {
                if (!k.contains(e.getKey())) {
                    problem(e.getValue(), field + "." + e.getKey(), "unknown field; expected one of " + k);
                }
            }
        }

        @SuppressWarnings("unchecked")
        private Map<String, Node> map(Node n, String field) {
            if (n.value instanceof Map<?, ?>) {
                return (Map<String, Node>) n.value;
            }
            problem(n, field, "expected a mapping (key: value); was " + describe(n));
            return null;
        }

        @SuppressWarnings("unchecked")
        private List<Node> list(Node n, String field) {
            if (n.value instanceof List<?>) {
                return (List<Node>) n.value;
            }
            problem(n, field, "expected a list; was " + describe(n));
            return List.of();
        }

        private String string(Node n, String field) {
            if (n.value instanceof String s) {
                return s;
            }
            problem(n, field, "expected a string; was " + describe(n));
            return null;
        }

        private List<String> strings(Node n, String field) {
            List<String> out = new ArrayList<>();
            for (Node item : list(n, field)) {
                String s = string(item, field + "[]");
                if (s != null) {
                    out.add(s);
                }
            }
            return out;
        }

        private Double number(Node n, String field, double min, double max) {
            if (n.value instanceof Number num && num.doubleValue() >= min && num.doubleValue() <= max) {
                return num.doubleValue();
            }
            if (n.line == 0 && n.value instanceof String s) { // a property binder's scalars are strings
                try {
                    double d = Double.parseDouble(s.trim());
                    if (d >= min && d <= max) {
                        return d;
                    }
                } catch (NumberFormatException notANumber) {
                    // reported below
                }
            }
            problem(n, field, "expected a number from " + fmt(min) + " to " + fmt(max) + "; was " + describe(n));
            return null;
        }

        private <E extends Enum<E>> E enumValue(Node n, String field, Class<E> type) {
            List<String> names = new ArrayList<>();
            for (E e : type.getEnumConstants()) {
                names.add(e.name());
            }
            if (n.value instanceof String s) {
                String wanted =
                        s.trim().toUpperCase(Locale.ROOT).replace('-', '_').replace(' ', '_');
                for (E e : type.getEnumConstants()) {
                    if (e.name().equals(wanted)) {
                        return e;
                    }
                }
            }
            problem(n, field, "expected one of " + String.join(", ", names) + "; was " + describe(n));
            return null;
        }

        private static String fmt(double d) {
            return d == Math.rint(d) ? String.valueOf((long) d) : String.valueOf(d);
        }

        /** Runs a secret has and a setting does not (as llmgate-config's messages judge them). */
        private static final java.util.regex.Pattern SECRET_LIKE = java.util.regex.Pattern.compile(
                "(?i)sk-|AIza|eyJ|bearer|api[_-]?key|(?=[A-Za-z0-9]*\\d)[A-Za-z0-9]{16,}|\\d(?:[ ._-]?\\d){11,}");

        /** {@code s} quoted, unless it may be a secret typed into the wrong field: then only its length. */
        private static String shown(String s) {
            if (s.length() <= 64 && !SECRET_LIKE.matcher(s).find()) {
                return "'" + s + "'";
            }
            return "a value of " + s.length() + " characters (not shown: it may be a secret)";
        }

        private static String describe(Node n) {
            if (n.value == null) {
                return "empty";
            }
            if (n.value instanceof String s) {
                return shown(s);
            }
            if (n.value instanceof Map<?, ?>) {
                return "a mapping";
            }
            if (n.value instanceof List<?>) {
                return "a list";
            }
            return String.valueOf(n.value);
        }
    }
}
