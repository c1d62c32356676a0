<?php

declare(strict_types=1);

namespace Iopkit\TokenManager;

use FFI\CData;
use Iopkit\Abi;
use Iopkit\Exception\LogicException;
use Iopkit\Native;

/**
 * A token store backed by the application's TokenStoreCallbacks (its own database):
 *
 *   $store = new CallbackTokenStore(new MyDatabaseTokenStore($pdo));
 *   $manager = new TokenManager($client, $store, $sellerId);
 *
 * The library calls the callbacks through PHP FFI closures kept in the native callbacks struct
 * this object holds for its whole life (a TokenManager holds this object for its own). A
 * callback that throws never unwinds into the library: the library call fails with an
 * IopException (InternalException) whose getPrevious() is the callback's exception.
 *
 * PHP FFI keeps every callback closure until the end of the request (the CLI: the process), so
 * create a CallbackTokenStore once and share it, rather than one per call.
 */
final class CallbackTokenStore extends TokenStore
{
    /** The native IopTokenStoreCallbacks, kept with its closures. */
    private CData $struct;

    public function __construct(public readonly TokenStoreCallbacks $callbacks)
    {
        // The closures outlive this object (PHP FFI keeps them until the end of the request):
        // a weak reference lets the store be destroyed as soon as nothing uses it.
        $self = \WeakReference::create($this);
        $run = static fn (\Closure $body): int => Native::callback(static fn (): int => $body($self->get()?->callbacks ?? throw new LogicException('the store is gone')));
        $this->struct = Native::ffi()->new('IopTokenStoreCallbacks'); // zeroed: user_data stays NULL
        $this->struct->load = static fn ($_, $account, $value): int => $run(static function (TokenStoreCallbacks $c) use ($account, $value): int {
            $json = $c->load((string) $account);
            if ($json !== null) {
                Abi::tokenStoreValueSet($value, $json);
            }
            return 0;
        });
        $this->struct->compare_and_swap = static fn ($_, $account, $expected, $record): int => $run(
            static fn (TokenStoreCallbacks $c): int => $c->compareAndSwap((string) $account, (int) $expected, (string) $record) ? 0 : 1,
        );
        // u64::MAX arrives as a negative or float value: wait "forever" in PHP terms.
        $this->struct->lock = static fn ($_, $account, $timeoutMs): int => $run(
            static fn (TokenStoreCallbacks $c): int => $c->lock((string) $account, \is_int($timeoutMs) && $timeoutMs >= 0 ? $timeoutMs : \PHP_INT_MAX) ? 0 : 1,
        );
        $this->struct->unlock = static function ($_, $account) use ($run): void {
            $run(static fn (TokenStoreCallbacks $c): int => $c->unlock((string) $account) ?? 0);
        };
        $this->struct->accounts = static fn ($_, $value): int => $run(static function (TokenStoreCallbacks $c) use ($value): int {
            $accounts = $c->accounts() ?? throw new LogicException('this store cannot list its accounts: its accounts() returned null');
            Abi::tokenStoreValueSet($value, json_encode(array_map('strval', $accounts), \JSON_THROW_ON_ERROR));
            return 0;
        });
        $this->adopt(Abi::tokenStoreNewCallback(\FFI::addr($this->struct)), 'tokenStore');
    }

    public function __debugInfo(): array
    {
        return ['callbacks' => $this->callbacks::class];
    }
}
