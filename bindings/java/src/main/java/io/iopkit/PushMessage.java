package io.iopkit;

import io.iopkit.internal.Native;
import java.time.Instant;

/** A verified push message, its fields copied; its native part stays open for {@code applyPush} until closed. */
public final class PushMessage implements AutoCloseable {
    final NativeHandle handle;
    private final int messageType;
    private final String sellerId, site, dataJson, body;
    private final Instant timestamp, authExpiresAt;
    private final boolean duplicate;

    PushMessage(long m) {
        handle = new NativeHandle(this, m, Native::pushMessageFree);
        messageType = Native.pushMessageType(m);
        sellerId = Native.pushMessageSellerId(m);
        site = Native.pushMessageSite(m);
        dataJson = Native.pushMessageDataJson(m);
        body = Native.pushMessageBody(m);
        long t = Native.pushMessageTimestampMs(m), a = Native.pushMessageAuthExpiresAtMs(m);
        timestamp = t < 0 ? null : Instant.ofEpochMilli(t);
        authExpiresAt = a < 0 ? null : Instant.ofEpochMilli(a);
        duplicate = Native.pushMessageIsDuplicate(m);
    }

    /** The type, or {@code null} for a number the library does not name (see {@link #getMessageType()}). */
    public PushType getType() { return PushType.of(messageType); }
    /** The {@code message_type} number, known or not. */
    public int getMessageType() { return messageType; }
    /** The seller the message is about ({@code data.seller_id} for an expiry alert); {@code null} for broadcasts. */
    public String getSellerId() { return sellerId; }
    /** The {@code site} ({@code lazada_sg}, …), or {@code null}. */
    public String getSite() { return site; }
    /** The {@code timestamp} (sent in seconds or milliseconds), or {@code null} when absent. */
    public Instant getTimestamp() { return timestamp; }
    /** The {@code data} object as JSON text ({@code {}} when absent). */
    public String getDataJson() { return dataJson; }
    /** The raw body, as verified. */
    public String getBody() { return body; }
    /** True for a re-delivery of a message this receiver already verified: acknowledge it, do not process it again. */
    public boolean isDuplicate() { return duplicate; }
    /** For an expiry alert ({@link PushType#TOKEN_EXPIRY_ALERT}): when the authorization ends; else {@code null}. */
    public Instant getAuthExpiresAt() { return authExpiresAt; }

    /** Frees the native message (the fields stay readable); idempotent. */
    @Override
    public void close() {
        handle.close();
    }
}
