<?php

declare(strict_types=1);

namespace Iopkit\Exception;

/**
 * The seller must authorize the app again (token manager: the refresh token is dead or expired,
 * the grant cannot be refreshed, or nothing is stored); no retry can help
 * (IopStatus IOP_ERR_REAUTHORIZATION_REQUIRED).
 */
class ReauthorizationRequiredException extends IopException
{
}
