<?php

declare(strict_types=1);

namespace Iopkit\Enos;

use FFI;
use FFI\CData;
use Iopkit\Exception\InvalidArgumentException;
use Iopkit\Exception\IopException;
use Iopkit\IopResponse;
use Iopkit\Native;

/**
 * A client for one EnOS API gateway and app, over libiop: the API-management token service
 * (get, refresh) and calls signed with the `apim-*` headers. Encryption, signing, timestamps,
 * HTTP and parsing all happen in the library.
 *
 *   $enos = new EnosClient('https://apigw.example.com', $appKey, $appSecret);
 *   $token = $enos->getToken();                       // EnosToken: accessToken, expiresAt
 *   $r = $enos->call('GET', '/connect-service/v2.1/devices?action=get&orgId=o1', null, $token->accessToken);
 *
 * The native client is freed by the destructor; the app secret is copied into the library and
 * never kept in PHP.
 */
final class EnosClient
{
    /** The gateway URL given to the constructor. */
    public readonly string $gatewayUrl;

    /** The app key. */
    public readonly string $appKey;

    private ?CData $handle = null;

    /**
     * @param string          $gatewayUrl     `https://{apigw-address}` (plain http:// only to loopback)
     * @param string          $appKey
     * @param string          $appSecret      copied into the library; never in messages
     * @param int|float|null  $connectTimeout seconds (null: the library's 15 s)
     * @param int|float|null  $readTimeout    seconds per phase: send, response head, body (null: 30 s)
     * @throws InvalidArgumentException for a missing, empty or malformed argument (e.g. a bad URL)
     */
    public function __construct($gatewayUrl, $appKey, $appSecret, $connectTimeout = null, $readTimeout = null)
    {
        $this->gatewayUrl = Native::text($gatewayUrl, 'gatewayUrl');
        $this->appKey = Native::text($appKey, 'appKey');
        $secret = Native::text($appSecret, 'appSecret');
        $f = Native::ffi();
        $out = $f->new('IopEnosClient*');
        Native::check($f->iop_enos_client_new($this->gatewayUrl, $this->appKey, $secret, FFI::addr($out)));
        $this->handle = $out;
        if ($connectTimeout !== null) {
            $this->setConnectTimeout($connectTimeout);
        }
        if ($readTimeout !== null) {
            $this->setReadTimeout($readTimeout);
        }
    }

    public function __destruct()
    {
        if ($this->handle !== null) {
            $handle = $this->handle;
            $this->handle = null;
            Native::ffi()->iop_enos_client_free($handle);
        }
    }

    /** A client owns a native handle: clone is refused (create another client instead). */
    public function __clone()
    {
        $this->handle = null; // the copy must never free the original's handle
        throw new \LogicException('an EnosClient cannot be cloned; create a new one');
    }

    /** @return never */
    public function __serialize(): array
    {
        throw new \LogicException('an EnosClient cannot be serialized');
    }

    public function __unserialize(array $data): void
    {
        throw new \LogicException('an EnosClient cannot be unserialized');
    }

    public function __debugInfo(): array
    {
        return ['gatewayUrl' => $this->gatewayUrl, 'appKey' => $this->appKey];
    }

    /** Connect timeout in seconds (> 0; default 15). */
    public function setConnectTimeout($seconds): static
    {
        Native::check(Native::ffi()->iop_enos_client_set_connect_timeout_ms($this->handle(), self::millis($seconds, 'connectTimeout')));
        return $this;
    }

    /** Read timeout in seconds (> 0; default 30), bounding each phase: send, response head, body. */
    public function setReadTimeout($seconds): static
    {
        Native::check(Native::ffi()->iop_enos_client_set_read_timeout_ms($this->handle(), self::millis($seconds, 'readTimeout')));
        return $this;
    }

    /**
     * Trusts the CA certificates in the PEM file at `$pemPath` instead of the built-in roots
     * (private EnOS gateways, TLS-intercepting proxies). The file is read now. TLS verification
     * can never be turned off.
     *
     * @throws InvalidArgumentException for an empty path, a missing file or one without certificates
     */
    public function setCaBundle($pemPath): static
    {
        $pemPath = Native::text($pemPath, 'pemPath');
        Native::check(Native::ffi()->iop_enos_client_set_ca_bundle($this->handle(), $pemPath));
        return $this;
    }

    /**
     * The app's access token (`/apim-token-service/v2.0/token/get`); the service returns the
     * same token while it is valid.
     *
     * @throws \Iopkit\Exception\PlatformException with getErrorCode() the EnOS status as text:
     *         "1002" unknown appKey, "1003" invalid encryption (wrong secret)…
     * @throws IopException for transport failures
     */
    public function getToken(): EnosToken
    {
        $f = Native::ffi();
        $out = $f->new('IopEnosToken*');
        Native::check($f->iop_enos_token_get($this->handle(), FFI::addr($out)));
        return EnosToken::adopt($f, $out);
    }

    /**
     * Refreshes `$accessToken` (`/apim-token-service/v2.0/token/refresh`): the returned token is
     * the one to use from now on (and the one getToken() returns).
     *
     * @throws \Iopkit\Exception\TokenExpiredException the token expired ("1203"): call getToken()
     * @throws \Iopkit\Exception\PlatformException e.g. "1204" refresh failed (unknown token)
     * @throws IopException for transport failures and bad arguments
     */
    public function refreshToken($accessToken): EnosToken
    {
        $accessToken = Native::text($accessToken, 'accessToken');
        $f = Native::ffi();
        $out = $f->new('IopEnosToken*');
        Native::check($f->iop_enos_token_refresh($this->handle(), $accessToken, FFI::addr($out)));
        return EnosToken::adopt($f, $out);
    }

    /**
     * The `apim-*` headers for sending `$body` (the exact bytes; null or "" for none) to
     * `$pathAndQuery` (the path with its query, or the full URL) with `$accessToken`, at
     * `$timestamp` (epoch milliseconds or a DateTimeInterface; null: a fresh, never-repeated one).
     * For calls made with another HTTP client; call() does it all.
     *
     * @throws InvalidArgumentException for a missing or empty token or path, a non-string body
     */
    public function sign($accessToken, $pathAndQuery, $body = null, int|\DateTimeInterface|null $timestamp = null): ApimHeaders
    {
        $accessToken = Native::text($accessToken, 'accessToken');
        $pathAndQuery = Native::text($pathAndQuery, 'pathAndQuery');
        if ($body !== null && !\is_string($body)) {
            throw new InvalidArgumentException('invalid argument `body`: must be the exact bytes to send (a string) or null, got ' . get_debug_type($body), 1);
        }
        $timestampMs = match (true) {
            $timestamp === null => 0,
            $timestamp instanceof \DateTimeInterface => (int) $timestamp->format('Uv'),
            default => $timestamp,
        };
        if ($timestamp !== null && $timestampMs <= 0) {
            throw new InvalidArgumentException('invalid argument `timestamp`: must be after 1970 (epoch milliseconds > 0)', 1);
        }
        $f = Native::ffi();
        $bytes = self::bytes($f, (string) $body);
        $outTimestamp = $f->new('int64_t');
        $outSignature = $f->new('char*');
        Native::check($f->iop_enos_sign($this->handle(), $accessToken, $pathAndQuery, $bytes, \strlen((string) $body), $timestampMs, FFI::addr($outTimestamp), FFI::addr($outSignature)));
        try {
            return new ApimHeaders($accessToken, (int) $outTimestamp->cdata, FFI::string($outSignature));
        } finally {
            $f->iop_string_free($outSignature);
        }
    }

    /**
     * Signs (fresh timestamp) and sends an API call: `$method` (GET, POST, PUT, PATCH, DELETE)
     * to `$pathAndQuery` (starting with "/") on the gateway with `$body` as JSON: a string sent
     * byte for byte, or an array/JsonSerializable encoded here; null for none (GET and DELETE
     * take none). Any JSON answer is returned, whatever its `code`: check isSuccess() (`code`
     * 0); an HTTP 401 with `code` 1003 (bad signature) or 1203 (expired token) is a response too.
     *
     * @param string|array<mixed>|\JsonSerializable|null $body
     * @throws IopException ConnectException, TimeoutException, NetworkException, TlsException,
     *         HttpException, MalformedResponseException (not a JSON object), InvalidArgumentException
     */
    public function call($method, $pathAndQuery, $body, $accessToken): IopResponse
    {
        $method = strtoupper(Native::text($method, 'method'));
        $pathAndQuery = Native::text($pathAndQuery, 'pathAndQuery');
        $accessToken = Native::text($accessToken, 'accessToken');
        $json = self::json($body);
        $f = Native::ffi();
        $out = $f->new('IopResponse*');
        Native::check($f->iop_enos_call($this->handle(), $accessToken, $method, $pathAndQuery, $json === null ? null : self::bytes($f, $json), \strlen((string) $json), FFI::addr($out)));
        try {
            return IopResponse::read($f, $out);
        } finally {
            $f->iop_response_free($out);
        }
    }

    /**
     * The native client (for TokenManager::forEnos(), which shares it).
     *
     * @internal
     */
    public function nativeHandle(): CData
    {
        return $this->handle();
    }

    // ---------------------------------------------------------------------------------------

    private function handle(): CData
    {
        if ($this->handle === null) {
            throw new \LogicException('this EnosClient has been destroyed');
        }
        return $this->handle;
    }

    /** A native copy of `$bytes` (null when empty: the C ABI's "no body"). */
    private static function bytes(FFI $f, string $bytes): ?CData
    {
        $len = \strlen($bytes);
        if ($len === 0) {
            return null;
        }
        $data = $f->new("uint8_t[$len]");
        FFI::memcpy($data, $bytes, $len);
        return $data;
    }

    /** The JSON text of a call's body, or null for none. */
    private static function json(mixed $body): ?string
    {
        if ($body === null || $body === '') {
            return null;
        }
        if (\is_string($body)) {
            return $body;
        }
        if (\is_array($body) || $body instanceof \JsonSerializable) {
            try {
                return json_encode($body, \JSON_UNESCAPED_UNICODE | \JSON_UNESCAPED_SLASHES | \JSON_THROW_ON_ERROR);
            } catch (\JsonException $e) {
                throw new InvalidArgumentException("invalid argument `body`: cannot be encoded as JSON ({$e->getMessage()})", 1);
            }
        }
        throw new InvalidArgumentException('invalid argument `body`: must be a JSON string, an array, a JsonSerializable or null, got ' . get_debug_type($body), 1);
    }

    private static function millis(mixed $seconds, string $name): int
    {
        if (\is_string($seconds) && is_numeric($seconds)) {
            $seconds += 0;
        }
        if ((!\is_int($seconds) && !\is_float($seconds)) || !is_finite((float) $seconds) || $seconds <= 0 || $seconds > 1e9) {
            throw new InvalidArgumentException("invalid argument `$name`: must be a positive number of seconds", 1);
        }
        return max(1, (int) ceil($seconds * 1000));
    }
}
