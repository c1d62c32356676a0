<?php

declare(strict_types=1);

namespace Iopkit;

use FFI;
use FFI\CData;

/**
 * A normalized token: the same fields for Lazada, AliExpress and Taobao TW responses, read
 * from the library (which does all the normalization: relative or absolute lifetimes, user_Id
 * vs user_id, numbers vs strings…). Immutable; holds no native memory.
 *
 * A refresh returns a NEW refresh token: store $refreshToken before using $accessToken, the old
 * one is dead. var_dump()/print_r() redact the tokens and the raw body.
 */
final class Token
{
    /**
     * @param list<CountryUserInfo> $countryUserInfo
     * @internal Built by IopClient::createToken()/refreshToken() and Token::fromResponse().
     */
    public function __construct(
        public readonly string $accessToken,
        /** "" when the response had none. */
        public readonly string $refreshToken,
        /** When the access token expires (UTC, millisecond precision). */
        public readonly \DateTimeImmutable $expiresAt,
        /** When the refresh token expires (UTC); null when unknown or when it cannot be refreshed. */
        public readonly ?\DateTimeImmutable $refreshExpiresAt,
        /** False when `refresh_expires_in` was 0 (apps authorized through the service market). */
        public readonly bool $canRefresh,
        public readonly ?string $account,
        /** "seller_center", "buyerApp"… */
        public readonly ?string $accountPlatform,
        public readonly ?string $accountId,
        public readonly ?string $sellerId,
        public readonly ?string $userId,
        public readonly ?string $shortCode,
        public readonly ?string $country,
        /** Lazada's per-country list. */
        public readonly array $countryUserInfo,
        /** AliExpress only. */
        public readonly ?string $havanaId,
        public readonly ?string $userNick,
        public readonly ?string $locale,
        public readonly ?string $sp,
        /** The response body the token was read from, exactly as received. */
        public readonly string $raw,
        private readonly string $json,
    ) {
    }

    /**
     * Parses a token response body (for instance what IopClient::execute() returned for
     * /auth/token/create or /auth/token/refresh) with the library's parser. Relative lifetimes
     * count from $receivedAtMs (epoch milliseconds; default now).
     *
     * @throws Exception\PlatformException for an error envelope
     * @throws Exception\MalformedResponseException for a body that is not a token response
     * @throws Exception\InvalidArgumentException for an empty body or one with NUL bytes
     */
    public static function fromResponse($body, ?int $receivedAtMs = null): self
    {
        $body = Native::text($body, 'body');
        $f = Native::ffi();
        $out = $f->new('IopToken*');
        Native::check($f->iop_token_parse($body, $receivedAtMs ?? (int) floor(microtime(true) * 1000), FFI::addr($out)));
        return self::adopt($f, $out);
    }

    /**
     * Copies everything out of a native token, then frees it (exactly once, even on failure).
     *
     * @internal
     */
    public static function adopt(FFI $f, CData $token): self
    {
        try {
            $json = $f->new('char*');
            Native::check($f->iop_token_to_json($token, FFI::addr($json)));
            try {
                $jsonText = FFI::string($json);
            } finally {
                $f->iop_string_free($json);
            }
            $countries = [];
            $n = (int) $f->iop_token_country_count($token);
            for ($i = 0; $i < $n; $i++) {
                $countries[] = new CountryUserInfo(
                    $f->iop_token_country_code($token, $i),
                    $f->iop_token_country_user_id($token, $i),
                    $f->iop_token_country_seller_id($token, $i),
                    $f->iop_token_country_short_code($token, $i),
                );
            }
            $refreshMs = (int) $f->iop_token_refresh_expires_at_ms($token);
            return new self(
                (string) $f->iop_token_access_token($token),
                (string) $f->iop_token_refresh_token($token),
                self::time((int) $f->iop_token_expires_at_ms($token)),
                $refreshMs > 0 ? self::time($refreshMs) : null,
                (bool) $f->iop_token_can_refresh($token),
                $f->iop_token_account($token),
                $f->iop_token_account_platform($token),
                $f->iop_token_account_id($token),
                $f->iop_token_seller_id($token),
                $f->iop_token_user_id($token),
                $f->iop_token_short_code($token),
                $f->iop_token_country($token),
                $countries,
                $f->iop_token_havana_id($token),
                $f->iop_token_user_nick($token),
                $f->iop_token_locale($token),
                $f->iop_token_sp($token),
                (string) $f->iop_token_raw_json($token),
                $jsonText,
            );
        } finally {
            $f->iop_token_free($token);
        }
    }

    /**
     * A native copy of this token (owned: release with iop_token_free), made by the library's
     * parser from toJson() with the expiries as absolute times (`expire_time`,
     * `refresh_token_valid_time`), so nothing is re-derived here. For TokenManager::storeGrant().
     *
     * @internal
     */
    public function toNative(FFI $f): CData
    {
        $fields = json_decode($this->json, true, 512, \JSON_THROW_ON_ERROR);
        $expiresAtMs = (int) $this->expiresAt->format('Uv');
        if ($expiresAtMs < 1_000_000_000_000) { // the parser takes absolute times from 2001 on
            throw new Exception\InvalidArgumentException('invalid argument `token`: its access token expires before 2001', 1);
        }
        $refreshAtMs = $this->refreshExpiresAt === null ? null : (int) $this->refreshExpiresAt->format('Uv');
        unset($fields['expires_at'], $fields['refresh_expires_at'], $fields['can_refresh']);
        $fields['code'] = '0';
        $fields['expire_time'] = $expiresAtMs;
        if (!$this->canRefresh) {
            $fields['refresh_expires_in'] = 0; // the parser's "cannot be refreshed"
        } elseif ($refreshAtMs !== null) {
            $fields['refresh_token_valid_time'] = $refreshAtMs;
        }
        $out = $f->new('IopToken*');
        Native::check($f->iop_token_parse(json_encode($fields, \JSON_THROW_ON_ERROR), (int) floor(microtime(true) * 1000), FFI::addr($out)));
        return $out;
    }

    private static function time(int $ms): \DateTimeImmutable
    {
        return Native::instant($ms);
    }

    /**
     * The normalized token as JSON, from the library (iop_token_to_json): access_token,
     * refresh_token, expires_at / refresh_expires_at (epoch ms or null), can_refresh, account
     * fields, country_user_info. Contains the tokens: store it like a password.
     */
    public function toJson(): string
    {
        return $this->json;
    }

    /** Whether the access token has expired at $now (default: now). */
    public function isExpired(?\DateTimeInterface $now = null): bool
    {
        return ($now ?? new \DateTimeImmutable('now', new \DateTimeZone('UTC'))) >= $this->expiresAt;
    }

    /** var_dump()/print_r() never show the tokens or the raw body. */
    public function __debugInfo(): array
    {
        $vars = get_object_vars($this);
        unset($vars['json']);
        foreach (['accessToken', 'refreshToken', 'raw'] as $secret) {
            $vars[$secret] = $vars[$secret] === '' ? '' : '<redacted>';
        }
        return $vars;
    }
}
