<?php

declare(strict_types=1);

namespace Iopkit\Tests\Support;

use Iopkit\TokenManager\TokenStoreCallbacks;

/**
 * The application's store for the callback tests: records in an array, a lock per account,
 * a count of every call, and switches that make a callback fail.
 */
final class ArrayTokenStore implements TokenStoreCallbacks
{
    /** @var array<string, string> account => record JSON */
    public array $records = [];
    /** @var array<string, bool> */
    public array $locked = [];
    /** @var array<string, int> */
    public array $calls = ['load' => 0, 'compareAndSwap' => 0, 'lock' => 0, 'unlock' => 0, 'accounts' => 0];
    /** Set when compareAndSwap ran without the account's lock. */
    public bool $casWithoutLock = false;
    public ?\Throwable $throwOnLoad = null;
    public bool $lockTimesOut = false;
    public bool $canList = true;
    public bool $unlockThrows = false;

    public function load(string $account): ?string
    {
        $this->calls['load']++;
        if ($this->throwOnLoad !== null) {
            throw $this->throwOnLoad;
        }
        return $this->records[$account] ?? null;
    }

    public function compareAndSwap(string $account, int $expectedVersion, string $recordJson): bool
    {
        $this->calls['compareAndSwap']++;
        $this->casWithoutLock = $this->casWithoutLock || !($this->locked[$account] ?? false);
        $current = isset($this->records[$account]) ? json_decode($this->records[$account], true)['version'] : 0;
        if ($current !== $expectedVersion) {
            return false;
        }
        $this->records[$account] = $recordJson;
        return true;
    }

    public function lock(string $account, int $timeoutMs): bool
    {
        $this->calls['lock']++;
        if ($this->lockTimesOut || ($this->locked[$account] ?? false)) {
            return false;
        }
        return $this->locked[$account] = true;
    }

    public function unlock(string $account): void
    {
        $this->calls['unlock']++;
        unset($this->locked[$account]);
        if ($this->unlockThrows) {
            throw new \RuntimeException('unlock failed');
        }
    }

    public function accounts(): ?array
    {
        $this->calls['accounts']++;
        return $this->canList ? array_keys($this->records) : null; // numeric keys arrive as ints
    }
}
