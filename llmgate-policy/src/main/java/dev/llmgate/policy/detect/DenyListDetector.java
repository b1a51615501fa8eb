package dev.llmgate.policy.detect;

import dev.llmgate.api.exception.ConfigurationException;
import dev.llmgate.policy.Finding;
import dev.llmgate.policy.FindingTypes;
import dev.llmgate.policy.detect.internal.BuiltInScans;
import dev.llmgate.policy.detect.internal.KeywordAlternation;
import dev.llmgate.policy.detect.internal.MeteredText;
import java.util.ArrayList;
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
 * Deny lists: keywords and phrases (matched on word boundaries, case-folded, one to eight whitespace
 * characters between the words of a phrase), regular-expression rules, and denied topics given as
 * keyword sets. All keyword and topic lists are matched together in one pass over the text, in time
 * linear in its length (each list finds exactly what its case-insensitive alternation pattern, longest
 * keyword first, would find).
 *
 * <p>Finding types: {@link FindingTypes#DENIED_TERM} for keywords, the rule's own type for a regex
 * rule, {@code TOPIC_<NAME>} for a topic. Regex rules are the caller's patterns: keep their
 * repetition bounded (see docs/policy.md). Build with {@link #builder()}; immutable and thread-safe.
 */
public final class DenyListDetector implements Detector {

    /** A rule: a regex (the caller's, {@code list} -1) or a keyword list ({@code list}: its index in {@link #keywords}). */
    private record Rule(String type, Pattern pattern, int list, double confidence) {}

    private final String id;
    private final List<Rule> rules;
    private final Set<String> types;
    /** The keyword lists matched in one linear pass; null: they are matched by their patterns (see {@link KeywordAlternation#of}). */
    private final KeywordAlternation keywords;

    private final int keywordLists;

    private DenyListDetector(String id, List<Rule> rules, KeywordAlternation keywords, int keywordLists) {
        this.id = id;
        this.rules = List.copyOf(rules);
        this.keywords = keywords;
        this.keywordLists = keywordLists;
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

    static {
        BuiltInScans.metered(DenyListDetector.class, DenyListDetector::detectMetered);
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
        detectMetered(MeteredText.unlimited(text), sink);
    }

    /**
     * Not API: {@link #detect(CharSequence, Consumer)} counting the work of the keyword and topic lists on {@code text}'s
     * counter (one pass for all of them, linear in the text's length); regex rules are the caller's patterns, not counted.
     */
    private void detectMetered(MeteredText text, Consumer<Finding> sink) {
        List<List<int[]>> matches = null;
        if (keywords != null) {
            matches = new ArrayList<>(keywordLists);
            for (int r = 0; r < keywordLists; r++) {
                matches.add(new ArrayList<>());
            }
            keywords.findAll(text, matches);
        }
        for (Rule r : rules) {
            if (r.list >= 0 && matches != null) {
                for (int[] m : matches.get(r.list)) {
                    sink.accept(new Finding(r.type, m[0], m[1], r.confidence, id));
                }
                continue;
            }
            Matcher m = r.pattern.matcher(r.list >= 0 ? text : text.string());
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

        private Builder() {}

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
            List<List<String>> lists = new ArrayList<>();
            if (!keywords.isEmpty()) {
                rules.add(new Rule(
                        FindingTypes.DENIED_TERM,
                        keywordPattern(keywords, "keywords", problems, lists),
                        lists.size() - 1,
                        0.9));
            }
            for (Map.Entry<String, String> e : regexes.entrySet()) {
                try {
                    rules.add(new Rule(e.getKey(), Pattern.compile(e.getValue()), -1, 0.9));
                } catch (PatternSyntaxException ex) {
                    problems.add("deny-list regex for type " + e.getKey() + " is not a valid Java regex: "
                            + ex.getDescription() + " at index " + ex.getIndex());
                }
            }
            for (Map.Entry<String, List<String>> e : topics.entrySet()) {
                if (e.getValue().isEmpty()) {
                    problems.add("deny-list topic '" + e.getKey() + "' has no keywords: give at least one");
                    continue;
                }
                String type = FindingTypes.TOPIC_PREFIX
                        + e.getKey().toUpperCase(java.util.Locale.ROOT).replaceAll("[^A-Z0-9]+", "_");
                rules.add(new Rule(
                        type,
                        keywordPattern(e.getValue(), "topic " + e.getKey(), problems, lists),
                        lists.size() - 1,
                        0.8));
            }
            if (!problems.isEmpty()) {
                throw new ConfigurationException(problems);
            }
            return new DenyListDetector(id, rules, lists.isEmpty() ? null : KeywordAlternation.of(lists), lists.size());
        }

        /**
         * One alternation of all keywords, longest first, on word boundaries, case-insensitive, flexible whitespace
         * ({@link KeywordAlternation#pattern}); the non-blank keywords are added to {@code lists} as one more list.
         */
        private static Pattern keywordPattern(
                List<String> words, String where, List<String> problems, List<List<String>> lists) {
            List<String> valid = new ArrayList<>();
            for (String w : words) {
                if (w == null || w.isBlank()) {
                    problems.add("deny-list " + where + " contains an empty keyword: remove it");
                } else {
                    valid.add(w);
                }
            }
            lists.add(valid);
            return KeywordAlternation.pattern(valid);
        }
    }
}
