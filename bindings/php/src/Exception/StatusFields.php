<?php

declare(strict_types=1);

namespace Iopkit\Exception;

use Iopkit\PlatformFields;
use Iopkit\Status;

/**
 * What every failed call's exception has, whatever its SPL base: the IopStatus (getCode()) and
 * the platform's fields. Used by IopException and by the status exceptions that extend another
 * SPL class (InvalidArgumentException). Messages never contain the app secret, codes or tokens.
 */
trait StatusFields
{
    use PlatformFields;

    private readonly ?string $errorCode;

    public function __construct(
        string $message,
        int $status,
        ?string $errorCode = null,
        ?string $type = null,
        ?string $subCode = null,
        ?string $subMessage = null,
        ?string $requestId = null,
        int $httpStatus = 0,
        ?int $retryAfterMs = null,
        ?\Throwable $previous = null,
    ) {
        parent::__construct($message, $status, $previous);
        $this->errorCode = $errorCode;
        $this->platformFields($type, $subCode, $subMessage, $requestId, $httpStatus, $retryAfterMs);
    }

    /** The IopStatus value (same as getCode()). */
    public function getStatus(): int
    {
        return $this->getCode();
    }

    /** The IopStatus constant's name, e.g. "IOP_ERR_PLATFORM" ("IOP_UNKNOWN_STATUS" for others). */
    public function getStatusName(): string
    {
        return Status::NAMES[$this->getCode()] ?? 'IOP_UNKNOWN_STATUS';
    }

    /** The platform's error `code` (e.g. "IllegalRefreshToken", EnOS "1203"), or null. */
    public function getErrorCode(): ?string
    {
        return $this->errorCode;
    }

    /** Alias of getErrorCode(). */
    public function getPlatformCode(): ?string
    {
        return $this->errorCode;
    }
}
