<?php

declare(strict_types=1);

namespace Iopkit\TokenManager;

/**
 * The application's own token storage (a database table, Redis…), for CallbackTokenStore.
 *
 * A record is a JSON text (it contains the tokens: protect it like a password) with a numeric
 * `version`; store it as given, per account, with its version. The library calls these methods
 * on the thread that uses a manager, which in PHP is the request's only thread. Because several
 * PHP processes (FPM workers, cron jobs) may share the storage, lock() must be shared by all of
 * them (e.g. `SELECT GET_LOCK()`, `pg_advisory_lock`, flock, Redis SET NX PX). A method that
 * throws makes the library call fail with an InternalException whose getPrevious() is yours.
 */
interface TokenStoreCallbacks
{
    /** The stored record of `$account`, or null when there is none. */
    public function load(string $account): ?string;

    /**
     * Stores `$recordJson` (whose `version` is `$expectedVersion + 1`) if the stored record's
     * version is `$expectedVersion` (0: nothing stored); true when stored, false when the
     * version differed (then nothing is stored). Called only while lock() is held for the account.
     */
    public function compareAndSwap(string $account, int $expectedVersion, string $recordJson): bool;

    /**
     * Takes the refresh lock of `$account`, shared by every process using the storage, waiting
     * at most `$timeoutMs`; true when taken, false on timeout.
     */
    public function lock(string $account, int $timeoutMs): bool;

    /** Releases the lock taken by lock(). */
    public function unlock(string $account): void;

    /**
     * Every stored account (for TokenStore::reauthorizationDue()), or null when this storage
     * cannot list them (reauthorizationDue() then fails).
     *
     * @return list<string>|null
     */
    public function accounts(): ?array;
}
