using System;

namespace Iopkit
{
    /// <summary>
    /// What a call returned, as in the official .NET SDKs: the raw <see cref="Body"/> plus the
    /// envelope fields libiop read from it (flat GOP envelopes and TOP's wrapped
    /// <c>error_response</c> alike). Immutable; every field is copied out of the native response,
    /// which is freed before <c>Execute</c> returns, so nothing needs disposing.
    /// </summary>
    public class IopResponse
    {
        private readonly bool success;

        internal IopResponse(ResponseHandle h)
        {
            success = Native.iop_response_is_success(h);
            HttpStatus = Native.iop_response_http_status(h);
            ulong len = Native.iop_response_body_len(h).ToUInt64();
            if (len > int.MaxValue)
            {
                throw new InvalidOperationException("response body larger than 2 GiB");
            }
            Body = Native.FromUtf8(Native.iop_response_body(h), (int)len) ?? string.Empty;
            Type = Native.FromUtf8(Native.iop_response_type(h));
            Code = Native.FromUtf8(Native.iop_response_code(h));
            Message = Native.FromUtf8(Native.iop_response_message(h));
            SubCode = Native.FromUtf8(Native.iop_response_sub_code(h));
            SubMessage = Native.FromUtf8(Native.iop_response_sub_message(h));
            RequestId = Native.FromUtf8(Native.iop_response_request_id(h));
            RetryAfter = IopException.RetryAfterFromMs(Native.iop_response_retry_after_ms(h));
        }

        /// <summary>The body exactly as received (JSON text).</summary>
        public string Body { get; private set; }

        /// <summary>The error <c>type</c> (<c>ISV</c>, <c>ISP</c>, <c>SYSTEM</c>), or null.</summary>
        public string Type { get; private set; }

        /// <summary><c>code</c> as text (<c>"0"</c> on success, numeric codes as digits), or null.</summary>
        public string Code { get; private set; }

        /// <summary><c>message</c> (flat envelope) or <c>msg</c> (wrapped <c>error_response</c>), or null.</summary>
        public string Message { get; private set; }

        /// <summary><c>sub_code</c>, or null.</summary>
        public string SubCode { get; private set; }

        /// <summary><c>sub_msg</c>, or null.</summary>
        public string SubMessage { get; private set; }

        /// <summary>The platform's <c>request_id</c> (EnOS: <c>requestId</c>), or null.</summary>
        public string RequestId { get; private set; }

        /// <summary>For a throttling error (<c>code</c> <c>ApiCallLimit</c> or <c>AppCallLimit</c>):
        /// how long the platform says the ban lasts ("ban will last N seconds"). Null for any
        /// other response or when no duration is given. Nothing is retried automatically.</summary>
        public TimeSpan? RetryAfter { get; private set; }

        /// <summary>The HTTP status (200, or e.g. 400 for most platform errors).</summary>
        public int HttpStatus { get; private set; }

        /// <summary>True when the platform reported an error: an <c>error_response</c>, or a
        /// <c>code</c> other than absent, <c>""</c> or <c>"0"</c> (libiop's rule).</summary>
        public bool IsError()
        {
            return !success;
        }

        /// <summary>A one-line summary (no body: it may hold tokens).</summary>
        public override string ToString()
        {
            return IsError()
                ? string.Format("IopResponse(HTTP {0}, error {1} {2}: {3}, request {4})", HttpStatus, Type, Code, Message, RequestId)
                : string.Format("IopResponse(HTTP {0}, ok, request {1}, {2} chars)", HttpStatus, RequestId, Body.Length);
        }
    }
}
