<?php

declare(strict_types=1);

namespace Iopkit\Exception;

/** The TLS handshake or certificate verification failed (IopStatus IOP_ERR_TLS). */
class TlsException extends IopException
{
}
