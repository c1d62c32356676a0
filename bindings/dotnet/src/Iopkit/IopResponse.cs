using System;

namespace Iopkit
{
    /// <summary>
    /// What a call returned, as in the official .NET SDKs: the raw <see cref="Body"/> plus the
    /// envelope fields libiop read from it (flat GOP envelopes and TOP's wrapped
    /// <c>error_response</c> alike). Immutable and shareable between threads. A field is read from
    /// the native response (and a string decoded, once) only when it is first used; the native
    /// response is freed when the <see cref="IopResponse"/> is garbage-collected, so nothing needs
    /// disposing.
    /// </summary>
    public class IopResponse
    {
        private static readonly string Unread = new string('?', 1);
        private readonly ResponseHandle h;
        private string body = Unread, type = Unread, code = Unread, message = Unread, subCode = Unread, subMessage = Unread, requestId = Unread;

        internal IopResponse(ResponseHandle h) => this.h = h;

        /// <summary>Frees the native response now (a result of a cancelled call nobody will read).</summary>
        internal void Release() => h.Dispose();

        private string Field(ref string field, Func<ResponseHandle, IntPtr> read, bool isBody = false)
        {
            // No lock: racing threads only read the same immutable value twice.
            if (ReferenceEquals(field, Unread))
            {
                IntPtr p = read(h);
                field = isBody ? Native.FromUtf8(p, checked((int)Native.ResponseBodyLen(h))) ?? string.Empty : Native.FromUtf8(p);
                GC.KeepAlive(h); // the text is borrowed from h: h must not be finalized before it is copied
            }
            return field;
        }

        /// <summary>The body exactly as received (JSON text).</summary>
        public string Body => Field(ref body, Native.iop_response_body, true);

        /// <summary>The error <c>type</c> (<c>ISV</c>, <c>ISP</c>, <c>SYSTEM</c>), or null.</summary>
        public string Type => Field(ref type, Native.iop_response_type);

        /// <summary><c>code</c> as text (<c>"0"</c> on success, numeric codes as digits), or null.</summary>
        public string Code => Field(ref code, Native.iop_response_code);

        /// <summary><c>message</c> (flat envelope) or <c>msg</c> (wrapped <c>error_response</c>), or null.</summary>
        public string Message => Field(ref message, Native.iop_response_message);

        /// <summary><c>sub_code</c>, or null.</summary>
        public string SubCode => Field(ref subCode, Native.iop_response_sub_code);

        /// <summary><c>sub_msg</c>, or null.</summary>
        public string SubMessage => Field(ref subMessage, Native.iop_response_sub_message);

        /// <summary>The platform's <c>request_id</c> (EnOS: <c>requestId</c>), or null.</summary>
        public string RequestId => Field(ref requestId, Native.iop_response_request_id);

        /// <summary>For a throttling error (<c>code</c> <c>ApiCallLimit</c> or <c>AppCallLimit</c>):
        /// how long the platform says the ban lasts ("ban will last N seconds"). Null for any
        /// other response or when no duration is given. Nothing is retried automatically.</summary>
        public TimeSpan? RetryAfter => Native.RetryAfter(Native.iop_response_retry_after_ms(h));

        /// <summary>The HTTP status (200, platform errors of API calls included; e.g. 400 for OAuth errors).</summary>
        public int HttpStatus => Native.iop_response_http_status(h);

        /// <summary>True when the platform reported an error: an <c>error_response</c>, or a
        /// <c>code</c> other than absent, <c>""</c> or <c>"0"</c> (libiop's rule).</summary>
        public bool IsError() => !Native.iop_response_is_success(h);

        /// <summary>A one-line summary (no body: it may hold tokens).</summary>
        public override string ToString()
        {
            return IsError()
                ? string.Format("IopResponse(HTTP {0}, error {1} {2}: {3}, request {4})", HttpStatus, Type, Code, Message, RequestId)
                : string.Format("IopResponse(HTTP {0}, ok, request {1}, {2} chars)", HttpStatus, RequestId, Body.Length);
        }
    }
}
