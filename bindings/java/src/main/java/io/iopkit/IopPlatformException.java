package io.iopkit;

/** The platform answered with an error envelope: {@link #getCode()} (e.g. {@code InvalidCode}, {@code IllegalRefreshToken}, {@code IncompleteSignature}), {@link #getType()}, {@link #getRequestId()} and {@link #getHttpStatus()} (often 400). Thrown by the token helpers; {@code execute} returns such answers as a response whose {@code isSuccess()} is false. */
public class IopPlatformException extends IopException {
    private static final long serialVersionUID = 1L;

    /** An exception with the core's message. */
    public IopPlatformException(String message, String code, String type, String subCode, String subMessage, String requestId, int httpStatus) {
        super(Kind.PLATFORM, message, code, type, subCode, subMessage, requestId, httpStatus);
    }
}
