<?php

declare(strict_types=1);

namespace Iopkit\Enos;

use FFI;
use FFI\CData;
use Iopkit\Native;

/**
 * An EnOS access token and when it expires (EnosClient::getToken()/refreshToken()). Immutable;
 * holds no native memory. var_dump()/print_r() redact the token.
 */
final class EnosToken
{
    /** @internal Built by EnosClient. */
    public function __construct(
        /** The value to send as `apim-accesstoken`. */
        public readonly string $accessToken,
        /** When it expires (UTC, millisecond precision): time received + the service's `expire`. */
        public readonly \DateTimeImmutable $expiresAt,
    ) {
    }

    /**
     * Copies a native token, then frees it (exactly once, even on failure).
     *
     * @internal
     */
    public static function adopt(FFI $f, CData $token): self
    {
        try {
            return new self(
                (string) $f->iop_enos_token_access_token($token),
                Native::instant((int) $f->iop_enos_token_expires_at_ms($token)),
            );
        } finally {
            $f->iop_enos_token_free($token);
        }
    }

    /** Whether the token has expired at $now (default: now). */
    public function isExpired(?\DateTimeInterface $now = null): bool
    {
        return ($now ?? new \DateTimeImmutable('now', new \DateTimeZone('UTC'))) >= $this->expiresAt;
    }

    /** var_dump()/print_r() never show the token. */
    public function __debugInfo(): array
    {
        return ['accessToken' => '<redacted>', 'expiresAt' => $this->expiresAt];
    }
}
