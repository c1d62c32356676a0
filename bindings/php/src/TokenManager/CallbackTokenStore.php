<?php

declare(strict_types=1);

namespace Iopkit\TokenManager;

use FFI;
use FFI\CData;
use Iopkit\Exception\IopException;
use Iopkit\Native;

/**
 * A token store backed by the application's TokenStoreCallbacks (its own database):
 *
 *   $store = new CallbackTokenStore(new MyDatabaseTokenStore($pdo));
 *   $manager = new TokenManager($client, $store, $sellerId);
 *
 * The library calls the callbacks through PHP FFI closures kept in the native callbacks struct
 * that this object holds for its whole life (and a TokenManager holds this object for its own).
 * A callback that throws never unwinds into the library: the trampoline catches it, returns a
 * failure code, and the library call fails with an IopException (InternalException) whose
 * getPrevious() is the callback's exception.
 *
 * PHP FFI keeps every callback closure until the end of the request (the CLI: the process), so
 * create a CallbackTokenStore once and share it, rather than one per call.
 */
final class CallbackTokenStore extends TokenStore
{
    /** The application's implementation. */
    public readonly TokenStoreCallbacks $callbacks;

    /** The native IopTokenStoreCallbacks; the library copied it, kept here with its closures. */
    private CData $struct;
    /** @var array<string, \Closure> the closures assigned to the struct's fields */
    private array $closures;
    /** The first exception a callback threw during the native call in progress. */
    private ?\Throwable $failure = null;

    public function __construct(TokenStoreCallbacks $callbacks)
    {
        $this->callbacks = $callbacks;
        // The closures outlive this object (PHP FFI keeps them until the end of the request):
        // a weak reference lets the store be destroyed as soon as nothing uses it.
        $self = \WeakReference::create($this);
        $this->closures = [
            'load' => static function ($userData, $account, $value) use ($self): int {
                return self::trampoline($self, static function (self $s) use ($account, $value): int {
                    $json = $s->callbacks->load((string) $account);
                    if ($json !== null) {
                        $f = Native::ffi();
                        Native::check($f->iop_token_store_value_set($value, Native::text($json, 'load() result')));
                    }
                    return 0;
                });
            },
            'compare_and_swap' => static function ($userData, $account, $expectedVersion, $recordJson) use ($self): int {
                return self::trampoline($self, static fn (self $s): int => $s->callbacks->compareAndSwap((string) $account, (int) $expectedVersion, (string) $recordJson) ? 0 : 1);
            },
            'lock' => static function ($userData, $account, $timeoutMs) use ($self): int {
                // u64::MAX arrives as a negative or float value: wait "forever" in PHP terms.
                $ms = \is_int($timeoutMs) && $timeoutMs >= 0 ? $timeoutMs : \PHP_INT_MAX;
                return self::trampoline($self, static fn (self $s): int => $s->callbacks->lock((string) $account, $ms) ? 0 : 1);
            },
            'unlock' => static function ($userData, $account) use ($self): void {
                self::trampoline($self, static function (self $s) use ($account): int {
                    $s->callbacks->unlock((string) $account);
                    return 0;
                });
            },
            'accounts' => static function ($userData, $value) use ($self): int {
                return self::trampoline($self, static function (self $s) use ($value): int {
                    $accounts = $s->callbacks->accounts();
                    if ($accounts === null) {
                        throw new \LogicException('this store cannot list its accounts: its accounts() returned null');
                    }
                    $list = [];
                    foreach ($accounts as $account) {
                        $list[] = (string) $account; // numeric seller ids may be PHP ints
                    }
                    $f = Native::ffi();
                    Native::check($f->iop_token_store_value_set($value, json_encode($list, \JSON_THROW_ON_ERROR)));
                    return 0;
                });
            },
        ];
        $f = Native::ffi();
        $struct = $f->new('IopTokenStoreCallbacks'); // zeroed: user_data stays NULL
        foreach ($this->closures as $field => $closure) {
            $struct->$field = $closure;
        }
        $this->struct = $struct;
        $out = $f->new('IopTokenStore*');
        Native::check($f->iop_token_store_callback_new(FFI::addr($struct), FFI::addr($out)));
        $this->adopt($out);
    }

    public function __debugInfo(): array
    {
        return ['callbacks' => $this->callbacks::class];
    }

    /**
     * @internal
     * @param \Closure(): int $call
     * @throws IopException with getPrevious() the exception a callback threw, if one did
     */
    public function invoke(\Closure $call): void
    {
        $this->failure = null;
        try {
            $status = $call();
        } finally {
            $failure = $this->failure;
            $this->failure = null;
        }
        if ($status !== 0) {
            throw Native::lastError($status, $failure);
        }
        if ($failure !== null) {
            // The call succeeded despite it: only unlock() can fail unnoticed by the library.
            // Its result stands; the lock may still be held, so say so rather than stay silent.
            trigger_error('iopkit: the token store callback failed after the call completed (the lock may still be held): '
                . $failure::class . ': ' . $failure->getMessage(), \E_USER_WARNING);
        }
    }

    /**
     * Runs a callback's body; anything it throws is kept for invoke() and becomes the failure
     * code -1 (an exception must never unwind through the library's frames).
     *
     * @param \WeakReference<self> $self
     * @param \Closure(self): int $body
     */
    private static function trampoline(\WeakReference $self, \Closure $body): int
    {
        $store = $self->get();
        if ($store === null) {
            return -1; // unreachable: every manager using the store keeps it alive
        }
        try {
            return $body($store);
        } catch (\Throwable $e) {
            $store->failure ??= $e;
            return -1;
        }
    }
}
