package io.iopkit;

import io.iopkit.internal.Native;

/**
 * The platforms' gateways under the official SDKs' names; the values are the C header's
 * {@code IOP_URL_*}. A client takes a base ending in {@code /rest} or a bare host.
 */
public final class UrlConstants {
    private UrlConstants() {}

    /** Lazada authorization gateway: every {@code /auth/token/*} call, every country. */
    public static final String API_AUTHORIZATION_URL = Native.IOP_URL_LAZADA_AUTH;
    /** Lazada API gateway, Singapore. */
    public static final String API_GATEWAY_URL_SG = Native.IOP_URL_LAZADA_SG;
    /** Lazada API gateway, Malaysia. */
    public static final String API_GATEWAY_URL_MY = Native.IOP_URL_LAZADA_MY;
    /** Lazada API gateway, Vietnam. */
    public static final String API_GATEWAY_URL_VN = Native.IOP_URL_LAZADA_VN;
    /** Lazada API gateway, Thailand. */
    public static final String API_GATEWAY_URL_TH = Native.IOP_URL_LAZADA_TH;
    /** Lazada API gateway, Philippines. */
    public static final String API_GATEWAY_URL_PH = Native.IOP_URL_LAZADA_PH;
    /** Lazada API gateway, Indonesia. */
    public static final String API_GATEWAY_URL_ID = Native.IOP_URL_LAZADA_ID;
    /** Taobao TW API gateway. */
    public static final String API_GATEWAY_URL_TW = Native.IOP_URL_TAOBAO_TW;
    /** Taobao TW authorization gateway. */
    public static final String API_AUTHORIZATION_URL_TW = Native.IOP_URL_TAOBAO_TW_AUTH;
    /** AliExpress system APIs (GOP, including {@code /auth/token/*}). */
    public static final String API_GATEWAY_URL_AE = Native.IOP_URL_ALIEXPRESS_REST;
    /** AliExpress business APIs (TOP, dotted method names). */
    public static final String API_GATEWAY_URL_AE_SYNC = Native.IOP_URL_ALIEXPRESS_SYNC;
    /** Alibaba.com open API gateway. */
    public static final String API_GATEWAY_URL_ALIBABA = Native.IOP_URL_ALIBABA_COM;
    /** Lazada OAuth page (see {@link Authorization#authorizeUrl}). */
    public static final String OAUTH_AUTHORIZE_URL_LAZADA = Native.IOP_URL_LAZADA_OAUTH;
    /** AliExpress OAuth page. */
    public static final String OAUTH_AUTHORIZE_URL_AE = Native.IOP_URL_ALIEXPRESS_OAUTH;
}
