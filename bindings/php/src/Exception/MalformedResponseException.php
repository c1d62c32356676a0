<?php

declare(strict_types=1);

namespace Iopkit\Exception;

/** The body was not JSON, was truncated, or exceeded the size limit (IopStatus IOP_ERR_MALFORMED_RESPONSE). */
class MalformedResponseException extends IopException
{
}
