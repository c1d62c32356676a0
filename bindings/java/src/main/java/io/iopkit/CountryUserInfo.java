package io.iopkit;

import java.util.Objects;

/** One entry of Lazada's per-country account list ({@code country_user_info}). Immutable. */
public final class CountryUserInfo {
    private final String country;
    private final String userId;
    private final String sellerId;
    private final String shortCode;

    /** An entry; any field may be {@code null}. */
    public CountryUserInfo(String country, String userId, String sellerId, String shortCode) {
        this.country = country;
        this.userId = userId;
        this.sellerId = sellerId;
        this.shortCode = shortCode;
    }

    /** Country code, e.g. {@code sg}. */
    public String getCountry() {
        return country;
    }

    /** User id in that country. */
    public String getUserId() {
        return userId;
    }

    /** Seller id in that country. */
    public String getSellerId() {
        return sellerId;
    }

    /** Seller short code in that country. */
    public String getShortCode() {
        return shortCode;
    }

    @Override
    public boolean equals(Object o) {
        if (!(o instanceof CountryUserInfo)) {
            return false;
        }
        CountryUserInfo c = (CountryUserInfo) o;
        return Objects.equals(country, c.country) && Objects.equals(userId, c.userId)
                && Objects.equals(sellerId, c.sellerId) && Objects.equals(shortCode, c.shortCode);
    }

    @Override
    public int hashCode() {
        return Objects.hash(country, userId, sellerId, shortCode);
    }

    @Override
    public String toString() {
        return "CountryUserInfo{country=" + country + ", userId=" + userId + ", sellerId=" + sellerId
                + ", shortCode=" + shortCode + "}";
    }
}
