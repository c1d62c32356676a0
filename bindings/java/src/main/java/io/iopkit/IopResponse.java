package io.iopkit;

import java.time.Duration;

/**
 * A response whose body is a JSON object: the body exactly as received, the HTTP status, and the
 * envelope fields of either shape (flat GOP {@code {"code":…,"request_id":…}} or wrapped TOP
 * {@code {"error_response":{…}}}). A platform error is a response too: {@link #isSuccess()} is
 * false and {@link #getCode()}, {@link #getMessage()}, … say why (as in the official SDKs).
 * EnOS answers ({@link EnosClient#call}) are read the same way: {@code code} 0 is a success and
 * {@code requestId} the request id. Immutable.
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
    private final String requestUrl;
    private final long retryAfterMs;

    // Called from the native library.
    private IopResponse(int httpStatus, String body, boolean success, String type, String code, String message,
            String subCode, String subMessage, String requestId, String requestUrl, long retryAfterMs) {
        this.httpStatus = httpStatus;
        this.body = body;
        this.success = success;
        this.type = type;
        this.code = code;
        this.message = message;
        this.subCode = subCode;
        this.subMessage = subMessage;
        this.requestId = requestId;
        this.requestUrl = requestUrl;
        this.retryAfterMs = retryAfterMs;
    }

    /** The body exactly as received (contains tokens for token calls: never log it). */
    public String getBody() {
        return body;
    }

    /** True when there is no {@code error_response} and {@code code} is absent, empty or {@code "0"}. */
    public boolean isSuccess() {
        return success;
    }

    /** The error {@code type} ({@code ISV}, {@code ISP}, {@code SYSTEM}), or {@code null}. */
    public String getType() {
        return type;
    }

    /** {@code code} as text ({@code "0"} on a flat success), or {@code null} when absent. */
    public String getCode() {
        return code;
    }

    /** {@code message} (flat) or {@code msg} (wrapped), or {@code null}. */
    public String getMessage() {
        return message;
    }

    /** {@code sub_code}, or {@code null}. */
    public String getSubCode() {
        return subCode;
    }

    /** {@code sub_msg}, or {@code null}. */
    public String getSubMessage() {
        return subMessage;
    }

    /** {@code request_id} (from the envelope or the wrapped {@code …_response} object), or {@code null}. */
    public String getRequestId() {
        return requestId;
    }

    /** The HTTP status code (platform errors often come with 400). */
    public int getHttpStatus() {
        return httpStatus;
    }

    /** The URL the request was sent to (no query, no parameters). */
    public String getRequestUrl() {
        return requestUrl;
    }

    /**
     * For a throttling error ({@code ApiCallLimit}, {@code AppCallLimit}): how long the platform
     * says the ban lasts ("ban will last N seconds"); {@code null} for any other response. Nothing
     * is retried automatically.
     */
    public Duration getRetryAfter() {
        return retryAfterMs < 0 ? null : Duration.ofMillis(retryAfterMs);
    }

    // The AliExpress SDK's names.

    /** Same as {@link #getBody()} (AliExpress SDK name). */
    public String getGopResponseBody() {
        return body;
    }

    /** Same as {@link #getType()} (AliExpress SDK name). */
    public String getGopErrorType() {
        return type;
    }

    /** Same as {@link #getCode()} (AliExpress SDK name). */
    public String getGopErrorCode() {
        return code;
    }

    /** Same as {@link #getMessage()} (AliExpress SDK name). */
    public String getGopErrorMessage() {
        return message;
    }

    /** Same as {@link #getSubCode()} (AliExpress SDK name). */
    public String getGopErrorSubCode() {
        return subCode;
    }

    /** Same as {@link #getSubMessage()} (AliExpress SDK name). */
    public String getGopErrorSubMsg() {
        return subMessage;
    }

    /** Same as {@link #getRequestId()} (AliExpress SDK name). */
    public String getGopRequestId() {
        return requestId;
    }

    /** Same as {@link #getRequestUrl()} (AliExpress SDK name). */
    public String getGopRequestUrl() {
        return requestUrl;
    }

    @Override
    public String toString() {
        // The body is left out: it carries tokens.
        return "IopResponse{httpStatus=" + httpStatus + ", success=" + success + ", code=" + code + ", type=" + type
                + ", requestId=" + requestId + ", bodyLength=" + body.length() + "}";
    }
}
