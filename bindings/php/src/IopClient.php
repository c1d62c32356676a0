<?php

declare(strict_types=1);

namespace Iopkit;

use FFI;
use FFI\CData;
use Iopkit\Exception\InvalidArgumentException;
use Iopkit\Exception\IopException;

/**
 * A client for one gateway and app, over libiop (signing, HTTP, TLS, envelopes and tokens all
 * happen in the library). Drop-in for the official IOP/Lazop PHP SDK's IopClient:
 *
 *   $c = new IopClient(UrlConstants::$api_gateway_url_tw, $appKey, $appSecret);
 *   $request = new IopRequest('/auth/token/create');
 *   $request->addApiParam('code', $code);
 *   var_dump($c->execute($request));          // the raw response body, as the official SDK
 *
 * Beyond the official SDK: executeResponse() (an IopResponse), createToken()/refreshToken()
 * (a typed Token, or an IopException subclass). The native client is freed by the destructor;
 * the app secret is copied into the library and never kept in PHP.
 */
class IopClient
{
    /** The library's defaults (iop.h), used when a timeout property is null or 0. */
    private const DEFAULT_CONNECT_MS = 15000;
    private const DEFAULT_READ_MS = 30000;
    /** Most retries after a connect failure (iop.h IOP_MAX_CONNECT_RETRIES_LIMIT). */
    public const MAX_CONNECT_RETRIES = 10;

    /** @var int|float|null Connect timeout in seconds (null or 0: the default, 15 s). Applied at the next call. */
    public $connectTimeout;

    /** @var int|float|null Read timeout in seconds, per phase (send, response head, body); null or 0: 30 s. */
    public $readTimeout;

    /** The gateway URL given to the constructor. */
    public readonly string $gatewayUrl;

    /** The app key. */
    public readonly string $appkey;

    private ?CData $handle = null;
    private int $connectMs = self::DEFAULT_CONNECT_MS;
    private int $readMs = self::DEFAULT_READ_MS;

    /**
     * @param string     $url       gateway base ending in /rest, or a bare host (UrlConstants)
     * @param string|int $appkey
     * @param string     $secretKey the app secret (copied into the library; never in messages)
     * @throws InvalidArgumentException for a missing, empty or malformed argument (e.g. a bad URL)
     */
    public function __construct($url, $appkey, $secretKey)
    {
        $this->gatewayUrl = Native::text($url, 'url');
        $this->appkey = Native::text($appkey, 'appkey', allowInt: true);
        $secret = Native::text($secretKey, 'secretKey');
        $f = Native::ffi();
        $out = $f->new('IopClient*');
        Native::check($f->iop_client_new($this->gatewayUrl, $this->appkey, $secret, FFI::addr($out)));
        $this->handle = $out;
    }

    public function __destruct()
    {
        if ($this->handle !== null) {
            $handle = $this->handle;
            $this->handle = null;
            Native::ffi()->iop_client_free($handle);
        }
    }

    /** A client owns a native handle: clone is refused (create another client instead). */
    public function __clone()
    {
        $this->handle = null; // the copy must never free the original's handle
        throw new \LogicException('an IopClient cannot be cloned; create a new one');
    }

    /** @return never */
    public function __serialize(): array
    {
        throw new \LogicException('an IopClient cannot be serialized');
    }

    public function __unserialize(array $data): void
    {
        throw new \LogicException('an IopClient cannot be unserialized');
    }

    public function __debugInfo(): array
    {
        return [
            'gatewayUrl' => $this->gatewayUrl,
            'appkey' => $this->appkey,
            'connectTimeout' => $this->connectTimeout,
            'readTimeout' => $this->readTimeout,
        ];
    }

    /**
     * Signs and sends `$request`; returns the response body exactly as received, like the
     * official SDK. A platform error (e.g. IllegalAccessToken, HTTP 400 with a JSON body) is
     * returned as its body too; transport failures throw.
     *
     * @param string|null $accessToken the seller's access token, or null for none
     * @throws IopException ConnectException, TimeoutException, NetworkException, TlsException,
     *         HttpException (non-envelope HTTP error), MalformedResponseException, InvalidArgumentException
     */
    public function execute(IopRequest $request, $accessToken = null): string
    {
        return $this->call($request, $accessToken, static fn (FFI $f, CData $r): string => (string) $f->iop_response_body($r));
    }

    /**
     * As execute(), returning an IopResponse with the envelope's fields (type, code, message,
     * sub code, request id), the HTTP status and isSuccess().
     *
     * @throws IopException as execute()
     */
    public function executeResponse(IopRequest $request, $accessToken = null): IopResponse
    {
        return $this->call($request, $accessToken, static fn (FFI $f, CData $r): IopResponse => IopResponse::read($f, $r));
    }

    /**
     * Exchanges a one-time authorization code (from the OAuth redirect) for a token
     * (`/auth/token/create`; use the platform's auth gateway, e.g. UrlConstants::$api_authorization_url_lazada).
     *
     * @throws Exception\PlatformException e.g. InvalidCode (expired, used or another app's code)
     * @throws IopException for transport failures and bad arguments
     */
    public function createToken($code): Token
    {
        $code = Native::text($code, 'code');
        return $this->tokenCall(static fn (FFI $f, CData $c, CData $out): int => $f->iop_token_create($c, $code, FFI::addr($out)));
    }

    /**
     * Refreshes a token (`/auth/token/refresh`). The returned token's refresh token replaces the
     * old one, which is dead from now on: store it before using the new access token.
     *
     * @throws Exception\PlatformException IllegalRefreshToken (authorize again), AUTH_TYPE_UNSUPPORTED…
     * @throws IopException for transport failures and bad arguments
     */
    public function refreshToken($refreshToken): Token
    {
        $refreshToken = Native::text($refreshToken, 'refreshToken');
        return $this->tokenCall(static fn (FFI $f, CData $c, CData $out): int => $f->iop_token_refresh($c, $refreshToken, FFI::addr($out)));
    }

    /**
     * What execute() would sign at $timestampMs (epoch ms): the exact string to sign (it contains
     * parameter values, tokens included, never the secret) and the signature. For debugging
     * IncompleteSignature errors.
     *
     * @return array{sign_string: string, sign: string}
     */
    public function sign(IopRequest $request, $accessToken = null, ?int $timestampMs = null): array
    {
        $token = $accessToken === null ? null : Native::text($accessToken, 'accessToken');
        $timestampMs ??= (int) floor(microtime(true) * 1000);
        return $this->withNativeRequest($request, function (FFI $f, CData $req) use ($request, $token, $timestampMs): array {
            $signString = $f->new('char*');
            $sign = $f->new('char*');
            Native::check($f->iop_client_sign($this->handle(), $req, $token, (int) $request->protocol, $timestampMs, FFI::addr($signString), FFI::addr($sign)));
            try {
                return ['sign_string' => FFI::string($signString), 'sign' => FFI::string($sign)];
            } finally {
                $f->iop_string_free($signString);
                $f->iop_string_free($sign);
            }
        });
    }

    /** Sets the `partner_id` sent with every call (default `iopkit-<version>`). */
    public function setPartnerId($partnerId): static
    {
        $partnerId = Native::text($partnerId, 'partnerId');
        Native::check(Native::ffi()->iop_client_set_partner_id($this->handle(), $partnerId));
        return $this;
    }

    /** Trusts the CA certificates in a PEM file instead of the built-in roots (TLS-intercepting proxies). */
    public function setCaBundle($pemPath): static
    {
        $pemPath = Native::text($pemPath, 'pemPath');
        Native::check(Native::ffi()->iop_client_set_ca_bundle($this->handle(), $pemPath));
        return $this;
    }

    /**
     * Allows plain http:// to hosts other than loopback (refused by default; never advisable:
     * signatures and tokens would cross the network in clear).
     */
    public function setAllowInsecureHttp(bool $allow): static
    {
        Native::check(Native::ffi()->iop_client_set_allow_insecure_http($this->handle(), $allow));
        return $this;
    }

    /**
     * How many times a call is re-sent after a connect failure (ConnectException: the request
     * never reached the server); default 2, at most 10, 0 turns retries off. Each retry is signed
     * afresh after a short backoff. Nothing else is ever retried (a timeout or reset may have
     * arrived), so a code or refresh token is never spent twice.
     */
    public function setMaxConnectRetries(int $retries): static
    {
        if ($retries < 0 || $retries > 0xFFFFFFFF) {
            throw new InvalidArgumentException('invalid argument `retries`: must be between 0 and ' . self::MAX_CONNECT_RETRIES, 1);
        }
        // The library refuses more than MAX_CONNECT_RETRIES with an InvalidArgumentException.
        Native::check(Native::ffi()->iop_client_set_max_connect_retries($this->handle(), $retries));
        return $this;
    }

    /** The largest response body accepted, in bytes (default 8 MiB). */
    public function setMaxResponseBytes(int $maxBytes): static
    {
        if ($maxBytes <= 0) {
            throw new InvalidArgumentException('invalid argument `maxBytes`: must be > 0', 1);
        }
        Native::check(Native::ffi()->iop_client_set_max_response_bytes($this->handle(), $maxBytes));
        return $this;
    }

    /**
     * The native client, with the timeout properties applied (for TokenManager, which shares it).
     *
     * @internal
     */
    public function nativeHandle(): CData
    {
        $this->applyTimeouts();
        return $this->handle();
    }

    // ---------------------------------------------------------------------------------------

    private function handle(): CData
    {
        if ($this->handle === null) {
            throw new \LogicException('this IopClient has been destroyed');
        }
        return $this->handle;
    }

    /**
     * @template T
     * @param callable(FFI, CData): T $read reads the live native response (freed right after)
     * @return T
     */
    private function call(IopRequest $request, $accessToken, callable $read): mixed
    {
        $token = $accessToken === null ? null : Native::text($accessToken, 'accessToken');
        $this->applyTimeouts();
        return $this->withNativeRequest($request, function (FFI $f, CData $req) use ($request, $token, $read): mixed {
            $resp = $f->new('IopResponse*');
            Native::check($f->iop_client_execute($this->handle(), $req, $token, (int) $request->protocol, FFI::addr($resp)));
            try {
                return $read($f, $resp);
            } finally {
                $f->iop_response_free($resp);
            }
        });
    }

    /** @param callable(FFI, CData, CData): int $invoke */
    private function tokenCall(callable $invoke): Token
    {
        $this->applyTimeouts();
        $f = Native::ffi();
        $out = $f->new('IopToken*');
        Native::check($invoke($f, $this->handle(), $out));
        return Token::adopt($f, $out);
    }

    /**
     * Builds the native request for `$request`, runs `$use` with it and frees it (exactly once).
     *
     * @template T
     * @param callable(FFI, CData): T $use
     * @return T
     */
    private function withNativeRequest(IopRequest $request, callable $use): mixed
    {
        $f = Native::ffi();
        $apiName = Native::text($request->apiName, 'apiName');
        $method = match (\is_string($request->httpMethod) ? strtoupper($request->httpMethod) : null) {
            'POST' => 0,
            'GET' => 1,
            default => throw new InvalidArgumentException('invalid argument `httpMethod`: must be "POST" or "GET"', 1),
        };
        $req = $f->new('IopRequest*');
        Native::check($f->iop_request_new($apiName, FFI::addr($req)));
        try {
            if ($method !== 0) {
                Native::check($f->iop_request_set_http_method($req, $method));
            }
            foreach ((array) $request->udfParams as $key => $value) {
                $key = Native::text((string) $key, 'key');
                Native::check($f->iop_request_add_param($req, $key, IopRequest::paramValue($value, $key)));
            }
            foreach ((array) $request->fileParams as $key => $file) {
                $key = Native::text((string) $key, 'key');
                $content = \is_array($file) ? ($file['content'] ?? null) : $file;
                if (!\is_string($content)) {
                    throw new InvalidArgumentException("invalid argument `$key`: file content must be a string", 1);
                }
                $name = Native::text(\is_array($file) ? ($file['name'] ?? $key) : $key, 'fileName');
                $type = \is_array($file) && isset($file['type']) ? Native::text($file['type'], 'mimeType') : null;
                $len = \strlen($content);
                $data = null;
                if ($len > 0) {
                    $data = $f->new("uint8_t[$len]");
                    FFI::memcpy($data, $content, $len);
                }
                Native::check($f->iop_request_add_file($req, $key, $name, $type, $data, $len));
            }
            foreach ((array) $request->headerParams as $name => $value) {
                $name = Native::text((string) $name, 'header name');
                $value = Native::text($value, 'header value', allowEmpty: true, allowInt: true);
                Native::check($f->iop_request_add_header($req, $name, $value));
            }
            return $use($f, $req);
        } finally {
            $f->iop_request_free($req);
        }
    }

    /** Applies $connectTimeout/$readTimeout (seconds) to the native client when they changed. */
    private function applyTimeouts(): void
    {
        $connect = self::toMillis($this->connectTimeout, 'connectTimeout', self::DEFAULT_CONNECT_MS);
        if ($connect !== $this->connectMs) {
            Native::check(Native::ffi()->iop_client_set_connect_timeout_ms($this->handle(), $connect));
            $this->connectMs = $connect;
        }
        $read = self::toMillis($this->readTimeout, 'readTimeout', self::DEFAULT_READ_MS);
        if ($read !== $this->readMs) {
            Native::check(Native::ffi()->iop_client_set_read_timeout_ms($this->handle(), $read));
            $this->readMs = $read;
        }
    }

    private static function toMillis(mixed $seconds, string $name, int $default): int
    {
        if ($seconds === null || $seconds === 0 || $seconds === 0.0 || $seconds === false || $seconds === '0' || $seconds === '') {
            return $default;
        }
        if (\is_string($seconds) && is_numeric($seconds)) {
            $seconds += 0;
        }
        if ((!\is_int($seconds) && !\is_float($seconds)) || !is_finite((float) $seconds) || $seconds < 0 || $seconds > 1e9) {
            throw new InvalidArgumentException("invalid argument `$name`: must be a positive number of seconds (or null for the default)", 1);
        }
        return max(1, (int) ceil($seconds * 1000));
    }
}
