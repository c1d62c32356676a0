package io.iopkit;

import io.iopkit.internal.Native;
import java.time.Duration;
import java.util.Arrays;

/**
 * A token store in Redis, shared by every host of a fleet: an account's refresh lock is a lease
 * in Redis, and records can be encrypted at rest (AES-256-GCM) with a 32-byte key.
 *
 * <pre>{@code
 * RedisTokenStore store = RedisTokenStore.builder("rediss://:password@redis.internal:6380/0", appKey)
 *         .encryptionKey(key32).lease(Duration.ofSeconds(30)).timeout(Duration.ofSeconds(5)).build();
 * }</pre>
 *
 * <p>The URL ({@code redis://[user][:password@]host[:port][/db]}, {@code rediss://…} or
 * {@code redis+unix:///path}) may hold a password: it is not kept, and never appears in messages.
 * Keys are {@code <namespace>:<appKey>:<account>:record} and {@code …:lock}. Making a store does
 * not connect: while Redis is unreachable calls throw {@link IopConnectException},
 * {@link IopNetworkException} or {@link IopTimeoutException}, and work again once it is back.
 */
public final class RedisTokenStore extends NativeTokenStore {
    /** The default lease of a refresh lock ({@code IOP_DEFAULT_REDIS_LEASE_MS}). */
    public static final Duration DEFAULT_LEASE = Duration.ofMillis(Native.IOP_DEFAULT_REDIS_LEASE_MS);
    /** The default connect and command timeout ({@code IOP_DEFAULT_REDIS_TIMEOUT_MS}). */
    public static final Duration DEFAULT_TIMEOUT = Duration.ofMillis(Native.IOP_DEFAULT_REDIS_TIMEOUT_MS);

    private final String appKey;

    /** A store for the sellers of {@code appKey} in the Redis at {@code url}, with every default. */
    public RedisTokenStore(String url, String appKey) {
        this(url, appKey, null, null, null, null);
    }

    /**
     * A store with every setting; {@code null} keeps a setting's default: {@code namespace} the
     * first part of every key, {@code encryptionKey} 32 bytes (copied) to encrypt records,
     * {@code lease} of a refresh lock, {@code timeout} of connecting and of each command.
     *
     * @throws IllegalArgumentException if the library refuses a setting (the cause is the
     *     {@link IopInvalidArgumentException})
     */
    public RedisTokenStore(String url, String appKey, String namespace, byte[] encryptionKey, Duration lease,
            Duration timeout) {
        super(p -> {
            byte[] key = encryptionKey == null ? null : encryptionKey.clone();
            try {
                return Native.tokenStoreNewRedis(url, namespace, appKey, key, millis(lease), millis(timeout));
            } finally {
                if (key != null) {
                    Arrays.fill(key, (byte) 0);
                }
            }
        });
        this.appKey = appKey;
    }

    private static long millis(Duration d) {
        return d == null ? Native.IOP_USE_DEFAULT : d.toMillis();
    }

    /** A builder for a store of {@code appKey}'s sellers in the Redis at {@code url}. */
    public static Builder builder(String url, String appKey) {
        return new Builder(url, appKey);
    }

    /** Settings of a {@link RedisTokenStore}; each is optional. */
    public static final class Builder {
        private final String url;
        private final String appKey;
        private String namespace;
        private byte[] encryptionKey;
        private Duration lease;
        private Duration timeout;

        private Builder(String url, String appKey) {
            this.url = url;
            this.appKey = appKey;
        }

        /** The first part of every key ({@code null}: the library's default). */
        public Builder namespace(String namespace) {
            this.namespace = namespace;
            return this;
        }

        /** 32 bytes (copied) to encrypt records at rest ({@code null}: none). */
        public Builder encryptionKey(byte[] encryptionKey) {
            this.encryptionKey = encryptionKey == null ? null : encryptionKey.clone();
            return this;
        }

        /** How long a refresh lock lasts unless released ({@code null}: {@link #DEFAULT_LEASE}). */
        public Builder lease(Duration lease) {
            this.lease = lease;
            return this;
        }

        /** The connect timeout and the timeout of each command ({@code null}: {@link #DEFAULT_TIMEOUT}). */
        public Builder timeout(Duration timeout) {
            this.timeout = timeout;
            return this;
        }

        /** The store; the builder can be used again. */
        public RedisTokenStore build() {
            return new RedisTokenStore(url, appKey, namespace, encryptionKey, lease, timeout);
        }
    }

    /** The settings, without the URL (it may hold a password). */
    @Override
    public String toString() {
        return "RedisTokenStore{appKey=" + appKey + "}";
    }
}
