<?php

declare(strict_types=1);

namespace Iopkit;

/**
 * Gateway URLs under the official IOP/Lazop PHP SDKs' names, as public static properties
 * (`UrlConstants::$api_gateway_url_tw` works unchanged, and they may be reassigned, e.g. to a
 * test gateway). The values are the library's (Abi::URL_*). Any base may end in `/rest` or be
 * a bare host: the library derives `.../rest<path>` for GOP calls and `<host>/sync` for TOP.
 */
class UrlConstants
{
    public static $api_gateway_url_tw = Abi::URL_TAOBAO_TW;
    /** Taobao TW authorization (token) gateway, as in the official IOP PHP SDK. */
    public static $api_authorization_url = Abi::URL_TAOBAO_TW_AUTH;
    public static $api_authorization_url_tw = Abi::URL_TAOBAO_TW_AUTH;
    public static $api_gateway_url_sg = Abi::URL_LAZADA_SG;
    public static $api_gateway_url_my = Abi::URL_LAZADA_MY;
    public static $api_gateway_url_vn = Abi::URL_LAZADA_VN;
    public static $api_gateway_url_th = Abi::URL_LAZADA_TH;
    public static $api_gateway_url_ph = Abi::URL_LAZADA_PH;
    public static $api_gateway_url_id = Abi::URL_LAZADA_ID;
    /** Lazada authorization gateway: every `/auth/token/*` call, for every country. */
    public static $api_authorization_url_lazada = Abi::URL_LAZADA_AUTH;
    public static $api_gateway_url_aliexpress = Abi::URL_ALIEXPRESS_REST;
    public static $api_gateway_url_aliexpress_sync = Abi::URL_ALIEXPRESS_SYNC;
    public static $api_gateway_url_alibaba = Abi::URL_ALIBABA_COM;
    public static $oauth_authorize_url_lazada = Abi::URL_LAZADA_OAUTH;
    public static $oauth_authorize_url_aliexpress = Abi::URL_ALIEXPRESS_OAUTH;
}
