package dev.llmgate.providers.internal;

import java.util.concurrent.TimeUnit;
import okhttp3.ConnectionPool;
import okhttp3.OkHttpClient;

/**
 * The one OkHttp client every provider derives from unless the user supplies one: one dispatcher and
 * one set of OkHttp defaults for the process. Each provider derives its own client from it
 * ({@code newBuilder()}) with its own time limits and its own connection pool of at most
 * {@value #MAX_IDLE_CONNECTIONS} idle connections, so that closing the provider can close its
 * connections without touching another provider's.
 */
final class SharedHttpClient {
    /** Idle connections a provider's own pool keeps (for 5 minutes). */
    public static final int MAX_IDLE_CONNECTIONS = 32;

    private static volatile OkHttpClient instance;

    private SharedHttpClient() {}

    public static OkHttpClient get() {
        OkHttpClient c = instance;
        if (c == null) {
            synchronized (SharedHttpClient.class) {
                c = instance;
                if (c == null) {
                    c = new OkHttpClient.Builder()
                            .connectionPool(new ConnectionPool(MAX_IDLE_CONNECTIONS, 5, TimeUnit.MINUTES))
                            .retryOnConnectionFailure(false)
                            .build();
                    instance = c;
                }
            }
        }
        return c;
    }
}
