namespace Iopkit
{
    /// <summary>
    /// The platforms' gateways, named in the official .NET SDKs' style (<c>API_GATEWAY_URL_TW</c>).
    /// Pass one to the <see cref="IopClient"/> constructor.
    /// </summary>
    public static class UrlConstants
    {
        /// <summary>Lazada authorization gateway: every <c>/auth/token/*</c> call, every country.</summary>
        public const string API_AUTHORIZATION_URL = "https://auth.lazada.com/rest";

        /// <summary>Lazada API gateway, Singapore.</summary>
        public const string API_GATEWAY_URL_SG = "https://api.lazada.sg/rest";

        /// <summary>Lazada API gateway, Malaysia.</summary>
        public const string API_GATEWAY_URL_MY = "https://api.lazada.com.my/rest";

        /// <summary>Lazada API gateway, Vietnam.</summary>
        public const string API_GATEWAY_URL_VN = "https://api.lazada.vn/rest";

        /// <summary>Lazada API gateway, Thailand.</summary>
        public const string API_GATEWAY_URL_TH = "https://api.lazada.co.th/rest";

        /// <summary>Lazada API gateway, Philippines.</summary>
        public const string API_GATEWAY_URL_PH = "https://api.lazada.com.ph/rest";

        /// <summary>Lazada API gateway, Indonesia.</summary>
        public const string API_GATEWAY_URL_ID = "https://api.lazada.co.id/rest";

        /// <summary>Taobao TW API gateway (token calls work here too, as in the documented samples).</summary>
        public const string API_GATEWAY_URL_TW = "https://api.taobao.tw/rest";

        /// <summary>Taobao TW authorization gateway.</summary>
        public const string API_AUTHORIZATION_URL_TW = "https://auth.taobao.tw/rest";

        /// <summary>AliExpress system APIs (GOP, including <c>/auth/token/*</c>).</summary>
        public const string API_GATEWAY_URL_ALIEXPRESS = "https://api-sg.aliexpress.com/rest";

        /// <summary>AliExpress business APIs (TOP, dotted method names). Any AliExpress base works
        /// for TOP calls: libiop sends them to <c>&lt;host&gt;/sync</c>.</summary>
        public const string API_GATEWAY_URL_ALIEXPRESS_SYNC = "https://api-sg.aliexpress.com/sync";

        /// <summary>Alibaba.com open API gateway.</summary>
        public const string API_GATEWAY_URL_ALIBABA = "https://openapi-api.alibaba.com/rest";

        /// <summary>Lazada OAuth authorization page (add <c>?response_type=code&amp;force_auth=true&amp;redirect_uri=…&amp;client_id=APP_KEY</c>).</summary>
        public const string OAUTH_AUTHORIZE_URL_LAZADA = "https://auth.lazada.com/oauth/authorize";

        /// <summary>AliExpress OAuth authorization page (same query parameters as Lazada's).</summary>
        public const string OAUTH_AUTHORIZE_URL_ALIEXPRESS = "https://api-sg.aliexpress.com/oauth/authorize";
    }
}
