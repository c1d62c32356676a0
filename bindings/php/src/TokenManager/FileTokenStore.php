<?php

declare(strict_types=1);

namespace Iopkit\TokenManager;

use FFI;
use Iopkit\Exception\InvalidArgumentException;
use Iopkit\Native;

/**
 * A token store in a JSON file, shared safely by the processes of one host (PHP-FPM workers,
 * cron jobs): the library takes an advisory lock on `<path>.lock` around each refresh, so a
 * refresh token is spent once however many processes ask. The file is created on the first
 * write with mode 0600 (its folder must exist); it holds the tokens, never the app secret.
 */
final class FileTokenStore extends TokenStore
{
    /** The path given to the constructor. */
    public readonly string $path;

    /** @throws InvalidArgumentException for an empty path or one with NUL bytes */
    public function __construct($path)
    {
        $this->path = Native::text($path, 'path');
        $f = Native::ffi();
        $out = $f->new('IopTokenStore*');
        Native::check($f->iop_token_store_file_new($this->path, FFI::addr($out)));
        $this->adopt($out);
    }

    public function __debugInfo(): array
    {
        return ['path' => $this->path];
    }
}
