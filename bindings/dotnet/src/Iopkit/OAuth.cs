namespace Iopkit
{
    /// <summary>
    /// The sellers' authorization page: its URL, a random <c>state</c> that ties the redirect back
    /// to the request that started it, and the constant-time check of that <c>state</c>. The code
    /// the page redirects with goes to <see cref="IopClient.CreateToken"/>. All of it is libiop's.
    /// </summary>
    public static class OAuth
    {
        /// <summary>
        /// The URL of the authorization page for app <paramref name="clientId"/> (the app key),
        /// redirecting to <paramref name="redirectUri"/>, values percent-encoded.
        /// <paramref name="country"/> (Lazada only, e.g. <c>"sg"</c>) and <paramref name="state"/>
        /// (from <see cref="NewState"/>) may be null. <paramref name="baseUrl"/> null uses the
        /// platform's page; otherwise it replaces it (<c>https://</c>, or <c>http://</c> on loopback).
        /// </summary>
        /// <exception cref="IopInvalidArgumentException">libiop rejected a value (a null or empty app
        /// key, a relative redirect URI, a country for AliExpress, a malformed base URL, …).</exception>
        public static string AuthorizeUrl(IopPlatform platform, string clientId, string redirectUri,
            string country = null, string state = null, string baseUrl = null)
        {
            return Native.AuthorizeBuildUrl((int)platform, baseUrl, clientId, redirectUri, country, state);
        }

        /// <summary>A fresh random <c>state</c>: 192 bits from the operating system, 32 URL-safe
        /// characters. Keep it (server side) to check the redirect with <see cref="VerifyState"/>.</summary>
        public static string NewState()
        {
            return Native.AuthorizeNewState();
        }

        /// <summary>Whether the <c>state</c> <paramref name="received"/> with the redirect equals the
        /// one sent, compared in constant time. False when either is null or
        /// <paramref name="expected"/> is empty; never throws for bad input.</summary>
        public static bool VerifyState(string expected, string received)
        {
            Native.EnsureCompatible();
            return Native.AuthorizeVerifyState(expected, received);
        }
    }
}
