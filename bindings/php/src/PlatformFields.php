<?php

declare(strict_types=1);

namespace Iopkit;

/**
 * The platform envelope's fields that an IopResponse and an IopException (a failed call) both
 * carry, as readonly properties and the official SDKs' getters.
 */
trait PlatformFields
{
    /** "ISV", "ISP" or "SYSTEM", or null. */
    public readonly ?string $type;
    /** `sub_code`, or null. */
    public readonly ?string $subCode;
    /** `sub_msg` (a human-readable detail), or null. */
    public readonly ?string $subMessage;
    /** `request_id` (quote it to platform support), or null. */
    public readonly ?string $requestId;
    /** HTTP status of the response (0 when there was none). */
    public readonly int $httpStatus;
    /** Throttling errors (ApiCallLimit, AppCallLimit): the announced ban in ms; else null. Nothing is retried automatically. */
    public readonly ?int $retryAfterMs;

    private function platformFields(?string $type, ?string $subCode, ?string $subMessage, ?string $requestId, int $httpStatus, ?int $retryAfterMs): void
    {
        $this->type = $type;
        $this->subCode = $subCode;
        $this->subMessage = $subMessage;
        $this->requestId = $requestId;
        $this->httpStatus = $httpStatus;
        $this->retryAfterMs = $retryAfterMs;
    }

    public function getType(): ?string
    {
        return $this->type;
    }

    public function getSubCode(): ?string
    {
        return $this->subCode;
    }

    public function getSubMessage(): ?string
    {
        return $this->subMessage;
    }

    public function getRequestId(): ?string
    {
        return $this->requestId;
    }

    public function getHttpStatus(): int
    {
        return $this->httpStatus;
    }

    public function getRetryAfterMs(): ?int
    {
        return $this->retryAfterMs;
    }

    /** getRetryAfterMs() as a DateInterval, or null. */
    public function getRetryAfter(): ?\DateInterval
    {
        return Native::interval($this->retryAfterMs);
    }
}
