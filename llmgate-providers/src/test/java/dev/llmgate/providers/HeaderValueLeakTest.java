package dev.llmgate.providers;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowable;

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
import java.io.PrintWriter;
import java.io.StringWriter;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import mockwebserver3.MockResponse;
import mockwebserver3.MockWebServer;
import mockwebserver3.RecordedRequest;
import mockwebserver3.junit5.StartStop;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * A header value that cannot be sent (a line break pasted with a token, a non-ASCII character) fails
 * {@code build()} with a {@link ConfigurationException} that names the header and the character's kind
 * and position, never the value (OkHttp's own error quotes it); {@code toString()} of every provider
 * shows its base URL without credentials or query.
 */
class HeaderValueLeakTest {
    private static final String KEY = "sk-builder-key-0123456789";
    private static final String SECRET = "LEAKCHECK1234567890";

    @StartStop
    private final MockWebServer server = new MockWebServer();

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

    private static String everything(Throwable e) {
        StringWriter sw = new StringWriter();
        e.printStackTrace(new PrintWriter(sw));
        return sw.toString();
    }

    @ParameterizedTest
    @EnumSource(Vendor.class)
    void aValueWithATrailingLineBreakFailsTheBuildNamingTheHeaderNotTheValue(Vendor vendor) {
        Throwable e =
                catchThrowable(() -> buildWithHeader(vendor, "Helicone-Auth", "Bearer sk-helicone-" + SECRET + "\n"));

        assertThat(e).as(vendor.name()).isInstanceOf(ConfigurationException.class);
        assertThat(((ConfigurationException) e).problems())
                .singleElement()
                .asString()
                .contains("header 'Helicone-Auth'")
                .contains("a line feed at position 38")
                .contains("value is not shown");
        assertThat(everything(e)).doesNotContain(SECRET).doesNotContain("helicone-");
    }

    @ParameterizedTest
    @EnumSource(Vendor.class)
    void controlAndNonAsciiCharactersAnywhereInTheValueAreRefusedWithoutQuotingIt(Vendor vendor) {
        Map<String, String> kinds = Map.of(
                "pk-" + SECRET + "\r\n", "a carriage return at position 22",
                " " + SECRET + "\t\n", "a line feed at position 21",
                SECRET + "\u00e9", "a non-ASCII character at position 19",
                "a" + (char) 0x7f + SECRET, "a control character (0x7f) at position 1",
                SECRET + (char) 0, "a control character (0x00) at position 19");
        kinds.forEach((value, kind) -> {
            Throwable e = catchThrowable(() -> buildWithHeader(vendor, "x-portkey-token", value));
            assertThat(e).as(vendor + " " + kind).isInstanceOf(ConfigurationException.class);
            assertThat(e.getMessage()).contains("header 'x-portkey-token'").contains(kind);
            assertThat(everything(e)).doesNotContain(SECRET);
        });
    }

    @ParameterizedTest
    @EnumSource(Vendor.class)
    void aNameThatCannotBeSentIsRefusedAsAProblem(Vendor vendor) {
        for (String name : new String[] {" X-Token", "X Token", "X-T\u00f6ken", ""}) {
            Throwable e = catchThrowable(() -> buildWithHeader(vendor, name, SECRET));
            assertThat(e).as(vendor + " [" + name + "]").isInstanceOf(ConfigurationException.class);
            assertThat(everything(e)).doesNotContain(SECRET);
        }
    }

    @Test
    void aTabOrSpaceInsideTheValueIsSentAsItIs() throws Exception {
        ModelProvider p = buildWithHeader(Vendor.OPENAI, "X-Proxy-Token", "a b\tc");
        server.enqueue(new MockResponse.Builder()
                .addHeader("Content-Type", Vendor.OPENAI.wire.jsonType)
                .body(Vendor.OPENAI.wire.text("ok"))
                .build());
        p.chat(ChatRequest.of("m", "hi"), Fixtures.blocking());
        RecordedRequest r = server.takeRequest(5, TimeUnit.SECONDS);
        assertThat(r.getHeaders().get("X-Proxy-Token")).isEqualTo("a b\tc");
    }

    @Test
    void anOrganizationOrProjectThatCannotBeSentFailsTheBuildWithoutQuotingIt() {
        Throwable org = catchThrowable(() -> OpenAiProvider.builder()
                .apiKey(KEY)
                .environment(Map.of())
                .organization("org-LEAK\u00e9CHECK")
                .build());
        assertThat(org).isInstanceOf(ConfigurationException.class);
        assertThat(org.getMessage())
                .contains("header 'OpenAI-Organization'")
                .contains("a non-ASCII character at position 8");
        assertThat(everything(org)).doesNotContain("LEAK");

        Throwable project = catchThrowable(() -> OpenAiProvider.builder()
                .apiKey(KEY)
                .environment(Map.of("OPENAI_PROJECT_ID", "proj_LEAK\nCHECK"))
                .build());
        assertThat(project).isInstanceOf(ConfigurationException.class);
        assertThat(project.getMessage()).contains("header 'OpenAI-Project'").contains("OPENAI_PROJECT_ID");
        assertThat(everything(project)).doesNotContain("LEAK");
    }

    @Test
    void anAnthropicBetaThatCannotBeSentFailsTheBuild() {
        Throwable e = catchThrowable(() -> AnthropicProvider.builder()
                .apiKey(KEY)
                .environment(Map.of())
                .beta("context-1m\u00a02025")
                .build());
        assertThat(e).isInstanceOf(ConfigurationException.class);
        assertThat(e.getMessage()).contains("header 'anthropic-beta'").contains("non-ASCII");
    }

    @Test
    void toStringShowsTheBaseUrlWithoutCredentialsOrQuery() {
        String url = "https://svc:" + SECRET + "pw@proxy.example.com/v1?key=LEAKQUERY0987654321";
        Map<String, String> none = Map.of();
        for (ModelProvider p : new ModelProvider[] {
            OpenAiProvider.builder().apiKey(KEY).environment(none).baseUrl(url).build(),
            AnthropicProvider.builder()
                    .apiKey(KEY)
                    .environment(none)
                    .baseUrl(url)
                    .build(),
            GeminiProvider.builder().apiKey(KEY).environment(none).baseUrl(url).build(),
            OllamaProvider.builder().environment(none).baseUrl(url).build()
        }) {
            assertThat(p.toString())
                    .contains("proxy.example.com")
                    .doesNotContain(SECRET)
                    .doesNotContain("svc")
                    .doesNotContain("LEAKQUERY");
        }
    }
}
