<?php

declare(strict_types=1);

namespace Iopkit\TokenManager;

/** An account whose seller must authorize the app again soon (TokenStore::reauthorizationDue()). */
final class DueAccount
{
    /** @internal Built by TokenStore::reauthorizationDue(). */
    public function __construct(
        /** The account key the manager was created with (e.g. the seller id), always a string. */
        public readonly string $account,
        /** The deadline (UTC); in the past when it has passed or the grant is already dead. */
        public readonly \DateTimeImmutable $reauthorizeBy,
    ) {
    }
}
