package io.iopkit;

import io.iopkit.internal.Native;
import java.time.Duration;
import java.util.Arrays;
import java.util.Objects;

/**
 * A {@link TokenStore} in Redis, shared by every host of a fleet: the refresh lock of an account
 * is a lease in Redis, so exactly one host refreshes an account per expiry window and the others
 * then read the new pair; a host that dies holding a lease delays the account by at most the
 * lease. Records can be encrypted at rest (AES-256-GCM) with a 32-byte key.
 *
 * <pre>{@code
 * TokenStore store = RedisTokenStore.builder("rediss://:password@redis.internal:6380/0", appKey)
 *         .encryptionKey(key32)                 // optional: records sealed at rest
 *         .lease(Duration.ofSeconds(30))        // optional: the refresh lock's lease
 *         .timeout(Duration.ofSeconds(5))       // optional: connect and command timeout
 *         .build();
 * }</pre>
 *
 * <p>The URL is {@code redis://[user][:password@]host[:port][/db]}, {@code rediss://…} (TLS,
 * certificates always verified against the system's roots, or the CA file named by the
 * {@code SSL_CERT_FILE} environment variable) or {@code redis+unix:///path}. It holds the
 * password: this object does not keep it, and neither exception messages nor {@link #toString()}
 * show it. Keys are {@code <namespace>:<appKey>:<account>:record} and {@code …:lock}.
 *
 * <p>Making a store checks the settings but does not connect: while Redis is unreachable, calls
 * throw {@link IopConnectException}, {@link IopNetworkException} or {@link IopTimeoutException}
 * (their message names {@code token store (redis …}) and work again once it is back.
 * Thread-safe; {@link #close()} frees it early (managers using it keep it alive).
 */
public final class RedisTokenStore extends NativeTokenStore {
    /** The default namespace: the first part of every key. */
    public static final String DEFAULT_NAMESPACE = "iopkit";
    /** The default lease of a refresh lock. */
    public static final Duration DEFAULT_LEASE = Duration.ofSeconds(30);
    /** The default connect timeout, and timeout of each command. */
    public static final Duration DEFAULT_TIMEOUT = Duration.ofSeconds(5);
    /** The length of an encryption key: 32 bytes (AES-256). */
    public static final int KEY_LENGTH = 32;

    private final String appKey;
    private final String namespace;
    private final boolean encrypted;
    private final Duration lease;
    private final Duration timeout;

    /**
     * A store for the sellers of {@code appKey} in the Redis at {@code url}, with the default
     * namespace, lease and timeout, records stored as JSON.
     *
     * @throws IllegalArgumentException if the URL or app key is invalid (its cause is the core's
     *     {@link IopInvalidArgumentException}; the message never quotes the URL)
     * @throws NullPointerException if an argument is {@code null}
     */
    public RedisTokenStore(String url, String appKey) {
        this(url, appKey, null, null, null, null);
    }

    /**
     * A store with every setting; {@code null} keeps a setting's default.
     *
     * @param url the Redis URL (with its password, if any)
     * @param appKey the app whose sellers' tokens these are (no {@code :}, spaces or control
     *     characters)
     * @param namespace the first part of every key ({@code null}: {@value #DEFAULT_NAMESPACE})
     * @param encryptionKey 32 bytes (copied) to encrypt records at rest, or {@code null} to store
     *     them as JSON. Records written without a key are still read, and sealed at their next
     *     write; records sealed with another key fail with {@link IopInvalidArgumentException}.
     * @param lease how long a refresh lock lasts unless released ({@code null}: 30 s); a refresh
     *     must finish within it
     * @param timeout the connect timeout and the timeout of each command ({@code null}: 5 s)
     * @throws IllegalArgumentException if a setting is invalid: a key of another length than 32
     *     bytes, a namespace or app key with {@code :}, a URL that is not a Redis URL (the cause is
     *     the core's {@link IopInvalidArgumentException}), or a lease or timeout under 1 ms
     * @throws NullPointerException if {@code url} or {@code appKey} is {@code null}
     */
    public RedisTokenStore(String url, String appKey, String namespace, byte[] encryptionKey, Duration lease,
            Duration timeout) {
        super(() -> create(url, appKey, namespace, encryptionKey, lease, timeout));
        this.appKey = appKey;
        this.namespace = namespace == null ? DEFAULT_NAMESPACE : namespace;
        this.encrypted = encryptionKey != null;
        this.lease = lease == null ? DEFAULT_LEASE : lease;
        this.timeout = timeout == null ? DEFAULT_TIMEOUT : timeout;
    }

    private static long create(String url, String appKey, String namespace, byte[] encryptionKey, Duration lease,
            Duration timeout) throws IopException {
        Objects.requireNonNull(url, "url");
        Objects.requireNonNull(appKey, "appKey");
        long leaseMs = positiveMillis(lease, "lease");
        long timeoutMs = positiveMillis(timeout, "timeout");
        byte[] key = encryptionKey == null ? null : encryptionKey.clone();
        try {
            return Native.storeRedisNew(url, namespace, appKey, key, leaseMs, timeoutMs);
        } finally {
            if (key != null) {
                Arrays.fill(key, (byte) 0);
            }
        }
    }

    /** {@code d} in milliseconds (0 for {@code null}: the default). */
    private static long positiveMillis(Duration d, String name) {
        if (d == null) {
            return 0;
        }
        long ms = millis(d);
        if (ms < 1) {
            throw new IllegalArgumentException(name + " must be at least 1 ms, not " + d);
        }
        return ms;
    }

    /**
     * A builder for a store of {@code appKey}'s sellers in the Redis at {@code url}.
     *
     * @throws NullPointerException if an argument is {@code null}
     */
    public static Builder builder(String url, String appKey) {
        return new Builder(url, appKey);
    }

    /** Settings of a {@link RedisTokenStore}; every one is optional. Not thread-safe. */
    public static final class Builder {
        private final String url;
        private final String appKey;
        private String namespace;
        private byte[] encryptionKey;
        private Duration lease;
        private Duration timeout;

        private Builder(String url, String appKey) {
            this.url = Objects.requireNonNull(url, "url");
            this.appKey = Objects.requireNonNull(appKey, "appKey");
        }

        /** The first part of every key ({@code null}: {@value RedisTokenStore#DEFAULT_NAMESPACE}). */
        public Builder namespace(String namespace) {
            this.namespace = namespace;
            return this;
        }

        /** 32 bytes (copied) to encrypt records at rest with AES-256-GCM ({@code null}: none). */
        public Builder encryptionKey(byte[] encryptionKey) {
            this.encryptionKey = encryptionKey == null ? null : encryptionKey.clone();
            return this;
        }

        /** How long a refresh lock lasts unless released ({@code null}: 30 s). */
        public Builder lease(Duration lease) {
            this.lease = lease;
            return this;
        }

        /** The connect timeout and the timeout of each command ({@code null}: 5 s). */
        public Builder timeout(Duration timeout) {
            this.timeout = timeout;
            return this;
        }

        /**
         * The store. The builder can be used again.
         *
         * @throws IllegalArgumentException as
         *     {@link RedisTokenStore#RedisTokenStore(String, String, String, byte[], Duration, Duration)}
         */
        public RedisTokenStore build() {
            return new RedisTokenStore(url, appKey, namespace, encryptionKey, lease, timeout);
        }

        @Override
        public String toString() {
            return "RedisTokenStore.Builder{appKey=" + appKey + ", namespace=" + namespace + ", encrypted="
                    + (encryptionKey != null) + ", lease=" + lease + ", timeout=" + timeout + "}";
        }
    }

    /** The app whose sellers' tokens these are. */
    public String getAppKey() {
        return appKey;
    }

    /** The first part of every key. */
    public String getNamespace() {
        return namespace;
    }

    /** True when records are encrypted at rest. */
    public boolean isEncrypted() {
        return encrypted;
    }

    /** The lease of a refresh lock. */
    public Duration getLease() {
        return lease;
    }

    /** The connect timeout and the timeout of each command. */
    public Duration getTimeout() {
        return timeout;
    }

    /** The settings, without the URL (it may hold a password). */
    @Override
    public String toString() {
        return "RedisTokenStore{namespace=" + namespace + ", appKey=" + appKey + ", encrypted=" + encrypted
                + ", lease=" + lease + ", timeout=" + timeout + "}";
    }
}
