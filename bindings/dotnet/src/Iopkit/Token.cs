using System;
using System.Collections.Generic;
using System.Collections.ObjectModel;

namespace Iopkit
{
    /// <summary>
    /// A token normalized by libiop from a Lazada, AliExpress or Taobao TW token response:
    /// absolute expiries, ids whatever their spelling (<c>user_Id</c>, numbers or strings), and
    /// the raw body. Immutable and shareable; every field is copied out of the native token,
    /// which is freed at once. It holds secrets: <see cref="ToString"/> redacts both tokens,
    /// <see cref="ToJson"/> and <see cref="Raw"/> do not.
    /// </summary>
    public sealed class Token
    {
        private readonly string json;

        internal Token(TokenHandle h)
        {
            AccessToken = Native.TokenAccessToken(h) ?? string.Empty;
            RefreshToken = Native.TokenRefreshToken(h) ?? string.Empty;
            ExpiresAt = Native.Instant(Native.TokenExpiresAtMs(h));
            long refreshMs = Native.TokenRefreshExpiresAtMs(h);
            RefreshExpiresAt = refreshMs == 0 ? (DateTimeOffset?)null : Native.Instant(refreshMs);
            CanRefresh = Native.TokenCanRefresh(h);
            Account = Native.TokenAccount(h);
            AccountPlatform = Native.TokenAccountPlatform(h);
            AccountId = Native.TokenAccountId(h);
            SellerId = Native.TokenSellerId(h);
            UserId = Native.TokenUserId(h);
            ShortCode = Native.TokenShortCode(h);
            Country = Native.TokenCountry(h);
            HavanaId = Native.TokenHavanaId(h);
            UserNick = Native.TokenUserNick(h);
            Locale = Native.TokenLocale(h);
            Sp = Native.TokenSp(h);
            Raw = Native.TokenRawJson(h);
            List<CountryUserInfo> list = new List<CountryUserInfo>();
            for (ulong i = 0, n = Native.TokenCountryCount(h); i < n; i++)
            {
                list.Add(new CountryUserInfo(Native.TokenCountryCode(h, i), Native.TokenCountryUserId(h, i),
                    Native.TokenCountrySellerId(h, i), Native.TokenCountryShortCode(h, i)));
            }
            CountryUserInfo = new ReadOnlyCollection<CountryUserInfo>(list);
            json = Native.TokenToJson(h);
        }

        /// <summary>Copies a native token out and frees it.</summary>
        internal static Token Take(TokenHandle h)
        {
            using (h)
            {
                return new Token(h);
            }
        }

        /// <summary>
        /// Parses a token response body (<c>/auth/token/create</c> or <c>/auth/token/refresh</c>,
        /// e.g. <see cref="IopResponse.Body"/>) received at <paramref name="receivedAt"/>; relative
        /// lifetimes are counted from it.
        /// </summary>
        /// <exception cref="IopPlatformException">The body is an error envelope.</exception>
        /// <exception cref="IopMalformedResponseException">The body is not a token response.</exception>
        public static Token Parse(string responseJson, DateTimeOffset receivedAt)
        {
            return Take(Native.TokenParse(responseJson, Native.Millis(receivedAt)));
        }

        /// <summary>Rebuilds a token from the JSON <see cref="ToJson"/> wrote (e.g. one your
        /// application stored). Its <see cref="Raw"/> is <paramref name="json"/>.</summary>
        /// <exception cref="IopInvalidArgumentException">Not such a JSON text (the message never quotes it).</exception>
        public static Token FromJson(string json)
        {
            return Take(Native.TokenFromJson(json));
        }

        /// <summary>The access token (empty only if the platform sent null).</summary>
        public string AccessToken { get; private set; }

        /// <summary>The refresh token; empty when none was given. A refresh returns a new one:
        /// store it, the old one is dead.</summary>
        public string RefreshToken { get; private set; }

        /// <summary>When the access token expires.</summary>
        public DateTimeOffset ExpiresAt { get; private set; }

        /// <summary>When the refresh token expires; null when unknown or when it cannot be refreshed.</summary>
        public DateTimeOffset? RefreshExpiresAt { get; private set; }

        /// <summary>Whether the refresh token may be used (false for apps authorized through the
        /// service market, whose <c>refresh_expires_in</c> is 0).</summary>
        public bool CanRefresh { get; private set; }

        /// <summary><c>account</c>, the authorizing login, or null.</summary>
        public string Account { get; private set; }

        /// <summary><c>account_platform</c> (<c>seller_center</c>, <c>buyerApp</c>, …), or null.</summary>
        public string AccountPlatform { get; private set; }

        /// <summary><c>account_id</c>, or null (always null for <c>seller_center</c> on Lazada).</summary>
        public string AccountId { get; private set; }

        /// <summary><c>seller_id</c> (or TW's <c>seller_Id</c>) as text, or null.</summary>
        public string SellerId { get; private set; }

        /// <summary><c>user_id</c> (or TW's <c>user_Id</c>) as text, or null.</summary>
        public string UserId { get; private set; }

        /// <summary><c>short_code</c> (Lazada, TW), or null.</summary>
        public string ShortCode { get; private set; }

        /// <summary><c>country</c> (Lazada), or null.</summary>
        public string Country { get; private set; }

        /// <summary>Lazada's per-country list (<c>country_user_info[_list]</c>); empty when absent.</summary>
        public IReadOnlyList<CountryUserInfo> CountryUserInfo { get; private set; }

        /// <summary><c>havana_id</c> (AliExpress), or null.</summary>
        public string HavanaId { get; private set; }

        /// <summary><c>user_nick</c> (AliExpress), or null.</summary>
        public string UserNick { get; private set; }

        /// <summary><c>locale</c> (AliExpress), or null.</summary>
        public string Locale { get; private set; }

        /// <summary><c>sp</c>, the authorizing platform (AliExpress), or null.</summary>
        public string Sp { get; private set; }

        /// <summary>The response body the token was read from, exactly as received (contains the tokens).</summary>
        public string Raw { get; private set; }

        /// <summary>The normalized token as JSON (<c>iop_token_to_json</c>): <c>access_token</c>,
        /// <c>refresh_token</c>, <c>expires_at</c> and <c>refresh_expires_at</c> (epoch ms or null),
        /// <c>can_refresh</c>, account fields, <c>country_user_info</c>. Contains the tokens.</summary>
        public string ToJson()
        {
            return json;
        }

        /// <summary>A native token equal to this one (owned by the caller).</summary>
        internal TokenHandle ToNative()
        {
            return Native.TokenFromJson(json);
        }

        /// <summary>A summary with both tokens redacted.</summary>
        public override string ToString()
        {
            return string.Format(
                "Token(AccessToken=<redacted>, RefreshToken=<redacted>, ExpiresAt={0:o}, RefreshExpiresAt={1}, CanRefresh={2}, "
                + "Account={3}, AccountPlatform={4}, SellerId={5}, UserId={6}, Country={7})",
                ExpiresAt, RefreshExpiresAt.HasValue ? RefreshExpiresAt.Value.ToString("o") : "null",
                CanRefresh, Account, AccountPlatform, SellerId, UserId, Country);
        }
    }

    /// <summary>One entry of Lazada's per-country list.</summary>
    public sealed class CountryUserInfo
    {
        internal CountryUserInfo(string country, string userId, string sellerId, string shortCode)
        {
            Country = country;
            UserId = userId;
            SellerId = sellerId;
            ShortCode = shortCode;
        }

        /// <summary><c>country</c> (<c>sg</c>, <c>my</c>, …, <c>cb</c>), or null.</summary>
        public string Country { get; private set; }

        /// <summary><c>user_id</c>, or null.</summary>
        public string UserId { get; private set; }

        /// <summary><c>seller_id</c>, or null.</summary>
        public string SellerId { get; private set; }

        /// <summary><c>short_code</c>, or null.</summary>
        public string ShortCode { get; private set; }

        /// <inheritdoc />
        public override string ToString()
        {
            return string.Format("CountryUserInfo(Country={0}, UserId={1}, SellerId={2}, ShortCode={3})", Country, UserId, SellerId, ShortCode);
        }
    }
}
