package io.iopkit;

import java.time.Instant;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;

/**
 * The three headers of one signed EnOS call, from {@link EnosClient#sign}: send
 * {@code apim-accesstoken}, {@code apim-timestamp} and {@code apim-signature} with exactly the
 * query and body that were signed. Immutable; {@link #toString()} never shows the token.
 *
 * <pre>{@code
 * ApimHeaders h = enos.sign(token.getAccessToken(), "/connect-service/v2.1/devices?action=get");
 * h.toMap().forEach(httpRequest::setHeader);
 * }</pre>
 */
public final class ApimHeaders {
    /** Header carrying the access token. */
    public static final String ACCESS_TOKEN = "apim-accesstoken";
    /** Header carrying the call's millisecond timestamp. */
    public static final String TIMESTAMP = "apim-timestamp";
    /** Header carrying the call's signature. */
    public static final String SIGNATURE = "apim-signature";

    private final String accessToken;
    private final long timestampMs;
    private final String signature;

    // Called from the native library.
    private ApimHeaders(String accessToken, long timestampMs, String signature) {
        this.accessToken = accessToken;
        this.timestampMs = timestampMs;
        this.signature = signature;
    }

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

    /**
     * The headers as an unmodifiable map from the exact header names to their values, in the
     * documented order: {@value #ACCESS_TOKEN}, {@value #TIMESTAMP}, {@value #SIGNATURE}.
     */
    public Map<String, String> toMap() {
        Map<String, String> m = new LinkedHashMap<>();
        m.put(ACCESS_TOKEN, accessToken);
        m.put(TIMESTAMP, Long.toString(timestampMs));
        m.put(SIGNATURE, signature);
        return Collections.unmodifiableMap(m);
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof ApimHeaders h && timestampMs == h.timestampMs && accessToken.equals(h.accessToken)
                && signature.equals(h.signature);
    }

    @Override
    public int hashCode() {
        return Objects.hash(accessToken, timestampMs, signature);
    }

    @Override
    public String toString() {
        return "ApimHeaders{" + ACCESS_TOKEN + "=<hidden>, " + TIMESTAMP + "=" + timestampMs + ", " + SIGNATURE + "="
                + signature + "}";
    }
}
