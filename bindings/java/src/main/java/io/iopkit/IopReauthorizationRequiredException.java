package io.iopkit;

/**
 * The seller must authorize the app again (the refresh token is dead or expired, the grant cannot
 * be refreshed, or no token is stored): no refresh can help, start a new authorization.
 */
public class IopReauthorizationRequiredException extends IopException {
    private static final long serialVersionUID = 1L;

    /** An exception with the core's message (and the platform's fields when a platform answer caused it). */
    public IopReauthorizationRequiredException(String message, String code, String type, String subCode, String subMessage, String requestId, int httpStatus) {
        super(Kind.REAUTHORIZATION_REQUIRED, message, code, type, subCode, subMessage, requestId, httpStatus);
    }
}
