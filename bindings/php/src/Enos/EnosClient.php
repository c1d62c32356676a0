<?php

declare(strict_types=1);

namespace Iopkit\Enos;

use FFI\CData;
use Iopkit\Abi;
use Iopkit\ConfiguredClient;
use Iopkit\Exception\InvalidArgumentException;
use Iopkit\Exception\IopException;
use Iopkit\IopResponse;
use Iopkit\Status;

/**
 * A client for one EnOS API gateway and app, over libiop: the API-management token service
 * (get, refresh) and calls signed with the `apim-*` headers. Encryption, signing, timestamps,
 * HTTP and parsing all happen in the library; settings are ConfiguredClient's.
 *
 *   $enos = new EnosClient('https://apigw.example.com', $appKey, $appSecret);
 *   $token = $enos->getToken();                       // EnosToken: accessToken, expiresAt
 *   $r = $enos->call('GET', '/connect-service/v2.1/devices?action=get&orgId=o1', null, $token->accessToken);
 */
final class EnosClient extends ConfiguredClient
{
    /** The gateway URL given to the constructor. */
    public readonly string $gatewayUrl;

    /** The app key. */
    public readonly string $appKey;

    /**
     * @param string $gatewayUrl `https://{apigw-address}` (plain http:// only to loopback)
     * @param string $appSecret  copied into the library; never in messages
     * @throws InvalidArgumentException for an empty or malformed argument (e.g. a bad URL)
     */
    public function __construct(string $gatewayUrl, string $appKey, #[\SensitiveParameter] string $appSecret)
    {
        [$this->gatewayUrl, $this->appKey] = [$gatewayUrl, $appKey];
        $this->open('enosClient', static fn (CData $config): CData => Abi::enosClientNew($gatewayUrl, $appKey, $appSecret, $config));
    }

    public function __debugInfo(): array
    {
        return ['gatewayUrl' => $this->gatewayUrl, 'appKey' => $this->appKey];
    }

    /**
     * The app's access token (`/apim-token-service/v2.0/token/get`); the service returns the
     * same token while it is valid.
     *
     * @throws \Iopkit\Exception\PlatformException with getErrorCode() the EnOS status ("1003": wrong secret…)
     */
    public function getToken(): EnosToken
    {
        return EnosToken::adopt(Abi::enosTokenGet($this->nativeHandle()));
    }

    /**
     * Refreshes `$accessToken` (`/apim-token-service/v2.0/token/refresh`): the returned token is
     * the one to use from now on.
     *
     * @throws \Iopkit\Exception\TokenExpiredException the token expired ("1203"): call getToken()
     */
    public function refreshToken(#[\SensitiveParameter] string $accessToken): EnosToken
    {
        return EnosToken::adopt(Abi::enosTokenRefresh($this->nativeHandle(), $accessToken));
    }

    /**
     * The `apim-*` headers for sending `$body` (the exact bytes; null or "" for none) to
     * `$pathAndQuery` (the path with its query, or the full URL) with `$accessToken`, at
     * `$timestamp` (epoch ms or a DateTimeInterface; null: a fresh, never-repeated one). For
     * calls made with another HTTP client; call() does it all.
     */
    public function sign(#[\SensitiveParameter] string $accessToken, string $pathAndQuery, ?string $body = null, int|\DateTimeInterface|null $timestamp = null): ApimHeaders
    {
        $ms = $timestamp instanceof \DateTimeInterface ? (int) $timestamp->format('Uv') : ($timestamp ?? Abi::USE_DEFAULT);
        if ($timestamp !== null && $ms <= 0) {
            throw new InvalidArgumentException('invalid argument `timestamp`: must be after 1970 (epoch milliseconds > 0)', Status::ERR_INVALID_ARGUMENT);
        }
        [$signedMs, $signature] = Abi::enosClientSign($this->nativeHandle(), $accessToken, $pathAndQuery, $body, $ms);
        return new ApimHeaders($accessToken, $signedMs, $signature);
    }

    /**
     * Signs (fresh timestamp) and sends an API call: `$method` (GET, POST, PUT, PATCH, DELETE)
     * to `$pathAndQuery` with `$body` as JSON: a string sent byte for byte, or an array or
     * JsonSerializable encoded here; null for none. Any JSON answer is returned, whatever its
     * `code`: check isSuccess() (`code` 0).
     *
     * @param string|array<mixed>|\JsonSerializable|null $body
     * @throws IopException for transport failures, a body that is not a JSON object, bad arguments
     */
    public function call(string $method, string $pathAndQuery, string|array|\JsonSerializable|null $body, #[\SensitiveParameter] string $accessToken): IopResponse
    {
        if ($body !== null && !\is_string($body)) {
            $body = json_encode($body, \JSON_UNESCAPED_UNICODE | \JSON_UNESCAPED_SLASHES | \JSON_THROW_ON_ERROR);
        }
        return new IopResponse(Abi::enosClientExecute($this->nativeHandle(), $accessToken, strtoupper($method), $pathAndQuery, $body));
    }
}
