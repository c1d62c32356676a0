<?php

declare(strict_types=1);

namespace Iopkit;

/**
 * The seller authorization page and its `state` check (the start of the OAuth flow whose code
 * IopClient::createToken() exchanges), built by the library:
 *
 *   $state = Authorization::newState();                 // keep it in the session
 *   header('Location: ' . Authorization::authorizeUrl(Platform::LAZADA, $appKey, $callback, 'sg', $state));
 *   // …on the callback:
 *   if (!Authorization::verifyState($_SESSION['state'], $_GET['state'] ?? null)) { abort(); }
 */
final class Authorization
{
    private function __construct()
    {
    }

    /**
     * The URL of the authorization page for app `$clientId`, redirecting to `$redirectUri`,
     * values percent-encoded.
     *
     * @param int         $platform Platform::LAZADA or Platform::ALIEXPRESS
     * @param string|null $country  Lazada only (e.g. "sg"); null for none
     * @param string|null $state    from newState(), kept for verifyState(); null sends none
     * @param string|null $baseUrl  replaces the platform's page (e.g. a sandbox's …/oauth/authorize;
     *                              https://, or http:// on loopback only); null for the real one
     * @throws Exception\InvalidArgumentException for an unknown platform, a missing id or URI, a bad base URL
     */
    public static function authorizeUrl(int $platform, string|int $clientId, string $redirectUri, ?string $country = null, ?string $state = null, ?string $baseUrl = null): string
    {
        return Abi::authorizeBuildUrl($platform, $baseUrl, $clientId, $redirectUri, $country, $state);
    }

    /** A fresh random `state` (192 bits, 32 URL-safe characters): keep it, check the redirect with verifyState(). */
    public static function newState(): string
    {
        return Abi::authorizeNewState();
    }

    /**
     * Whether the `state` received with the redirect equals the one sent, compared in constant
     * time. False when either is null (no state came back) or `$expected` is empty.
     */
    public static function verifyState(?string $expected, ?string $received): bool
    {
        try {
            return Abi::authorizeVerifyState($expected, $received);
        } catch (Exception\InvalidArgumentException) {
            return false; // a NUL byte: not what was sent
        }
    }
}
