<?php

declare(strict_types=1);

namespace Iopkit\Exception;

/**
 * A misuse of an iopkit object that no retry can fix: using it after close(), cloning or
 * serializing an object that owns a native handle, a store callback contract broken. A
 * \LogicException and an IopkitException; it carries no status.
 */
class LogicException extends \LogicException implements IopkitException
{
}
