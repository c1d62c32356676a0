<?php

declare(strict_types=1);

namespace Iopkit;

use FFI\CData;

/**
 * A normalized token: the same fields for Lazada, AliExpress and Taobao TW responses, read
 * from the library (which does all the normalization). Immutable; holds no native memory.
 *
 * A refresh returns a NEW refresh token: store $refreshToken before using $accessToken, the old
 * one is dead. var_dump()/print_r() redact the tokens and the raw body.
 */
final class Token
{
    /**
     * @param list<CountryUserInfo> $countryUserInfo
     * @internal Built by adopt().
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
     * Parses a token response body (e.g. what IopClient::execute() returned for
     * /auth/token/create) with the library's parser; relative lifetimes count from
     * $receivedAtMs (epoch ms; default now).
     *
     * @throws Exception\PlatformException for an error envelope
     * @throws Exception\MalformedResponseException for a body that is not a token response
     */
    public static function fromResponse(#[\SensitiveParameter] string $body, ?int $receivedAtMs = null): self
    {
        return self::adopt(Abi::tokenParse($body, $receivedAtMs ?? Abi::USE_DEFAULT));
    }

    /**
     * Rebuilds a token from its toJson() (e.g. one the application stored).
     *
     * @throws Exception\InvalidArgumentException for text toJson() did not write
     */
    public static function fromJson(#[\SensitiveParameter] string $json): self
    {
        return self::adopt(Abi::tokenFromJson($json));
    }

    /**
     * Copies everything out of a native token, then frees it.
     *
     * @internal
     */
    public static function adopt(CData $t): self
    {
        try {
            $countries = [];
            for ($i = 0, $n = Abi::tokenCountryCount($t); $i < $n; $i++) {
                $countries[] = new CountryUserInfo(Abi::tokenCountryCode($t, $i), Abi::tokenCountryUserId($t, $i), Abi::tokenCountrySellerId($t, $i), Abi::tokenCountryShortCode($t, $i));
            }
            $refreshMs = Abi::tokenRefreshExpiresAtMs($t);
            return new self(
                (string) Abi::tokenAccessToken($t),
                (string) Abi::tokenRefreshToken($t),
                Native::instant(Abi::tokenExpiresAtMs($t)),
                Native::instant($refreshMs > 0 ? $refreshMs : null),
                Abi::tokenCanRefresh($t),
                Abi::tokenAccount($t),
                Abi::tokenAccountPlatform($t),
                Abi::tokenAccountId($t),
                Abi::tokenSellerId($t),
                Abi::tokenUserId($t),
                Abi::tokenShortCode($t),
                Abi::tokenCountry($t),
                $countries,
                Abi::tokenHavanaId($t),
                Abi::tokenUserNick($t),
                Abi::tokenLocale($t),
                Abi::tokenSp($t),
                (string) Abi::tokenRawJson($t),
                Abi::tokenToJson($t),
            );
        } finally {
            Abi::tokenFree($t);
        }
    }

    /**
     * The normalized token as JSON, from the library (iop_token_to_json); fromJson() reads it
     * back. Contains the tokens: store it like a password.
     */
    public function toJson(): string
    {
        return $this->json;
    }

    /** Whether the access token has expired at $now (default: now). */
    public function isExpired(?\DateTimeInterface $now = null): bool
    {
        return ($now ?? new \DateTimeImmutable()) >= $this->expiresAt;
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
