package dev.llmgate.policy.training;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.llmgate.policy.detect.PromptInjectionDetector;
import dev.llmgate.policy.detect.internal.NormalizedText;
import dev.llmgate.policy.training.TrainingSources.Example;
import dev.llmgate.policy.training.TrainingSources.Source;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.SplittableRandom;

/**
 * Trains the built-in prompt-injection model ({@link InjectionModel}) from the sources in
 * llmgate-policy/training/manifest.json: logistic regression over {@link InjectionFeatures}, scored
 * on the highest-scoring window of each text (the way the detector scores it), AdaGrad with a fixed
 * seed and {@link StrictMath}, so the same data give the same weights byte for byte.
 *
 * <p>Before the final model it measures itself by holding out whole sources: for each source, a
 * model trained on all the others scores it. The pooled held-out scores choose the operating point
 * (the lowest threshold with precision at least {@code minPrecision} and benign false positives at
 * most {@code maxFalsePositiveRate}); sources marked {@code "role": "eval"} are never trained on nor
 * used to choose it. Run it with {@code scripts/train-injection-model.sh}.
 */
public final class InjectionModelTrainer {
    private static final ObjectMapper JSON = new ObjectMapper();

    /** Training settings (from the manifest). */
    record Settings(
            long seed,
            int window,
            int epochs,
            double learningRate,
            double l2,
            double minPrecision,
            double maxFalsePositiveRate,
            boolean evidenceOnly,
            boolean sourceBalance,
            List<String> languages) {
        static Settings of(JsonNode m) {
            return new Settings(
                    m.path("seed").asLong(20261206L),
                    m.path("window").asInt(40),
                    m.path("epochs").asInt(6),
                    m.path("learningRate").asDouble(0.2),
                    m.path("l2").asDouble(1e-5),
                    m.path("minPrecision").asDouble(0.95),
                    m.path("maxFalsePositiveRate").asDouble(0.01),
                    m.path("evidenceOnly").asBoolean(true),
                    m.path("sourceBalance").asBoolean(true),
                    languages(m.path("languages")));
        }

        private static List<String> languages(JsonNode list) {
            List<String> out = new ArrayList<>();
            list.forEach(l -> out.add(l.asText()));
            return out;
        }
    }

    /** An example's features: per token, its feature buckets ({@code features[tokenEnds[t-1] .. tokenEnds[t])}). */
    record Doc(Example example, int[] features, int[] tokenEnds) {
        int tokens() {
            return tokenEnds.length;
        }
    }

    private InjectionModelTrainer() {}

    public static void main(String[] args) throws IOException {
        if (args.length != 4) {
            System.err.println("usage: InjectionModelTrainer <manifest.json> <data dir> <model out> <report out>");
            System.exit(2);
        }
        Path manifest = Path.of(args[0]);
        Settings settings = Settings.of(JSON.readTree(manifest.toFile()));
        List<Source> sources = TrainingSources.read(manifest, Path.of(args[1]));
        Result result = run(sources, settings);
        Files.write(Path.of(args[2]), result.model);
        Files.writeString(Path.of(args[3]), result.report, StandardCharsets.UTF_8);
        System.out.println(result.report);
    }

    /** The model's bytes and the report. */
    record Result(byte[] model, String report) {}

    static Result run(List<Source> sources, Settings settings) throws IOException {
        Dedup dedup = dedup(sources, settings.languages);
        Map<String, List<Doc>> bySource = new LinkedHashMap<>();
        Map<String, String> roles = new HashMap<>();
        Map<String, String> groups = new HashMap<>();
        for (Source s : dedup.sources) {
            groups.put(s.id(), s.group());
            List<Doc> docs = new ArrayList<>();
            for (Example e : s.examples()) {
                docs.add(doc(e));
            }
            bySource.put(s.id(), docs);
            roles.put(s.id(), s.role());
        }
        // held out by group: each training source scored by a model trained on the training sources of the other
        // groups (sources that share texts or templates, such as a dataset and its translation, form one group)
        Map<String, double[]> heldOut = new LinkedHashMap<>();
        Map<String, InjectionModel> byGroup = new HashMap<>();
        for (String id : bySource.keySet()) {
            if (!roles.get(id).equals("train")) {
                continue;
            }
            String group = groups.get(id);
            InjectionModel model = byGroup.computeIfAbsent(group, g -> {
                List<Doc> train = new ArrayList<>();
                bySource.forEach((other, docs) -> {
                    if (!groups.get(other).equals(g) && roles.get(other).equals("train")) {
                        train.addAll(docs);
                    }
                });
                return quantise(train(train, settings), settings.window, 0.0);
            });
            heldOut.put(id, scores(model, bySource.get(id)));
        }
        Map<String, boolean[]> rules = new LinkedHashMap<>();
        bySource.forEach((id, docs) -> rules.put(id, rulesFire(docs)));
        double threshold = operatingPoint(bySource, heldOut, rules, settings);
        List<Doc> all = new ArrayList<>();
        bySource.forEach((id, docs) -> {
            if (roles.get(id).equals("train")) {
                all.addAll(docs);
            }
        });
        InjectionModel finalModel = quantise(train(all, settings), settings.window, threshold);
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        finalModel.write(bytes);
        Map<String, double[]> evalScores = new LinkedHashMap<>();
        bySource.forEach((id, docs) -> {
            if (!roles.get(id).equals("train")) {
                evalScores.put(id, scores(finalModel, docs));
            }
        });
        String report =
                Report.write(bySource, heldOut, evalScores, rules, threshold, settings, dedup, bytes.toByteArray());
        return new Result(bytes.toByteArray(), report);
    }

    /** Sources without exact duplicates (same normal form): the first occurrence in manifest order stays. */
    record Dedup(List<Source> sources, int dropped, int conflicting) {}

    static Dedup dedup(List<Source> sources, List<String> languages) {
        Map<String, Integer> seen = new HashMap<>();
        List<Source> out = new ArrayList<>();
        int dropped = 0;
        int conflicting = 0;
        for (Source s : sources) {
            List<Example> kept = new ArrayList<>();
            for (Example e : s.examples()) {
                String text = e.text().strip();
                if (text.length() < 8
                        || text.length() > 6000
                        || (!languages.isEmpty() && !languages.contains(e.lang()))) {
                    dropped++;
                    continue;
                }
                String key = NormalizedText.of(text).text().strip();
                Integer label = seen.putIfAbsent(key, e.label());
                if (label != null) {
                    dropped++;
                    if (label != e.label()) {
                        conflicting++;
                    }
                    continue;
                }
                kept.add(new Example(e.source(), text, e.label(), e.lang()));
            }
            out.add(new Source(s.id(), s.group(), s.role(), kept));
        }
        return new Dedup(out, dropped, conflicting);
    }

    static Doc doc(Example e) {
        String n = NormalizedText.of(e.text()).text();
        int[][] buffers = {new int[64], new int[16]};
        int[] sizes = new int[2];
        InjectionFeatures.read(n, new InjectionFeatures.Sink() {
            @Override
            public void feature(int bucket) {
                buffers[0] = add(buffers[0], sizes, 0, bucket);
            }

            @Override
            public void token(int start, int end) {
                buffers[1] = add(buffers[1], sizes, 1, sizes[0]);
            }
        });
        return new Doc(e, Arrays.copyOf(buffers[0], sizes[0]), Arrays.copyOf(buffers[1], sizes[1]));
    }

    private static int[] add(int[] a, int[] sizes, int which, int value) {
        int[] b = sizes[which] == a.length ? Arrays.copyOf(a, a.length * 2) : a;
        b[sizes[which]++] = value;
        return b;
    }

    /** Float weights and bias. */
    record Weights(float[] w, float bias) {}

    static Weights train(List<Doc> docs, Settings s) {
        int size = 1 << InjectionFeatures.BITS;
        float[] w = new float[size];
        float[] g2 = new float[size];
        double bias = 0;
        double biasG2 = 0;
        long positives = docs.stream().filter(d -> d.example().label() == 1).count();
        long negatives = docs.size() - positives;
        // each class weighs half of the total
        double posWeight = positives == 0 ? 0 : docs.size() / (2.0 * positives);
        double negWeight = negatives == 0 ? 0 : docs.size() / (2.0 * negatives);
        // each source weighs by the square root of its size, not its size: a large source does not drown the others
        Map<String, Integer> sizes = new HashMap<>();
        for (Doc d : docs) {
            sizes.merge(d.example().source() + "/" + d.example().label(), 1, Integer::sum);
        }
        double[] sourceWeight = new double[docs.size()];
        double total = 0;
        for (int i = 0; i < docs.size(); i++) {
            Doc d = docs.get(i);
            sourceWeight[i] = s.sourceBalance
                    ? 1.0
                            / StrictMath.sqrt(sizes.get(
                                    d.example().source() + "/" + d.example().label()))
                    : 1.0;
            total += sourceWeight[i];
        }
        for (int i = 0; i < docs.size(); i++) {
            sourceWeight[i] *= docs.size() / total;
        }
        int[] order = new int[docs.size()];
        for (int i = 0; i < order.length; i++) {
            order[i] = i;
        }
        SplittableRandom random = new SplittableRandom(s.seed);
        float lr = (float) s.learningRate;
        float l2 = (float) s.l2;
        for (int epoch = 0; epoch < s.epochs; epoch++) {
            for (int i = order.length - 1; i > 0; i--) {
                int j = random.nextInt(i + 1);
                int t = order[i];
                order[i] = order[j];
                order[j] = t;
            }
            for (int index : order) {
                Doc d = docs.get(index);
                if (d.tokens() == 0) {
                    continue;
                }
                int[] best = bestWindow(d, w, s.window);
                int from = best[0] == 0 ? 0 : d.tokenEnds[best[0] - 1];
                int to = d.tokenEnds[best[1] - 1];
                int count = Math.max(1, to - from);
                double sum = 0;
                for (int k = from; k < to; k++) {
                    sum += w[d.features[k]];
                }
                double z = bias + sum / StrictMath.sqrt(count);
                double p = 1.0 / (1.0 + StrictMath.exp(-z));
                int y = d.example().label();
                double g = (p - y) * (y == 1 ? posWeight : negWeight) * sourceWeight[index];
                float gf = (float) (g / StrictMath.sqrt(count));
                for (int k = from; k < to; k++) {
                    int f = d.features[k];
                    float gradient = gf + l2 * w[f];
                    g2[f] += gradient * gradient;
                    w[f] -= lr * gradient / ((float) StrictMath.sqrt(g2[f]) + 1e-6f);
                    if (s.evidenceOnly && w[f] < 0) {
                        w[f] = 0; // only evidence of injection: text the model knows nothing of scores the bias
                    }
                }
                biasG2 += g * g;
                bias -= s.learningRate * g / (StrictMath.sqrt(biasG2) + 1e-6);
            }
        }
        return new Weights(w, (float) bias);
    }

    /** The highest-scoring window of {@code d} under float weights {@code w}: tokens {@code [from, to)}. */
    static int[] bestWindow(Doc d, float[] w, int window) {
        int tokens = d.tokens();
        int span = Math.min(window, tokens);
        double[] tokenSums = new double[tokens];
        int prev = 0;
        for (int t = 0; t < tokens; t++) {
            double sum = 0;
            for (int k = prev; k < d.tokenEnds[t]; k++) {
                sum += w[d.features[k]];
            }
            tokenSums[t] = sum;
            prev = d.tokenEnds[t];
        }
        double sum = 0;
        for (int t = 0; t < span; t++) {
            sum += tokenSums[t];
        }
        int bestFrom = 0;
        double best = score(d, 0, span, sum);
        for (int from = 1; from + span <= tokens; from++) {
            sum += tokenSums[from + span - 1] - tokenSums[from - 1];
            double v = score(d, from, from + span, sum);
            if (v > best) {
                best = v;
                bestFrom = from;
            }
        }
        return new int[] {bestFrom, bestFrom + span};
    }

    private static double score(Doc d, int from, int to, double sum) {
        int count = d.tokenEnds[to - 1] - (from == 0 ? 0 : d.tokenEnds[from - 1]);
        return sum / StrictMath.sqrt(Math.max(1, count));
    }

    /** 8-bit weights with one scale; the bias shifted by {@code -threshold} (probability 0.5 at that log-odds). */
    static InjectionModel quantise(Weights weights, int window, double threshold) {
        float max = 0;
        for (float v : weights.w()) {
            max = Math.max(max, Math.abs(v));
        }
        float scale = max == 0 ? 1f : max / 127f;
        byte[] q = new byte[weights.w().length];
        for (int i = 0; i < q.length; i++) {
            q[i] = (byte) Math.max(-127, Math.min(127, Math.round(weights.w()[i] / scale)));
        }
        return new InjectionModel(window, (float) (weights.bias() - threshold), scale, q);
    }

    static double[] scores(InjectionModel model, List<Doc> docs) {
        double[] out = new double[docs.size()];
        for (int i = 0; i < out.length; i++) {
            out[i] = model.score(NormalizedText.of(docs.get(i).example().text()).text())
                    .logit();
        }
        return out;
    }

    /** Per doc, whether the rule-based detector (PromptInjectionDetector) finds an injection at the default threshold. */
    static boolean[] rulesFire(List<Doc> docs) {
        boolean[] out = new boolean[docs.size()];
        for (int i = 0; i < out.length; i++) {
            boolean[] hit = {false};
            PromptInjectionDetector.all().detect(docs.get(i).example().text(), f -> hit[0] |= f.confidence() >= 0.5);
            out[i] = hit[0];
        }
        return out;
    }

    /**
     * The lowest log-odds at which the rules or the model, over the pooled held-out scores, have the precision and
     * false-positive rate the settings ask.
     */
    static double operatingPoint(
            Map<String, List<Doc>> bySource, Map<String, double[]> heldOut, Map<String, boolean[]> rules, Settings s) {
        List<double[]> pooled = new ArrayList<>(); // {score, label, rules fire}
        heldOut.forEach((id, scores) -> {
            List<Doc> docs = bySource.get(id);
            boolean[] r = rules.get(id);
            for (int i = 0; i < scores.length; i++) {
                pooled.add(new double[] {scores[i], docs.get(i).example().label(), r[i] ? 1 : 0});
            }
        });
        pooled.sort((a, b) -> Double.compare(b[0], a[0]));
        long negatives = pooled.stream().filter(p -> p[1] == 0).count();
        // start from the rules alone, then add the model's hits from the top down
        int tp = (int) pooled.stream().filter(p -> p[2] == 1 && p[1] == 1).count();
        int fp = (int) pooled.stream().filter(p -> p[2] == 1 && p[1] == 0).count();
        double chosen = pooled.isEmpty() ? 0 : pooled.get(0)[0] + 1e-9;
        for (int i = 0; i < pooled.size(); i++) {
            double[] p = pooled.get(i);
            if (p[2] == 0) {
                if (p[1] == 1) {
                    tp++;
                } else {
                    fp++;
                }
            }
            boolean lastOfTie = i + 1 == pooled.size() || pooled.get(i + 1)[0] < p[0];
            if (lastOfTie
                    && (double) tp / Math.max(1, tp + fp) >= s.minPrecision
                    && (negatives == 0 || (double) fp / negatives <= s.maxFalsePositiveRate)) {
                chosen = p[0];
            }
        }
        return chosen;
    }

    /** The pooled held-out model scores' ROC AUC and the recall at a few false-positive rates (threshold-free). */
    static String ranking(Map<String, List<Doc>> bySource, Map<String, double[]> heldOut) {
        List<double[]> pooled = new ArrayList<>();
        heldOut.forEach((id, scores) -> {
            for (int i = 0; i < scores.length; i++) {
                pooled.add(new double[] {
                    scores[i], bySource.get(id).get(i).example().label()
                });
            }
        });
        pooled.sort((a, b) -> Double.compare(b[0], a[0]));
        long pos = pooled.stream().filter(p -> p[1] == 1).count();
        long neg = pooled.size() - pos;
        double auc = 0;
        long posSeen = 0;
        long negSeen = 0;
        StringBuilder b = new StringBuilder();
        double[] rates = {0.01, 0.02, 0.05, 0.10};
        int next = 0;
        for (double[] p : pooled) {
            if (p[1] == 1) {
                posSeen++;
            } else {
                negSeen++;
                auc += posSeen;
                while (next < rates.length && negSeen > rates[next] * neg) {
                    b.append(String.format(
                            Locale.ROOT,
                            ", recall %.3f at %.0f %% false positives",
                            (double) posSeen / pos,
                            rates[next] * 100));
                    next++;
                }
            }
        }
        return String.format(Locale.ROOT, "ROC AUC %.3f", pos * neg == 0 ? Double.NaN : auc / (pos * neg)) + b;
    }

    /** The training report (markdown): settings, held-out scores per source and language, the model's digest. */
    static final class Report {
        private Report() {}

        static String write(
                Map<String, List<Doc>> bySource,
                Map<String, double[]> heldOut,
                Map<String, double[]> evalScores,
                Map<String, boolean[]> rules,
                double threshold,
                Settings s,
                Dedup dedup,
                byte[] model) {
            StringBuilder b = new StringBuilder();
            b.append("# Injection model: training report\n\n");
            b.append("Written by `scripts/train-injection-model.sh` (InjectionModelTrainer); do not edit by hand.\n\n");
            b.append(String.format(
                    Locale.ROOT,
                    "Settings: seed %d, window %d tokens, %d epochs, learning rate %s, L2 %s, evidence-only weights %s. "
                            + "Operating point: the lowest model log-odds at which the rules or the model together keep "
                            + "precision >= %.2f and benign false positives <= %.3f on the pooled held-out scores: %.4f.%n%n",
                    s.seed,
                    s.window,
                    s.epochs,
                    s.learningRate,
                    s.l2,
                    s.evidenceOnly,
                    s.minPrecision,
                    s.maxFalsePositiveRate,
                    threshold));
            b.append(String.format(
                    Locale.ROOT,
                    "Rows dropped: %d (exact duplicates of their normal form, shorter than 8 or longer than 6000 "
                            + "characters, or in a language the settings do not train: "
                            + String.join(", ", s.languages) + "), %d duplicates with the opposite label.%n%n",
                    dedup.dropped(),
                    dedup.conflicting()));
            b.append("## Held out by source\n\nEach row: a model trained on the sources of every other group scores "
                    + "this source. *rules*: PromptInjectionDetector's phrase rules at the default threshold; *model*: "
                    + "the learned model at the operating point; *both*: either fires. Recall over the source's "
                    + "injections, false positives over its benign texts. The rules were written with the deepset "
                    + "train split in view: their deepset row is not held out.\n\n");
            b.append(
                    "| source | injections | benign | rules recall | rules FP | model recall | model FP | both recall "
                            + "| both FP | model log-odds p10 / median / p90 |\n|---|---:|---:|---:|---:|---:|---:|---:|---:|---|\n");
            Triple all = new Triple();
            Map<String, Triple> byLang = new LinkedHashMap<>();
            heldOut.forEach((id, scores) -> {
                Triple t = new Triple();
                List<Doc> docs = bySource.get(id);
                boolean[] r = rules.get(id);
                for (int i = 0; i < scores.length; i++) {
                    Example e = docs.get(i).example();
                    boolean m = scores[i] >= threshold;
                    t.add(e.label(), r[i], m);
                    all.add(e.label(), r[i], m);
                    String lang = List.of("en", "de", "fr", "es").contains(e.lang()) ? e.lang() : "other";
                    byLang.computeIfAbsent(lang, k -> new Triple()).add(e.label(), r[i], m);
                }
                double[] sorted = scores.clone();
                Arrays.sort(sorted);
                b.append(t.row(id))
                        .append(String.format(
                                Locale.ROOT,
                                " %.2f / %.2f / %.2f |%n",
                                quantile(sorted, 0.1),
                                quantile(sorted, 0.5),
                                quantile(sorted, 0.9)));
            });
            b.append(all.row("**all held out**")).append(" |\n");
            b.append(
                    "\n### By language (held out)\n\n| language | injections | benign | rules recall | rules FP "
                            + "| model recall | model FP | both recall | both FP |\n|---|---:|---:|---:|---:|---:|---:|---:|---:|\n");
            byLang.forEach((lang, t) -> b.append(t.row(lang)).append('\n'));
            b.append(String.format(
                    Locale.ROOT,
                    "%nPooled held-out precision: rules %.3f, model %.3f, both %.3f.%n",
                    all.rules.precision(),
                    all.model.precision(),
                    all.both.precision()));
            b.append("Model ranking over the pooled held-out scores: ")
                    .append(ranking(bySource, heldOut))
                    .append(".\n");
            if (!evalScores.isEmpty()) {
                b.append("\n## Evaluation-only sources (never trained on), final model\n\n"
                        + "| source | injections | benign | rules recall | rules FP | model recall | model FP "
                        + "| both recall | both FP |\n|---|---:|---:|---:|---:|---:|---:|---:|---:|\n");
                evalScores.forEach((id, scores) -> {
                    Triple t = new Triple();
                    List<Doc> docs = bySource.get(id);
                    boolean[] r = rules.get(id);
                    for (int i = 0; i < scores.length; i++) {
                        t.add(docs.get(i).example().label(), r[i], scores[i] >= 0);
                    }
                    b.append(t.row(id)).append('\n');
                });
            }
            b.append("\nmodel SHA-256: ").append(TrainingSources.sha256(model)).append('\n');
            return b.toString();
        }
    }

    /** Counts for the rules, the model and both. */
    static final class Triple {
        final Pool rules = new Pool();
        final Pool model = new Pool();
        final Pool both = new Pool();

        void add(int label, boolean r, boolean m) {
            rules.add(label, r);
            model.add(label, m);
            both.add(label, r || m);
        }

        String row(String name) {
            return String.format(
                    Locale.ROOT,
                    "| %s | %d | %d | %s | %s | %s | %s | %s | %s |",
                    name,
                    rules.tp + rules.fn,
                    rules.fp + rules.tn,
                    rules.recallText(),
                    rules.fprText(),
                    model.recallText(),
                    model.fprText(),
                    both.recallText(),
                    both.fprText());
        }
    }

    private static double quantile(double[] sorted, double q) {
        return sorted.length == 0
                ? Double.NaN
                : sorted[(int) Math.min(sorted.length - 1, Math.floor(q * sorted.length))];
    }

    /** Counts at the operating point. */
    static final class Pool {
        int tp;
        int fp;
        int fn;
        int tn;

        void add(int label, boolean hit) {
            if (label == 1) {
                if (hit) {
                    tp++;
                } else {
                    fn++;
                }
            } else if (hit) {
                fp++;
            } else {
                tn++;
            }
        }

        double precision() {
            return tp + fp == 0 ? 1 : (double) tp / (tp + fp);
        }

        double recall() {
            return tp + fn == 0 ? Double.NaN : (double) tp / (tp + fn);
        }

        double fpr() {
            return fp + tn == 0 ? Double.NaN : (double) fp / (fp + tn);
        }

        String recallText() {
            return tp + fn == 0 ? "–" : String.format(Locale.ROOT, "%.3f", recall());
        }

        String fprText() {
            return fp + tn == 0 ? "–" : String.format(Locale.ROOT, "%.4f", fpr());
        }
    }
}
