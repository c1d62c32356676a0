package io.iopkit;

import io.iopkit.internal.Native;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Objects;

/**
 * A seller's authorization, normalized across Lazada, AliExpress and Taobao TW: access and refresh
 * tokens with absolute expiries, and the account data the platform sent. Immutable.
 *
 * <p>A refresh returns a <b>new refresh token</b>: store it; the old one is dead.
 * {@link #toString()} never shows the tokens.
 */
public final class Token {
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
    private final List<CountryUserInfo> countryUserInfo;
    private final String havanaId;
    private final String userNick;
    private final String locale;
    private final String sp;
    private final String raw;

    // Called from the native library; countries is flattened [country, userId, sellerId, shortCode]*.
    private Token(String accessToken, String refreshToken, long expiresAtMs, boolean hasRefreshExpiry,
            long refreshExpiresAtMs, boolean canRefresh, String account, String accountPlatform, String accountId,
            String sellerId, String userId, String shortCode, String country, String[] countries, String havanaId,
            String userNick, String locale, String sp, String raw) {
        this.accessToken = accessToken;
        this.refreshToken = refreshToken;
        this.expiresAt = Instant.ofEpochMilli(expiresAtMs);
        this.refreshExpiresAt = hasRefreshExpiry ? Instant.ofEpochMilli(refreshExpiresAtMs) : null;
        this.canRefresh = canRefresh;
        this.account = account;
        this.accountPlatform = accountPlatform;
        this.accountId = accountId;
        this.sellerId = sellerId;
        this.userId = userId;
        this.shortCode = shortCode;
        this.country = country;
        List<CountryUserInfo> list = new ArrayList<>();
        for (int i = 0; i + 3 < countries.length; i += 4) {
            list.add(new CountryUserInfo(countries[i], countries[i + 1], countries[i + 2], countries[i + 3]));
        }
        this.countryUserInfo = Collections.unmodifiableList(list);
        this.havanaId = havanaId;
        this.userNick = userNick;
        this.locale = locale;
        this.sp = sp;
        this.raw = raw;
    }

    /**
     * Reads a token response body (a successful {@code /auth/token/create} or
     * {@code /auth/token/refresh} answer) received at {@code receivedAt}: relative lifetimes are
     * counted from it.
     *
     * @throws IopPlatformException if the body is a platform error
     * @throws IopMalformedResponseException if it is not a token response
     */
    public static Token parse(String body, Instant receivedAt) throws IopException {
        Objects.requireNonNull(body, "body");
        Objects.requireNonNull(receivedAt, "receivedAt");
        return Native.parseToken(body, receivedAt.toEpochMilli());
    }

    /** The access token (empty only when the platform sent {@code null}). */
    public String getAccessToken() {
        return accessToken;
    }

    /** The refresh token (empty when none was given). */
    public String getRefreshToken() {
        return refreshToken;
    }

    /** When the access token expires. */
    public Instant getExpiresAt() {
        return expiresAt;
    }

    /** When the refresh token expires, or {@code null} when unknown or when it cannot refresh. */
    public Instant getRefreshExpiresAt() {
        return refreshExpiresAt;
    }

    /** Whether the refresh token can be used ({@code refresh_expires_in} = 0 means it cannot). */
    public boolean canRefresh() {
        return canRefresh;
    }

    /** True when the access token expires within {@code margin} of {@code now} (or has expired). */
    public boolean expiresWithin(Duration margin, Instant now) {
        return !expiresAt.isAfter(now.plus(margin));
    }

    /** {@code account}: the login of the authorizing user, or {@code null}. */
    public String getAccount() {
        return account;
    }

    /** {@code account_platform} ({@code seller_center}, {@code buyerApp}, …), or {@code null}. */
    public String getAccountPlatform() {
        return accountPlatform;
    }

    /** {@code account_id} ({@code null} for {@code seller_center}). */
    public String getAccountId() {
        return accountId;
    }

    /** {@code seller_id} (TW: {@code seller_Id}; Lazada: from the token country's entry), or {@code null}. */
    public String getSellerId() {
        return sellerId;
    }

    /** {@code user_id} (TW: {@code user_Id}; Lazada: from the token country's entry), or {@code null}. */
    public String getUserId() {
        return userId;
    }

    /** {@code short_code} (Lazada, TW), or {@code null}. */
    public String getShortCode() {
        return shortCode;
    }

    /** {@code country} (Lazada: {@code sg} … or {@code cb} for cross-border), or {@code null}. */
    public String getCountry() {
        return country;
    }

    /** Lazada's per-country accounts (empty for the other platforms). */
    public List<CountryUserInfo> getCountryUserInfo() {
        return countryUserInfo;
    }

    /** {@code havana_id} (AliExpress), or {@code null}. */
    public String getHavanaId() {
        return havanaId;
    }

    /** {@code user_nick} (AliExpress), or {@code null}. */
    public String getUserNick() {
        return userNick;
    }

    /** {@code locale} (AliExpress), or {@code null}. */
    public String getLocale() {
        return locale;
    }

    /** {@code sp}, the authorizing platform (AliExpress), or {@code null}. */
    public String getSp() {
        return sp;
    }

    /** The response body the token was read from, exactly as received (contains the tokens). */
    public String getRaw() {
        return raw;
    }

    @Override
    public String toString() {
        return "Token{accessToken=[redacted], refreshToken=[redacted], expiresAt=" + expiresAt
                + ", refreshExpiresAt=" + refreshExpiresAt + ", canRefresh=" + canRefresh + ", accountPlatform="
                + accountPlatform + ", sellerId=" + sellerId + ", userId=" + userId + ", country=" + country + "}";
    }
}
