<?php

declare(strict_types=1);

namespace Iopkit\Exception;

/** A bug in the library (for example a caught panic) (IopStatus IOP_ERR_INTERNAL). */
class InternalException extends IopException
{
}
