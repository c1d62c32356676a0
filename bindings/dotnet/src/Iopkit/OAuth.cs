using System;

namespace Iopkit
{
    /// <summary>Whose authorization page <see cref="OAuth.AuthorizeUrl"/> opens (the native <c>IopPlatform</c>).</summary>
    public enum IopPlatform
    {
        /// <summary>Lazada: <c>https://auth.lazada.com/oauth/authorize</c>, optional <c>country</c>.</summary>
        Lazada = 0,
        /// <summary>AliExpress: <c>https://api-sg.aliexpress.com/oauth/authorize</c>, no <c>country</c>.</summary>
        AliExpress = 1,
    }

    /// <summary>
    /// The sellers' authorization page: its URL, a random <c>state</c> that ties the redirect back
    /// to the request that started it, and the constant-time check of that <c>state</c>. The code
    /// the page redirects with goes to <see cref="IopClient.CreateToken"/>. All of it is libiop's
    /// (<c>iop_authorize_url</c>, <c>iop_state_new</c>, <c>iop_state_verify</c>).
    /// </summary>
    public static class OAuth
    {
        /// <summary>
        /// The URL of the authorization page for app <paramref name="clientId"/> (the app key),
        /// redirecting to <paramref name="redirectUri"/>:
        /// <c>&lt;page&gt;?response_type=code&amp;force_auth=true&amp;redirect_uri=…&amp;client_id=…[&amp;state=…][&amp;country=…]</c>,
        /// values percent-encoded. <paramref name="country"/> (Lazada only, e.g. <c>"sg"</c>) and
        /// <paramref name="state"/> (from <see cref="NewState"/>; keep it for
        /// <see cref="VerifyState"/>) may be null. <paramref name="baseUrl"/> null uses the
        /// platform's page; otherwise it replaces it (<c>https://</c>, or <c>http://</c> on
        /// loopback only, e.g. a sandbox's <c>…/oauth/authorize</c>).
        /// </summary>
        /// <exception cref="ArgumentNullException"><paramref name="clientId"/> or <paramref name="redirectUri"/> is null.</exception>
        /// <exception cref="IopInvalidArgumentException">libiop rejected a value (empty app key, relative
        /// redirect URI, a country for AliExpress, a malformed base URL, an unknown platform, …).</exception>
        public static string AuthorizeUrl(IopPlatform platform, string clientId, string redirectUri,
            string country = null, string state = null, string baseUrl = null)
        {
            if (clientId == null)
            {
                throw new ArgumentNullException("clientId");
            }
            if (redirectUri == null)
            {
                throw new ArgumentNullException("redirectUri");
            }
            Native.EnsureCompatible();
            IntPtr url = IntPtr.Zero;
            try
            {
                IopException.Check(Native.iop_authorize_url((int)platform, Native.Utf8(baseUrl), Native.Utf8(clientId),
                    Native.Utf8(redirectUri), Native.Utf8(country), Native.Utf8(state), out url));
                return Native.TakeOwned(ref url);
            }
            finally
            {
                if (url != IntPtr.Zero)
                {
                    Native.iop_string_free(url);
                }
            }
        }

        /// <summary>A fresh random <c>state</c>: 192 bits from the operating system, 32 URL-safe
        /// characters. Keep it (server side) to check the redirect with <see cref="VerifyState"/>.</summary>
        public static string NewState()
        {
            Native.EnsureCompatible();
            IntPtr state = IntPtr.Zero;
            try
            {
                IopException.Check(Native.iop_state_new(out state));
                return Native.TakeOwned(ref state);
            }
            finally
            {
                if (state != IntPtr.Zero)
                {
                    Native.iop_string_free(state);
                }
            }
        }

        /// <summary>Whether the <c>state</c> <paramref name="received"/> with the redirect equals the
        /// one sent (<paramref name="expected"/>), compared in constant time. False when either is
        /// null or <paramref name="expected"/> is empty; never throws for bad input.</summary>
        public static bool VerifyState(string expected, string received)
        {
            Native.EnsureCompatible();
            return Native.iop_state_verify(Native.Utf8(expected), Native.Utf8(received));
        }
    }
}
