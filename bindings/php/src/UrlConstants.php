<?php

declare(strict_types=1);

namespace Iopkit;

/**
 * Gateway URLs, as public static properties like the official IOP/Lazop PHP SDKs' UrlConstants
 * (so `UrlConstants::$api_gateway_url_tw` works unchanged; they may be reassigned, e.g. to
 * point at a test gateway). Any base may end in `/rest` or be a bare host: the library derives
 * `.../rest<path>` for GOP calls and `<host>/sync` for TOP calls.
 */
class UrlConstants
{
    /** Taobao TW API gateway. */
    public static $api_gateway_url_tw = 'https://api.taobao.tw/rest';

    /** Taobao TW authorization (token) gateway, as in the official IOP PHP SDK. */
    public static $api_authorization_url = 'https://auth.taobao.tw/rest';

    /** Same as $api_authorization_url, with the platform in the name. */
    public static $api_authorization_url_tw = 'https://auth.taobao.tw/rest';

    /** Lazada API gateways, one per country. */
    public static $api_gateway_url_sg = 'https://api.lazada.sg/rest';
    public static $api_gateway_url_my = 'https://api.lazada.com.my/rest';
    public static $api_gateway_url_vn = 'https://api.lazada.vn/rest';
    public static $api_gateway_url_th = 'https://api.lazada.co.th/rest';
    public static $api_gateway_url_ph = 'https://api.lazada.com.ph/rest';
    public static $api_gateway_url_id = 'https://api.lazada.co.id/rest';

    /** Lazada authorization gateway: every `/auth/token/*` call, for every country. */
    public static $api_authorization_url_lazada = 'https://auth.lazada.com/rest';

    /** AliExpress system APIs (GOP, `/auth/token/*` included). */
    public static $api_gateway_url_aliexpress = 'https://api-sg.aliexpress.com/rest';

    /** AliExpress business APIs (TOP, dotted method names); any AliExpress base above works too. */
    public static $api_gateway_url_aliexpress_sync = 'https://api-sg.aliexpress.com/sync';

    /** Alibaba.com open API. */
    public static $api_gateway_url_alibaba = 'https://openapi-api.alibaba.com/rest';

    /** Lazada seller OAuth page (add ?response_type=code&force_auth=true&redirect_uri=…&client_id=…). */
    public static $oauth_authorize_url_lazada = 'https://auth.lazada.com/oauth/authorize';

    /** AliExpress OAuth page (same query parameters). */
    public static $oauth_authorize_url_aliexpress = 'https://api-sg.aliexpress.com/oauth/authorize';
}
