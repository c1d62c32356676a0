<?php

declare(strict_types=1);

namespace Iopkit\Exception;

/** An argument was missing, of the wrong type, empty or malformed; the message names it (IopStatus IOP_ERR_INVALID_ARGUMENT). */
class InvalidArgumentException extends IopException
{
}
