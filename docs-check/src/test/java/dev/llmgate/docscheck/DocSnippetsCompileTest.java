package dev.llmgate.docscheck;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assertions.fail;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * Every {@code java} block of README.md and docs/**&#47;*.md compiles against the published modules (or is
 * an excerpt of a source the build compiles, or is marked as not compiled, with a reason): see
 * {@link DocSnippets} for how a block is wrapped and marked, and docs/testing.md.
 */
class DocSnippetsCompileTest {

    @Test
    void everyJavaBlockOfTheDocsCompiles() {
        Path root = root();
        List<Path> pages = DocSnippets.pages(root);
        DocSnippets.Report report = DocSnippets.check(root, pages, Path.of("target", "doc-snippets"));
        System.out.println("docs-check: " + pages.size() + " pages, " + report.summary());
        if (!report.problems.isEmpty()) {
            fail(report.problems.size() + " problem(s) with the java blocks of the docs (see DocSnippets and "
                    + "docs/testing.md for how blocks are compiled and marked):\n"
                    + String.join("\n", report.problems));
        }
        // A parser that finds nothing would pass vacuously: the docs hold dozens of java blocks.
        assertThat(report.compiled).as("java blocks compiled").isGreaterThanOrEqualTo(40);
        assertThat(report.excerpts).as("java blocks checked as excerpts").isGreaterThanOrEqualTo(10);
    }

    /**
     * The repository root: the {@code llmgate.root} system property (set by this module's surefire
     * configuration), else the first directory up from the working directory that holds docs/ and pom.xml.
     */
    static Path root() {
        String configured = System.getProperty("llmgate.root");
        if (configured != null && !configured.isBlank()) {
            Path root = Path.of(configured).toAbsolutePath().normalize();
            if (!isRoot(root)) {
                throw new IllegalStateException("llmgate.root=" + root + " holds no docs/ and pom.xml");
            }
            return root;
        }
        for (Path dir = Path.of("").toAbsolutePath(); dir != null; dir = dir.getParent()) {
            if (isRoot(dir)) {
                return dir;
            }
        }
        throw new IllegalStateException("no directory with docs/ and pom.xml above "
                + Path.of("").toAbsolutePath() + ": set -Dllmgate.root=<the repository root>");
    }

    private static boolean isRoot(Path dir) {
        return Files.isDirectory(dir.resolve("docs"))
                && Files.isRegularFile(dir.resolve("pom.xml"))
                && Files.isRegularFile(dir.resolve("README.md"));
    }
}
