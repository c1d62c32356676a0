package io.iopkit;

import io.iopkit.internal.Native;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;

/**
 * A seller's authorization, normalized across Lazada, AliExpress and Taobao TW: access and
 * refresh tokens with absolute expiries, and the account data the platform sent. Immutable
 * (copied from the native token); {@link #toString()} never shows the tokens.
 */
public final class Token {
    private final String json;
    private final String raw;
    private final String accessToken;
    private final String refreshToken;
    private final Instant expiresAt;
    private final Instant refreshExpiresAt;
    private final boolean canRefresh;
    private final String account;
    private final String accountPlatform;
    private final String accountId;
    private final String sellerId;
    private final String userId;
    private final String shortCode;
    private final String country;
    private final String havanaId;
    private final String userNick;
    private final String locale;
    private final String sp;
    private final List<CountryUserInfo> countryUserInfo;

    private Token(long t) throws IopException {
        json = Native.tokenToJson(t);
        raw = Native.tokenRawJson(t);
        accessToken = Native.tokenAccessToken(t);
        refreshToken = Native.tokenRefreshToken(t);
        expiresAt = Instant.ofEpochMilli(Native.tokenExpiresAtMs(t));
        long refreshMs = Native.tokenRefreshExpiresAtMs(t);
        refreshExpiresAt = refreshMs == 0 ? null : Instant.ofEpochMilli(refreshMs);
        canRefresh = Native.tokenCanRefresh(t);
        account = Native.tokenAccount(t);
        accountPlatform = Native.tokenAccountPlatform(t);
        accountId = Native.tokenAccountId(t);
        sellerId = Native.tokenSellerId(t);
        userId = Native.tokenUserId(t);
        shortCode = Native.tokenShortCode(t);
        country = Native.tokenCountry(t);
        havanaId = Native.tokenHavanaId(t);
        userNick = Native.tokenUserNick(t);
        locale = Native.tokenLocale(t);
        sp = Native.tokenSp(t);
        List<CountryUserInfo> list = new ArrayList<>();
        for (long i = 0, n = Native.tokenCountryCount(t); i < n; i++) {
            list.add(new CountryUserInfo(Native.tokenCountryCode(t, i), Native.tokenCountryUserId(t, i),
                    Native.tokenCountrySellerId(t, i), Native.tokenCountryShortCode(t, i)));
        }
        countryUserInfo = Collections.unmodifiableList(list);
    }

    /** Copies the native token {@code t}, then frees it. */
    static Token take(long t) throws IopException {
        try {
            return new Token(t);
        } finally {
            Native.tokenFree(t);
        }
    }

    /**
     * Reads a token response body received at {@code receivedAt} ({@code null}: now; relative lifetimes count from it).
     *
     * @throws IopPlatformException if the body is a platform error
     */
    public static Token parse(String body, Instant receivedAt) throws IopException {
        return take(Native.tokenParse(body, receivedAt == null ? Native.IOP_USE_DEFAULT : receivedAt.toEpochMilli()));
    }

    /** Rebuilds a token from the JSON {@link #toJson()} wrote (an application's stored copy, say). */
    public static Token fromJson(String json) throws IopException {
        return take(Native.tokenFromJson(json));
    }

    /** The normalized token as JSON (holds the tokens: keep it as a secret); {@link #fromJson} reads it back. */
    public String toJson() {
        return json;
    }

    /** The access token (empty only when the platform sent {@code null}). */
    public String getAccessToken() { return accessToken; }

    /** The refresh token (empty when none was given). */
    public String getRefreshToken() { return refreshToken; }

    /** When the access token expires. */
    public Instant getExpiresAt() { return expiresAt; }

    /** When the refresh token expires, or {@code null} when unknown or when it cannot refresh. */
    public Instant getRefreshExpiresAt() { return refreshExpiresAt; }

    /** Whether the refresh token can be used. */
    public boolean canRefresh() { return canRefresh; }

    /** {@code account}, the authorizing login, or {@code null}. */
    public String getAccount() { return account; }

    /** {@code account_platform} ({@code seller_center}, …), or {@code null}. */
    public String getAccountPlatform() { return accountPlatform; }

    /** {@code account_id}, or {@code null}. */
    public String getAccountId() { return accountId; }

    /** {@code seller_id}, or {@code null}. */
    public String getSellerId() { return sellerId; }

    /** {@code user_id}, or {@code null}. */
    public String getUserId() { return userId; }

    /** {@code short_code} (Lazada, TW), or {@code null}. */
    public String getShortCode() { return shortCode; }

    /** {@code country} (Lazada), or {@code null}. */
    public String getCountry() { return country; }

    /** Lazada's per-country accounts (empty elsewhere). */
    public List<CountryUserInfo> getCountryUserInfo() { return countryUserInfo; }

    /** {@code havana_id} (AliExpress), or {@code null}. */
    public String getHavanaId() { return havanaId; }

    /** {@code user_nick} (AliExpress), or {@code null}. */
    public String getUserNick() { return userNick; }

    /** {@code locale} (AliExpress), or {@code null}. */
    public String getLocale() { return locale; }

    /** {@code sp} (AliExpress), or {@code null}. */
    public String getSp() { return sp; }

    /** The response body the token was read from, exactly as received (contains the tokens). */
    public String getRaw() { return raw; }

    @Override
    public String toString() {
        return "Token{accessToken=[redacted], refreshToken=[redacted], expiresAt=" + expiresAt + ", refreshExpiresAt="
                + refreshExpiresAt + ", canRefresh=" + canRefresh + ", sellerId=" + sellerId + ", country=" + country + "}";
    }
}
