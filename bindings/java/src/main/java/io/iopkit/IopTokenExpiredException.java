package io.iopkit;

/**
 * The access token presented has expired (EnOS status 1203, {@link #getCode()} {@code "1203"}):
 * get a new one with {@link EnosClient#getToken()} instead of refreshing it. A subclass of
 * {@link IopPlatformException}, so existing {@code catch (IopPlatformException e)} blocks still
 * catch it; its {@link #getKind()} is {@link IopException.Kind#TOKEN_EXPIRED}.
 */
public class IopTokenExpiredException extends IopPlatformException {
    private static final long serialVersionUID = 1L;

    /** An exception with the core's message and the platform's fields. */
    public IopTokenExpiredException(String message, String code, String type, String subCode, String subMessage, String requestId, int httpStatus) {
        super(Kind.TOKEN_EXPIRED, message, code, type, subCode, subMessage, requestId, httpStatus);
    }
}
