package dev.llmgate.config.internal;

import dev.llmgate.config.ConfigKey;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;

/** Every key of the configuration file; the reader accepts exactly these (and the policy file's keys under policy). */
public final class ConfigSchema {
    public static final String PROVIDER_TYPES =
            "openai | azure-openai | openai-compatible | anthropic | gemini | ollama";

    private static final List<ConfigKey> KEYS = new ArrayList<>();

    private static void key(String path, String type, String description) {
        KEYS.add(new ConfigKey(path, type, description));
    }

    static {
        key(
                "gate.id",
                "string",
                "An id for this gate instance, recorded in call ids and audit records. Default: generated.");
        key("gate.closeTimeout", "duration", "How long closing the gate waits for calls in flight. Default: 30s.");

        String p = "providers.<name>.";
        key(p + "type", PROVIDER_TYPES, "Required. Which adapter; requests address its models as <name>:<model>.");
        key(
                p + "apiKeyEnv",
                "string",
                "The environment variable that holds the API key. Default: the provider's own (OPENAI_API_KEY,"
                        + " AZURE_OPENAI_API_KEY, ANTHROPIC_API_KEY, GEMINI_API_KEY or GOOGLE_API_KEY, OLLAMA_API_KEY;"
                        + " none for openai-compatible). Never put a key in the file itself.");
        key(
                p + "apiKeyFile",
                "path",
                "A file that holds the API key (e.g. a mounted secret); surrounding white space is ignored. Not with"
                        + " apiKeyEnv.");
        key(
                p + "baseUrl",
                "string",
                "The API's base URL. Required for openai-compatible; for openai, anthropic, gemini and ollama default:"
                        + " the provider's public endpoint (or its *_BASE_URL / OLLAMA_HOST variable).");
        key(p + "endpoint", "string", "azure-openai only: the resource endpoint. Default: AZURE_OPENAI_ENDPOINT.");
        key(p + "apiVersion", "string", "azure-openai and gemini only: the API version. Default: the adapter's.");
        key(p + "organization", "string", "openai only: the OpenAI-Organization header.");
        key(p + "project", "string", "openai only: the OpenAI-Project header.");
        key(p + "beta", "string", "anthropic only: an anthropic-beta header value.");
        key(p + "defaultMaxTokens", "integer", "anthropic only: max_tokens when a request sets none. Default: 4096.");
        key(
                p + "developerRole",
                "boolean",
                "openai-compatible only: send developer messages with the developer role. Default: false.");
        key(
                p + "maxTokensField",
                "string",
                "openai-compatible only: the request field for the output limit. Default: max_tokens.");
        key(p + "headers.<header>", "string", "An extra header on every request (credential headers are refused).");
        key(p + "timeouts.connect", "duration", "Connect timeout. Default: 10s.");
        key(p + "timeouts.call", "duration", "Whole-call timeout, streams included. Default: 10m.");
        key(p + "timeouts.read", "duration", "Longest silence while reading. Default: 2m.");
        key(p + "timeouts.timeToFirstToken", "duration", "Longest wait for a stream's first token. Default: 2m.");

        key("aliases.<alias>", "string", "A name such as fast for a provider:model target.");

        String r = "routes.<alias>.";
        key(r + "deployments", "list", "Required. The deployments in order: provider:model, or a mapping.");
        key(r + "deployments[].address", "string", "provider:model of the deployment.");
        key(r + "deployments[].weight", "integer", "Its weight under strategy WEIGHTED. Default: 1.");
        key(r + "deployments[].contextWindow", "integer", "Its context window in tokens, when the catalog lacks it.");
        key(
                r + "deployments[].catalogProvider",
                "string",
                "The provider family whose catalog entry prices it (for OpenAI-compatible servers).");
        key(
                r + "strategy",
                "PRIORITY | WEIGHTED | LEAST_LATENCY | LOWEST_COST",
                "How the first deployment is chosen. Default: PRIORITY.");
        key(
                r + "retry",
                "none | mapping",
                "Retries on one deployment before falling over. Default: the defaults below.");
        key(r + "retry.retriesPerDeployment", "integer", "Retries per deployment. Default: 1.");
        key(r + "retry.baseDelay", "duration", "First backoff. Default: 250ms.");
        key(r + "retry.multiplier", "number", "Backoff growth. Default: 2.");
        key(r + "retry.maxDelay", "duration", "Longest backoff. Default: 8s.");
        key(r + "retry.maxRetryAfter", "duration", "Longest Retry-After honoured before falling over. Default: 10s.");
        key(
                r + "retry.retryOn",
                "list of error classes",
                "Which failures are retried (RATE_LIMITED, OVERLOADED, TIMEOUT, NETWORK, SERVER_ERROR,"
                        + " STREAM_INTERRUPTED, ...). Default: the transient ones.");
        key(
                r + "maxAttempts",
                "integer",
                "At most this many attempts in all. Default: every deployment with its retries.");
        key(r + "deadline", "duration", "No new attempt after this long.");
        key(r + "hedgeAfter", "duration", "Start a second deployment when the first has not answered after this long.");

        key("circuitBreaker", "none | mapping", "The routes' circuit breaker. Default: the defaults below.");
        key("circuitBreaker.consecutiveFailures", "integer", "Failures in a row that open a circuit. Default: 5.");
        key("circuitBreaker.failureRateThreshold", "number", "Share of failures that opens it. Default: 0.5.");
        key("circuitBreaker.windowSize", "integer", "Calls in the sliding window (1 to 64). Default: 20.");
        key("circuitBreaker.minimumCalls", "integer", "Calls before the rate counts. Default: 10.");
        key("circuitBreaker.openDuration", "duration", "How long an open circuit rejects calls. Default: 30s.");

        String b = "budgets[].";
        key(b + "metric", "requests | tokens | usd | inFlight", "Required. What is counted.");
        key(b + "max", "number", "Required. The limit: calls, tokens, US dollars (a decimal) or calls at once.");
        key(b + "window", "duration", "Required except for inFlight. The window the limit applies to.");
        key(b + "lease", "duration", "inFlight only, required: when a slot of a process that died is freed.");
        key(b + "scope", "tenant | user | key | global", "Whose counter a call uses. Default: tenant.");
        key(
                b + "keyAttribute",
                "string",
                "scope key only: the metadata attribute that names the key. Default: api_key_id.");
        key(b + "only", "string", "Apply the limit to this one tenant, user or key only.");
        key(b + "smooth", "boolean", "requests only: a token bucket instead of a fixed window. Default: false.");
        key(b + "burst", "integer", "With smooth: the bucket size. Default: max.");

        key("cache.ttl", "duration", "How long an answer is kept. Default: 1h.");
        key("cache.maximumEntries", "integer", "At most this many answers. Default: by weight.");
        key("cache.maximumWeightBytes", "integer", "At most this many bytes of answers. Default: the cache's.");
        key("cache.maximumAnswerChars", "integer", "Longer answers are not cached. Default: the cache's.");

        key("policy.file", "path", "A policy file (docs/policy.md); not with inline policy keys.");
        key("policy.reloadEvery", "duration", "With file: re-read the file when it changes, checked this often.");
        key(
                "policy.<policy file key>",
                "as in docs/policy.md",
                "Inline policy: presets, detectors, rules, tools, redaction, ... exactly as in a policy file.");

        String a = "audit.";
        key(a + "directory", "path", "Required with audit. Where the JSON-lines audit files are written.");
        key(
                a + "signingKeyFile",
                "path",
                "A file with the Ed25519 seed in 64 hex digits (the verifier's keygen writes one). One of"
                        + " signingKeyFile and signingKeyEnv is required.");
        key(a + "signingKeyEnv", "string", "The environment variable that holds the seed in 64 hex digits.");
        key(a + "logId", "string", "The log's id. Default: generated.");
        key(a + "filePrefix", "string", "File name prefix. Default: the sink's.");
        key(a + "maxFileBytes", "integer", "Rotate a file at this size.");
        key(a + "maxFileAge", "duration", "Rotate a file at this age.");
        key(a + "fsync", "every-record | group-commit | none", "When entries are forced to disk. Default: the sink's.");
        key(a + "fsyncInterval", "duration", "With group-commit: the longest wait before an fsync. Default: 10ms.");
        key(a + "checkpointEveryRecords", "integer", "A signed checkpoint every n records.");
        key(a + "checkpointInterval", "duration", "A signed checkpoint at least this often.");
        key(a + "captureContent", "boolean", "Record prompts and answers (after redaction). Default: false.");
        key(
                a + "acknowledgement",
                "QUEUED | DURABLE",
                "When a call may return: record queued, or durable in the sink. Default: QUEUED.");
        key(a + "backPressure", "BLOCK | FAIL_CALL", "What a call does when the audit queue is full. Default: BLOCK.");
        key(a + "queueCapacity", "integer", "Records waiting to be written at most.");
    }

    private ConfigSchema() {}

    public static List<ConfigKey> keys() {
        return Collections.unmodifiableList(KEYS);
    }

    /** The keys directly under {@code parent} (a schema path such as {@code providers.<name>}), in order. */
    public static Set<String> children(String parent) {
        Set<String> out = new LinkedHashSet<>();
        String prefix = parent.isEmpty() ? "" : parent + ".";
        for (ConfigKey k : KEYS) {
            if (k.path().startsWith(prefix)) {
                String rest = k.path().substring(prefix.length());
                int dot = rest.indexOf('.');
                String child = dot < 0 ? rest : rest.substring(0, dot);
                int bracket = child.indexOf('[');
                out.add(bracket < 0 ? child : child.substring(0, bracket));
            }
        }
        return out;
    }
}
