<?php

declare(strict_types=1);

namespace Iopkit;

use FFI;
use Iopkit\Exception\InvalidArgumentException;
use Iopkit\Exception\IopException;

/**
 * The seller authorization page and its `state` check (the start of the OAuth flow whose code
 * IopClient::createToken() exchanges), built by the library:
 *
 *   $state = Authorization::newState();                 // keep it in the session
 *   header('Location: ' . Authorization::authorizeUrl(Platform::LAZADA, $appKey, $callback, 'sg', $state));
 *   // …on the callback:
 *   if (!Authorization::verifyState($_SESSION['state'], $_GET['state'] ?? null)) { abort(); }
 *   $token = $auth->createToken($_GET['code']);
 */
final class Authorization
{
    private function __construct()
    {
    }

    /**
     * The URL of the authorization page for app `$clientId`, redirecting to `$redirectUri`:
     * `<page>?response_type=code&force_auth=true&redirect_uri=…&client_id=…[&state=…][&country=…]`,
     * values percent-encoded.
     *
     * @param int         $platform Platform::LAZADA or Platform::ALIEXPRESS
     * @param string|null $country  Lazada only (e.g. "sg"); null for none
     * @param string|null $state    from newState(), kept for verifyState(); null sends none
     * @param string|null $baseUrl  replaces the platform's page (e.g. a sandbox's …/oauth/authorize;
     *                              https://, or http:// on loopback only); null for the real one
     * @throws InvalidArgumentException for an unknown platform, a missing/empty id or URI, a bad base URL
     */
    public static function authorizeUrl($platform, $clientId, $redirectUri, $country = null, $state = null, $baseUrl = null): string
    {
        if (!\is_int($platform) || $platform < -0x80000000 || $platform > 0x7FFFFFFF) { // int32_t in C
            throw new InvalidArgumentException('invalid argument `platform`: must be Platform::LAZADA or Platform::ALIEXPRESS, got ' . get_debug_type($platform), 1);
        }
        $clientId = Native::text($clientId, 'clientId', allowInt: true);
        $redirectUri = Native::text($redirectUri, 'redirectUri');
        $country = $country === null ? null : Native::text($country, 'country');
        $state = $state === null ? null : Native::text($state, 'state');
        $baseUrl = $baseUrl === null ? null : Native::text($baseUrl, 'baseUrl');
        $f = Native::ffi();
        $out = $f->new('char*');
        Native::check($f->iop_authorize_url($platform, $baseUrl, $clientId, $redirectUri, $country, $state, FFI::addr($out)));
        try {
            return FFI::string($out);
        } finally {
            $f->iop_string_free($out);
        }
    }

    /**
     * A fresh random `state` (192 bits from the operating system, 32 URL-safe characters). Keep
     * it server side and check the redirect with verifyState().
     *
     * @throws IopException if the operating system's random source fails
     */
    public static function newState(): string
    {
        $f = Native::ffi();
        $out = $f->new('char*');
        Native::check($f->iop_state_new(FFI::addr($out)));
        try {
            return FFI::string($out);
        } finally {
            $f->iop_string_free($out);
        }
    }

    /**
     * Whether the `state` received with the redirect equals the one sent, compared in constant
     * time. False when either is not a string (e.g. null: no state came back), contains a NUL
     * byte, or `$expected` is empty.
     */
    public static function verifyState($expected, $received): bool
    {
        if (!\is_string($expected) || !\is_string($received) || str_contains($expected, "\0") || str_contains($received, "\0")) {
            return false;
        }
        return (bool) Native::ffi()->iop_state_verify($expected, $received);
    }
}
