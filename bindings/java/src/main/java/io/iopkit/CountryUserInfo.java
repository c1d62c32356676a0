package io.iopkit;

/** One entry of Lazada's per-country account list ({@code country_user_info}); any field may be {@code null}. */
public record CountryUserInfo(String country, String userId, String sellerId, String shortCode) {
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
}
