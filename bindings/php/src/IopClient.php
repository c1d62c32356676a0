<?php

declare(strict_types=1);

namespace Iopkit;

use FFI\CData;
use Iopkit\Exception\IopException;
use Iopkit\Exception\IopkitException;

/**
 * A client for one gateway and app, over libiop (signing, HTTP, TLS, envelopes and tokens all
 * happen in the library). Drop-in for the official IOP/Lazop PHP SDK's IopClient:
 *
 *   $c = new IopClient(UrlConstants::$api_gateway_url_tw, $appKey, $appSecret);
 *   $request = new IopRequest('/auth/token/create');
 *   $request->addApiParam('code', $code);
 *   var_dump($c->execute($request));          // the raw response body, as the official SDK
 *
 * Beyond the official SDK: executeResponse() (an IopResponse), executeBatch() (many calls at
 * once), createToken()/refreshToken() (a typed Token), sign(), and the settings of
 * ConfiguredClient. The app secret is copied into the library and never kept in PHP.
 */
class IopClient extends ConfiguredClient
{
    /** @var int|float|null Connect timeout in seconds, as the official SDK (null or 0: Abi::DEFAULT_CONNECT_TIMEOUT_MS). */
    public $connectTimeout;

    /** @var int|float|null Read timeout in seconds, per phase (null or 0: Abi::DEFAULT_READ_TIMEOUT_MS). */
    public $readTimeout;

    /** The gateway URL given to the constructor. */
    public readonly string $gatewayUrl;

    /** The app key. */
    public readonly string $appkey;

    /** The $connectTimeout and $readTimeout last applied. */
    private array $appliedTimeouts = [null, null];

    /**
     * @param string     $url       gateway base ending in /rest, or a bare host (UrlConstants)
     * @param string|int $appkey
     * @param string     $secretKey the app secret (copied into the library; never in messages)
     * @throws Exception\InvalidArgumentException for an empty or malformed argument (e.g. a bad URL)
     */
    public function __construct(string $url, string|int $appkey, #[\SensitiveParameter] string $secretKey)
    {
        [$this->gatewayUrl, $this->appkey] = [$url, (string) $appkey];
        $this->open('client', static fn (CData $config): CData => Abi::clientNew($url, $appkey, $secretKey, $config));
    }

    public function __debugInfo(): array
    {
        return ['gatewayUrl' => $this->gatewayUrl, 'appkey' => $this->appkey, 'connectTimeout' => $this->connectTimeout, 'readTimeout' => $this->readTimeout];
    }

    /**
     * Signs and sends `$request`; returns the response body exactly as received, like the
     * official SDK. A platform error (e.g. IllegalAccessToken) is returned as its body too;
     * transport failures throw.
     *
     * @throws IopException ConnectException, TimeoutException, NetworkException, TlsException,
     *         HttpException (non-envelope HTTP error), MalformedResponseException, InvalidArgumentException
     */
    public function execute(IopRequest $request, ?string $accessToken = null): string
    {
        $this->applyTimeouts();
        $response = Abi::clientExecute($this->nativeHandle(), $request->native(), $accessToken, $request->protocol);
        try {
            return (string) Abi::responseBody($response); // the only field read
        } finally {
            Abi::responseFree($response);
        }
    }

    /**
     * As execute(), returning an IopResponse with the envelope's fields and the HTTP status
     * (read from the native response when first used).
     */
    public function executeResponse(IopRequest $request, ?string $accessToken = null): IopResponse
    {
        $this->applyTimeouts();
        return new IopResponse(Abi::clientExecute($this->nativeHandle(), $request->native(), $accessToken, $request->protocol));
    }

    /**
     * Sends many calls at once (up to `$concurrency`, 1 to Abi::MAX_BATCH_CONCURRENCY; -1: 8)
     * on the library's threads and keep-alive pool, and returns when all have ended. Each item
     * is an IopRequest (sent with `$accessToken`) or `[IopRequest, ?string $ownToken]`.
     * Returns one outcome per item, with the same keys in the same order: the IopResponse
     * (platform errors included, as executeResponse()), or the IopException of a call that
     * failed (not thrown: the other calls' outcomes stand; an InvalidArgumentException for a
     * call the library refused).
     *
     * @param iterable<IopRequest|array{IopRequest, ?string}> $requests
     * @return array<IopResponse|IopkitException>
     * @throws Exception\InvalidArgumentException for a bad item or `$concurrency` (nothing is sent)
     */
    public function executeBatch(iterable $requests, #[\SensitiveParameter] ?string $accessToken = null, int $concurrency = Abi::USE_DEFAULT): array
    {
        $this->applyTimeouts();
        $batch = Abi::batchNew();
        try {
            $keys = [];
            foreach ($requests as $key => $item) {
                [$request, $token] = $item instanceof IopRequest ? [$item, $accessToken] : (\is_array($item) ? $item + [null, null] : [null, null]);
                if (!$request instanceof IopRequest || !(\is_string($token) || $token === null)) {
                    throw new Exception\InvalidArgumentException("invalid argument `requests[$key]`: must be an IopRequest or [IopRequest, ?string accessToken]", Status::ERR_INVALID_ARGUMENT);
                }
                Abi::batchAdd($batch, $request->native(), $token, $request->protocol);
                $keys[] = $key;
            }
            $client = $this->nativeHandle();
            // the calls run on the library's threads, where no PHP callback may run (Log)
            Log::offThread(static fn () => Abi::clientExecuteBatch($client, $batch, $concurrency));
            $outcomes = [];
            foreach ($keys as $i => $key) {
                try {
                    $outcomes[$key] = new IopResponse(Abi::batchTakeResponse($batch, $i));
                } catch (IopkitException $e) {
                    $outcomes[$key] = $e;
                }
            }
            return $outcomes;
        } finally {
            Abi::batchFree($batch);
        }
    }

    /**
     * Exchanges a one-time authorization code for a token (`/auth/token/create`; use the
     * platform's auth gateway, e.g. UrlConstants::$api_authorization_url_lazada).
     *
     * @throws Exception\PlatformException e.g. InvalidCode
     */
    public function createToken(#[\SensitiveParameter] string $code): Token
    {
        $this->applyTimeouts();
        return Token::adopt(Abi::tokenCreate($this->nativeHandle(), $code));
    }

    /**
     * Refreshes a token (`/auth/token/refresh`). The returned token's refresh token replaces the
     * old one, which is dead from now on: store it before using the new access token.
     *
     * @throws Exception\PlatformException IllegalRefreshToken (authorize again)…
     */
    public function refreshToken(#[\SensitiveParameter] string $refreshToken): Token
    {
        $this->applyTimeouts();
        return Token::adopt(Abi::tokenRefresh($this->nativeHandle(), $refreshToken));
    }

    /**
     * What execute() would sign at $timestampMs (epoch ms; default now): the exact string to
     * sign (parameter values, tokens included, never the secret) and the signature.
     *
     * @return array{sign_string: string, sign: string}
     */
    public function sign(IopRequest $request, ?string $accessToken = null, ?int $timestampMs = null): array
    {
        [$signString, $sign] = Abi::clientSign($this->nativeHandle(), $request->native(), $accessToken, $request->protocol, $timestampMs ?? Abi::USE_DEFAULT);
        return ['sign_string' => $signString, 'sign' => $sign];
    }

    /**
     * The native client, with the timeout properties applied (for TokenManager, which shares it).
     *
     * @internal
     */
    public function nativeClient(): CData
    {
        $this->applyTimeouts();
        return $this->nativeHandle();
    }

    /** Applies $connectTimeout/$readTimeout (seconds; null or 0: the default) when they changed. */
    private function applyTimeouts(): void
    {
        $timeouts = [$this->connectTimeout, $this->readTimeout];
        if ($timeouts !== $this->appliedTimeouts) {
            $ms = static fn ($s): int => $s === null || $s == 0 ? Abi::USE_DEFAULT : (int) ceil($s * 1000);
            $this->setConnectTimeoutMs($ms($timeouts[0]))->setReadTimeoutMs($ms($timeouts[1]));
            $this->appliedTimeouts = $timeouts;
        }
    }
}
