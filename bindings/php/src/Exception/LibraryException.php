<?php

declare(strict_types=1);

namespace Iopkit\Exception;

/**
 * libiop could not be loaded: the FFI extension is missing or disabled (ffi.enable), the shared
 * library was not found (set IOPKIT_LIB), or its version does not match this binding.
 * A deployment problem, not a failed call, so it is not an IopException (it has no status),
 * but it is an IopkitException.
 */
class LibraryException extends \RuntimeException implements IopkitException
{
}
