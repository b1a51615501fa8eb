package dev.llmgate.policy.training;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.llmgate.policy.detect.internal.NormalizedText;
import dev.llmgate.policy.training.TrainingSources.Example;
import dev.llmgate.policy.training.TrainingSources.Source;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The training program's promises, on the sources that live in this repository (the grammar and the deepset train
 * split): the same data give the same model byte for byte, the model scores a text as the trainer does, and data
 * that do not match the manifest stop the run with what to fetch.
 */
class InjectionModelTrainerTest {
    private static final Path MANIFEST = Path.of("training/manifest.json");

    private static List<Source> localSources() throws IOException {
        return TrainingSources.read(localManifest(), MANIFEST.toAbsolutePath().getParent(), Path.of("target"));
    }

    /** The manifest with only the sources whose files are in this repository, and fewer epochs. */
    private static com.fasterxml.jackson.databind.JsonNode localManifest() throws IOException {
        var json = new com.fasterxml.jackson.databind.ObjectMapper();
        var root = (com.fasterxml.jackson.databind.node.ObjectNode) json.readTree(MANIFEST.toFile());
        var kept = json.createArrayNode();
        for (var s : root.get("sources")) {
            boolean local = s.path("format").asText().equals("grammar")
                    || (s.has("files") && s.get("files").get(0).has("local"));
            if (local) {
                kept.add(s);
            }
        }
        root.set("sources", kept);
        root.put("epochs", 2);
        return root;
    }

    @Test
    void theSameDataGiveTheSameModelByteForByte() throws IOException {
        var settings = InjectionModelTrainer.Settings.of(localManifest());
        byte[] first = InjectionModelTrainer.run(localSources(), settings).model();
        byte[] second = InjectionModelTrainer.run(localSources(), settings).model();
        assertThat(second).isEqualTo(first);
        // and the bytes read back into the same model
        InjectionModel model = InjectionModel.read(new ByteArrayInputStream(first));
        ByteArrayOutputStream again = new ByteArrayOutputStream();
        model.write(again);
        assertThat(again.toByteArray()).isEqualTo(first);
    }

    @Test
    void theModelScoresTheWindowTheTrainerTrainedOn() throws IOException {
        var settings = InjectionModelTrainer.Settings.of(localManifest());
        List<InjectionModelTrainer.Doc> docs = new ArrayList<>();
        for (Source s : localSources()) {
            for (Example e : s.examples()) {
                docs.add(InjectionModelTrainer.doc(e));
            }
        }
        InjectionModelTrainer.Weights w = InjectionModelTrainer.train(docs, settings);
        InjectionModel q = InjectionModelTrainer.quantise(w, settings.window(), 0.0);
        int compared = 0;
        for (InjectionModelTrainer.Doc d : docs.subList(0, 300)) {
            if (d.tokens() == 0) {
                continue;
            }
            int[] best = InjectionModelTrainer.bestWindow(d, w.w(), settings.window());
            int from = best[0] == 0 ? 0 : d.tokenEnds()[best[0] - 1];
            int to = d.tokenEnds()[best[1] - 1];
            double sum = 0;
            for (int k = from; k < to; k++) {
                sum += w.w()[d.features()[k]];
            }
            double trainer = w.bias() + sum / Math.sqrt(Math.max(1, to - from));
            double model = q.score(NormalizedText.of(d.example().text()).text()).logit();
            assertThat(model).as(d.example().text()).isCloseTo(trainer, org.assertj.core.data.Offset.offset(0.15));
            compared++;
        }
        assertThat(compared).isGreaterThan(250);
    }

    @Test
    void dataThatDoNotMatchTheManifestStopTheRunWithWhatToFetch(@TempDir Path data) throws IOException {
        Files.createDirectories(data.resolve("sources"));
        Files.writeString(data.resolve("sources/gsm8k.jsonl"), "{\"text\":\"tampered\",\"label\":0}\n");
        assertThatThrownBy(() -> TrainingSources.read(MANIFEST, data))
                .isInstanceOf(IOException.class)
                .hasMessageContaining("gsm8k")
                .hasMessageContaining("SHA-256")
                .hasMessageContaining("purplellama-pi-en: missing")
                .hasMessageContaining("4be64c3a24442b51c76175e6ec67722cc3f5fe38");
    }
}
