package dev.llmgate.providers;

import static org.assertj.core.api.Assertions.assertThat;

import dev.llmgate.providers.openai.OpenAiProvider;
import java.io.IOException;
import java.io.InputStream;
import java.net.URISyntaxException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Enumeration;
import java.util.List;
import java.util.jar.JarEntry;
import java.util.jar.JarFile;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/**
 * The production classes of llmgate-providers hold no test double: nothing in them serves HTTP
 * (the simulated model server lives in llmgate-testing, a test-scope dependency).
 */
class NoTestDoublesInProductionTest {
    private static final byte[] HTTP_SERVER = "com/sun/net/httpserver/".getBytes(StandardCharsets.US_ASCII);

    @Test
    void noProductionClassServesHttp() throws IOException, URISyntaxException {
        Path location = Path.of(OpenAiProvider.class
                .getProtectionDomain()
                .getCodeSource()
                .getLocation()
                .toURI());
        List<String> classes = new ArrayList<>();
        List<String> servers = new ArrayList<>();
        if (Files.isDirectory(location)) {
            try (Stream<Path> files = Files.walk(location)) {
                for (Path f : (Iterable<Path>) files.filter(p -> p.toString().endsWith(".class"))::iterator) {
                    classes.add(f.toString());
                    if (contains(Files.readAllBytes(f), HTTP_SERVER)) {
                        servers.add(location.relativize(f).toString());
                    }
                }
            }
        } else {
            try (JarFile jar = new JarFile(location.toFile())) {
                for (Enumeration<JarEntry> e = jar.entries(); e.hasMoreElements(); ) {
                    JarEntry entry = e.nextElement();
                    if (entry.getName().endsWith(".class")) {
                        classes.add(entry.getName());
                        try (InputStream in = jar.getInputStream(entry)) {
                            if (contains(in.readAllBytes(), HTTP_SERVER)) {
                                servers.add(entry.getName());
                            }
                        }
                    }
                }
            }
        }
        assertThat(classes).as("production classes found at " + location).hasSizeGreaterThan(20);
        assertThat(servers)
                .as("production classes that use com.sun.net.httpserver")
                .isEmpty();
    }

    private static boolean contains(byte[] haystack, byte[] needle) {
        outer:
        for (int i = 0; i + needle.length <= haystack.length; i++) {
            for (int j = 0; j < needle.length; j++) {
                if (haystack[i + j] != needle[j]) {
                    continue outer;
                }
            }
            return true;
        }
        return false;
    }
}
