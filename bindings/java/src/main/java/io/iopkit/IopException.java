package io.iopkit;

import java.time.Duration;
import java.util.Locale;

/**
 * Base of every exception the binding throws: a failure of one kind (see {@link Kind}), with a
 * message free of secrets and, when the server answered, what it said.
 *
 * <p>Each kind has its own subclass: {@link IopInvalidArgumentException},
 * {@link IopConnectException}, {@link IopNetworkException}, {@link IopTimeoutException},
 * {@link IopTlsException}, {@link IopHttpException}, {@link IopMalformedResponseException},
 * {@link IopPlatformException} (and its subclass {@link IopTokenExpiredException}),
 * {@link IopReauthorizationRequiredException} and {@link IopInternalException}. They mirror the
 * core's error kinds (and the C ABI's {@code IOP_ERR_*} statuses) one to one.
 */
public class IopException extends ApiException {
    private static final long serialVersionUID = 1L;

    /** The kinds of failure, mirroring the core's {@code ErrorKind}. */
    public enum Kind {
        /** A required argument was missing, empty or malformed; the message names it. */
        INVALID_ARGUMENT("InvalidArgument"),
        /** The connection could not be made: the request never reached the server. */
        CONNECT("Connect"),
        /** The connection failed after it was made: the request may have reached the server. */
        NETWORK("Network"),
        /** The connect or read timeout expired. */
        TIMEOUT("Timeout"),
        /** The TLS handshake or certificate verification failed. */
        TLS("Tls"),
        /** An HTTP error status whose body is not a platform envelope (an HTML 502 page, say). */
        HTTP("Http"),
        /** The body was not JSON, was truncated, or was larger than allowed. */
        MALFORMED_RESPONSE("MalformedResponse"),
        /** The platform answered with an error envelope (code, type, message, request id). */
        PLATFORM("Platform"),
        /** The access token presented has expired (EnOS status 1203): get a new one. */
        TOKEN_EXPIRED("TokenExpired"),
        /** The seller must authorize the app again: no refresh can help. */
        REAUTHORIZATION_REQUIRED("ReauthorizationRequired"),
        /** A bug in the library, such as a caught panic. */
        INTERNAL("Internal");

        private final String nativeName;

        Kind(String nativeName) {
            this.nativeName = nativeName;
        }

        /** The core's name of this kind ({@code "Timeout"}). */
        public String nativeName() {
            return nativeName;
        }

        /** The kind with the core's name {@code name}, or {@code null} when there is none. */
        public static Kind fromNativeName(String name) {
            for (Kind k : values()) {
                if (k.nativeName.equals(name)) {
                    return k;
                }
            }
            return null;
        }
    }

    private final Kind kind;
    private final String code;
    private final String type;
    private final String requestId;
    private final int httpStatus;
    private final long retryAfterMs;

    /**
     * An exception of {@code kind}. {@code code}, {@code type}, {@code subCode}, {@code subMessage}
     * and {@code requestId} are the platform's fields ({@code null} when absent); {@code httpStatus}
     * is 0 when no HTTP response was received.
     */
    protected IopException(Kind kind, String message, String code, String type, String subCode,
            String subMessage, String requestId, int httpStatus) {
        this(kind, message, code, type, subCode, subMessage, requestId, httpStatus, null);
    }

    /**
     * As {@link #IopException(Kind, String, String, String, String, String, String, int)}, with
     * the wait a throttling error announces ({@code null} when none).
     */
    protected IopException(Kind kind, String message, String code, String type, String subCode,
            String subMessage, String requestId, int httpStatus, Duration retryAfter) {
        super(message, null, code, message, subCode, subMessage);
        this.kind = kind;
        this.code = code;
        this.type = type;
        this.requestId = requestId;
        this.httpStatus = httpStatus;
        this.retryAfterMs = retryAfter == null ? -1 : Math.max(0, retryAfter.toMillis());
    }

    /** The kind of failure. */
    public Kind getKind() {
        return kind;
    }

    /** The platform's error {@code code} ({@code InvalidCode}, {@code IllegalRefreshToken}, …), or {@code null}. */
    public String getCode() {
        return code;
    }

    /** The platform's error {@code type}: {@code ISV}, {@code ISP} or {@code SYSTEM}, or {@code null}. */
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

    /** The HTTP status of the response that carried the error, or 0 when there was none. */
    public int getHttpStatus() {
        return httpStatus;
    }

    /**
     * For a throttling error ({@code ApiCallLimit}, {@code AppCallLimit}): how long the platform
     * says the ban lasts ("ban will last N seconds"); {@code null} for any other error. The
     * library never waits or retries on its own.
     */
    public Duration getRetryAfter() {
        return retryAfterMs < 0 ? null : Duration.ofMillis(retryAfterMs);
    }

    /**
     * Builds the exception for a native failure; called from the native library (and tests).
     * {@code retryAfterMs} is -1 when the error announces no wait. An unknown kind (a core newer
     * than this binding) becomes an {@link IopInternalException}.
     */
    static IopException fromNative(String kind, String message, String code, String type, String subCode,
            String subMessage, String requestId, int httpStatus, long retryAfterMs) {
        Kind k = Kind.fromNativeName(kind);
        if (k == null) {
            return new IopInternalException(
                    String.format(Locale.ROOT, "unknown error kind %s: %s", kind, message),
                    code, type, subCode, subMessage, requestId, httpStatus);
        }
        switch (k) {
            case INVALID_ARGUMENT:
                return new IopInvalidArgumentException(message);
            case CONNECT:
                return new IopConnectException(message);
            case NETWORK:
                return new IopNetworkException(message);
            case TIMEOUT:
                return new IopTimeoutException(message);
            case TLS:
                return new IopTlsException(message);
            case HTTP:
                return new IopHttpException(message, httpStatus);
            case MALFORMED_RESPONSE:
                return new IopMalformedResponseException(message, httpStatus);
            case PLATFORM:
                return new IopPlatformException(message, code, type, subCode, subMessage, requestId, httpStatus,
                        retryAfterMs < 0 ? null : Duration.ofMillis(retryAfterMs));
            case TOKEN_EXPIRED:
                return new IopTokenExpiredException(message, code, type, subCode, subMessage, requestId, httpStatus);
            case REAUTHORIZATION_REQUIRED:
                return new IopReauthorizationRequiredException(message, code, type, subCode, subMessage, requestId,
                        httpStatus);
            case INTERNAL:
            default:
                return new IopInternalException(message, code, type, subCode, subMessage, requestId, httpStatus);
        }
    }
}
