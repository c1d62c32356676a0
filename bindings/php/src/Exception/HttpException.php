<?php

declare(strict_types=1);

namespace Iopkit\Exception;

/** An HTTP error status with a body that is not a platform envelope (e.g. an HTML 502 page) (IopStatus IOP_ERR_HTTP). */
class HttpException extends IopException
{
}
