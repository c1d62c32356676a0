package io.iopkit;

import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The three headers of one signed EnOS call, from {@link EnosClient#sign}: send them with exactly
 * the query and body that were signed ({@code h.toMap().forEach(httpRequest::setHeader)}).
 * {@link #toString()} never shows the token.
 */
public record ApimHeaders(String accessToken, long timestampMs, String signature) {
    /** Header carrying the access token. */
    public static final String ACCESS_TOKEN = "apim-accesstoken";
    /** Header carrying the call's millisecond timestamp. */
    public static final String TIMESTAMP = "apim-timestamp";
    /** Header carrying the call's signature. */
    public static final String SIGNATURE = "apim-signature";

    /** The {@code apim-accesstoken} value (a secret: never log it). */
    public String getAccessToken() {
        return accessToken;
    }

    /** The {@code apim-timestamp} value as epoch milliseconds. */
    public long getTimestampMillis() {
        return timestampMs;
    }

    /** The {@code apim-timestamp} value as an instant. */
    public Instant getTimestamp() {
        return Instant.ofEpochMilli(timestampMs);
    }

    /** The {@code apim-signature} value: lower-case hex SHA-256. */
    public String getSignature() {
        return signature;
    }

    /** The headers, by their exact names, in the documented order (unmodifiable). */
    public Map<String, String> toMap() {
        Map<String, String> m = new LinkedHashMap<>();
        m.put(ACCESS_TOKEN, accessToken);
        m.put(TIMESTAMP, Long.toString(timestampMs));
        m.put(SIGNATURE, signature);
        return java.util.Collections.unmodifiableMap(m);
    }

    @Override
    public String toString() {
        return "ApimHeaders{" + ACCESS_TOKEN + "=<hidden>, " + TIMESTAMP + "=" + timestampMs + ", " + SIGNATURE + "="
                + signature + "}";
    }
}
