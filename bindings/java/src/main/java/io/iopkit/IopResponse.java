package io.iopkit;

import io.iopkit.internal.Native;
import java.time.Duration;

/**
 * A response whose body is a JSON object: the body exactly as received, the HTTP status and the
 * envelope fields of either shape (flat GOP or wrapped TOP {@code error_response}). A platform
 * error is a response too: {@link #isSuccess()} is false (as in the official SDKs). EnOS answers
 * ({@link EnosClient#call}) read the same way. Immutable; copied from the native response.
 */
public final class IopResponse {
    private final int httpStatus;
    private final String body;
    private final boolean success;
    private final String type;
    private final String code;
    private final String message;
    private final String subCode;
    private final String subMessage;
    private final String requestId;
    private final long retryAfterMs;

    private IopResponse(long r) {
        httpStatus = Native.responseHttpStatus(r);
        body = Native.responseBody(r);
        success = Native.responseIsSuccess(r);
        type = Native.responseType(r);
        code = Native.responseCode(r);
        message = Native.responseMessage(r);
        subCode = Native.responseSubCode(r);
        subMessage = Native.responseSubMessage(r);
        requestId = Native.responseRequestId(r);
        retryAfterMs = Native.responseRetryAfterMs(r);
    }

    /** Copies the native response {@code r}, then frees it. */
    static IopResponse take(long r) {
        try {
            return new IopResponse(r);
        } finally {
            Native.responseFree(r);
        }
    }

    /** The body exactly as received (contains tokens for token calls: never log it). */
    public String getBody() { return body; }

    /** True when there is no {@code error_response} and {@code code} is absent, empty or {@code "0"}. */
    public boolean isSuccess() { return success; }

    /** The error {@code type} ({@code ISV}, {@code ISP}, {@code SYSTEM}), or {@code null}. */
    public String getType() { return type; }

    /** {@code code} as text ({@code "0"} on a flat success), or {@code null}. */
    public String getCode() { return code; }

    /** {@code message} (flat) or {@code msg} (wrapped), or {@code null}. */
    public String getMessage() { return message; }

    /** {@code sub_code}, or {@code null}. */
    public String getSubCode() { return subCode; }

    /** {@code sub_msg}, or {@code null}. */
    public String getSubMessage() { return subMessage; }

    /** {@code request_id}, or {@code null}. */
    public String getRequestId() { return requestId; }

    /** The HTTP status code (platform errors often come with 400). */
    public int getHttpStatus() { return httpStatus; }

    /** For a throttling error: the ban the platform announces; {@code null} otherwise. Never retried automatically. */
    public Duration getRetryAfter() { return retryAfter(retryAfterMs); }

    /** A retry-after of the C ABI ({@code -1}: none) as a duration or {@code null}. */
    static Duration retryAfter(long ms) {
        return ms < 0 ? null : Duration.ofMillis(ms);
    }

    /** Same as {@link #getBody()} (AliExpress SDK name). */
    public String getGopResponseBody() { return body; }

    /** Same as {@link #getType()} (AliExpress SDK name). */
    public String getGopErrorType() { return type; }

    /** Same as {@link #getCode()} (AliExpress SDK name). */
    public String getGopErrorCode() { return code; }

    /** Same as {@link #getMessage()} (AliExpress SDK name). */
    public String getGopErrorMessage() { return message; }

    /** Same as {@link #getSubCode()} (AliExpress SDK name). */
    public String getGopErrorSubCode() { return subCode; }

    /** Same as {@link #getSubMessage()} (AliExpress SDK name). */
    public String getGopErrorSubMsg() { return subMessage; }

    /** Same as {@link #getRequestId()} (AliExpress SDK name). */
    public String getGopRequestId() { return requestId; }

    @Override
    public String toString() {
        // The body is left out: it carries tokens.
        return "IopResponse{httpStatus=" + httpStatus + ", success=" + success + ", code=" + code + ", type=" + type
                + ", requestId=" + requestId + ", bodyLength=" + body.length() + "}";
    }
}
