package io.iopkit;

import io.iopkit.internal.Native;
import java.time.Instant;

/**
 * An EnOS access token with its absolute expiry, from {@link EnosClient#getToken()} or
 * {@link EnosClient#refreshToken(String)}; {@link #toString()} never shows the token.
 */
public record EnosToken(String accessToken, Instant expiresAt) {
    /** Copies the native token {@code t}, then frees it. */
    static EnosToken take(long t) {
        try {
            return new EnosToken(Native.enosTokenAccessToken(t), Instant.ofEpochMilli(Native.enosTokenExpiresAtMs(t)));
        } finally {
            Native.enosTokenFree(t);
        }
    }

    /** The access token, sent as {@code apim-accesstoken} (a secret: never log it). */
    public String getAccessToken() {
        return accessToken;
    }

    /** When the token expires. */
    public Instant getExpiresAt() {
        return expiresAt;
    }

    @Override
    public String toString() {
        return "EnosToken{accessToken=<hidden>, expiresAt=" + expiresAt + "}";
    }
}
