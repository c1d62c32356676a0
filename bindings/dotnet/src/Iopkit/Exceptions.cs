using System;

namespace Iopkit
{
    /// <summary>The native <c>IopStatus</c> values (include/iop.h).</summary>
    public enum IopStatus
    {
        /// <summary><c>IOP_OK</c>: success.</summary>
        Ok = 0,
        /// <summary><c>IOP_ERR_INVALID_ARGUMENT</c>: a required argument was empty or malformed.</summary>
        InvalidArgument = 1,
        /// <summary><c>IOP_ERR_CONNECT</c>: the request never reached the server.</summary>
        Connect = 2,
        /// <summary><c>IOP_ERR_NETWORK</c>: the connection failed after it was made (the request may have arrived).</summary>
        Network = 3,
        /// <summary><c>IOP_ERR_TIMEOUT</c>: the connect or read timeout expired.</summary>
        Timeout = 4,
        /// <summary><c>IOP_ERR_TLS</c>: TLS handshake or certificate verification failed.</summary>
        Tls = 5,
        /// <summary><c>IOP_ERR_HTTP</c>: an HTTP error status whose body is not a platform envelope.</summary>
        Http = 6,
        /// <summary><c>IOP_ERR_MALFORMED_RESPONSE</c>: not JSON, truncated, or over the size limit.</summary>
        MalformedResponse = 7,
        /// <summary><c>IOP_ERR_PLATFORM</c>: the platform returned an error envelope (token helpers only).</summary>
        Platform = 8,
        /// <summary><c>IOP_ERR_INTERNAL</c>: a bug in the library.</summary>
        Internal = 9,
        /// <summary><c>IOP_ERR_TOKEN_EXPIRED</c>: the access token presented has expired (EnOS status 1203); platform fields as for <see cref="Platform"/>.</summary>
        TokenExpired = 10,
        /// <summary><c>IOP_ERR_REAUTHORIZATION_REQUIRED</c>: the seller must authorize the app again (the refresh token is dead or expired, the grant cannot be refreshed, or nothing is stored); no retry can help.</summary>
        ReauthorizationRequired = 11,
    }

    /// <summary>
    /// A failure reported by libiop. The concrete type says which <see cref="IopStatus"/> it was;
    /// every non-OK status has its own subclass. The platform fields (<see cref="ErrorCode"/>,
    /// <see cref="ErrorType"/>, <see cref="SubCode"/>, <see cref="RequestId"/>) are set for
    /// <see cref="IopPlatformException"/> (and its <see cref="IopTokenExpiredException"/>) and
    /// null otherwise; <see cref="HttpStatus"/> is the HTTP status of the response that carried
    /// the failure, 0 when there was none; <see cref="RetryAfter"/> is set for throttling errors.
    /// Messages never contain the app secret, codes or tokens.
    /// </summary>
    public class IopException : Exception
    {
        /// <summary>Creates an exception with the given fields.</summary>
        public IopException(IopStatus status, string statusName, string message, string errorCode,
            string errorType, string subCode, string requestId, int httpStatus)
            : this(status, statusName, message, errorCode, errorType, subCode, requestId, httpStatus, null)
        {
        }

        /// <summary>Creates an exception with the given fields, <see cref="RetryAfter"/> included.</summary>
        public IopException(IopStatus status, string statusName, string message, string errorCode,
            string errorType, string subCode, string requestId, int httpStatus, TimeSpan? retryAfter)
            : base(message)
        {
            RetryAfter = retryAfter;
            Status = status;
            StatusName = statusName;
            ErrorCode = errorCode;
            ErrorType = errorType;
            SubCode = subCode;
            RequestId = requestId;
            HttpStatus = httpStatus;
        }

        /// <summary>As the public constructor, with the exception that caused this one (a token
        /// store callback's).</summary>
        internal IopException(IopStatus status, string statusName, string message, string errorCode,
            string errorType, string subCode, string requestId, int httpStatus, TimeSpan? retryAfter, Exception innerException)
            : base(message, innerException)
        {
            RetryAfter = retryAfter;
            Status = status;
            StatusName = statusName;
            ErrorCode = errorCode;
            ErrorType = errorType;
            SubCode = subCode;
            RequestId = requestId;
            HttpStatus = httpStatus;
        }

        /// <summary>The native status.</summary>
        public IopStatus Status { get; private set; }

        /// <summary>The native status's name, e.g. <c>IOP_ERR_TIMEOUT</c>.</summary>
        public string StatusName { get; private set; }

        /// <summary>The platform's error <c>code</c> (<c>IllegalRefreshToken</c>, …), or null.</summary>
        public string ErrorCode { get; private set; }

        /// <summary>The platform's error <c>type</c> (<c>ISV</c>, <c>ISP</c>, <c>SYSTEM</c>), or null.</summary>
        public string ErrorType { get; private set; }

        /// <summary>The platform's <c>sub_code</c>, or null.</summary>
        public string SubCode { get; private set; }

        /// <summary>The platform's <c>request_id</c>, or null.</summary>
        public string RequestId { get; private set; }

        /// <summary>HTTP status of the response that carried the failure; 0 when there was none.</summary>
        public int HttpStatus { get; private set; }

        /// <summary>For a throttling error (<see cref="IopPlatformException"/> with code
        /// <c>ApiCallLimit</c> or <c>AppCallLimit</c>): how long the platform says the ban lasts
        /// ("ban will last N seconds"). Null for every other failure or when no duration is given.
        /// The library never waits or retries on its own.</summary>
        public TimeSpan? RetryAfter { get; private set; }

        /// <summary>A native <c>retry_after_ms</c> value as a duration: -1 (or any negative) is null.</summary>
        internal static TimeSpan? RetryAfterFromMs(long ms)
        {
            return ms < 0 ? (TimeSpan?)null : TimeSpan.FromMilliseconds(ms);
        }

        /// <summary>Builds the exception for the failure just reported on this thread
        /// (reads <c>iop_last_error_*</c>; call right after the failing native call).</summary>
        internal static IopException FromLastError(int status)
        {
            string message = Native.FromUtf8(Native.iop_last_error_message());
            string code = Native.FromUtf8(Native.iop_last_error_code());
            string type = Native.FromUtf8(Native.iop_last_error_type());
            string subCode = Native.FromUtf8(Native.iop_last_error_sub_code());
            string requestId = Native.FromUtf8(Native.iop_last_error_request_id());
            int http = Native.iop_last_error_http_status();
            TimeSpan? retryAfter = RetryAfterFromMs(Native.iop_last_error_retry_after_ms());
            string name = Native.FromUtf8(Native.iop_status_name(status));
            return Create(status, name, message ?? name, code, type, subCode, requestId, http, retryAfter);
        }

        /// <summary>Maps a status to its exception type. Every status 1..11 has its own subclass;
        /// a value this binding does not know gives a plain <see cref="IopException"/>.</summary>
        internal static IopException Create(int status, string statusName, string message, string code,
            string type, string subCode, string requestId, int httpStatus, TimeSpan? retryAfter = null)
        {
            IopStatus s = (IopStatus)status;
            switch (s)
            {
                case IopStatus.InvalidArgument:
                    return new IopInvalidArgumentException(statusName, message, code, type, subCode, requestId, httpStatus, retryAfter);
                case IopStatus.Connect:
                    return new IopConnectException(statusName, message, code, type, subCode, requestId, httpStatus, retryAfter);
                case IopStatus.Network:
                    return new IopNetworkException(statusName, message, code, type, subCode, requestId, httpStatus, retryAfter);
                case IopStatus.Timeout:
                    return new IopTimeoutException(statusName, message, code, type, subCode, requestId, httpStatus, retryAfter);
                case IopStatus.Tls:
                    return new IopTlsException(statusName, message, code, type, subCode, requestId, httpStatus, retryAfter);
                case IopStatus.Http:
                    return new IopHttpException(statusName, message, code, type, subCode, requestId, httpStatus, retryAfter);
                case IopStatus.MalformedResponse:
                    return new IopMalformedResponseException(statusName, message, code, type, subCode, requestId, httpStatus, retryAfter);
                case IopStatus.Platform:
                    return new IopPlatformException(statusName, message, code, type, subCode, requestId, httpStatus, retryAfter);
                case IopStatus.TokenExpired:
                    return new IopTokenExpiredException(statusName, message, code, type, subCode, requestId, httpStatus, retryAfter);
                case IopStatus.ReauthorizationRequired:
                    return new IopReauthorizationRequiredException(statusName, message, code, type, subCode, requestId, httpStatus, retryAfter);
                case IopStatus.Internal:
                    return new IopInternalException(statusName, message, code, type, subCode, requestId, httpStatus, retryAfter);
                default:
                    return new IopException(s, statusName, message, code, type, subCode, requestId, httpStatus, retryAfter);
            }
        }

        /// <summary>
        /// As <see cref="FromLastError(int)"/>, for a call during which a token store callback
        /// threw <paramref name="callbackFailure"/> (null: none did). libiop reports a failed
        /// callback as <c>IOP_ERR_INTERNAL</c>; that exception gets the callback's exception as
        /// its <see cref="Exception.InnerException"/>.
        /// </summary>
        internal static IopException FromLastError(int status, Exception callbackFailure)
        {
            IopException e = FromLastError(status);
            if (callbackFailure == null || e.Status != IopStatus.Internal)
            {
                return e;
            }
            return new IopInternalException(e.StatusName, e.Message, e.ErrorCode, e.ErrorType, e.SubCode, e.RequestId, e.HttpStatus,
                e.RetryAfter, callbackFailure);
        }

        /// <summary>Throws the mapped exception when <paramref name="status"/> is not OK.</summary>
        internal static void Check(int status)
        {
            if (status != 0)
            {
                throw FromLastError(status);
            }
        }
    }

    /// <summary>
    /// <c>IOP_ERR_INVALID_ARGUMENT</c>: the native library rejected an argument (empty or malformed
    /// URL, API name or key, the reserved <c>sign</c> parameter, a timeout ≤ 0, …); the message
    /// names it. It derives from <see cref="IopException"/>, not <see cref="ArgumentException"/>
    /// (C# has single inheritance), so one <c>catch (IopException)</c> sees every library failure.
    /// A null passed where a value is required is caught before the native call and throws
    /// <see cref="ArgumentNullException"/> instead.
    /// </summary>
    public class IopInvalidArgumentException : IopException
    {
        internal IopInvalidArgumentException(string name, string message, string code, string type, string subCode, string requestId, int http, TimeSpan? retryAfter)
            : base(IopStatus.InvalidArgument, name, message, code, type, subCode, requestId, http, retryAfter) { }
    }

    /// <summary><c>IOP_ERR_CONNECT</c>: the connection could not be made; the request never reached the server (safe to retry).</summary>
    public class IopConnectException : IopException
    {
        internal IopConnectException(string name, string message, string code, string type, string subCode, string requestId, int http, TimeSpan? retryAfter)
            : base(IopStatus.Connect, name, message, code, type, subCode, requestId, http, retryAfter) { }
    }

    /// <summary><c>IOP_ERR_NETWORK</c>: the connection failed after it was made; the request may have reached the server.</summary>
    public class IopNetworkException : IopException
    {
        internal IopNetworkException(string name, string message, string code, string type, string subCode, string requestId, int http, TimeSpan? retryAfter)
            : base(IopStatus.Network, name, message, code, type, subCode, requestId, http, retryAfter) { }
    }

    /// <summary><c>IOP_ERR_TIMEOUT</c>: the connect timeout (<see cref="IopClient.SetTimeout"/>) or the read timeout (<see cref="IopClient.SetReadWriteTimeout"/>) expired.</summary>
    public class IopTimeoutException : IopException
    {
        internal IopTimeoutException(string name, string message, string code, string type, string subCode, string requestId, int http, TimeSpan? retryAfter)
            : base(IopStatus.Timeout, name, message, code, type, subCode, requestId, http, retryAfter) { }
    }

    /// <summary><c>IOP_ERR_TLS</c>: the TLS handshake or certificate verification failed.</summary>
    public class IopTlsException : IopException
    {
        internal IopTlsException(string name, string message, string code, string type, string subCode, string requestId, int http, TimeSpan? retryAfter)
            : base(IopStatus.Tls, name, message, code, type, subCode, requestId, http, retryAfter) { }
    }

    /// <summary><c>IOP_ERR_HTTP</c>: an HTTP error status whose body is not a platform envelope (e.g. an HTML 502 page); see <see cref="IopException.HttpStatus"/>.</summary>
    public class IopHttpException : IopException
    {
        internal IopHttpException(string name, string message, string code, string type, string subCode, string requestId, int http, TimeSpan? retryAfter)
            : base(IopStatus.Http, name, message, code, type, subCode, requestId, http, retryAfter) { }
    }

    /// <summary><c>IOP_ERR_MALFORMED_RESPONSE</c>: the body was not JSON, was truncated, or exceeded the size limit.</summary>
    public class IopMalformedResponseException : IopException
    {
        internal IopMalformedResponseException(string name, string message, string code, string type, string subCode, string requestId, int http, TimeSpan? retryAfter)
            : base(IopStatus.MalformedResponse, name, message, code, type, subCode, requestId, http, retryAfter) { }
    }

    /// <summary>
    /// <c>IOP_ERR_PLATFORM</c>: the platform answered with an error envelope. Thrown by the token
    /// helpers (<see cref="IopClient.CreateToken"/>, <see cref="IopClient.RefreshToken"/>,
    /// <see cref="Token.Parse"/>, <see cref="EnosClient.GetToken"/>, <see cref="EnosClient.RefreshToken"/>)
    /// only; <c>Execute</c> and <see cref="EnosClient.Call(string, string, string)"/> return such
    /// answers as an <see cref="IopResponse"/> whose <c>IsError()</c> is true. EnOS token-service
    /// errors carry the numeric status as <see cref="IopException.ErrorCode"/> (<c>"1002"</c>
    /// unknown appKey, <c>"1003"</c> invalid encryption, <c>"1204"</c> refresh failed, …) and
    /// HTTP status 200.
    /// </summary>
    public class IopPlatformException : IopException
    {
        internal IopPlatformException(string name, string message, string code, string type, string subCode, string requestId, int http, TimeSpan? retryAfter)
            : base(IopStatus.Platform, name, message, code, type, subCode, requestId, http, retryAfter) { }

        /// <summary>For subclasses that refine a platform error with their own status.</summary>
        internal IopPlatformException(IopStatus status, string name, string message, string code, string type, string subCode, string requestId, int http, TimeSpan? retryAfter)
            : base(status, name, message, code, type, subCode, requestId, http, retryAfter) { }
    }

    /// <summary>
    /// <c>IOP_ERR_TOKEN_EXPIRED</c>: the EnOS access token presented has expired (status 1203;
    /// <see cref="IopException.ErrorCode"/> is <c>"1203"</c>). Get a new one with
    /// <see cref="EnosClient.GetToken"/>. It derives from <see cref="IopPlatformException"/>, so
    /// existing <c>catch (IopPlatformException)</c> blocks still catch it; its
    /// <see cref="IopException.Status"/> is <see cref="IopStatus.TokenExpired"/>.
    /// </summary>
    public class IopTokenExpiredException : IopPlatformException
    {
        internal IopTokenExpiredException(string name, string message, string code, string type, string subCode, string requestId, int http, TimeSpan? retryAfter)
            : base(IopStatus.TokenExpired, name, message, code, type, subCode, requestId, http, retryAfter) { }
    }

    /// <summary><c>IOP_ERR_REAUTHORIZATION_REQUIRED</c>: the seller must authorize the app again (the
    /// refresh token is dead or expired, the grant cannot be refreshed, or nothing is stored); no
    /// retry or refresh can help. Thrown by <see cref="TokenManager.AccessToken"/>.</summary>
    public class IopReauthorizationRequiredException : IopException
    {
        internal IopReauthorizationRequiredException(string name, string message, string code, string type, string subCode, string requestId, int http, TimeSpan? retryAfter)
            : base(IopStatus.ReauthorizationRequired, name, message, code, type, subCode, requestId, http, retryAfter) { }
    }

    /// <summary><c>IOP_ERR_INTERNAL</c>: a bug in libiop (for example a caught panic), or a token
    /// store callback that failed: then the message names the callback, and when it threw, its
    /// exception is the <see cref="Exception.InnerException"/>.</summary>
    public class IopInternalException : IopException
    {
        internal IopInternalException(string name, string message, string code, string type, string subCode, string requestId, int http, TimeSpan? retryAfter)
            : base(IopStatus.Internal, name, message, code, type, subCode, requestId, http, retryAfter) { }

        internal IopInternalException(string name, string message, string code, string type, string subCode, string requestId, int http, TimeSpan? retryAfter,
            Exception innerException)
            : base(IopStatus.Internal, name, message, code, type, subCode, requestId, http, retryAfter, innerException) { }
    }
}
