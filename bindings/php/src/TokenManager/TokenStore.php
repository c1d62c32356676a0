<?php

declare(strict_types=1);

namespace Iopkit\TokenManager;

use FFI;
use FFI\CData;
use Iopkit\Exception\InvalidArgumentException;
use Iopkit\Exception\IopException;
use Iopkit\Native;

/**
 * Where token managers keep each account's tokens: MemoryTokenStore (this process),
 * FileTokenStore (the processes of one host), RedisTokenStore (the hosts of a fleet) or
 * CallbackTokenStore (the application's own storage, e.g. a database). One store serves many
 * accounts; share it between managers.
 *
 * The native store is freed by the destructor, exactly once. A TokenManager keeps its store
 * object alive, so dropping your own reference to a store early is fine.
 */
abstract class TokenStore
{
    private ?CData $handle = null;

    /** Takes ownership of a native store from iop_token_store_*_new. */
    protected function adopt(CData $handle): void
    {
        $this->handle = $handle;
    }

    public function __destruct()
    {
        if ($this->handle !== null) {
            $handle = $this->handle;
            $this->handle = null;
            Native::ffi()->iop_token_store_free($handle);
        }
    }

    /** A store owns a native handle: clone is refused (share the object instead). */
    public function __clone()
    {
        $this->handle = null; // the copy must never free the original's handle
        throw new \LogicException('a token store cannot be cloned; share it');
    }

    /** @return never */
    public function __serialize(): array
    {
        throw new \LogicException('a token store cannot be serialized');
    }

    public function __unserialize(array $data): void
    {
        throw new \LogicException('a token store cannot be unserialized');
    }

    /**
     * The accounts whose re-authorization deadline (when the seller must authorize the app
     * again: the refresh token's expiry, or the access token's for grants that cannot be
     * refreshed) falls within `$within` (seconds, or a DateInterval) from now, deadlines already
     * passed and grants known to be dead included, soonest first. Use it to remind sellers.
     *
     * @return list<DueAccount>
     * @throws InvalidArgumentException for a negative window; for a CallbackTokenStore whose
     *         accounts() returns null, an InternalException (getPrevious() says why)
     * @throws IopException when the store fails
     */
    public function reauthorizationDue(int|\DateInterval $within): array
    {
        $seconds = self::seconds($within, 'within');
        $f = Native::ffi();
        $out = $f->new('char*');
        $handle = $this->nativeHandle();
        $this->invoke(static fn (): int => $f->iop_token_store_due_json($handle, $seconds, FFI::addr($out)));
        try {
            $json = FFI::string($out);
        } finally {
            $f->iop_string_free($out);
        }
        $due = [];
        foreach (json_decode($json, true, 512, \JSON_THROW_ON_ERROR) as $item) {
            $due[] = new DueAccount((string) $item['account'], Native::instant((int) $item['reauthorize_by']));
        }
        return $due;
    }

    /**
     * The native store.
     *
     * @internal
     */
    public function nativeHandle(): CData
    {
        if ($this->handle === null) {
            throw new \LogicException('this token store has been destroyed');
        }
        return $this->handle;
    }

    /**
     * Runs a native call that may run this store's callbacks (`$call` returns its IopStatus)
     * and throws the library's exception for a failure. CallbackTokenStore attaches the PHP
     * exception a callback threw as getPrevious().
     *
     * @internal
     * @param \Closure(): int $call
     * @throws IopException
     */
    public function invoke(\Closure $call): void
    {
        Native::check($call());
    }

    /**
     * A duration argument in whole seconds (>= 0).
     *
     * @internal
     * @throws InvalidArgumentException
     */
    public static function seconds(int|\DateInterval $duration, string $name): int
    {
        if ($duration instanceof \DateInterval) {
            $epoch = new \DateTimeImmutable('@0');
            $duration = $epoch->add($duration)->getTimestamp();
        }
        if ($duration < 0) {
            throw new InvalidArgumentException("invalid argument `$name`: must not be negative", 1);
        }
        return $duration;
    }
}
