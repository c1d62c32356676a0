<?php

declare(strict_types=1);

namespace Iopkit\TokenManager;

use FFI;
use Iopkit\Native;

/**
 * A token store in this process's memory: lost when the process ends, not shared with other
 * processes (under PHP-FPM every worker has its own). For CLI workers and tests; web
 * applications want a FileTokenStore or a CallbackTokenStore.
 */
final class MemoryTokenStore extends TokenStore
{
    public function __construct()
    {
        $f = Native::ffi();
        $out = $f->new('IopTokenStore*');
        Native::check($f->iop_token_store_memory_new(FFI::addr($out)));
        $this->adopt($out);
    }
}
