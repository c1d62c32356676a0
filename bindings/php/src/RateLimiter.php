<?php

declare(strict_types=1);

namespace Iopkit;

use Iopkit\Exception\InvalidArgumentException;
use Iopkit\TokenManager\TokenStore;

/**
 * Client-side rate limits over libiop's iop_rate_limiter_*: budgets (token buckets) and the
 * bans learned from the platform's throttling answers, kept in a token store's backend
 * (MemoryTokenStore: this process; RedisTokenStore: every host on that Redis and key
 * namespace, e.g. all PHP-FPM workers of a fleet). Attach it with setRateLimiter() on a client:
 *
 *   $limiter = (new RateLimiter($redisStore))->setBudget(LimitScope::APP, null, 50.0);
 *   $client->setRateLimiter($limiter);
 *
 * Before sending, a call waits for its budgets and bans at most the max wait; beyond it the call
 * is not sent and throws RateLimitedException (getRetryAfterMs()). A used-up daily quota throws
 * QuotaExceededException until its reset. Clients keep using the limiter after close().
 */
final class RateLimiter
{
    use NativeResource;

    /** @throws InvalidArgumentException for a store that cannot hold limits (file, callback) */
    public function __construct(public readonly TokenStore $store)
    {
        $this->adopt(Abi::rateLimiterNew($store->nativeHandle()), 'rateLimiter');
    }

    /**
     * Sets a budget: `$scope` a LimitScope value (or 'app', 'api', 'seller'); `$name` null, or
     * for LimitScope::API an API name ('/order/get'; null: every API, each its own bucket);
     * `$ratePerSecond` > 0 (0 removes the budget); `$burst` >= 1 (-1: ceil(rate)).
     */
    public function setBudget(int|string $scope, ?string $name, float $ratePerSecond, int $burst = Abi::USE_DEFAULT): static
    {
        if (\is_string($scope)) {
            $scope = \defined(LimitScope::class . '::' . strtoupper($scope)) ? \constant(LimitScope::class . '::' . strtoupper($scope))
                : throw new InvalidArgumentException("invalid argument `scope`: must be 'app', 'api' or 'seller', not '$scope'", Status::ERR_INVALID_ARGUMENT);
        }
        Abi::rateLimiterSetBudget($this->nativeHandle(), $scope, $name, $ratePerSecond, $burst);
        return $this;
    }

    /** The longest a call waits for a budget or a ban, in ms (0: fail at once; -1: Abi::DEFAULT_RATE_LIMIT_MAX_WAIT_MS). */
    public function setMaxWaitMs(int $maxWaitMs): static
    {
        Abi::rateLimiterSetMaxWaitMs($this->nativeHandle(), $maxWaitMs);
        return $this;
    }

    /**
     * The budgets and running bans of `$appKey` (may ask Redis).
     *
     * @return array{budgets: list<array{scope: string, name: ?string, rate_per_second: float, burst: int, available: float}>,
     *               bans: list<array{scope: string, name: ?string, until_ms: int, code: ?string}>}
     */
    public function status(string|int $appKey): array
    {
        return json_decode(Abi::rateLimiterStatusJson($this->nativeHandle(), (string) $appKey), true, 16, \JSON_THROW_ON_ERROR);
    }
}
