package dev.llmgate.providers;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import dev.llmgate.api.ChatRequest;
import dev.llmgate.api.exception.ConfigurationException;
import dev.llmgate.api.spi.ModelProvider;
import dev.llmgate.providers.anthropic.AnthropicProvider;
import dev.llmgate.providers.gemini.GeminiProvider;
import dev.llmgate.providers.ollama.OllamaProvider;
import dev.llmgate.providers.openai.AzureOpenAiProvider;
import dev.llmgate.providers.openai.OpenAiCompatibleProvider;
import dev.llmgate.providers.openai.OpenAiProvider;
import dev.llmgate.providers.testing.Fixtures;
import dev.llmgate.providers.testing.Vendors.Vendor;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;
import java.util.function.Supplier;
import mockwebserver3.MockResponse;
import mockwebserver3.MockWebServer;
import mockwebserver3.RecordedRequest;
import mockwebserver3.junit5.StartStop;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * Every provider builder computes its problems from its settings at {@code build()}: a failed build
 * is fixed by setting what was missing, building twice reports the same problems, a refused credential
 * header fails every build, and the environment is read at each build.
 */
class ProviderBuilderProblemsTest {
    private static final String KEY = "sk-builder-key-0123456789";
    private static final String SECRET = "sk-header-SECRET-0123456789";
    private static final List<String> CREDENTIAL_HEADERS =
            List.of("Authorization", "api-key", "x-api-key", "X-Goog-Api-Key", "Proxy-Authorization");

    @StartStop
    private final MockWebServer server = new MockWebServer();

    /** A builder of one provider with one setting missing or wrong, and the setting that fixes it. */
    private record Broken(
            Supplier<ModelProvider> build, Runnable fix, String problem, String keyHeader, String keyValue) {}

    private Broken broken(Vendor vendor) {
        String url = server.url("/").toString();
        switch (vendor) {
            case OPENAI -> {
                OpenAiProvider.Builder b =
                        OpenAiProvider.builder().baseUrl(url + "v1").environment(Map.of());
                return new Broken(b::build, () -> b.apiKey(KEY), "needs an API key", "Authorization", "Bearer " + KEY);
            }
            case AZURE -> {
                AzureOpenAiProvider.Builder b =
                        AzureOpenAiProvider.builder().endpoint(url).environment(Map.of());
                return new Broken(b::build, () -> b.apiKey(KEY), "needs credentials", "api-key", KEY);
            }
            case COMPATIBLE -> {
                OpenAiCompatibleProvider.Builder b = OpenAiCompatibleProvider.builder(url + "v1")
                        .apiKeyFromEnv("GROQ_API_KEY")
                        .environment(Map.of());
                return new Broken(
                        b::build,
                        () -> b.apiKey(KEY),
                        "GROQ_API_KEY, which is not set",
                        "Authorization",
                        "Bearer " + KEY);
            }
            case ANTHROPIC -> {
                AnthropicProvider.Builder b =
                        AnthropicProvider.builder().baseUrl(url).environment(Map.of());
                return new Broken(b::build, () -> b.apiKey(KEY), "needs an API key", "x-api-key", KEY);
            }
            case GEMINI -> {
                GeminiProvider.Builder b = GeminiProvider.builder().baseUrl(url).environment(Map.of());
                return new Broken(b::build, () -> b.apiKey(KEY), "needs an API key", "x-goog-api-key", KEY);
            }
            case OLLAMA -> {
                OllamaProvider.Builder b = OllamaProvider.builder()
                        .baseUrl("http://bad host")
                        .apiKey(KEY)
                        .environment(Map.of());
                return new Broken(
                        b::build, () -> b.baseUrl(url), "is not an http(s) URL", "Authorization", "Bearer " + KEY);
            }
            default -> throw new AssertionError(vendor);
        }
    }

    /** A complete builder of one provider, with an extra header. */
    private ModelProvider buildWithHeader(Vendor vendor, String name, String value) {
        String url = server.url("/").toString();
        return switch (vendor) {
            case OPENAI ->
                OpenAiProvider.builder()
                        .apiKey(KEY)
                        .baseUrl(url + "v1")
                        .environment(Map.of())
                        .header(name, value)
                        .build();
            case AZURE ->
                AzureOpenAiProvider.builder()
                        .apiKey(KEY)
                        .endpoint(url)
                        .environment(Map.of())
                        .header(name, value)
                        .build();
            case COMPATIBLE ->
                OpenAiCompatibleProvider.builder(url + "v1")
                        .apiKey(KEY)
                        .environment(Map.of())
                        .header(name, value)
                        .build();
            case ANTHROPIC ->
                AnthropicProvider.builder()
                        .apiKey(KEY)
                        .baseUrl(url)
                        .environment(Map.of())
                        .header(name, value)
                        .build();
            case GEMINI ->
                GeminiProvider.builder()
                        .apiKey(KEY)
                        .baseUrl(url)
                        .environment(Map.of())
                        .header(name, value)
                        .build();
            case OLLAMA ->
                OllamaProvider.builder()
                        .apiKey(KEY)
                        .baseUrl(url)
                        .environment(Map.of())
                        .header(name, value)
                        .build();
        };
    }

    @ParameterizedTest
    @EnumSource(Vendor.class)
    void aFailedBuildIsFixedBySettingWhatWasMissing(Vendor vendor) throws Exception {
        Broken b = broken(vendor);
        ConfigurationException first = catchThrowableOfType(ConfigurationException.class, b.build()::get);
        assertThat(first).as("first build").isNotNull();
        assertThat(first.problems()).singleElement().asString().contains(b.problem());

        b.fix().run();
        ModelProvider provider = b.build().get();

        server.enqueue(new MockResponse.Builder()
                .addHeader("Content-Type", vendor.wire.jsonType)
                .body(vendor.wire.text("ok"))
                .build());
        assertThat(provider.chat(ChatRequest.of("m", "hi"), Fixtures.blocking()).text())
                .isEqualTo("ok");
        RecordedRequest r = server.takeRequest(5, TimeUnit.SECONDS);
        assertThat(r.getHeaders().get(b.keyHeader())).isEqualTo(b.keyValue());
    }

    @ParameterizedTest
    @EnumSource(Vendor.class)
    void buildingTwiceReportsTheSameProblemsOnce(Vendor vendor) {
        Broken b = broken(vendor);
        ConfigurationException first = catchThrowableOfType(ConfigurationException.class, b.build()::get);
        ConfigurationException second = catchThrowableOfType(ConfigurationException.class, b.build()::get);

        assertThat(second).isNotNull();
        assertThat(second.problems()).isEqualTo(first.problems()).hasSize(1);
    }

    @ParameterizedTest
    @EnumSource(Vendor.class)
    void aCredentialHeaderIsRefusedAtEveryBuildWithoutQuotingIt(Vendor vendor) {
        for (String header : CREDENTIAL_HEADERS) {
            ConfigurationException e =
                    catchThrowableOfType(ConfigurationException.class, () -> buildWithHeader(vendor, header, SECRET));
            assertThat(e).as(vendor + " with header " + header).isNotNull();
            assertThat(e.problems())
                    .singleElement()
                    .asString()
                    .contains("header '" + header + "' carries credentials")
                    .contains(".apiKey(")
                    .doesNotContain("SECRET");
        }
    }

    @Test
    void anAnthropicBuilderKeepsTheRefusedHeaderAcrossBuilds() {
        AnthropicProvider.Builder b =
                AnthropicProvider.builder().apiKey(KEY).environment(Map.of()).header("x-api-key", SECRET);

        for (int i = 0; i < 2; i++) {
            ConfigurationException e = catchThrowableOfType(ConfigurationException.class, b::build);
            assertThat(e).as("build " + (i + 1)).isNotNull();
            assertThat(e.problems()).singleElement().asString().contains("header 'x-api-key' carries credentials");
        }
    }

    @Test
    void aProblemNamesTheProviderByTheNameItHasAtBuild() {
        ConfigurationException e = catchThrowableOfType(
                ConfigurationException.class,
                () -> AnthropicProvider.builder()
                        .apiKey(KEY)
                        .environment(Map.of())
                        .header("x-api-key", SECRET)
                        .name("claude")
                        .build());

        assertThat(e.problems()).singleElement().asString().startsWith("claude: header 'x-api-key'");
    }

    @Test
    void aWrongMaxTokensFieldIsFixedBySettingARightOne() {
        OpenAiCompatibleProvider.Builder b =
                OpenAiCompatibleProvider.builder("http://localhost:8000/v1").maxTokensField("max_length");
        assertThat(catchThrowableOfType(ConfigurationException.class, b::build)).hasMessageContaining("maxTokensField");

        assertThat(b.maxTokensField("max_completion_tokens").build()).isNotNull();
    }

    @Test
    void aKeyThatCannotBeAHeaderIsListedWithTheOtherProblems() {
        ConfigurationException e = catchThrowableOfType(
                ConfigurationException.class,
                () -> GeminiProvider.builder()
                        .apiKey("AIza-SECRET\u00a0")
                        .apiVersion("v1 beta")
                        .environment(Map.of())
                        .build());

        assertThat(e.problems()).hasSize(2);
        assertThat(e.getMessage())
                .contains("non-ASCII character")
                .contains("API version")
                .doesNotContain("SECRET");
    }

    /** A builder of one provider that reads its key from the environment, with the variable it reads and the header it sends. */
    private record FromEnv(
            Function<Map<String, String>, ModelProvider> build, String variable, String keyHeader, String prefix) {}

    private FromEnv fromEnv(Vendor vendor) {
        String url = server.url("/").toString();
        return switch (vendor) {
            case OPENAI -> {
                OpenAiProvider.Builder b = OpenAiProvider.builder().baseUrl(url + "v1");
                yield new FromEnv(env -> b.environment(env).build(), "OPENAI_API_KEY", "Authorization", "Bearer ");
            }
            case AZURE -> {
                AzureOpenAiProvider.Builder b = AzureOpenAiProvider.builder().endpoint(url);
                yield new FromEnv(env -> b.environment(env).build(), "AZURE_OPENAI_API_KEY", "api-key", "");
            }
            case COMPATIBLE -> {
                OpenAiCompatibleProvider.Builder b =
                        OpenAiCompatibleProvider.builder(url + "v1").apiKeyFromEnv("GROQ_API_KEY");
                yield new FromEnv(env -> b.environment(env).build(), "GROQ_API_KEY", "Authorization", "Bearer ");
            }
            case ANTHROPIC -> {
                AnthropicProvider.Builder b = AnthropicProvider.builder().baseUrl(url);
                yield new FromEnv(env -> b.environment(env).build(), "ANTHROPIC_API_KEY", "x-api-key", "");
            }
            case GEMINI -> {
                GeminiProvider.Builder b = GeminiProvider.builder().baseUrl(url);
                yield new FromEnv(env -> b.environment(env).build(), "GEMINI_API_KEY", "x-goog-api-key", "");
            }
            case OLLAMA -> {
                OllamaProvider.Builder b = OllamaProvider.builder().baseUrl(url);
                yield new FromEnv(env -> b.environment(env).build(), "OLLAMA_API_KEY", "Authorization", "Bearer ");
            }
        };
    }

    @ParameterizedTest
    @EnumSource(Vendor.class)
    void theKeyIsReadFromTheEnvironmentAtEveryBuild(Vendor vendor) throws Exception {
        FromEnv b = fromEnv(vendor);
        for (String key : List.of("first-key-0123456789", "second-key-0123456789")) {
            ModelProvider provider = b.build().apply(Map.of(b.variable(), key));
            server.enqueue(new MockResponse.Builder()
                    .addHeader("Content-Type", vendor.wire.jsonType)
                    .body(vendor.wire.text("ok"))
                    .build());
            provider.chat(ChatRequest.of("m", "hi"), Fixtures.blocking());
            assertThat(server.takeRequest(5, TimeUnit.SECONDS).getHeaders().get(b.keyHeader()))
                    .isEqualTo(b.prefix() + key);
        }
    }

    @Test
    void theEndpointIsReadFromTheEnvironmentAtEveryBuild() {
        Function<String, Map<String, String>> azureEnv = host ->
                Map.of("AZURE_OPENAI_ENDPOINT", "https://" + host + ".openai.azure.com", "AZURE_OPENAI_API_KEY", KEY);
        AzureOpenAiProvider.Builder azure = AzureOpenAiProvider.builder().environment(azureEnv.apply("first"));
        assertThat(azure.build().toString()).contains("first.openai.azure.com");
        assertThat(azure.environment(azureEnv.apply("second")).build().toString())
                .contains("second.openai.azure.com");

        OllamaProvider.Builder ollama = OllamaProvider.builder().environment(Map.of("OLLAMA_HOST", "10.0.0.1"));
        assertThat(ollama.build().toString()).contains("http://10.0.0.1:11434");
        assertThat(ollama.environment(Map.of("OLLAMA_HOST", "10.0.0.2")).build().toString())
                .contains("http://10.0.0.2:11434");
    }
}
