<?php

declare(strict_types=1);

namespace Iopkit\TokenManager;

use Iopkit\Native;

/**
 * What the store holds for one account (TokenManager::record()). Immutable; holds no native
 * memory. Contains the tokens: var_dump()/print_r() redact them.
 */
final class TokenRecord
{
    /** @internal Built by fromJson(). */
    public function __construct(
        /** Write counter: 1 for the first stored grant, +1 on every change. */
        public readonly int $version,
        public readonly string $accessToken,
        /** "" for EnOS, which has no refresh token. */
        public readonly string $refreshToken,
        /** When the access token expires (UTC). */
        public readonly \DateTimeImmutable $expiresAt,
        /** When the refresh token expires (UTC), when known. */
        public readonly ?\DateTimeImmutable $refreshExpiresAt,
        /** Whether the refresh token may be used. */
        public readonly bool $canRefresh,
        /** When the seller authorized (the first grant of this chain). */
        public readonly \DateTimeImmutable $grantedAt,
        /** Set while a refresh is in flight; left set if a process died before storing its answer. */
        public readonly ?\DateTimeImmutable $refreshStartedAt,
        /** Why the seller must authorize again (e.g. the platform's IllegalRefreshToken), once known. */
        public readonly ?string $reauthorizationReason,
        public readonly ?string $sellerId,
        public readonly ?string $country,
        /**
         * When the seller must authorize again: the refresh token's expiry, or the access
         * token's when it cannot be refreshed; null for EnOS or when the platform gave none.
         */
        public readonly ?\DateTimeImmutable $reauthorizeBy,
    ) {
    }

    /**
     * Reads iop_token_manager_record_json's object.
     *
     * @internal
     * @param array<string, mixed> $r
     */
    public static function fromArray(array $r): self
    {
        $time = static fn (mixed $ms): ?\DateTimeImmutable => $ms === null ? null : Native::instant((int) $ms);
        return new self(
            (int) $r['version'],
            (string) $r['access_token'],
            (string) ($r['refresh_token'] ?? ''),
            Native::instant((int) $r['expires_at_ms']),
            $time($r['refresh_expires_at_ms'] ?? null),
            (bool) ($r['can_refresh'] ?? false),
            Native::instant((int) $r['granted_at_ms']),
            $time($r['refresh_started_at_ms'] ?? null),
            isset($r['reauthorization_reason']) ? (string) $r['reauthorization_reason'] : null,
            isset($r['seller_id']) ? (string) $r['seller_id'] : null,
            isset($r['country']) ? (string) $r['country'] : null,
            $time($r['reauthorize_by_ms'] ?? null),
        );
    }

    /** Whether the grant is known to be dead: the seller must authorize the app again. */
    public function needsReauthorization(): bool
    {
        return $this->reauthorizationReason !== null;
    }

    /** var_dump()/print_r() never show the tokens. */
    public function __debugInfo(): array
    {
        $vars = get_object_vars($this);
        foreach (['accessToken', 'refreshToken'] as $secret) {
            $vars[$secret] = $vars[$secret] === '' ? '' : '<redacted>';
        }
        return $vars;
    }
}
