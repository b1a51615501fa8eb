package dev.llmgate.providers.internal;

import okhttp3.ConnectionPool;
import okhttp3.OkHttpClient;

import java.util.concurrent.TimeUnit;

/**
 * The one OkHttp client every provider derives from unless the user supplies one: one connection
 * pool and dispatcher for the process, as OkHttp recommends. Per-provider timeouts are set on
 * derived clients ({@code newBuilder()}), which share the pool.
 */
public final class SharedHttpClient {
    private static volatile OkHttpClient instance;

    private SharedHttpClient() {
    }

    public static OkHttpClient get() {
        OkHttpClient c = instance;
        if (c == null) {
            synchronized (SharedHttpClient.class) {
                c = instance;
                if (c == null) {
                    c = new OkHttpClient.Builder()
                            .connectionPool(new ConnectionPool(32, 5, TimeUnit.MINUTES))
                            .retryOnConnectionFailure(false)
                            .build();
                    instance = c;
                }
            }
        }
        return c;
    }
}
