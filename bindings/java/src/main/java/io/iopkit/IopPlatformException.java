package io.iopkit;

import java.time.Duration;

/** The platform answered with an error envelope: {@link #getCode()} (e.g. {@code InvalidCode}, {@code IllegalRefreshToken}, {@code IncompleteSignature}, or an EnOS status such as {@code "1003"}), {@link #getType()}, {@link #getRequestId()} and {@link #getHttpStatus()} (often 400), and for throttling {@link #getRetryAfter()}. Thrown by the token helpers; {@code execute} returns such answers as a response whose {@code isSuccess()} is false. {@link IopTokenExpiredException} is the refinement for an expired EnOS access token. */
public class IopPlatformException extends IopException {
    private static final long serialVersionUID = 1L;

    /** An exception with the core's message. */
    public IopPlatformException(String message, String code, String type, String subCode, String subMessage, String requestId, int httpStatus) {
        this(message, code, type, subCode, subMessage, requestId, httpStatus, null);
    }

    /** An exception with the core's message and the wait a throttling error announces ({@code null}: none). */
    public IopPlatformException(String message, String code, String type, String subCode, String subMessage, String requestId, int httpStatus, Duration retryAfter) {
        super(Kind.PLATFORM, message, code, type, subCode, subMessage, requestId, httpStatus, retryAfter);
    }

    /** For subclasses: a platform error refined to {@code kind}. */
    protected IopPlatformException(Kind kind, String message, String code, String type, String subCode, String subMessage, String requestId, int httpStatus) {
        super(kind, message, code, type, subCode, subMessage, requestId, httpStatus, null);
    }
}
