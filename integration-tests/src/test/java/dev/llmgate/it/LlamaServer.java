package dev.llmgate.it;

/** Where the integration tests' llama-server is (scripts/llama-server/start.sh). */
final class LlamaServer {
    static final String URL = env("LLMGATE_LLAMA_URL", "http://127.0.0.1:" + env("LLMGATE_LLAMA_PORT", "18080"));
    static final String KEY = env("LLMGATE_LLAMA_KEY", "sk-llmgate-it");
    static final String MODEL = "llmgate-test-model";
    static final String REPLY = "Hello from the llmgate test model.";
    // Requests use temperature 0: the test model is deterministic under greedy decoding only.
    /** The server's context window (start.sh passes -c 2048). */
    static final int CONTEXT = 2048;
    /** A second server with a larger window (LLMGATE_LLAMA_CTX=4096 on port 18081), for context-length fallback. */
    static final String LARGE_URL = env("LLMGATE_LLAMA_LARGE_URL", "http://127.0.0.1:18081");
    /**
     * A third server in embedding mode (LLMGATE_LLAMA_EMBEDDINGS=1 on port 18082: {@code --embeddings --pooling
     * mean}), for {@code /v1/embeddings}: llama-server serves embeddings only when started for them.
     */
    static final String EMBED_URL = env("LLMGATE_LLAMA_EMBED_URL", "http://127.0.0.1:18082");

    /**
     * llama-server closes keep-alive connections after a few requests, and llmgate leaves OkHttp's silent
     * replay on stale connections off (every attempt must be seen and audited), so clients of this server
     * do not reuse connections.
     */
    static final okhttp3.OkHttpClient NO_REUSE = new okhttp3.OkHttpClient.Builder()
            .connectionPool(new okhttp3.ConnectionPool(0, 1, java.util.concurrent.TimeUnit.MILLISECONDS))
            .build();

    private LlamaServer() {}

    private static String env(String name, String fallback) {
        String v = System.getenv(name);
        return v == null || v.isBlank() ? fallback : v;
    }
}
