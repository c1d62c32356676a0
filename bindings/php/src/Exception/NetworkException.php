<?php

declare(strict_types=1);

namespace Iopkit\Exception;

/** The connection failed after it was made: the request may have reached the server (IopStatus IOP_ERR_NETWORK). */
class NetworkException extends IopException
{
}
