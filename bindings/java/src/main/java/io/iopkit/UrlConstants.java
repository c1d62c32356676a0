package io.iopkit;

/**
 * The platforms' gateways, under the official SDKs' names where they have one.
 *
 * <p>A client takes a base ending in {@code /rest} or a bare host ({@link #API_GATEWAY_URL_AE_HOST}
 * with {@link Protocol#GOP}); GOP calls go to {@code <base>/rest<path>}, TOP calls to
 * {@code <host>/sync}.
 */
public final class UrlConstants {
    private UrlConstants() {}

    /** Lazada authorization gateway: every {@code /auth/token/*} call, every country. */
    public static final String API_AUTHORIZATION_URL = "https://auth.lazada.com/rest";
    /** Lazada API gateway, Singapore. */
    public static final String API_GATEWAY_URL_SG = "https://api.lazada.sg/rest";
    /** Lazada API gateway, Malaysia. */
    public static final String API_GATEWAY_URL_MY = "https://api.lazada.com.my/rest";
    /** Lazada API gateway, Vietnam. */
    public static final String API_GATEWAY_URL_VN = "https://api.lazada.vn/rest";
    /** Lazada API gateway, Thailand. */
    public static final String API_GATEWAY_URL_TH = "https://api.lazada.co.th/rest";
    /** Lazada API gateway, Philippines. */
    public static final String API_GATEWAY_URL_PH = "https://api.lazada.com.ph/rest";
    /** Lazada API gateway, Indonesia. */
    public static final String API_GATEWAY_URL_ID = "https://api.lazada.co.id/rest";

    /** Taobao TW API gateway. */
    public static final String API_GATEWAY_URL_TW = "https://api.taobao.tw/rest";
    /** Taobao TW authorization gateway. */
    public static final String API_AUTHORIZATION_URL_TW = "https://auth.taobao.tw/rest";

    /** AliExpress system APIs (GOP, including {@code /auth/token/*}). */
    public static final String API_GATEWAY_URL_AE = "https://api-sg.aliexpress.com/rest";
    /** AliExpress business APIs (TOP, dotted method names). */
    public static final String API_GATEWAY_URL_AE_SYNC = "https://api-sg.aliexpress.com/sync";
    /** AliExpress gateway host, as the AliExpress SDK samples pass it (GOP appends {@code /rest}, TOP uses {@code /sync}). */
    public static final String API_GATEWAY_URL_AE_HOST = "https://api-sg.aliexpress.com";

    /** Alibaba.com open API gateway. */
    public static final String API_GATEWAY_URL_ALIBABA = "https://openapi-api.alibaba.com/rest";

    /**
     * Lazada OAuth page; add {@code ?response_type=code&force_auth=true&redirect_uri=…&client_id=APP_KEY}
     * (and optionally {@code &state=…&country=sg}).
     */
    public static final String OAUTH_AUTHORIZE_URL_LAZADA = "https://auth.lazada.com/oauth/authorize";
    /** AliExpress OAuth page; same parameters as {@link #OAUTH_AUTHORIZE_URL_LAZADA}. */
    public static final String OAUTH_AUTHORIZE_URL_AE = "https://api-sg.aliexpress.com/oauth/authorize";
}
