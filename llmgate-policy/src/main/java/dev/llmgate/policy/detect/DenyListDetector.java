package dev.llmgate.policy.detect;

import dev.llmgate.api.exception.ConfigurationException;
import dev.llmgate.policy.Finding;
import dev.llmgate.policy.FindingTypes;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.TreeSet;
import java.util.function.Consumer;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.regex.PatternSyntaxException;

/**
 * Deny lists: keywords and phrases (matched on word boundaries, case-folded, any whitespace between
 * the words of a phrase), regular-expression rules, and denied topics given as keyword sets. All
 * keywords of one list compile into a single pattern, so a text is scanned once per list, not once
 * per keyword.
 *
 * <p>Finding types: {@link FindingTypes#DENIED_TERM} for keywords, the rule's own type for a regex
 * rule, {@code TOPIC_<NAME>} for a topic. Regex rules are the caller's patterns: keep their
 * repetition bounded (see docs/policy.md). Build with {@link #builder()}; immutable and thread-safe.
 */
public final class DenyListDetector implements Detector {

    private record Rule(String type, Pattern pattern, double confidence) {
    }

    private final String id;
    private final List<Rule> rules;
    private final Set<String> types;

    private DenyListDetector(String id, List<Rule> rules) {
        this.id = id;
        this.rules = List.copyOf(rules);
        Set<String> t = new TreeSet<>();
        for (Rule r : rules) {
            t.add(r.type);
        }
        this.types = Set.copyOf(t);
    }

    /** A builder of a deny list with id {@code "deny-list"}. */
    public static Builder builder() {
        return new Builder();
    }

    @Override
    public String id() {
        return id;
    }

    @Override
    public Set<String> types() {
        return types;
    }

    @Override
    public void detect(CharSequence text, Consumer<Finding> sink) {
        for (Rule r : rules) {
            Matcher m = r.pattern.matcher(text);
            while (m.find()) {
                if (m.end() > m.start()) {
                    sink.accept(new Finding(r.type, m.start(), m.end(), r.confidence, id));
                }
            }
        }
    }

    @Override
    public String toString() {
        return "DenyListDetector[" + id + " " + types + "]";
    }

    /** Builds a {@link DenyListDetector}; problems are reported together by {@link #build()}. */
    public static final class Builder {
        private String id = "deny-list";
        private final List<String> keywords = new ArrayList<>();
        private final Map<String, String> regexes = new LinkedHashMap<>();
        private final Map<String, List<String>> topics = new LinkedHashMap<>();

        private Builder() {
        }

        /** The detector's id (distinct deny lists need distinct ids). */
        public Builder id(String value) {
            this.id = Objects.requireNonNull(value, "id");
            return this;
        }

        /** Denied keywords or phrases. */
        public Builder keywords(String... values) {
            return keywords(List.of(values));
        }

        /** Denied keywords or phrases. */
        public Builder keywords(List<String> values) {
            keywords.addAll(values);
            return this;
        }

        /** A regex rule reporting findings of {@code type}; compiled once, case-sensitive unless it says {@code (?i)}. */
        public Builder regex(String type, String regex) {
            regexes.put(Objects.requireNonNull(type, "type"), Objects.requireNonNull(regex, "regex"));
            return this;
        }

        /** A denied topic: any of {@code keywords} reports a {@code TOPIC_<NAME>} finding. */
        public Builder topic(String name, List<String> topicKeywords) {
            topics.put(Objects.requireNonNull(name, "name"), List.copyOf(topicKeywords));
            return this;
        }

        /**
         * The detector.
         *
         * @throws ConfigurationException listing every empty keyword or invalid regex
         */
        public DenyListDetector build() {
            List<String> problems = new ArrayList<>();
            List<Rule> rules = new ArrayList<>();
            if (!keywords.isEmpty()) {
                rules.add(new Rule(FindingTypes.DENIED_TERM, keywordPattern(keywords, "keywords", problems), 0.9));
            }
            for (Map.Entry<String, String> e : regexes.entrySet()) {
                try {
                    rules.add(new Rule(e.getKey(), Pattern.compile(e.getValue()), 0.9));
                } catch (PatternSyntaxException ex) {
                    problems.add("deny-list regex for type " + e.getKey() + " is not a valid Java regex: " + ex.getDescription()
                            + " at index " + ex.getIndex());
                }
            }
            for (Map.Entry<String, List<String>> e : topics.entrySet()) {
                if (e.getValue().isEmpty()) {
                    problems.add("deny-list topic '" + e.getKey() + "' has no keywords: give at least one");
                    continue;
                }
                String type = FindingTypes.TOPIC_PREFIX + e.getKey().toUpperCase(java.util.Locale.ROOT).replaceAll("[^A-Z0-9]+", "_");
                rules.add(new Rule(type, keywordPattern(e.getValue(), "topic " + e.getKey(), problems), 0.8));
            }
            if (!problems.isEmpty()) {
                throw new ConfigurationException(problems);
            }
            return new DenyListDetector(id, rules);
        }

        /** One alternation of all keywords, longest first, on word boundaries, case-insensitive, flexible whitespace. */
        private static Pattern keywordPattern(List<String> words, String where, List<String> problems) {
            List<String> sorted = new ArrayList<>();
            for (String w : words) {
                if (w == null || w.isBlank()) {
                    problems.add("deny-list " + where + " contains an empty keyword: remove it");
                } else {
                    sorted.add(w.strip());
                }
            }
            sorted.sort(Comparator.comparingInt(String::length).reversed());
            StringBuilder sb = new StringBuilder("(?<![\\p{L}\\p{N}_])(?:");
            for (int i = 0; i < sorted.size(); i++) {
                if (i > 0) {
                    sb.append('|');
                }
                String[] parts = sorted.get(i).split("\\s+");
                for (int k = 0; k < parts.length; k++) {
                    if (k > 0) {
                        sb.append("\\s{1,8}");
                    }
                    sb.append(Pattern.quote(parts[k]));
                }
            }
            sb.append(")(?![\\p{L}\\p{N}_])");
            return Pattern.compile(sb.toString(), Pattern.CASE_INSENSITIVE | Pattern.UNICODE_CASE);
        }
    }
}
