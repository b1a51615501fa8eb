package dev.llmgate.apicheck;

import static org.junit.jupiter.api.Assertions.fail;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.lang.reflect.Constructor;
import java.lang.reflect.Field;
import java.lang.reflect.Member;
import java.lang.reflect.Method;
import java.lang.reflect.Modifier;
import java.lang.reflect.RecordComponent;
import java.lang.reflect.Type;
import java.net.URI;
import java.net.URL;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileSystem;
import java.nio.file.FileSystems;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeSet;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/**
 * The public API of every published module, as one line per public type and per public or protected
 * member of the packages a module exports (everything but {@code ...internal} packages), compared with
 * the committed baseline in {@code api-check/baseline/<module>.api}. Any difference fails the build:
 * a removed or changed line is an incompatible change (a caller compiled against the baseline breaks),
 * an added line an addition the baseline does not record yet. When a change is intended, regenerate
 * the baseline with {@code mvn -pl api-check -am verify -Dapi.baseline.update=true} and commit it: the
 * diff of the .api file is the API review.
 */
class ApiSurfaceTest {
    /** A class of each published module, to find where the module's classes are. */
    static final Map<String, String> MODULES = new LinkedHashMap<>();

    static {
        MODULES.put("llmgate-api", "dev.llmgate.api.ChatRequest");
        MODULES.put("llmgate-core", "dev.llmgate.core.LlmGate");
        MODULES.put("llmgate-providers", "dev.llmgate.providers.openai.OpenAiProvider");
        MODULES.put("llmgate-policy", "dev.llmgate.policy.Policy");
        MODULES.put("llmgate-testing", "dev.llmgate.testing.ScriptedProvider");
        MODULES.put("llmgate-opentelemetry", "dev.llmgate.opentelemetry.LlmGateTelemetry");
        MODULES.put("llmgate-micrometer", "dev.llmgate.micrometer.LlmGateMicrometer");
        MODULES.put("llmgate-redis", "dev.llmgate.redis.RedisStateStore");
        MODULES.put("llmgate-config", "dev.llmgate.config.GateConfig");
        MODULES.put("llmgate-langchain4j", "dev.llmgate.langchain4j.GateChatModel");
        MODULES.put("llmgate-spring-ai", "dev.llmgate.springai.GateChatModel");
        MODULES.put("llmgate-spring-boot-starter", "dev.llmgate.spring.boot.LlmGateAutoConfiguration");
        MODULES.put("llmgate-mcp", "dev.llmgate.mcp.GovernedMcpClient");
    }

    @Test
    void publicApiMatchesTheBaseline() throws Exception {
        Path baselines = Path.of(System.getProperty("api.baseline.dir", "baseline"));
        boolean update = Boolean.parseBoolean(System.getProperty("api.baseline.update", "false"));
        List<String> problems = new ArrayList<>();
        for (Map.Entry<String, String> m : MODULES.entrySet()) {
            TreeSet<String> current = surface(Class.forName(m.getValue()));
            Path file = baselines.resolve(m.getKey() + ".api");
            if (update) {
                Files.createDirectories(baselines);
                Files.write(file, current, StandardCharsets.UTF_8);
                continue;
            }
            if (!Files.exists(file)) {
                problems.add(m.getKey() + ": no baseline " + file + "; create it with -Dapi.baseline.update=true");
                continue;
            }
            TreeSet<String> baseline = new TreeSet<>(Files.readAllLines(file, StandardCharsets.UTF_8));
            baseline.removeIf(String::isBlank);
            for (String line : baseline) {
                if (!current.contains(line)) {
                    problems.add(m.getKey() + ": removed or changed (incompatible): " + line);
                }
            }
            for (String line : current) {
                if (!baseline.contains(line)) {
                    problems.add(m.getKey() + ": added (not in the baseline yet): " + line);
                }
            }
        }
        if (!problems.isEmpty()) {
            fail("the public API differs from api-check/baseline (" + problems.size()
                    + " lines). If the change is intended, run "
                    + "mvn -pl api-check -am verify -Dapi.baseline.update=true and commit the baseline; a removed or changed line "
                    + "breaks callers compiled against the old API.\n  " + String.join("\n  ", problems));
        }
    }

    /** The API lines of the module that holds {@code anchor}. */
    static TreeSet<String> surface(Class<?> anchor) throws Exception {
        URL location = anchor.getProtectionDomain().getCodeSource().getLocation();
        Path root = Path.of(location.toURI());
        TreeSet<String> lines = new TreeSet<>();
        if (Files.isDirectory(root)) {
            collect(root, anchor.getClassLoader(), lines);
        } else {
            try (FileSystem jar = FileSystems.newFileSystem(URI.create("jar:" + root.toUri()), Map.of())) {
                collect(jar.getPath("/"), anchor.getClassLoader(), lines);
            }
        }
        return lines;
    }

    private static void collect(Path root, ClassLoader loader, TreeSet<String> lines) throws IOException {
        try (Stream<Path> files = Files.walk(root)) {
            for (Path p : (Iterable<Path>) files::iterator) {
                String rel = root.relativize(p).toString().replace('\\', '/');
                if (!rel.endsWith(".class")
                        || rel.endsWith("module-info.class")
                        || rel.endsWith("package-info.class")
                        || rel.contains("/internal/")
                        || !rel.startsWith("dev/llmgate/")) {
                    continue;
                }
                String name = rel.substring(0, rel.length() - ".class".length()).replace('/', '.');
                Class<?> c;
                try {
                    c = Class.forName(name, false, loader);
                } catch (ClassNotFoundException | LinkageError e) {
                    throw new IllegalStateException("cannot load " + name, e);
                }
                if (visible(c)) {
                    describe(c, lines);
                }
            }
        } catch (UncheckedIOException e) {
            throw e.getCause();
        }
    }

    /** Public, and every enclosing class public too (so callers outside the package can name it). */
    private static boolean visible(Class<?> c) {
        if (c.isAnonymousClass() || c.isLocalClass() || c.isSynthetic()) {
            return false;
        }
        for (Class<?> k = c; k != null; k = k.getEnclosingClass()) {
            if (!Modifier.isPublic(k.getModifiers())) {
                return false;
            }
        }
        return true;
    }

    private static void describe(Class<?> c, TreeSet<String> lines) {
        String type = c.getName();
        StringBuilder head = new StringBuilder(type).append(" : ").append(kind(c));
        int mods = c.getModifiers() & (Modifier.FINAL | Modifier.ABSTRACT | Modifier.STATIC);
        if (c.isInterface() || c.isEnum() || c.isRecord() || c.isAnnotation()) {
            mods &= ~(Modifier.ABSTRACT | Modifier.FINAL | Modifier.STATIC);
        }
        if (mods != 0) {
            head.append(' ').append(Modifier.toString(mods));
        }
        Type sup = c.getGenericSuperclass();
        if (sup != null && sup != Object.class && !c.isEnum() && !c.isRecord()) {
            head.append(" extends ").append(sup.getTypeName());
        }
        List<String> ifaces = new ArrayList<>();
        for (Type t : c.getGenericInterfaces()) {
            ifaces.add(t.getTypeName());
        }
        if (!ifaces.isEmpty()) {
            head.append(" implements ").append(String.join(", ", ifaces));
        }
        if (c.isSealed()) {
            List<String> permitted = new ArrayList<>();
            for (Class<?> p : c.getPermittedSubclasses()) {
                permitted.add(p.getName());
            }
            head.append(" permits ").append(String.join(", ", new TreeSet<>(permitted)));
        }
        if (c.getTypeParameters().length > 0) {
            List<String> tp = new ArrayList<>();
            for (var v : c.getTypeParameters()) {
                tp.add(v.getTypeName());
            }
            head.append(" <").append(String.join(", ", tp)).append('>');
        }
        lines.add(head.toString());
        if (c.isRecord()) {
            for (RecordComponent rc : c.getRecordComponents()) {
                lines.add(type + " # component " + rc.getGenericType().getTypeName() + " " + rc.getName());
            }
        }
        for (Constructor<?> k : c.getDeclaredConstructors()) {
            if (exposed(k) && !k.isSynthetic()) {
                lines.add(type + " # " + clean(k.toGenericString(), type));
            }
        }
        for (Method m : c.getDeclaredMethods()) {
            if (exposed(m) && !m.isSynthetic() && !m.isBridge()) {
                lines.add(type + " # " + clean(m.toGenericString(), type));
            }
        }
        for (Field f : c.getDeclaredFields()) {
            if (exposed(f) && !f.isSynthetic()) {
                lines.add(type + " # " + clean(f.toGenericString(), type));
            }
        }
    }

    /** Public, or protected in a class that can be extended. */
    private static boolean exposed(Member m) {
        int mods = m.getModifiers();
        if (Modifier.isPublic(mods)) {
            return true;
        }
        return Modifier.isProtected(mods)
                && !Modifier.isFinal(m.getDeclaringClass().getModifiers());
    }

    private static String clean(String signature, String type) {
        return signature.replace(type + ".", "").replace("java.lang.", "");
    }

    private static String kind(Class<?> c) {
        if (c.isAnnotation()) {
            return "annotation";
        }
        if (c.isInterface()) {
            return "interface";
        }
        if (c.isEnum()) {
            return "enum";
        }
        if (c.isRecord()) {
            return "record";
        }
        return "class";
    }
}
