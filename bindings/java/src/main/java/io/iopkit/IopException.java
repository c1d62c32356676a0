package io.iopkit;

import io.iopkit.internal.Native;
import java.time.Duration;

/**
 * Base of every exception the binding throws: a failure status of the C ABI ({@link #getStatus()}),
 * a message free of secrets and, when a platform answered, its fields. Each status has its own
 * generated subclass, named after it ({@code IOP_ERR_TIMEOUT}: {@link IopTimeoutException}); see
 * {@link IopStatus#exception} for the table.
 */
public class IopException extends ApiException {
    private static final long serialVersionUID = 1L;

    private final IopStatus status;
    private final String type;
    private final String requestId;
    private final int httpStatus;
    private final long retryAfterMs;

    /**
     * An exception of {@code status}. {@code code}, {@code type}, {@code subCode},
     * {@code subMessage} and {@code requestId} are the platform's fields ({@code null} when
     * absent); {@code httpStatus} is 0 without an HTTP response; {@code retryAfterMs} -1 without
     * an announced wait.
     */
    protected IopException(IopStatus status, String message, String code, String type, String subCode,
            String subMessage, String requestId, int httpStatus, long retryAfterMs) {
        super(message, null, code, message, subCode, subMessage);
        this.status = status;
        this.type = type;
        this.requestId = requestId;
        this.httpStatus = httpStatus;
        this.retryAfterMs = retryAfterMs;
    }

    /**
     * The exception of a failed native call (called by the native library on the failing thread):
     * {@code message} alone for a failure of the JNI layer, else the fields of the C ABI's last error.
     */
    static IopException fromNative(int status, String message) {
        if (message != null) {
            return fromNative(status, message, null, null, null, null, null, 0, -1);
        }
        return fromNative(status, Native.lastErrorMessage(), Native.lastErrorCode(), Native.lastErrorType(),
                Native.lastErrorSubCode(), Native.lastErrorSubMessage(), Native.lastErrorRequestId(),
                Native.lastErrorHttpStatus(), Native.lastErrorRetryAfterMs());
    }

    /**
     * The exception for {@code status} from the generated table ({@link IopStatus#exception}), or
     * an {@link IopInternalException} for a status this binding does not know.
     */
    static IopException fromNative(int status, String message, String code, String type, String subCode,
            String subMessage, String requestId, int httpStatus, long retryAfterMs) {
        IopStatus s = IopStatus.of(status);
        if (s == null || s == IopStatus.OK) {
            return new IopInternalException("unknown status " + status + ": " + message, code, type, subCode,
                    subMessage, requestId, httpStatus, retryAfterMs);
        }
        return s.exception(message, code, type, subCode, subMessage, requestId, httpStatus, retryAfterMs);
    }

    /** The failure status. */
    public IopStatus getStatus() {
        return status;
    }

    /** The platform's error {@code code} ({@code InvalidCode}, EnOS {@code "1203"}, …), or {@code null}. */
    public String getCode() {
        return getErrCode();
    }

    /** The platform's error {@code type} ({@code ISV}, {@code ISP}, {@code SYSTEM}), or {@code null}. */
    public String getType() {
        return type;
    }

    /** The platform's {@code sub_code}, or {@code null}. */
    public String getSubCode() {
        return getSubErrCode();
    }

    /** The platform's {@code sub_msg}, or {@code null}. */
    public String getSubMessage() {
        return getSubErrMsg();
    }

    /** The platform's {@code request_id}, or {@code null}. */
    public String getRequestId() {
        return requestId;
    }

    /** The HTTP status of the response that carried the failure, or 0 when there was none. */
    public int getHttpStatus() {
        return httpStatus;
    }

    /** For a throttling error: the ban the platform announces; {@code null} otherwise. Never waited for. */
    public Duration getRetryAfter() {
        return IopResponse.retryAfter(retryAfterMs);
    }
}
