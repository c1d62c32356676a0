<?php

declare(strict_types=1);

namespace Iopkit\Exception;

/** The connect or read timeout expired (IopStatus IOP_ERR_TIMEOUT). */
class TimeoutException extends IopException
{
}
