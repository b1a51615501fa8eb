package dev.llmgate.docscheck;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.lang.reflect.Method;
import java.lang.reflect.Modifier;
import java.net.URI;
import java.net.URL;
import java.net.URLClassLoader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import javax.tools.Diagnostic;
import javax.tools.DiagnosticCollector;
import javax.tools.JavaCompiler;
import javax.tools.JavaFileObject;
import javax.tools.SimpleJavaFileObject;
import javax.tools.StandardJavaFileManager;
import javax.tools.ToolProvider;

/**
 * Finds every {@code java} code block of the Markdown pages of the docs and compiles it against the class
 * path of the test (the published modules), so that a page cannot show an API that does not exist.
 *
 * <p>How a block is compiled depends on what it is:
 * <ul>
 *   <li>a <b>compilation unit</b> (it has {@code package} or {@code import} lines) is compiled as it is
 *       (in a package of its own when it names none);</li>
 *   <li><b>type declarations</b> (a top-level {@code class}, {@code interface}, {@code enum} or
 *       {@code record}) get the {@linkplain #IMPORTS standard imports}. A declared type with the simple name
 *       of a public llmgate type (the page quoting an SPI) must also match it: each of its methods exists in
 *       the real type with the same parameter and return types, and an interface lists every abstract
 *       method of the real one;</li>
 *   <li><b>members</b> (the block starts with an annotation or {@code public}, {@code protected},
 *       {@code private} or {@code static}) are wrapped in a class;</li>
 *   <li>anything else is a fragment of <b>statements</b>, wrapped in a method of a class that has the
 *       standard imports and the {@linkplain #GIVEN standard names} as fields ({@code gate}, {@code request},
 *       {@code policy}, ...: objects a page builds in another block), followed by an empty statement, so
 *       that a builder chain may end without its {@code ;}.</li>
 * </ul>
 *
 * <p>Markers, HTML comments that the rendered page does not show, directly before a block (blank lines
 * between are allowed):
 * <ul>
 *   <li>{@code <!-- compile with: ... -->}: Java placed next to the block: {@code import} lines with the
 *       imports, everything else as members of the wrapping class (the fields and types the block refers
 *       to, e.g. {@code interface Metrics { void record(Object o); } Metrics metrics;});</li>
 *   <li>{@code <!-- not compiled: reason -->}: the block is not compiled (pseudo-code, a deliberate compile
 *       error); the reason is required.</li>
 * </ul>
 * and, once per page on a line of its own, {@code <!-- java blocks: excerpts of path/To.java -->}: every java block of the page
 * is an excerpt of that source file (which the build compiles), checked line by line (non-blank lines,
 * indentation ignored) instead of being compiled here.
 */
final class DocSnippets {

    /** The packages every wrapped block imports: llmgate's exported packages and the JDK's usual ones. */
    static final List<String> IMPORTS = List.of(
            "dev.llmgate.api",
            "dev.llmgate.api.exception",
            "dev.llmgate.api.spi",
            "dev.llmgate.core",
            "dev.llmgate.core.audit",
            "dev.llmgate.core.budget",
            "dev.llmgate.core.cache",
            "dev.llmgate.core.catalog",
            "dev.llmgate.core.events",
            "dev.llmgate.core.routing",
            "dev.llmgate.providers",
            "dev.llmgate.providers.anthropic",
            "dev.llmgate.providers.gemini",
            "dev.llmgate.providers.okhttp",
            "dev.llmgate.providers.ollama",
            "dev.llmgate.providers.openai",
            "dev.llmgate.providers.openaisdk",
            "dev.llmgate.config",
            "dev.llmgate.langchain4j",
            "dev.llmgate.policy",
            "dev.llmgate.policy.config",
            "dev.llmgate.policy.detect",
            "dev.llmgate.policy.preset",
            "dev.llmgate.policy.redact",
            "dev.llmgate.testing",
            "java.io",
            "java.math",
            "java.nio.charset",
            "java.nio.file",
            "java.time",
            "java.util",
            "java.util.concurrent",
            "java.util.concurrent.atomic",
            "java.util.function",
            "java.util.stream");

    /**
     * The names a statement block may use without declaring them: objects that the page builds in another
     * block. A block that declares one of these names itself shadows the field.
     */
    static final List<String> GIVEN = List.of(
            "LlmGate gate",
            "ChatRequest request",
            "ChatResponse response",
            "Usage usage",
            "String key",
            "Policy policy",
            "AuditLog audit",
            "Router router",
            "ResponseCache cache",
            "BudgetInterceptor budgets");

    private static final Pattern FENCE = Pattern.compile("^( *)(`{3,}|~{3,})\\s*([^\\s`]*)(.*)$");
    private static final Pattern UNIT_LINE = Pattern.compile("^\\s*(package|import)\\s+[\\w.*]+\\s*;.*");
    private static final Pattern TYPE_DECLARATION =
            Pattern.compile("^((?:public|protected|private|abstract|final|sealed|non-sealed|static|strictfp)\\s+)*"
                    + "(class|interface|enum|record|@interface)\\s+(\\w+).*");
    private static final Pattern MEMBER_START =
            Pattern.compile("^(@\\w+|public\\b|protected\\b|private\\b|static\\b).*");
    private static final Pattern EXCERPTS =
            Pattern.compile("(?m)^\\s*<!--\\s*java blocks: excerpts of\\s+(\\S+)\\s*-->\\s*$");

    /** What a block is, and so how it is compiled. */
    enum Kind {
        UNIT,
        DECLARATIONS,
        MEMBERS,
        STATEMENTS
    }

    /**
     * A java block of a page.
     *
     * @param page         the page, relative to the root, e.g. {@code docs/caching.md}
     * @param fenceLine    the line of the opening fence (1-based)
     * @param code         the block's lines, without the fence's indentation
     * @param given        the lines of a {@code compile with:} marker, empty without one
     * @param givenLine    the line of the marker's first given line
     * @param notCompiled  the reason of a {@code not compiled:} marker, if any
     */
    record Block(
            String page,
            int fenceLine,
            List<String> code,
            List<String> given,
            int givenLine,
            Optional<String> notCompiled) {

        int firstCodeLine() {
            return fenceLine + 1;
        }

        Kind kind() {
            List<String> significant = code.stream()
                    .map(String::strip)
                    .filter(l -> !l.isEmpty() && !l.startsWith("//") && !l.startsWith("/*") && !l.startsWith("*"))
                    .collect(Collectors.toList());
            if (significant.stream().anyMatch(l -> UNIT_LINE.matcher(l).matches())) {
                return Kind.UNIT;
            }
            String first = significant.isEmpty() ? "" : significant.get(0);
            for (String line : significant) { // annotations on a type come before its declaration
                if (!line.startsWith("@") || line.startsWith("@interface")) {
                    first = line;
                    break;
                }
            }
            Matcher type = TYPE_DECLARATION.matcher(first);
            if (type.matches() && !first.matches("^(\\w+\\s+)*static\\s.*")) {
                return Kind.DECLARATIONS;
            }
            if (!significant.isEmpty()
                    && MEMBER_START.matcher(significant.get(0)).matches()) {
                return Kind.MEMBERS;
            }
            return Kind.STATEMENTS;
        }

        String where() {
            return page + ":" + fenceLine;
        }
    }

    /** What a check found. */
    static final class Report {
        final List<String> problems = new ArrayList<>();
        int compiled;
        int excerpts;
        final List<String> notCompiled = new ArrayList<>();

        int blocks() {
            return compiled + excerpts + notCompiled.size();
        }

        String summary() {
            return blocks() + " java blocks: " + compiled + " compiled, " + excerpts
                    + " checked as excerpts of a compiled source, " + notCompiled.size() + " not compiled"
                    + (notCompiled.isEmpty() ? "" : " (" + String.join("; ", notCompiled) + ")");
        }
    }

    private DocSnippets() {}

    /** README.md and every Markdown page under docs/, in a stable order, relative to {@code root}. */
    static List<Path> pages(Path root) {
        List<Path> pages = new ArrayList<>();
        if (Files.isRegularFile(root.resolve("README.md"))) {
            pages.add(Path.of("README.md"));
        }
        try (Stream<Path> docs = Files.walk(root.resolve("docs"))) {
            docs.filter(p -> p.toString().endsWith(".md"))
                    .sorted()
                    .map(root::relativize)
                    .forEach(pages::add);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return pages;
    }

    /** Parses every page and compiles or checks each java block; {@code work} receives the class files. */
    static Report check(Path root, List<Path> pages, Path work) {
        Report report = new Report();
        List<Block> toCompile = new ArrayList<>();
        for (Path page : pages) {
            String name = page.toString().replace('\\', '/');
            String text;
            try {
                text = Files.readString(root.resolve(page), StandardCharsets.UTF_8);
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
            List<Block> blocks = parse(name, text, report.problems);
            Matcher excerpts = EXCERPTS.matcher(text);
            if (excerpts.find()) {
                checkExcerpts(root, name, excerpts.group(1), blocks, report);
                continue;
            }
            for (Block block : blocks) {
                if (block.notCompiled().isPresent()) {
                    report.notCompiled.add(
                            block.where() + ": " + block.notCompiled().get());
                } else {
                    toCompile.add(block);
                }
            }
        }
        compile(toCompile, work, report);
        return report;
    }

    /** The java blocks of one page, with their markers; marker mistakes go to {@code problems}. */
    static List<Block> parse(String page, String text, List<String> problems) {
        List<String> lines = text.lines().collect(Collectors.toList());
        List<Block> blocks = new ArrayList<>();
        Marker pending = null;
        for (int i = 0; i < lines.size(); i++) {
            String line = lines.get(i);
            String stripped = line.strip();
            if (stripped.startsWith("<!--")) {
                int start = i;
                StringBuilder comment = new StringBuilder(stripped);
                while (!comment.toString().contains("-->") && i + 1 < lines.size()) {
                    comment.append('\n').append(lines.get(++i));
                }
                String body = comment.toString();
                body = body.substring(4, body.lastIndexOf("-->"));
                Marker marker = Marker.of(body, start + 1);
                if (marker != null) {
                    if (pending != null) {
                        problems.add(page + ":" + pending.line + ": the marker '" + pending.kind
                                + "' is not directly followed by a java block");
                    }
                    pending = marker;
                }
                continue;
            }
            Matcher fence = FENCE.matcher(line);
            if (fence.matches()) {
                String indent = fence.group(1);
                String ticks = fence.group(2);
                String info = fence.group(3).toLowerCase(Locale.ROOT);
                int open = i;
                List<String> code = new ArrayList<>();
                i++;
                while (i < lines.size() && !isClosingFence(lines.get(i), ticks)) {
                    String codeLine = lines.get(i);
                    int cut = 0;
                    while (cut < indent.length() && cut < codeLine.length() && codeLine.charAt(cut) == ' ') {
                        cut++;
                    }
                    code.add(codeLine.substring(cut));
                    i++;
                }
                if (i == lines.size()) {
                    problems.add(page + ":" + (open + 1) + ": a code block that is never closed");
                }
                if (info.equals("java")) {
                    if (!fence.group(4).isBlank()) {
                        problems.add(page + ":" + (open + 1) + ": unknown words after ```java: '"
                                + fence.group(4).strip() + "' (mark a block that is not compiled with "
                                + "<!-- not compiled: reason --> before it)");
                    }
                    blocks.add(new Block(
                            page,
                            open + 1,
                            List.copyOf(code),
                            pending != null && pending.kind.equals("compile with") ? pending.lines : List.of(),
                            pending != null ? pending.firstLine : 0,
                            pending != null && pending.kind.equals("not compiled")
                                    ? Optional.of(pending.lines.get(0))
                                    : Optional.empty()));
                } else if (pending != null) {
                    problems.add(page + ":" + pending.line + ": the marker '" + pending.kind + "' stands before a ```"
                            + info + " block, not a ```java block");
                }
                pending = null;
                continue;
            }
            if (!stripped.isEmpty() && pending != null) {
                problems.add(page + ":" + pending.line + ": the marker '" + pending.kind
                        + "' is not directly followed by a java block");
                pending = null;
            }
        }
        if (pending != null) {
            problems.add(page + ":" + pending.line + ": the marker '" + pending.kind
                    + "' is not directly followed by a java block");
        }
        for (Block block : blocks) {
            if (block.notCompiled().isPresent() && block.notCompiled().get().isBlank()) {
                problems.add(
                        block.where() + ": 'not compiled:' needs a reason, e.g. <!-- not compiled: pseudo-code -->");
            }
        }
        return blocks;
    }

    private static boolean isClosingFence(String line, String ticks) {
        String stripped = line.strip();
        return stripped.length() >= ticks.length() && stripped.chars().allMatch(c -> c == ticks.charAt(0));
    }

    /** A marker comment: its kind, the line it starts on, and its content lines. */
    private static final class Marker {
        final String kind;
        final int line;
        final List<String> lines;
        final int firstLine;

        private Marker(String kind, int line, List<String> lines, int firstLine) {
            this.kind = kind;
            this.line = line;
            this.lines = lines;
            this.firstLine = firstLine;
        }

        static Marker of(String body, int line) {
            String text = body.strip();
            for (String kind : List.of("not compiled", "compile with")) {
                if (text.startsWith(kind + ":")) {
                    String rest = body.substring(body.indexOf(kind + ":") + kind.length() + 1);
                    List<String> lines = rest.lines().map(String::strip).collect(Collectors.toList());
                    int firstLine = line;
                    while (!lines.isEmpty() && lines.get(0).isBlank()) {
                        lines.remove(0);
                        firstLine++;
                    }
                    while (!lines.isEmpty() && lines.get(lines.size() - 1).isBlank()) {
                        lines.remove(lines.size() - 1);
                    }
                    if (kind.equals("not compiled")) {
                        lines = List.of(String.join(" ", lines).strip());
                    }
                    return new Marker(kind, line, lines, firstLine);
                }
            }
            return null;
        }
    }

    private static void checkExcerpts(Path root, String page, String source, List<Block> blocks, Report report) {
        Path file = root.resolve(source);
        if (!Files.isRegularFile(file)) {
            report.problems.add(
                    page + ": its java blocks are declared excerpts of " + source + ", which does not exist");
            return;
        }
        String sourceLines;
        try {
            sourceLines = significantLines(Files.readAllLines(file, StandardCharsets.UTF_8));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        for (Block block : blocks) {
            if (block.notCompiled().isPresent()) {
                report.notCompiled.add(
                        block.where() + ": " + block.notCompiled().get());
            } else if (sourceLines.contains(significantLines(block.code()))) {
                report.excerpts++;
            } else {
                report.problems.add(block.where() + ": not an excerpt of " + source
                        + " (the page says its java blocks are; copy the block from there, or change both)");
            }
        }
    }

    /** The non-blank lines, stripped of indentation, one per line. */
    private static String significantLines(List<String> lines) {
        return lines.stream()
                .map(String::strip)
                .filter(l -> !l.isEmpty())
                .collect(Collectors.joining("\n", "\n", "\n"));
    }

    // ---- compiling --------------------------------------------------------------------------------------------

    /** A generated source: the block it comes from and, for each of its lines, where that line is on the page. */
    static final class Source extends SimpleJavaFileObject {
        final Block block;
        final String packageName;
        final List<String> lines;
        final List<String> origins; // per line: "page:line", "page:line (in 'compile with:')" or null (wrapper)

        Source(Block block, String packageName, List<String> lines, List<String> origins) {
            super(
                    URI.create("string:///" + packageName.replace('.', '/') + "/" + fileName(lines) + ".java"),
                    Kind.SOURCE);
            this.block = block;
            this.packageName = packageName;
            this.lines = List.copyOf(lines);
            this.origins = origins;
        }

        @Override
        public CharSequence getCharContent(boolean ignoreEncodingErrors) {
            return String.join("\n", lines) + "\n";
        }

        /** Where a line of this source is on the page. */
        String pageLine(long line) {
            String origin = line >= 1 && line <= origins.size() ? origins.get((int) line - 1) : null;
            return origin != null ? origin : block.where() + " (in the code the check wraps the block in)";
        }

        String sourceLine(long line) {
            return line >= 1 && line <= lines.size() ? lines.get((int) line - 1).strip() : "";
        }
    }

    /** The name a source's file must have: its public top-level type's, else any. */
    private static String fileName(List<String> lines) {
        for (String line : lines) {
            Matcher type = TYPE_DECLARATION.matcher(line);
            if (type.matches() && line.startsWith("public ")) {
                return type.group(3);
            }
        }
        return "Snippet";
    }

    /** Lines of a source being generated, each with where it comes from. */
    private static final class Writer {
        final List<String> lines = new ArrayList<>();
        final List<String> origins = new ArrayList<>();

        void wrapper(String line) {
            lines.add(line);
            origins.add(null);
        }

        void code(Block block) {
            for (int i = 0; i < block.code().size(); i++) {
                lines.add(block.code().get(i));
                origins.add(block.page() + ":" + (block.firstCodeLine() + i));
            }
        }

        void given(Block block, boolean imports) {
            for (int i = 0; i < block.given().size(); i++) {
                String line = block.given().get(i);
                if (line.strip().startsWith("import ") == imports && !isSupertypes(line)) {
                    lines.add(line);
                    origins.add(block.page() + ":" + (block.givenLine() + i) + " (in 'compile with:')");
                }
            }
        }
    }

    /** A given line that names the wrapping class's supertypes: {@code extends X} or {@code implements Y}. */
    private static boolean isSupertypes(String line) {
        String stripped = line.strip();
        return (stripped.startsWith("extends ") || stripped.startsWith("implements ")) && !stripped.endsWith(";");
    }

    /** Wraps a block as its kind needs. */
    static Source wrap(Block block, String packageName) {
        Writer out = new Writer();
        Kind kind = block.kind();
        if (kind == Kind.UNIT) {
            if (block.code().stream().noneMatch(l -> l.strip().startsWith("package "))) {
                out.wrapper("package " + packageName + ";");
            }
            out.code(block);
            out.given(block, false);
            return new Source(block, packageName, out.lines, out.origins);
        }
        out.wrapper("package " + packageName + ";");
        for (String p : IMPORTS) {
            out.wrapper("import " + p + ".*;");
        }
        out.given(block, true);
        if (kind == Kind.DECLARATIONS) {
            out.code(block);
            out.given(block, false);
        } else {
            out.wrapper("@SuppressWarnings({\"unused\", \"rawtypes\", \"unchecked\"})");
            String supertypes = block.given().stream()
                    .filter(DocSnippets::isSupertypes)
                    .map(String::strip)
                    .collect(Collectors.joining(" "));
            out.wrapper("abstract class Snippet " + supertypes + " {");
            for (String given : GIVEN) {
                out.wrapper("    " + given + ";");
            }
            out.given(block, false);
            if (kind == Kind.MEMBERS) {
                out.code(block);
            } else {
                out.wrapper("    void snippet() throws Exception {");
                out.code(block);
                out.wrapper("        ;");
                out.wrapper("    }");
            }
            out.wrapper("}");
        }
        return new Source(block, packageName, out.lines, out.origins);
    }

    private static void compile(List<Block> blocks, Path work, Report report) {
        if (blocks.isEmpty()) {
            return;
        }
        JavaCompiler javac = ToolProvider.getSystemJavaCompiler();
        if (javac == null) {
            report.problems.add("no Java compiler in this JVM (a JRE?): run the build with a JDK");
            return;
        }
        List<Source> sources = new ArrayList<>();
        for (int i = 0; i < blocks.size(); i++) {
            sources.add(wrap(blocks.get(i), String.format(Locale.ROOT, "docsnippet.b%03d", i + 1)));
        }
        try {
            Files.createDirectories(work);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        // Type declarations are compiled one by one, so that their classes exist (javac writes none when any
        // source of a task fails) and can be compared with the llmgate types they quote.
        List<Diagnostic<? extends JavaFileObject>> diagnostics = new ArrayList<>();
        List<Source> others = new ArrayList<>();
        for (Source source : sources) {
            if (source.block.kind() == Kind.DECLARATIONS) {
                diagnostics.addAll(compile(javac, List.of(source), work));
            } else {
                others.add(source);
            }
        }
        diagnostics.addAll(compile(javac, others, work));
        Map<Source, List<String>> failures = new IdentityHashMap<>();
        for (Diagnostic<? extends JavaFileObject> d : diagnostics) {
            boolean deprecation = d.getCode() != null && d.getCode().contains("deprecat");
            if (d.getKind() != Diagnostic.Kind.ERROR && !deprecation) {
                continue;
            }
            if (!(d.getSource() instanceof Source)) {
                report.problems.add("javac: " + d.getMessage(Locale.ROOT));
                continue;
            }
            Source source = (Source) d.getSource();
            failures.computeIfAbsent(source, s -> new ArrayList<>())
                    .add(source.pageLine(d.getLineNumber()) + ": " + firstLine(d.getMessage(Locale.ROOT))
                            + (deprecation ? " (the docs must not show deprecated API)" : "")
                            + "\n        " + source.sourceLine(d.getLineNumber()));
        }
        for (Source source : sources) {
            List<String> failed = failures.get(source);
            if (failed != null) {
                report.problems.add("the java block at " + source.block.where() + " ("
                        + source.block.kind().name().toLowerCase(Locale.ROOT) + ") does not compile:\n    "
                        + String.join("\n    ", failed));
            } else {
                report.compiled++;
            }
        }
        compareDeclaredTypes(sources, failures, work, report);
    }

    private static List<Diagnostic<? extends JavaFileObject>> compile(
            JavaCompiler javac, List<Source> sources, Path work) {
        if (sources.isEmpty()) {
            return List.of();
        }
        DiagnosticCollector<JavaFileObject> diagnostics = new DiagnosticCollector<>();
        List<String> options = List.of(
                "-classpath",
                System.getProperty("java.class.path"),
                "-d",
                work.toString(),
                "--release",
                "17",
                "-proc:none",
                "-implicit:none",
                "-encoding",
                "UTF-8",
                "-Xlint:deprecation",
                "-Xmaxerrs",
                "10000",
                "-Xmaxwarns",
                "10000");
        try (StandardJavaFileManager files =
                javac.getStandardFileManager(diagnostics, Locale.ROOT, StandardCharsets.UTF_8)) {
            javac.getTask(null, files, diagnostics, options, null, sources).call();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return diagnostics.getDiagnostics();
    }

    private static String firstLine(String message) {
        int nl = message.indexOf('\n');
        return nl < 0
                ? message
                : message.substring(0, nl) + " "
                        + message.substring(nl + 1).strip().replace('\n', ' ');
    }

    // ---- a quoted llmgate type must match the real one ---------------------------------------------------------

    private static void compareDeclaredTypes(
            List<Source> sources, Map<Source, List<String>> failures, Path work, Report report) {
        List<Source> declarations = sources.stream()
                .filter(s -> s.block.kind() == Kind.DECLARATIONS && !failures.containsKey(s))
                .collect(Collectors.toList());
        if (declarations.isEmpty()) {
            return;
        }
        try (URLClassLoader loader =
                new URLClassLoader(new URL[] {work.toUri().toURL()}, DocSnippets.class.getClassLoader())) {
            for (Source source : declarations) {
                for (String line : source.block.code()) {
                    Matcher type = TYPE_DECLARATION.matcher(line);
                    if (!type.matches()) {
                        continue; // only top-level declarations start at the block's first column
                    }
                    String name = type.group(3);
                    Optional<Class<?>> real = llmgateType(name);
                    if (real.isEmpty()) {
                        continue;
                    }
                    Class<?> quoted;
                    try {
                        quoted = Class.forName(source.packageName + "." + name, false, loader);
                    } catch (ClassNotFoundException e) {
                        report.problems.add(
                                source.block.where() + ": " + name + " compiled, but its class is not in " + work);
                        continue;
                    }
                    for (String difference : differences(quoted, real.get())) {
                        report.problems.add(source.block.where() + ": " + name + " as the page shows it differs from "
                                + real.get().getName() + ": " + difference);
                    }
                }
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static Optional<Class<?>> llmgateType(String simpleName) {
        for (String p : IMPORTS) {
            if (!p.startsWith("dev.llmgate.")) {
                continue;
            }
            try {
                return Optional.of(Class.forName(p + "." + simpleName, false, DocSnippets.class.getClassLoader()));
            } catch (ClassNotFoundException e) {
                // not in this package
            }
        }
        return Optional.empty();
    }

    /** What the quoted type shows that the real one does not have, and what an interface leaves out. */
    static List<String> differences(Class<?> quoted, Class<?> real) {
        List<String> out = new ArrayList<>();
        TreeSet<String> realMethods = new TreeSet<>();
        for (Method m : real.getMethods()) {
            realMethods.add(signature(m));
        }
        TreeSet<String> quotedMethods = new TreeSet<>();
        for (Method m : quoted.getDeclaredMethods()) {
            if (m.isSynthetic() || (!Modifier.isPublic(m.getModifiers()) && !quoted.isInterface())) {
                continue;
            }
            quotedMethods.add(signature(m));
            if (!realMethods.contains(signature(m))) {
                out.add("no method " + signature(m));
            }
        }
        if (quoted.isInterface() && real.isInterface()) {
            for (Method m : real.getMethods()) {
                if (Modifier.isAbstract(m.getModifiers()) && !quotedMethods.contains(signature(m))) {
                    out.add("it leaves out the abstract method " + signature(m));
                }
            }
        }
        return out;
    }

    private static String signature(Method m) {
        return m.getGenericReturnType().getTypeName() + " " + m.getName()
                + Arrays.stream(m.getGenericParameterTypes())
                        .map(java.lang.reflect.Type::getTypeName)
                        .collect(Collectors.joining(", ", "(", ")"));
    }
}
