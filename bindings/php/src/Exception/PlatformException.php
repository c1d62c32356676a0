<?php

declare(strict_types=1);

namespace Iopkit\Exception;

/** The platform answered with an error envelope (token helpers; getErrorCode() has its code, e.g. IllegalRefreshToken) (IopStatus IOP_ERR_PLATFORM). */
class PlatformException extends IopException
{
}
