package io.iopkit;

import java.time.Instant;
import java.util.Objects;

/**
 * An EnOS access token with its absolute expiry, from {@link EnosClient#getToken()} or
 * {@link EnosClient#refreshToken(String)}. EnOS tokens have no refresh token: a refresh extends
 * the access token itself. Immutable; {@link #toString()} never shows the token.
 */
public final class EnosToken {
    private final String accessToken;
    private final Instant expiresAt;

    // Called from the native library.
    private EnosToken(String accessToken, long expiresAtMs) {
        this.accessToken = accessToken;
        this.expiresAt = Instant.ofEpochMilli(expiresAtMs);
    }

    /** The access token, sent as {@code apim-accesstoken} (a secret: never log it). */
    public String getAccessToken() {
        return accessToken;
    }

    /** When the token expires: the time the answer was received plus its {@code expire} seconds. */
    public Instant getExpiresAt() {
        return expiresAt;
    }

    /** True when the token has expired at {@code now}, or will within {@code marginSeconds} of it. */
    public boolean expiresWithin(Instant now, long marginSeconds) {
        Objects.requireNonNull(now, "now");
        return !expiresAt.minusSeconds(marginSeconds).isAfter(now);
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof EnosToken t && accessToken.equals(t.accessToken) && expiresAt.equals(t.expiresAt);
    }

    @Override
    public int hashCode() {
        return Objects.hash(accessToken, expiresAt);
    }

    @Override
    public String toString() {
        return "EnosToken{accessToken=<hidden>, expiresAt=" + expiresAt + "}";
    }
}
