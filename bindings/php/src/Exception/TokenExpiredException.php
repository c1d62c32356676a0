<?php

declare(strict_types=1);

namespace Iopkit\Exception;

/**
 * The access token presented has expired (EnOS status 1203; getErrorCode() is "1203"): get a new
 * one with EnosClient::getToken(). A PlatformException, so existing catch blocks still catch it
 * (IopStatus IOP_ERR_TOKEN_EXPIRED).
 */
class TokenExpiredException extends PlatformException
{
}
