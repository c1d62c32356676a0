package io.iopkit;

import java.time.Instant;
import java.util.Objects;

/**
 * One account's tokens as a {@link TokenManager} stores them: the current pair, their expiries,
 * when the seller authorized, and why the seller must authorize again once that is known.
 * Immutable; {@link #toString()} never shows the tokens.
 */
public final class TokenRecord {
    private final long version;
    private final String accessToken;
    private final String refreshToken;
    private final Instant expiresAt;
    private final Instant refreshExpiresAt;
    private final boolean canRefresh;
    private final Instant grantedAt;
    private final Instant refreshStartedAt;
    private final String reauthorizationReason;
    private final String sellerId;
    private final String country;
    private final Instant reauthorizeBy;

    // Called from the native library.
    private TokenRecord(long version, String accessToken, String refreshToken, long expiresAtMs,
            boolean hasRefreshExpiry, long refreshExpiresAtMs, boolean canRefresh, long grantedAtMs,
            boolean hasRefreshStarted, long refreshStartedAtMs, String reauthorizationReason, String sellerId,
            String country, boolean hasReauthorizeBy, long reauthorizeByMs) {
        this.version = version;
        this.accessToken = accessToken;
        this.refreshToken = refreshToken;
        this.expiresAt = Instant.ofEpochMilli(expiresAtMs);
        this.refreshExpiresAt = hasRefreshExpiry ? Instant.ofEpochMilli(refreshExpiresAtMs) : null;
        this.canRefresh = canRefresh;
        this.grantedAt = Instant.ofEpochMilli(grantedAtMs);
        this.refreshStartedAt = hasRefreshStarted ? Instant.ofEpochMilli(refreshStartedAtMs) : null;
        this.reauthorizationReason = reauthorizationReason;
        this.sellerId = sellerId;
        this.country = country;
        this.reauthorizeBy = hasReauthorizeBy ? Instant.ofEpochMilli(reauthorizeByMs) : null;
    }

    /** The write counter: 1 for the first stored grant, one more with every change. */
    public long getVersion() {
        return version;
    }

    /** The access token (a secret: never log it). */
    public String getAccessToken() {
        return accessToken;
    }

    /** The refresh token (a secret; empty for EnOS, which has none). */
    public String getRefreshToken() {
        return refreshToken;
    }

    /** When the access token expires. */
    public Instant getExpiresAt() {
        return expiresAt;
    }

    /** When the refresh token expires, or {@code null} when the platform did not say. */
    public Instant getRefreshExpiresAt() {
        return refreshExpiresAt;
    }

    /** Whether the refresh token may be used. */
    public boolean canRefresh() {
        return canRefresh;
    }

    /** When the seller authorized (the first grant of this chain of refreshes). */
    public Instant getGrantedAt() {
        return grantedAt;
    }

    /**
     * When a refresh started that has not stored its answer, or {@code null}: a process may have
     * died between sending the refresh and storing the new pair.
     */
    public Instant getRefreshStartedAt() {
        return refreshStartedAt;
    }

    /**
     * Why the seller must authorize the app again (the platform refused the refresh token, it
     * expired, the grant cannot be refreshed), or {@code null} while the grant is alive. Once set,
     * the manager never refreshes again and serves the access token until it expires.
     */
    public String getReauthorizationReason() {
        return reauthorizationReason;
    }

    /** True once {@link #getReauthorizationReason()} is set. */
    public boolean needsReauthorization() {
        return reauthorizationReason != null;
    }

    /** The seller id, when the platform gave one. */
    public String getSellerId() {
        return sellerId;
    }

    /** The country, when the platform gave one. */
    public String getCountry() {
        return country;
    }

    /**
     * When the seller must authorize again: the refresh token's expiry, or the access token's for
     * a grant that cannot be refreshed; {@code null} when unknown, and for EnOS tokens (the app
     * renews those on its own).
     */
    public Instant getReauthorizeBy() {
        return reauthorizeBy;
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof TokenRecord r && version == r.version && canRefresh == r.canRefresh
                && accessToken.equals(r.accessToken) && refreshToken.equals(r.refreshToken)
                && expiresAt.equals(r.expiresAt) && Objects.equals(refreshExpiresAt, r.refreshExpiresAt)
                && grantedAt.equals(r.grantedAt) && Objects.equals(refreshStartedAt, r.refreshStartedAt)
                && Objects.equals(reauthorizationReason, r.reauthorizationReason)
                && Objects.equals(sellerId, r.sellerId) && Objects.equals(country, r.country)
                && Objects.equals(reauthorizeBy, r.reauthorizeBy);
    }

    @Override
    public int hashCode() {
        return Objects.hash(version, accessToken, expiresAt);
    }

    @Override
    public String toString() {
        return "TokenRecord{version=" + version + ", accessToken=<hidden>, refreshToken=<hidden>, expiresAt="
                + expiresAt + ", refreshExpiresAt=" + refreshExpiresAt + ", canRefresh=" + canRefresh
                + ", grantedAt=" + grantedAt + ", refreshStartedAt=" + refreshStartedAt
                + ", reauthorizationReason=" + reauthorizationReason + ", sellerId=" + sellerId + ", country="
                + country + ", reauthorizeBy=" + reauthorizeBy + "}";
    }
}
