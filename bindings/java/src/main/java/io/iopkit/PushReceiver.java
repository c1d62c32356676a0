package io.iopkit;

import io.iopkit.internal.Native;

/**
 * Verifies one app's push messages (webhooks) against their raw body and recognises re-deliveries among
 * the last {@code remember}. Thread-safe: share one. A {@link java.lang.ref.Cleaner} frees one never closed.
 */
public final class PushReceiver implements AutoCloseable {
    private final NativeHandle handle;

    /** A receiver for {@code appKey} remembering {@code Native.IOP_DEFAULT_PUSH_REMEMBER} messages. */
    public PushReceiver(String appKey, String appSecret) {
        this(appKey, appSecret, Native.IOP_USE_DEFAULT);
    }

    /** As {@link #PushReceiver(String, String)}, remembering {@code remember} messages (0: none, -1: the default). */
    public PushReceiver(String appKey, String appSecret, long remember) {
        handle = new NativeHandle(this, NativeHandle.create(p -> Native.pushReceiverNew(appKey, appSecret, remember)),
                Native::pushReceiverFree);
    }

    /**
     * The message of a request with header {@code authorization} ({@code null}: absent) and raw {@code body}.
     * Refusals throw {@link IopPushRejectedException} (answer non-200) whose {@code getCode()} is
     * {@code MissingAuthorization}, {@code MalformedAuthorization}, {@code SignatureMismatch} or {@code MalformedBody}.
     */
    public PushMessage verify(String authorization, byte[] body) throws IopException {
        return handle.call(r -> new PushMessage(Native.pushReceiverVerify(r, authorization, body)));
    }

    /** The {@code Authorization} value the platform sends with {@code body} (lower-case hex); for tests and senders. */
    public String sign(byte[] body) throws IopException {
        return handle.call(r -> Native.pushReceiverSign(r, body));
    }

    /** Frees the receiver after the calls in flight return; idempotent. */
    @Override
    public void close() {
        handle.close();
    }
}
