package io.iopkit;

import io.iopkit.internal.LogBridge;
import io.iopkit.internal.Native;
import java.nio.file.Path;
import java.util.function.LongConsumer;

/**
 * What {@link IopClient} and {@link EnosClient} share: the native client's lifetime and its
 * settings, kept in one native {@code IopConfig} that every setter changes and then copies into
 * the live client ({@code iop_client_configure} / {@code iop_enos_client_configure}). Calls already
 * running keep the settings they started with. Numbers pass straight through: {@code -1}
 * ({@link Native#IOP_USE_DEFAULT}) restores a default, other values out of range are refused.
 * Setters throw {@link IllegalArgumentException} whose cause is the {@link IopInvalidArgumentException}.
 */
abstract class ConfiguredClient implements AutoCloseable {
    /** Creates the native client from the config pointer. */
    interface Create {
        long create(long config) throws IopException;
    }

    /** Copies the config into the client: {@code (client, config)}. */
    interface Configure {
        void configure(long client, long config) throws IopException;
    }

    private final NativeHandle config;
    private final Configure configure;
    final NativeHandle handle;
    final String url;
    private final String appKey;
    /** Kept so that the limiter outlives its use here (the native config holds it too). */
    private volatile RateLimiter limiter;

    ConfiguredClient(String url, String appKey, Create create, LongConsumer free, Configure configure) {
        this.url = url;
        this.appKey = appKey;
        this.config = new NativeHandle(this, NativeHandle.create(p -> Native.configNew()), Native::configFree);
        this.configure = configure;
        LogBridge.install();
        try {
            String proxy = JvmProxy.forUrl(url);
            if (proxy != null) {
                NativeHandle.create(p -> config.call(c -> {
                    Native.configSetProxy(c, proxy);
                    return null;
                }));
            }
            this.handle = new NativeHandle(this, NativeHandle.create(p -> config.call(create::create)), free);
        } catch (RuntimeException e) {
            config.close();
            throw e;
        }
    }

    /** Changes the config with {@code set} and copies it into the client. */
    private synchronized void set(NativeHandle.Call<Void> set) {
        try {
            config.call(set);
            config.call(c -> handle.call(h -> {
                configure.configure(h, c);
                return null;
            }));
        } catch (IopException e) {
            throw new IllegalArgumentException(e.getMessage(), e);
        }
    }

    /** The app key. */
    public String getAppKey() {
        return appKey;
    }

    /** The connect timeout in milliseconds (at least 1; -1: {@code Native.IOP_DEFAULT_CONNECT_TIMEOUT_MS}). */
    public void setConnectTimeout(long connectTimeoutMs) {
        set(c -> { Native.configSetConnectTimeoutMs(c, connectTimeoutMs); return null; });
    }

    /** The read timeout in milliseconds, bounding each phase of a call (at least 1; -1: {@code Native.IOP_DEFAULT_READ_TIMEOUT_MS}). */
    public void setReadTimeout(long readTimeoutMs) {
        set(c -> { Native.configSetReadTimeoutMs(c, readTimeoutMs); return null; });
    }

    /** The {@code partner_id} sent with every IOP call (not empty; {@code null}: {@code iopkit-<version>}). */
    public void setPartnerId(String partnerId) {
        set(c -> { Native.configSetPartnerId(c, partnerId); return null; });
    }

    /**
     * Trusts the CA certificates of the PEM file at {@code pemPath} (read now) instead of the
     * built-in roots; {@code null} restores them. Verification is never turned off.
     */
    public void setCaBundle(String pemPath) {
        set(c -> { Native.configSetCaBundle(c, pemPath); return null; });
    }

    /** As {@link #setCaBundle(String)}. */
    public void setCaBundleFile(Path pemFile) {
        setCaBundle(pemFile == null ? null : pemFile.toString());
    }

    /** Allows plain {@code http://} to hosts other than loopback (never advisable; off by default). */
    public void setAllowInsecureHttp(boolean allow) {
        set(c -> { Native.configSetAllowInsecureHttp(c, allow); return null; });
    }

    /** The largest response body accepted, in bytes (at least 1; -1: {@code Native.IOP_DEFAULT_MAX_RESPONSE_BYTES}). */
    public void setMaxResponseBytes(long maxResponseBytes) {
        set(c -> { Native.configSetMaxResponseBytes(c, maxResponseBytes); return null; });
    }

    /**
     * How many times a call is re-sent after a connect failure ({@link IopConnectException}: the
     * request never left): 0 to 10; -1: the default, 2. Nothing else is ever retried.
     */
    public void setMaxConnectRetries(int retries) {
        set(c -> { Native.configSetMaxConnectRetries(c, retries); return null; });
    }

    /**
     * How many idle keep-alive connections are kept open per host, ready for the next calls:
     * 0 to {@link Native#IOP_MAX_IDLE_CONNECTIONS_LIMIT} (1024); -1: the default, 32, enough for
     * as many threads (or batch workers) calling at once.
     */
    public void setMaxIdleConnections(int connections) {
        set(c -> { Native.configSetMaxIdleConnections(c, connections); return null; });
    }

    /** How long an idle keep-alive connection is kept before it is closed, in milliseconds (at least 1; -1: {@code Native.IOP_DEFAULT_IDLE_TIMEOUT_MS}). */
    public void setIdleTimeout(long idleTimeoutMs) {
        set(c -> { Native.configSetIdleTimeoutMs(c, idleTimeoutMs); return null; });
    }

    /**
     * The proxy for every call, tunnelling with HTTP CONNECT: {@code "http://[user:password@]host[:port]"}
     * (port 80 by default; the credentials are sent as {@code Proxy-Authorization: Basic} and never
     * shown), {@code ""} to connect directly whatever the environment says, or {@code null} (the
     * default): the JVM's {@code https.proxyHost}/{@code https.proxyPort} properties when set (hosts
     * matching {@code http.nonProxyHosts} direct), else the environment ({@code HTTPS_PROXY} or
     * {@code https_proxy}, then {@code ALL_PROXY}; {@code NO_PROXY} honoured). A proxy that cannot be
     * reached or refuses the tunnel gives an {@link IopConnectException} whose message starts with
     * {@code proxy http://host:port}. The properties are read at construction and by {@code setProxy(null)}.
     */
    public void setProxy(String proxyUrl) {
        String proxy = proxyUrl != null ? proxyUrl : JvmProxy.forUrl(url);
        set(c -> { Native.configSetProxy(c, proxy); return null; });
    }

    /**
     * Limits this client's calls with {@code limiter} (shared with every client it is attached
     * to; see {@link RateLimiter}); {@code null} removes it. The client keeps the limiter.
     */
    public void setRateLimiter(RateLimiter limiter) {
        if (limiter == null) {
            set(c -> { Native.configSetRateLimiter(c, 0); return null; });
        } else {
            set(c -> limiter.handle.call(l -> { Native.configSetRateLimiter(c, l); return null; }));
        }
        this.limiter = limiter;
    }

    /** True once {@link #close()} has been called (or the Cleaner freed the client). */
    public boolean isClosed() {
        return handle.isClosed();
    }

    /** Frees the native client after the calls in flight return; idempotent. Later calls throw {@link IllegalStateException}. */
    @Override
    public void close() {
        handle.close();
        config.close();
    }

    @Override
    public String toString() {
        return getClass().getSimpleName() + "{url=" + url + ", appKey=" + appKey + "}";
    }
}
