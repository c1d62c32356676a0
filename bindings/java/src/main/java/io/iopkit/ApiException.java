package io.iopkit;

/**
 * The checked exception of the official IOP SDKs, kept under the same name so that code written
 * for them ({@code catch (ApiException e)}, {@code e.getErrCode()}) compiles unchanged.
 *
 * <p>Every exception this binding throws is an {@link IopException}, which extends this class:
 * catch {@code IopException} (or one of its subclasses) for the typed fields.
 */
public class ApiException extends Exception {
    private static final long serialVersionUID = 1L;

    private final String errCode;
    private final String errMsg;
    private final String subErrCode;
    private final String subErrMsg;

    /** An exception with a message. */
    public ApiException(String message) {
        this(message, null, null, message, null, null);
    }

    /** An exception with a message and a cause. */
    public ApiException(String message, Throwable cause) {
        this(message, cause, null, message, null, null);
    }

    /** An exception with the official SDKs' error code and message. */
    public ApiException(String errCode, String errMsg) {
        this(errCode + ": " + errMsg, null, errCode, errMsg, null, null);
    }

    ApiException(String message, Throwable cause, String errCode, String errMsg, String subErrCode, String subErrMsg) {
        super(message);
        if (cause != null) {
            initCause(cause);
        }
        this.errCode = errCode;
        this.errMsg = errMsg;
        this.subErrCode = subErrCode;
        this.subErrMsg = subErrMsg;
    }

    /** The platform's error code ({@code IllegalRefreshToken}, …), or {@code null} when there is none. */
    public String getErrCode() {
        return errCode;
    }

    /** The error message. */
    public String getErrMsg() {
        return errMsg;
    }

    /** The platform's {@code sub_code}, or {@code null}. */
    public String getSubErrCode() {
        return subErrCode;
    }

    /** The platform's {@code sub_msg}, or {@code null}. */
    public String getSubErrMsg() {
        return subErrMsg;
    }
}
