<?php

declare(strict_types=1);

namespace Iopkit\Exception;

use Iopkit\PlatformFields;
use Iopkit\Status;

/**
 * A failed iopkit call. Every non-OK IopStatus has its own subclass (generated, see
 * Status::EXCEPTIONS); getCode() is the IopStatus value. Messages never contain the app secret,
 * codes or tokens.
 */
class IopException extends \RuntimeException
{
    use PlatformFields;

    public function __construct(
        string $message,
        int $status,
        private readonly ?string $errorCode = null,
        ?string $type = null,
        ?string $subCode = null,
        ?string $subMessage = null,
        ?string $requestId = null,
        int $httpStatus = 0,
        ?int $retryAfterMs = null,
        ?\Throwable $previous = null,
    ) {
        parent::__construct($message, $status, $previous);
        $this->platformFields($type, $subCode, $subMessage, $requestId, $httpStatus, $retryAfterMs);
    }

    /**
     * The exception for `$status` (an IopStatus value other than IOP_OK), of its own class
     * (Status::EXCEPTIONS); an unknown value gives a plain IopException. `$details`: the
     * constructor's arguments after `$status` (errorCode … retryAfterMs, previous: what caused
     * it on the PHP side, e.g. an exception thrown by a store callback).
     */
    public static function forStatus(int $status, string $message, mixed ...$details): self
    {
        $class = Status::EXCEPTIONS[$status] ?? self::class;
        return new $class($message, $status, ...$details);
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
