using System;

namespace Iopkit
{
    /// <summary>
    /// A failure reported by libiop. Every non-OK <see cref="IopStatus"/> has its own subclass
    /// (generated: <c>IOP_ERR_TIMEOUT</c> → <see cref="IopTimeoutException"/>), so one
    /// <c>catch (IopException)</c> sees every library failure. The platform fields
    /// (<see cref="ErrorCode"/>, <see cref="ErrorType"/>, <see cref="SubCode"/>,
    /// <see cref="SubMessage"/>, <see cref="RequestId"/>) are set for platform errors and null
    /// otherwise; <see cref="HttpStatus"/> is 0 when no response carried the failure;
    /// <see cref="RetryAfter"/> is set for throttling and rate-limit errors. Messages never contain secrets.
    /// </summary>
    public partial class IopException : Exception
    {
        /// <summary>An exception of <paramref name="status"/> (prefer <see cref="FromStatus"/>, which
        /// picks the status's subclass).</summary>
        public IopException(IopStatus status, string message)
            : this(status, message, null)
        {
        }

        /// <summary>For the generated subclasses.</summary>
        protected internal IopException(IopStatus status, string message, Exception inner)
            : base(message, inner)
        {
            Status = status;
        }

        /// <summary>The native status.</summary>
        public IopStatus Status { get; private set; }

        /// <summary>The status's name as libiop spells it, e.g. <c>IOP_ERR_TIMEOUT</c>.</summary>
        public string StatusName
        {
            get { return StatusNameOf((int)Status); }
        }

        /// <summary>The platform's error <c>code</c> (<c>IllegalRefreshToken</c>, EnOS <c>"1203"</c>, …), or null.</summary>
        public string ErrorCode { get; internal set; }

        /// <summary>The platform's error <c>type</c> (<c>ISV</c>, <c>ISP</c>, <c>SYSTEM</c>), or null.</summary>
        public string ErrorType { get; internal set; }

        /// <summary>The platform's <c>sub_code</c>, or null.</summary>
        public string SubCode { get; internal set; }

        /// <summary>The platform's <c>sub_msg</c> (a human-readable detail), or null.</summary>
        public string SubMessage { get; internal set; }

        /// <summary>The platform's <c>request_id</c>, or null.</summary>
        public string RequestId { get; internal set; }

        /// <summary>HTTP status of the response that carried the failure; 0 when there was none.</summary>
        public int HttpStatus { get; internal set; }

        /// <summary>For a throttling error (code <c>ApiCallLimit</c> or <c>AppCallLimit</c>): how long
        /// the platform says the ban lasts; for <see cref="IopRateLimitedException"/> and
        /// <see cref="IopQuotaExceededException"/>: when to try again; null otherwise. Without a
        /// <see cref="RateLimiter"/> the library never waits or retries on its own.</summary>
        public TimeSpan? RetryAfter { get; internal set; }

        /// <summary>The name of a status value (<c>iop_status_name</c>): <c>"IOP_ERR_TIMEOUT"</c>, or
        /// <c>"IOP_UNKNOWN_STATUS"</c> for a value that is not one.</summary>
        public static string StatusNameOf(int value)
        {
            Native.EnsureCompatible();
            return Native.StatusName(value);
        }

        /// <summary>
        /// The exception for the failure just reported on this thread (<c>iop_last_error_*</c>). A
        /// token store callback that threw during the call is its
        /// <see cref="Exception.InnerException"/> (libiop reports it as <c>IOP_ERR_INTERNAL</c>).
        /// </summary>
        internal static IopException FromLastError(int status)
        {
            Exception inner = Native.CallbackFailure;
            Native.CallbackFailure = null;
            IopException e = Create((IopStatus)status, Native.LastErrorMessage() ?? StatusNameOf(status), inner);
            e.ErrorCode = Native.LastErrorCode();
            e.ErrorType = Native.LastErrorType();
            e.SubCode = Native.LastErrorSubCode();
            e.SubMessage = Native.LastErrorSubMessage();
            e.RequestId = Native.LastErrorRequestId();
            e.HttpStatus = Native.LastErrorHttpStatus();
            e.RetryAfter = Native.RetryAfter(Native.LastErrorRetryAfterMs());
            return e;
        }
    }
}
