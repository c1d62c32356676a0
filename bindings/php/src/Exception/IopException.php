<?php

declare(strict_types=1);

namespace Iopkit\Exception;

use Iopkit\Status;

/**
 * A failed iopkit call (a \RuntimeException). Every non-OK IopStatus has its own subclass
 * (generated, see Status::EXCEPTIONS), except InvalidArgumentException, which extends
 * \InvalidArgumentException instead; both implement IopkitException and have the fields of
 * StatusFields. getCode() is the IopStatus value. Messages never contain the app secret, codes
 * or tokens.
 */
class IopException extends \RuntimeException implements IopkitException
{
    use StatusFields;

    /**
     * The exception for `$status` (an IopStatus value other than IOP_OK), of its own class
     * (Status::EXCEPTIONS); an unknown value gives a plain IopException. `$details`: the
     * constructor's arguments after `$status` (errorCode … retryAfterMs, previous: what caused
     * it on the PHP side, e.g. an exception thrown by a store callback).
     *
     * @return IopException|InvalidArgumentException
     */
    public static function forStatus(int $status, string $message, mixed ...$details): IopkitException
    {
        $class = Status::EXCEPTIONS[$status] ?? self::class;
        return new $class($message, $status, ...$details);
    }
}
