<?php

declare(strict_types=1);

namespace Iopkit\TokenManager;

use Iopkit\Abi;

/**
 * A token store in a JSON file, shared safely by the processes of one host (PHP-FPM workers,
 * cron jobs) through an advisory lock on `<path>.lock`. Created on the first write with mode
 * 0600 (its folder must exist); it holds the tokens, never the app secret.
 */
final class FileTokenStore extends TokenStore
{
    public function __construct(public readonly string $path)
    {
        $this->adopt(Abi::tokenStoreNewFile($path), 'tokenStore');
    }

    public function __debugInfo(): array
    {
        return ['path' => $this->path];
    }
}
