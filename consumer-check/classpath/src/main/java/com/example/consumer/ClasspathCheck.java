package com.example.consumer;

import java.io.File;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Enumeration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.jar.JarEntry;
import java.util.jar.JarFile;
import java.util.stream.Stream;

/**
 * Fails (exit status 1) unless this JVM's classpath holds one OkHttp line (5.x: okhttp and okhttp-jvm at
 * the same version, never an okhttp 4 beside okhttp-jvm 5), one Kotlin version (kotlin-stdlib*,
 * kotlin-reflect), one Jackson minor version, and no class file in two jars. Jars are named by their
 * path below the local repository (system property {@code local.repository}).
 */
public final class ClasspathCheck {

    record Jar(Path path, String group, String artifact, String version) {
        String name() {
            return artifact + "-" + version + ".jar";
        }
    }

    public static void main(String[] args) throws Exception {
        List<Jar> jars = new ArrayList<>();
        List<Path> dirs = new ArrayList<>();
        for (String entry : System.getProperty("java.class.path").split(File.pathSeparator)) {
            Path p = Path.of(entry);
            if (Files.isDirectory(p)) {
                dirs.add(p);
            } else if (entry.endsWith(".jar")) {
                jars.add(jar(p));
            }
        }
        List<String> problems = new ArrayList<>();

        List<Jar> okhttp = select(jars, "com.squareup.okhttp3", "okhttp", "okhttp-jvm");
        TreeSet<String> okhttpVersions = versions(okhttp);
        if (okhttp.stream().noneMatch(j -> j.artifact().equals("okhttp-jvm"))) {
            problems.add("no okhttp-jvm on the classpath (OkHttp 5's classes): " + names(okhttp));
        }
        if (okhttpVersions.size() != 1 || !okhttpVersions.first().startsWith("5.")) {
            problems.add("more than one OkHttp line, or not OkHttp 5: " + names(okhttp)
                    + ". Import dev.llmgate:llmgate-dependencies (docs/getting-started.md)");
        }

        List<Jar> kotlin = new ArrayList<>();
        for (Jar j : jars) {
            if (j.group().equals("org.jetbrains.kotlin")
                    && (j.artifact().startsWith("kotlin-stdlib") || j.artifact().equals("kotlin-reflect"))) {
                kotlin.add(j);
            }
        }
        if (versions(kotlin).size() != 1) {
            problems.add("more than one Kotlin version: " + names(kotlin)
                    + ". Import dev.llmgate:llmgate-dependencies (docs/getting-started.md)");
        }

        Map<String, List<Jar>> jacksonMinors = new TreeMap<>();
        for (Jar j : jars) {
            if (j.group().startsWith("com.fasterxml.jackson")) {
                String[] v = j.version().split("\\.");
                jacksonMinors.computeIfAbsent(v[0] + "." + v[1], k -> new ArrayList<>()).add(j);
            }
        }
        if (jacksonMinors.size() > 1) {
            StringBuilder sb = new StringBuilder("more than one Jackson version:");
            jacksonMinors.forEach((minor, js) -> sb.append(' ').append(minor).append(' ').append(names(js)));
            problems.add(sb.toString());
        }

        Map<String, String> owner = new LinkedHashMap<>();
        Map<String, TreeSet<String>> duplicates = new TreeMap<>();
        int classes = 0;
        for (Path dir : dirs) {
            try (Stream<Path> files = Files.walk(dir)) {
                for (Path f : (Iterable<Path>) files::iterator) {
                    String name = dir.relativize(f).toString().replace(File.separatorChar, '/');
                    if (isClass(name)) {
                        classes++;
                        record(owner, duplicates, name, dir.toString());
                    }
                }
            }
        }
        for (Jar j : jars) {
            try (JarFile jf = new JarFile(j.path().toFile())) {
                for (Enumeration<JarEntry> e = jf.entries(); e.hasMoreElements(); ) {
                    String name = e.nextElement().getName();
                    if (isClass(name)) {
                        classes++;
                        record(owner, duplicates, name, j.name());
                    }
                }
            }
        }
        if (!duplicates.isEmpty()) {
            Map<String, Integer> byJars = new TreeMap<>();
            Map<String, String> example = new TreeMap<>();
            duplicates.forEach((cls, where) -> {
                String key = String.join(" + ", where);
                byJars.merge(key, 1, Integer::sum);
                example.putIfAbsent(key, cls);
            });
            byJars.forEach((key, n) -> problems.add("duplicate classes: " + n + " in " + key + ", e.g. " + example.get(key)));
        }

        String runtimeVersion = okhttpRuntimeVersion();
        if (!runtimeVersion.startsWith("5.")) {
            problems.add("okhttp3.OkHttp.VERSION is " + runtimeVersion + ", not 5.x");
        }

        if (!problems.isEmpty()) {
            System.out.println("classpath check: FAILED");
            problems.forEach(p -> System.out.println("  - " + p));
            System.exit(1);
        }
        System.out.println("classpath check: passed (" + jars.size() + " jars, " + classes + " classes, none twice)");
        System.out.println("  OkHttp " + runtimeVersion + ": " + names(okhttp));
        System.out.println("  Kotlin " + versions(kotlin).first() + ": " + names(kotlin));
        System.out.println("  Jackson " + jacksonMinors.keySet());
    }

    private static Jar jar(Path p) {
        // <local repository>/<group path>/<artifactId>/<version>/<artifactId>-<version>[-classifier].jar
        Path repo = Path.of(System.getProperty("local.repository", "/nonexistent")).toAbsolutePath().normalize();
        Path abs = p.toAbsolutePath().normalize();
        if (!abs.startsWith(repo) || repo.relativize(abs).getNameCount() < 4) {
            return new Jar(p, "?", p.getFileName().toString(), "?");
        }
        Path rel = repo.relativize(abs);
        int n = rel.getNameCount();
        String group = rel.subpath(0, n - 3).toString().replace(File.separatorChar, '.');
        return new Jar(p, group, rel.getName(n - 3).toString(), rel.getName(n - 2).toString());
    }

    private static boolean isClass(String name) {
        return name.endsWith(".class") && !name.startsWith("META-INF/") && !name.endsWith("module-info.class");
    }

    private static void record(Map<String, String> owner, Map<String, TreeSet<String>> duplicates, String cls, String where) {
        String first = owner.putIfAbsent(cls, where);
        if (first != null && !first.equals(where)) {
            duplicates.computeIfAbsent(cls, k -> new TreeSet<>(List.of(first))).add(where);
        }
    }

    private static List<Jar> select(List<Jar> jars, String group, String... artifacts) {
        List<Jar> out = new ArrayList<>();
        for (Jar j : jars) {
            if (j.group().equals(group) && List.of(artifacts).contains(j.artifact())) {
                out.add(j);
            }
        }
        return out;
    }

    private static TreeSet<String> versions(List<Jar> jars) {
        TreeSet<String> v = new TreeSet<>();
        jars.forEach(j -> v.add(j.version()));
        return v;
    }

    private static String names(List<Jar> jars) {
        List<String> n = new ArrayList<>();
        jars.forEach(j -> n.add(j.name()));
        return n.toString();
    }

    /** Read at run time: the constant would be inlined by javac at compile time. */
    private static String okhttpRuntimeVersion() {
        try {
            return String.valueOf(Class.forName("okhttp3.OkHttp").getField("VERSION").get(null));
        } catch (ReflectiveOperationException e) {
            return "unknown (" + e + ")";
        } catch (LinkageError e) {
            throw new UncheckedIOException(new IOException("OkHttp does not load: " + e, e));
        }
    }
}
