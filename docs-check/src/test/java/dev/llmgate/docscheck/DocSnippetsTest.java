package dev.llmgate.docscheck;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The checker itself: what it compiles, how it wraps, and that a broken block fails with its page and line. */
class DocSnippetsTest {

    @TempDir
    Path root;

    private DocSnippets.Report check(String page) throws IOException {
        Files.createDirectories(root.resolve("docs"));
        Files.writeString(root.resolve("docs/page.md"), page);
        return DocSnippets.check(root, List.of(Path.of("docs/page.md")), root.resolve("classes"));
    }

    @Test
    void aBlockThatDoesNotCompileFailsWithItsPageItsLineAndTheCompilersMessage() throws IOException {
        DocSnippets.Report report = check(String.join(
                "\n",
                "# A page", // 1
                "", // 2
                "```java", // 3
                "ChatRequest ok = ChatRequest.of(\"openai:gpt-4o\", \"hi\");", // 4
                "```", // 5
                "", // 6
                "```java", // 7
                "ChatRequest r = ChatRequest.builder(\"m\")", // 8
                "        .user(\"hi\")", // 9
                "        .temprature(0.2)", // 10
                "        .build();", // 11
                "```"));
        assertThat(report.compiled).isEqualTo(1);
        assertThat(report.problems)
                .singleElement()
                .asString()
                .contains("the java block at docs/page.md:7")
                .contains("docs/page.md:10: cannot find symbol")
                .contains("temprature");
    }

    @Test
    void statementsMayUseTheGivenNamesAndShadowThem() throws IOException {
        DocSnippets.Report report = check(String.join(
                "\n",
                "```java",
                "ChatResponse answer = gate.chat(request);",
                "LlmGate gate = LlmGate.builder().addInterceptor(policy.interceptor()).build();",
                "```"));
        assertThat(report.problems).isEmpty();
        assertThat(report.compiled).isEqualTo(1);
    }

    @Test
    void aBuilderChainMayEndWithoutItsSemicolonButAnUnknownNameFails() throws IOException {
        DocSnippets.Report report = check(String.join(
                "\n",
                "```java",
                "LlmGate.builder()",
                "        .addInterceptor(router)    // ROUTING",
                "```",
                "",
                "```java",
                "gate.chat(requestX);",
                "```"));
        assertThat(report.compiled).isEqualTo(1);
        assertThat(report.problems).singleElement().asString().contains("docs/page.md:7: cannot find symbol");
    }

    @Test
    void compileWithDeclaresImportsAndMembersAndItsErrorsPointIntoTheMarker() throws IOException {
        DocSnippets.Report report = check(String.join(
                "\n",
                "<!-- compile with:", // 1
                "import java.net.URI;", // 2
                "interface Metrics { void record(Optional<BigDecimal> usd); }", // 3
                "Metrics metrics;", // 4
                "-->", // 5
                "```java", // 6
                "metrics.record(response.costUsd());", // 7
                "URI uri = URI.create(\"https://example.com\");", // 8
                "```", // 9
                "", // 10
                "<!-- compile with: Metrics metrics; -->", // 11
                "", // 12
                "```java", // 13
                "metrics.record(null);", // 14
                "```"));
        assertThat(report.problems)
                .singleElement()
                .asString()
                .contains("the java block at docs/page.md:13")
                .contains("docs/page.md:11 (in 'compile with:'): cannot find symbol");
        assertThat(report.compiled).isEqualTo(1);
    }

    @Test
    void notCompiledNeedsAReasonAndAMarkerMustStandRightBeforeAJavaBlock() throws IOException {
        DocSnippets.Report report = check(String.join(
                "\n",
                "<!-- not compiled: shows the compile error a sealed interface gives -->", // 1
                "```java", // 2
                "this is not Java", // 3
                "```", // 4
                "<!-- not compiled: -->", // 5
                "```java", // 6
                "neither is this", // 7
                "```", // 8
                "<!-- compile with: String s; -->", // 9
                "Some text between.", // 10
                "```java", // 11
                "String t = \"\";", // 12
                "```", // 13
                "<!-- not compiled: a shell block -->", // 14
                "```bash", // 15
                "ls", // 16
                "```", // 17
                "```java no-compile", // 18
                "String u = \"\";", // 19
                "```"));
        assertThat(report.notCompiled).hasSize(2);
        assertThat(report.notCompiled.get(0))
                .isEqualTo("docs/page.md:2: shows the compile error a sealed interface gives");
        assertThat(report.compiled).isEqualTo(2);
        assertThat(report.problems)
                .containsExactlyInAnyOrder(
                        "docs/page.md:9: the marker 'compile with' is not directly followed by a java block",
                        "docs/page.md:14: the marker 'not compiled' stands before a ```bash block, not a ```java block",
                        "docs/page.md:18: unknown words after ```java: 'no-compile' (mark a block that is not compiled with "
                                + "<!-- not compiled: reason --> before it)",
                        "docs/page.md:6: 'not compiled:' needs a reason, e.g. <!-- not compiled: pseudo-code -->");
    }

    @Test
    void eachKindOfBlockIsWrappedAsItNeeds() throws IOException {
        DocSnippets.Report report = check(String.join(
                "\n",
                "- in a list:",
                "",
                "  ```java",
                "  import dev.llmgate.api.ChatRequest;",
                "",
                "  class Unit { ChatRequest r = ChatRequest.of(\"m\", \"hi\"); }",
                "  ```",
                "",
                "```java",
                "/** A type of the page's own. */",
                "final class MyProvider implements ModelProvider {",
                "    @Override",
                "    public ChatResponse chat(ChatRequest request, CallContext call) {",
                "        return ChatResponse.builder().text(\"hi\").build();",
                "    }",
                "}",
                "```",
                "",
                "<!-- compile with: implements ModelProvider -->",
                "```java",
                "@Override",
                "public ChatResponse chat(ChatRequest request, CallContext call) {",
                "    return ChatResponse.builder().text(\"hi\").build();",
                "}",
                "```",
                "",
                "```java",
                "static final class Nested implements Interceptor {",
                "    public ChatResult intercept(Chain chain) { return chain.proceed(chain.request()); }",
                "}",
                "```"));
        assertThat(report.problems).isEmpty();
        assertThat(report.compiled).isEqualTo(4);
        List<String> problems = new ArrayList<>();
        List<DocSnippets.Block> blocks =
                DocSnippets.parse("docs/page.md", Files.readString(root.resolve("docs/page.md")), problems);
        assertThat(blocks)
                .extracting(DocSnippets.Block::kind)
                .containsExactly(
                        DocSnippets.Kind.UNIT,
                        DocSnippets.Kind.DECLARATIONS,
                        DocSnippets.Kind.MEMBERS,
                        DocSnippets.Kind.MEMBERS);
        assertThat(blocks.get(0).code().get(0)).isEqualTo("import dev.llmgate.api.ChatRequest;");
        assertThat(blocks.get(2).given()).containsExactly("implements ModelProvider");
    }

    @Test
    void aQuotedLlmgateTypeMustMatchTheRealOne() throws IOException {
        DocSnippets.Report report = check(String.join(
                "\n",
                "```java",
                "public interface ResponseStore {",
                "    Optional<ChatResponse> get(CacheKey key);",
                "    void put(CacheKey key, ChatResponse response, Duration ttl);",
                "    void invalidate(CacheKey key);",
                "    void invalidateAll();",
                "}",
                "```",
                "",
                "```java",
                "public interface ResponseStore {",
                "    ChatResponse get(CacheKey key);",
                "    void put(CacheKey key, ChatResponse response, Duration ttl);",
                "    void invalidateAll();",
                "}",
                "```"));
        assertThat(report.compiled).isEqualTo(2);
        assertThat(report.problems)
                .containsExactlyInAnyOrder(
                        "docs/page.md:10: ResponseStore as the page shows it differs from dev.llmgate.core.cache.ResponseStore: "
                                + "no method dev.llmgate.api.ChatResponse get(dev.llmgate.core.cache.CacheKey)",
                        "docs/page.md:10: ResponseStore as the page shows it differs from dev.llmgate.core.cache.ResponseStore: "
                                + "it leaves out the abstract method java.util.Optional<dev.llmgate.api.ChatResponse> "
                                + "get(dev.llmgate.core.cache.CacheKey)",
                        "docs/page.md:10: ResponseStore as the page shows it differs from dev.llmgate.core.cache.ResponseStore: "
                                + "it leaves out the abstract method void invalidate(dev.llmgate.core.cache.CacheKey)");
    }

    @Test
    void aPageOfExcerptsIsCheckedAgainstItsSource() throws IOException {
        Files.createDirectories(root.resolve("src"));
        Files.writeString(
                root.resolve("src/Example.java"),
                String.join(
                        "\n",
                        "class Example {",
                        "    void run() {",
                        "        ChatRequest r = ChatRequest.of(\"m\", \"hi\");",
                        "        gate.chat(r);",
                        "    }",
                        "}"));
        DocSnippets.Report report = check(String.join(
                "\n",
                "<!-- java blocks: excerpts of src/Example.java -->",
                "```java",
                "ChatRequest r = ChatRequest.of(\"m\", \"hi\");",
                "",
                "gate.chat(r);",
                "```",
                "```java",
                "gate.chat(other);",
                "```"));
        assertThat(report.excerpts).isEqualTo(1);
        assertThat(report.compiled).isZero();
        assertThat(report.problems)
                .containsExactly("docs/page.md:7: not an excerpt of src/Example.java (the page says "
                        + "its java blocks are; copy the block from there, or change both)");
    }

    @Test
    void markersQuotedInProseAreNotMarkers() throws IOException {
        DocSnippets.Report report = check(String.join(
                "\n",
                "Mark a page with `<!-- java blocks: excerpts of path/To.java -->` and a block with",
                "`<!-- not compiled: reason -->` right before it.",
                "",
                "```",
                "<!-- compile with: Metrics metrics; -->",
                "```",
                "",
                "```java",
                "String s = \"\";",
                "```"));
        assertThat(report.problems).isEmpty();
        assertThat(report.compiled).isEqualTo(1);
        assertThat(report.excerpts).isZero();
    }

    @Test
    void theRepositoryRootIsFound() {
        Path found = DocSnippetsCompileTest.root();
        assertThat(found.resolve("docs")).isDirectory();
        assertThat(found.resolve("docs-check/pom.xml")).isRegularFile();
    }
}
