using System;

namespace Iopkit
{
    /// <summary>
    /// Verifies one app's push messages (Lazada's Push Mechanism, webhooks): the
    /// <c>Authorization</c> header against the RAW body bytes (never a re-serialized body), with a
    /// bounded memory of recent bodies to recognise re-deliveries. Thread-safe: create one per app
    /// and share it. Dispose it when done (a finalizer frees it otherwise).
    /// </summary>
    public sealed class PushReceiver : IDisposable
    {
        private readonly PushReceiverHandle handle;

        /// <summary>A receiver for one app.</summary>
        /// <param name="appKey">The app key.</param>
        /// <param name="appSecret">The app secret (copied into libiop, never logged).</param>
        /// <param name="remember">How many recent messages are remembered (0: none); null:
        /// <see cref="IopConstants.DefaultPushRemember"/>.</param>
        /// <exception cref="IopInvalidArgumentException">An empty key or secret, or a negative count.</exception>
        public PushReceiver(string appKey, string appSecret, int? remember = null)
        {
            long n = remember ?? IopConstants.UseDefault;
            handle = Native.PushReceiverNew(appKey, appSecret, remember < 0 ? -2 : n);
        }

        private PushReceiverHandle Handle => handle.IsClosed ? throw new ObjectDisposedException(GetType().FullName) : handle;

        /// <summary>
        /// Checks a request: <paramref name="authorization"/> is its <c>Authorization</c> header
        /// (null when missing), <paramref name="body"/> its raw body. Answer HTTP 200 to a verified
        /// message at once (re-deliveries too), and a non-200 status (e.g. 401) to a refusal.
        /// </summary>
        /// <exception cref="IopPushRejectedException">Refused; its <see cref="IopException.ErrorCode"/>
        /// says why: <c>MissingAuthorization</c>, <c>MalformedAuthorization</c>,
        /// <c>SignatureMismatch</c> or <c>MalformedBody</c>.</exception>
        public PushMessage Verify(string authorization, byte[] body) =>
            new PushMessage(Native.PushReceiverVerify(Handle, authorization, body ?? throw new ArgumentNullException(nameof(body))));

        /// <summary>The <c>Authorization</c> value the platform sends with <paramref name="body"/>
        /// (lower-case hex). For tests and senders.</summary>
        public string Sign(byte[] body) => Native.PushReceiverSign(Handle, body ?? throw new ArgumentNullException(nameof(body)));

        /// <summary>Frees the native receiver. Safe to call more than once.</summary>
        public void Dispose() => handle.Dispose();
    }

    /// <summary>
    /// A verified push message (from <see cref="PushReceiver.Verify"/>), immutable. Hand a token
    /// expiry alert to <see cref="TokenStore.ApplyPush"/>. Dispose it when done (a finalizer frees
    /// it otherwise); <see cref="DataJson"/> and <see cref="Body"/> are read on first use.
    /// </summary>
    public sealed class PushMessage : IDisposable
    {
        private readonly PushMessageHandle handle;
        private string dataJson, body;

        internal PushMessage(PushMessageHandle h)
        {
            handle = h;
            MessageType = Native.PushMessageType(h);
            SellerId = Native.PushMessageSellerId(h);
            Site = Native.PushMessageSite(h);
            Timestamp = Instant(Native.PushMessageTimestampMs(h));
            IsDuplicate = Native.PushMessageIsDuplicate(h);
            AuthExpiresAt = Instant(Native.PushMessageAuthExpiresAtMs(h));
        }

        private static DateTimeOffset? Instant(long ms) => ms < 0 ? (DateTimeOffset?)null : Native.Instant(ms);

        internal PushMessageHandle Handle => handle.IsClosed ? throw new ObjectDisposedException(GetType().FullName) : handle;

        /// <summary>The type; a number the enum does not name is kept (<c>Enum.IsDefined</c> is false).</summary>
        public IopPushType Type => (IopPushType)MessageType;

        /// <summary>The <c>message_type</c> number.</summary>
        public int MessageType { get; }

        /// <summary>The seller the message is about (for a token expiry alert <c>data.seller_id</c>);
        /// null for broadcasts such as <see cref="IopPushType.CategoryTree"/>.</summary>
        public string SellerId { get; }

        /// <summary><c>site</c>, e.g. <c>lazada_sg</c>, or null.</summary>
        public string Site { get; }

        /// <summary><c>timestamp</c> (the platform sends seconds or milliseconds), or null when absent.</summary>
        public DateTimeOffset? Timestamp { get; }

        /// <summary>A re-delivery of a message this receiver already verified: acknowledge it
        /// (HTTP 200) without processing it again.</summary>
        public bool IsDuplicate { get; }

        /// <summary>For a token expiry alert: when the seller's authorization ends; null otherwise.</summary>
        public DateTimeOffset? AuthExpiresAt { get; }

        /// <summary>The <c>data</c> object as JSON text (<c>{}</c> when there is none).</summary>
        public string DataJson => dataJson ?? (dataJson = Native.PushMessageDataJson(Handle));

        /// <summary><see cref="DataJson"/> read into a <c>[DataContract]</c> type with the framework's
        /// <c>DataContractJsonSerializer</c>.</summary>
        public T Data<T>() => Json.Parse<T>(DataJson);

        /// <summary>The raw body as received.</summary>
        public string Body => body ?? (body = Native.PushMessageBody(Handle));

        /// <inheritdoc />
        public override string ToString() => $"PushMessage(Type={Type}, SellerId={SellerId}, Site={Site}, IsDuplicate={IsDuplicate})";

        /// <summary>Frees the native message. Safe to call more than once.</summary>
        public void Dispose() => handle.Dispose();
    }
}
