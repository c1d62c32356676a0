<?php

declare(strict_types=1);

namespace Iopkit\TokenManager;

use Iopkit\Abi;
use Iopkit\NativeResource;
use Iopkit\PushMessage;

/**
 * Where token managers keep each account's tokens: MemoryTokenStore (this process),
 * FileTokenStore (the processes of one host), RedisTokenStore (the hosts of a fleet) or
 * CallbackTokenStore (the application's own storage, e.g. a database). One store serves many
 * accounts; share it between managers. A TokenManager keeps its store object alive.
 */
abstract class TokenStore
{
    use NativeResource;

    /**
     * The accounts whose re-authorization deadline (the refresh token's expiry, or the access
     * token's for grants that cannot be refreshed) falls within `$withinMs` milliseconds from
     * now, passed deadlines and dead grants included, soonest first, as the library lists
     * them: `reauthorize_by` in epoch milliseconds. Use it to remind sellers.
     *
     * @return list<array{account: string, reauthorize_by: int}>
     * @throws \Iopkit\Exception\IopException when the store fails or cannot list its accounts
     */
    public function reauthorizationDue(int $withinMs): array
    {
        return json_decode(Abi::tokenStoreListDue($this->nativeHandle(), $withinMs), true, 512, \JSON_THROW_ON_ERROR);
    }

    /**
     * Applies a verified push message: a token expiry alert (type 8) moves the
     * re-authorization deadline of every account of that seller to the alert's expiry when
     * earlier, so reauthorizationDue() names the seller at once. Other types change nothing.
     *
     * @return int how many records changed
     */
    public function applyPush(PushMessage $message): int
    {
        return Abi::tokenStoreApplyPush($this->nativeHandle(), $message->nativeHandle());
    }
}
