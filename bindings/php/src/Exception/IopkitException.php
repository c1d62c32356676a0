<?php

declare(strict_types=1);

namespace Iopkit\Exception;

/**
 * Marker interface of every exception iopkit throws: `catch (IopkitException $e)` catches them
 * all. A failed call is an IopException (a \RuntimeException: ConnectException,
 * TimeoutException, PlatformException…) or an InvalidArgumentException (a
 * \InvalidArgumentException); both carry the IopStatus and the platform's fields
 * (StatusFields). LibraryException (libiop could not be loaded) carries none.
 */
interface IopkitException extends \Throwable
{
}
