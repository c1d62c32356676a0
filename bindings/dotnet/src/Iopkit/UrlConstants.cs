namespace Iopkit
{
    /// <summary>
    /// The platforms' gateways under the official .NET SDKs' names (<c>API_GATEWAY_URL_TW</c>); the
    /// values are libiop's (<see cref="IopConstants"/>, generated from include/iop.h).
    /// </summary>
    public static class UrlConstants
    {
        /// <summary>Lazada authorization gateway: every <c>/auth/token/*</c> call, every country.</summary>
        public const string API_AUTHORIZATION_URL = IopConstants.UrlLazadaAuth;

        /// <summary>Lazada API gateway, Singapore.</summary>
        public const string API_GATEWAY_URL_SG = IopConstants.UrlLazadaSg;

        /// <summary>Lazada API gateway, Malaysia.</summary>
        public const string API_GATEWAY_URL_MY = IopConstants.UrlLazadaMy;

        /// <summary>Lazada API gateway, Vietnam.</summary>
        public const string API_GATEWAY_URL_VN = IopConstants.UrlLazadaVn;

        /// <summary>Lazada API gateway, Thailand.</summary>
        public const string API_GATEWAY_URL_TH = IopConstants.UrlLazadaTh;

        /// <summary>Lazada API gateway, Philippines.</summary>
        public const string API_GATEWAY_URL_PH = IopConstants.UrlLazadaPh;

        /// <summary>Lazada API gateway, Indonesia.</summary>
        public const string API_GATEWAY_URL_ID = IopConstants.UrlLazadaId;

        /// <summary>Taobao TW API gateway.</summary>
        public const string API_GATEWAY_URL_TW = IopConstants.UrlTaobaoTw;

        /// <summary>Taobao TW authorization gateway.</summary>
        public const string API_AUTHORIZATION_URL_TW = IopConstants.UrlTaobaoTwAuth;

        /// <summary>AliExpress system APIs (GOP, including <c>/auth/token/*</c>).</summary>
        public const string API_GATEWAY_URL_ALIEXPRESS = IopConstants.UrlAliexpressRest;

        /// <summary>AliExpress business APIs (TOP, dotted method names).</summary>
        public const string API_GATEWAY_URL_ALIEXPRESS_SYNC = IopConstants.UrlAliexpressSync;

        /// <summary>Alibaba.com open API gateway.</summary>
        public const string API_GATEWAY_URL_ALIBABA = IopConstants.UrlAlibabaCom;

        /// <summary>Lazada OAuth authorization page.</summary>
        public const string OAUTH_AUTHORIZE_URL_LAZADA = IopConstants.UrlLazadaOauth;

        /// <summary>AliExpress OAuth authorization page.</summary>
        public const string OAUTH_AUTHORIZE_URL_ALIEXPRESS = IopConstants.UrlAliexpressOauth;
    }
}
