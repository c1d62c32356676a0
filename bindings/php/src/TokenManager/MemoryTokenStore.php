<?php

declare(strict_types=1);

namespace Iopkit\TokenManager;

use Iopkit\Abi;

/**
 * A token store in this process's memory: lost when the process ends, not shared with other
 * processes (under PHP-FPM every worker has its own). For CLI workers and tests.
 */
final class MemoryTokenStore extends TokenStore
{
    public function __construct()
    {
        $this->adopt(Abi::tokenStoreNewMemory(), 'tokenStore');
    }
}
