<?php

declare(strict_types=1);

namespace Iopkit\Enos;

use FFI\CData;
use Iopkit\Abi;
use Iopkit\Native;

/**
 * An EnOS access token and when it expires (EnosClient::getToken()/refreshToken()). Immutable;
 * holds no native memory. var_dump()/print_r() redact the token.
 */
final class EnosToken
{
    /** @internal Built by adopt(). */
    public function __construct(
        /** The value to send as `apim-accesstoken`. */
        public readonly string $accessToken,
        /** When it expires (UTC, millisecond precision): time received + the service's `expire`. */
        public readonly \DateTimeImmutable $expiresAt,
    ) {
    }

    /**
     * Copies a native token, then frees it.
     *
     * @internal
     */
    public static function adopt(CData $token): self
    {
        try {
            return new self((string) Abi::enosTokenAccessToken($token), Native::instant(Abi::enosTokenExpiresAtMs($token)));
        } finally {
            Abi::enosTokenFree($token);
        }
    }

    /** Whether the token has expired at $now (default: now). */
    public function isExpired(?\DateTimeInterface $now = null): bool
    {
        return ($now ?? new \DateTimeImmutable()) >= $this->expiresAt;
    }

    /** var_dump()/print_r() never show the token. */
    public function __debugInfo(): array
    {
        return ['accessToken' => '<redacted>', 'expiresAt' => $this->expiresAt];
    }
}
