<?php

declare(strict_types=1);

namespace Iopkit\Exception;

/** The connection could not be made: the request never reached the server (IopStatus IOP_ERR_CONNECT). */
class ConnectException extends IopException
{
}
