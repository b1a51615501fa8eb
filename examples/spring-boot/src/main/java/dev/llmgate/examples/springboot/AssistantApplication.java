package dev.llmgate.examples.springboot;

import dev.llmgate.core.audit.AuditSigningKey;
import dev.llmgate.testing.LocalModelServer;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HexFormat;
import java.util.Map;
import org.springframework.boot.SpringApplication;
import org.springframework.boot.autoconfigure.SpringBootApplication;

/**
 * A Spring Boot application with one gate, configured in {@code application.yaml}: the {@code assistant} route falls
 * over from a deployment that is down to llmgate's simulated local model, a HIPAA policy redacts identifiers and
 * blocks prompt injection, and every call lands in a signed audit log. {@link AskController} streams answers.
 *
 * <pre>
 * mvn -B -q -Pdemo -pl examples/spring-boot -am package -DskipTests
 * curl -N 'http://localhost:8080/ask?q=My+email+is+jane@example.com.+Hello!'
 * curl 'http://localhost:8080/actuator/health'
 * </pre>
 */
@SpringBootApplication
public class AssistantApplication {

    public static void main(String[] args) throws IOException {
        LocalModelServer model = LocalModelServer.start(); // stays up as long as the application
        Path audit = Files.createTempDirectory("llmgate-spring-boot-audit-");
        AuditSigningKey key = AuditSigningKey.generate();
        Path seed = audit.resolve("audit.seed");
        Files.writeString(seed, HexFormat.of().formatHex(key.seed()));
        SpringApplication app = new SpringApplication(AssistantApplication.class);
        app.setDefaultProperties(Map.of(
                "llmgate.providers.local.base-url", model.baseUrl(),
                "llmgate.audit.directory", audit.resolve("log").toString(),
                "llmgate.audit.signing-key-file", seed.toString()));
        app.run(args);
        System.out.println("llmgate Spring Boot example: the simulated model is at " + model.baseUrl()
                + "; audit log in " + audit.resolve("log") + " (public key " + key.publicKeyHex() + ")");
        System.out.println("try: curl -N 'http://localhost:8080/ask?q=My+email+is+jane@example.com.+Hello!'");
    }
}
