package dev.llmgate.core.cache.internal;

import java.math.BigDecimal;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Blocks semantic hits between questions that embeddings find similar but that ask different
 * things. Two questions are compatible only if they have
 * <ul>
 *   <li>the same number of negations ({@code not}, {@code no}, {@code never}, {@code without},
 *       {@code n't}, ...);</li>
 *   <li>the same numbers (digits normalized, {@code 1,000 = 1000}, {@code 2.50 = 2.5}; number words
 *       {@code one}…{@code twenty}, {@code hundred}, ... mapped to digits);</li>
 *   <li>the same entities: every capitalized, all-caps or letter-and-digit word of one (other than
 *       common sentence words such as "What" or "I") appears, case-insensitively, in the other;</li>
 *   <li>the same polarity words ({@code before/after}, {@code best/worst}, {@code buy/sell},
 *       {@code advantages/disadvantages}, {@code today/tomorrow}, ...).</li>
 * </ul>
 * A heuristic for English: it errs towards blocking (a blocked paraphrase costs one provider call;
 * a false hit answers a question that was not asked). Stateless and thread-safe; regexes compiled once.
 */
public final class SemanticGuard {
    private static final Pattern WORD = Pattern.compile("[\\p{L}\\p{N}]+(?:['’][\\p{L}]+)?");
    private static final Pattern NUMBER = Pattern.compile("\\d+(?:[.,]\\d+)*");

    private static final Set<String> NEGATIONS = Set.copyOf(List.of(
            "not",
            "no",
            "never",
            "none",
            "nothing",
            "nobody",
            "nowhere",
            "neither",
            "nor",
            "without",
            "cannot",
            "cant",
            "dont",
            "doesnt",
            "isnt",
            "arent",
            "wasnt",
            "werent",
            "wont",
            "shouldnt",
            "wouldnt",
            "couldnt",
            "didnt",
            "hasnt",
            "havent",
            "hadnt",
            "mustnt",
            "except",
            "excluding",
            "non"));

    private static final Map<String, String> NUMBER_WORDS = Map.ofEntries(
            Map.entry("zero", "0"),
            Map.entry("one", "1"),
            Map.entry("two", "2"),
            Map.entry("three", "3"),
            Map.entry("four", "4"),
            Map.entry("five", "5"),
            Map.entry("six", "6"),
            Map.entry("seven", "7"),
            Map.entry("eight", "8"),
            Map.entry("nine", "9"),
            Map.entry("ten", "10"),
            Map.entry("eleven", "11"),
            Map.entry("twelve", "12"),
            Map.entry("thirteen", "13"),
            Map.entry("fourteen", "14"),
            Map.entry("fifteen", "15"),
            Map.entry("sixteen", "16"),
            Map.entry("seventeen", "17"),
            Map.entry("eighteen", "18"),
            Map.entry("nineteen", "19"),
            Map.entry("twenty", "20"),
            Map.entry("thirty", "30"),
            Map.entry("forty", "40"),
            Map.entry("fifty", "50"),
            Map.entry("hundred", "100"),
            Map.entry("thousand", "1000"),
            Map.entry("million", "1000000"),
            Map.entry("billion", "1000000000"),
            Map.entry("dozen", "12"),
            Map.entry("half", "0.5"),
            Map.entry("twice", "2"),
            Map.entry("double", "2"),
            Map.entry("triple", "3"));

    /** Words whose replacement by another of the set flips the question; compared as sets. */
    private static final Set<String> POLARITY = Set.copyOf(List.of(
            "before",
            "after",
            "above",
            "below",
            "more",
            "less",
            "fewer",
            "most",
            "least",
            "increase",
            "decrease",
            "increasing",
            "decreasing",
            "raise",
            "lower",
            "higher",
            "high",
            "low",
            "maximum",
            "minimum",
            "max",
            "min",
            "largest",
            "smallest",
            "biggest",
            "best",
            "worst",
            "better",
            "worse",
            "first",
            "last",
            "buy",
            "sell",
            "advantages",
            "disadvantages",
            "pros",
            "cons",
            "benefits",
            "risks",
            "import",
            "export",
            "enable",
            "disable",
            "add",
            "remove",
            "delete",
            "create",
            "start",
            "stop",
            "open",
            "close",
            "true",
            "false",
            "north",
            "south",
            "east",
            "west",
            "left",
            "right",
            "today",
            "tomorrow",
            "yesterday",
            "past",
            "future",
            "next",
            "previous",
            "cheapest",
            "fastest",
            "slowest",
            "oldest",
            "newest",
            "latest",
            "earliest",
            "hot",
            "cold",
            "hottest",
            "coldest",
            "inside",
            "outside",
            "male",
            "female",
            "men",
            "women",
            "children",
            "adults",
            "legal",
            "illegal",
            "safe",
            "unsafe",
            "input",
            "output",
            "send",
            "receive",
            "upload",
            "download",
            "encrypt",
            "decrypt",
            "celsius",
            "fahrenheit",
            "km",
            "miles",
            "kg",
            "pounds",
            "metric",
            "imperial"));

    /** Capitalized words that are sentence machinery, not entities. */
    private static final Set<String> COMMON = Set.copyOf(List.of(
            "what",
            "whats",
            "what's",
            "how",
            "hows",
            "how's",
            "why",
            "when",
            "where",
            "which",
            "who",
            "whom",
            "whose",
            "is",
            "are",
            "was",
            "were",
            "be",
            "do",
            "does",
            "did",
            "can",
            "could",
            "would",
            "should",
            "will",
            "shall",
            "may",
            "might",
            "must",
            "i",
            "i'm",
            "im",
            "my",
            "me",
            "we",
            "our",
            "you",
            "your",
            "it",
            "its",
            "it's",
            "this",
            "that",
            "these",
            "those",
            "there",
            "the",
            "a",
            "an",
            "in",
            "on",
            "of",
            "for",
            "to",
            "and",
            "or",
            "but",
            "if",
            "please",
            "explain",
            "describe",
            "tell",
            "give",
            "list",
            "show",
            "write",
            "summarize",
            "define",
            "compare",
            "help",
            "name",
            "find",
            "make",
            "get",
            "let",
            "let's",
            "hi",
            "hello",
            "hey",
            "thanks",
            "ok",
            "okay",
            "so",
            "now",
            "also",
            "in",
            "at",
            "by",
            "with",
            "about",
            "is",
            "any",
            "some",
            "all",
            "each",
            "every",
            "other",
            "another",
            "yes",
            "no"));

    private SemanticGuard() {}

    /** True if a semantic hit between {@code cached} and {@code asked} is allowed. */
    public static boolean compatible(String cached, String asked) {
        Features a = Features.of(cached);
        Features b = Features.of(asked);
        return blockReason(a, b) == null;
    }

    /** Why the guard blocks a hit between the two questions ("negation", "number", "entity", "polarity"), or null. */
    public static String blockReason(String cached, String asked) {
        return blockReason(Features.of(cached), Features.of(asked));
    }

    private static String blockReason(Features a, Features b) {
        if (a.negations != b.negations) {
            return "negation";
        }
        if (!a.numbers.equals(b.numbers)) {
            return "number";
        }
        if (!b.words.containsAll(a.entities) || !a.words.containsAll(b.entities)) {
            return "entity";
        }
        if (!a.polarity.equals(b.polarity)) {
            return "polarity";
        }
        return null;
    }

    private static final class Features {
        int negations;
        final Set<String> numbers = new TreeSet<>();
        final Set<String> entities = new HashSet<>();
        final Set<String> words = new HashSet<>();
        final Set<String> polarity = new HashSet<>();

        static Features of(String text) {
            Features f = new Features();
            Matcher n = NUMBER.matcher(text);
            while (n.find()) {
                f.numbers.add(normalizeNumber(n.group()));
            }
            Matcher m = WORD.matcher(text);
            List<String> tokens = new ArrayList<>();
            while (m.find()) {
                tokens.add(m.group());
            }
            for (String token : tokens) {
                String lower = token.toLowerCase(Locale.ROOT).replace('’', '\'');
                f.words.add(lower);
                String bare = lower.replace("'", "");
                if (NEGATIONS.contains(bare) || lower.endsWith("n't")) {
                    f.negations++;
                }
                String number = NUMBER_WORDS.get(lower);
                if (number != null) {
                    f.numbers.add(number);
                }
                if (POLARITY.contains(lower)) {
                    f.polarity.add(lower);
                }
                if (isEntity(token, lower)) {
                    f.entities.add(lower);
                }
            }
            return f;
        }

        private static boolean isEntity(String token, String lower) {
            if (COMMON.contains(lower) || NUMBER_WORDS.containsKey(lower)) {
                return false;
            }
            boolean letters = false;
            boolean digits = false;
            for (int i = 0; i < token.length(); i++) {
                char c = token.charAt(i);
                letters |= Character.isLetter(c);
                digits |= Character.isDigit(c);
            }
            if (letters && digits) {
                return true;
            }
            return letters && Character.isUpperCase(token.charAt(0));
        }

        private static String normalizeNumber(String raw) {
            String s = raw;
            if (s.indexOf(',') >= 0) {
                // 1,000,000 is a thousands separator; 3,5 (one comma, not three digits after) a decimal comma
                int comma = s.lastIndexOf(',');
                if (s.length() - comma - 1 == 3) {
                    s = s.replace(",", "");
                } else {
                    s = s.replace(",", ".");
                }
            }
            try {
                BigDecimal d = new BigDecimal(s);
                return d.signum() == 0 ? "0" : d.stripTrailingZeros().toPlainString();
            } catch (NumberFormatException e) {
                return s;
            }
        }
    }
}
