using System;

namespace Iopkit
{
    /// <summary>
    /// One call of <see cref="IopClient.ExecuteBatch(System.Collections.Generic.IEnumerable{BatchCall}, string, int)"/>:
    /// a request, its own access token (null: the batch's) and protocol. An <see cref="IopRequest"/>
    /// converts to a call implicitly, so a list may mix both.
    /// </summary>
    public sealed class BatchCall
    {
        /// <summary>A call of <paramref name="request"/> with <paramref name="accessToken"/> (null: the
        /// batch's token) and <paramref name="protocol"/>.</summary>
        public BatchCall(IopRequest request, string accessToken = null, GopProtocolEnum protocol = GopProtocolEnum.AUTO)
        {
            Request = request;
            AccessToken = accessToken;
            Protocol = protocol;
        }

        /// <summary>The request (copied into the batch when the batch is executed).</summary>
        public IopRequest Request { get; private set; }

        /// <summary>This call's access token, or null for the batch's.</summary>
        public string AccessToken { get; private set; }

        /// <summary>The protocol (<see cref="GopProtocolEnum.AUTO"/> by default).</summary>
        public GopProtocolEnum Protocol { get; private set; }

        /// <summary>A call of <paramref name="request"/> with the batch's token.</summary>
        public static implicit operator BatchCall(IopRequest request) => new BatchCall(request);
    }

    /// <summary>
    /// The outcome of one call of a batch: its <see cref="Response"/> (platform errors included,
    /// with <c>IsError()</c> true, as from <c>Execute</c>), or the <see cref="Exception"/>
    /// <c>Execute</c> would have thrown for it (a transport failure, an invalid request). Nothing is
    /// thrown, so one failed call never hides the others' results.
    /// </summary>
    public sealed class BatchResult
    {
        internal BatchResult(IopResponse response, IopException exception)
        {
            Response = response;
            Exception = exception;
        }

        /// <summary>The response, or null when the call failed.</summary>
        public IopResponse Response { get; private set; }

        /// <summary>Why the call failed, or null when there is a <see cref="Response"/>.</summary>
        public IopException Exception { get; private set; }

        /// <summary>True when the call returned a response (which may still be a platform error).</summary>
        public bool HasResponse => Exception == null;

        /// <summary>The response, or throws the call's <see cref="Exception"/>, as <c>Execute</c> would.</summary>
        public IopResponse GetResponse()
        {
            if (Exception != null)
            {
                throw Exception;
            }
            return Response;
        }
    }
}
