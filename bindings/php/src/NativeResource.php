<?php

declare(strict_types=1);

namespace Iopkit;

use FFI\CData;
use Iopkit\Exception\LogicException;

/**
 * Ownership of one native object (a client, store or manager): freed exactly once, by close()
 * or the destructor, with the ABI's iop_<object>_free. Copies are refused (they would free it
 * twice); share the PHP object instead.
 */
trait NativeResource
{
    private ?CData $handle = null;
    /** The ABI object name (Abi method prefix), e.g. "client": freed with Abi::clientFree(). */
    private string $object = '';

    /** Takes ownership of `$handle`, an object of the ABI's `$object` kind. */
    protected function adopt(CData $handle, string $object): void
    {
        [$this->handle, $this->object] = [$handle, $object];
    }

    /** Frees the native object now; calling it again does nothing, using the object throws. */
    public function close(): void
    {
        if ($this->handle !== null) {
            $handle = $this->handle;
            $this->handle = null;
            [Abi::class, $this->object . 'Free']($handle);
        }
    }

    public function __destruct()
    {
        $this->close();
    }

    /**
     * The native object.
     *
     * @internal
     * @throws \LogicException once closed
     */
    public function nativeHandle(): CData
    {
        return $this->handle ?? throw new LogicException('this ' . static::class . ' has been closed');
    }

    public function __clone()
    {
        $this->handle = null; // the copy must never free the original's handle
        throw new LogicException(static::class . ' cannot be cloned: share it');
    }

    /** @return never */
    public function __serialize(): array
    {
        throw new LogicException(static::class . ' cannot be serialized');
    }

    public function __unserialize(array $data): void
    {
        throw new LogicException(static::class . ' cannot be unserialized');
    }
}
