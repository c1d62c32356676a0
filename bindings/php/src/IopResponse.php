<?php

declare(strict_types=1);

namespace Iopkit;

use FFI;
use FFI\CData;

/**
 * A call's response (IopClient::executeResponse()), read from the library's parsed envelope:
 * both shapes (flat GOP/token bodies and wrapped TOP `error_response`) give the same fields.
 * A platform error is a response whose isSuccess() is false, as in the official SDKs.
 * Immutable; holds no native memory.
 */
final class IopResponse
{
    /** @internal Built by IopClient. */
    public function __construct(
        /** The body exactly as received (JSON). */
        public readonly string $body,
        /** HTTP status, e.g. 200 or 400. */
        public readonly int $httpStatus,
        /** No error_response and `code` absent, "" or "0". */
        public readonly bool $success,
        /** "ISV", "ISP" or "SYSTEM", or null. */
        public readonly ?string $type,
        /** `code` as text ("0" on success), or null. */
        public readonly ?string $code,
        /** `message` (flat) or `msg` (wrapped), or null. */
        public readonly ?string $message,
        public readonly ?string $subCode,
        public readonly ?string $subMessage,
        public readonly ?string $requestId,
        /** Throttling errors (ApiCallLimit, AppCallLimit): the announced ban in ms; else null. */
        public readonly ?int $retryAfterMs = null,
    ) {
    }

    /**
     * Copies the fields of a live native response (the caller frees it).
     *
     * @internal
     */
    public static function read(FFI $f, CData $r): self
    {
        return new self(
            (string) $f->iop_response_body($r),
            (int) $f->iop_response_http_status($r),
            (bool) $f->iop_response_is_success($r),
            $f->iop_response_type($r),
            $f->iop_response_code($r),
            $f->iop_response_message($r),
            $f->iop_response_sub_code($r),
            $f->iop_response_sub_message($r),
            $f->iop_response_request_id($r),
            Native::optionalMillis((int) $f->iop_response_retry_after_ms($r)),
        );
    }

    public function isSuccess(): bool
    {
        return $this->success;
    }

    /** The .NET SDK's IsError(): !isSuccess(). */
    public function isError(): bool
    {
        return !$this->success;
    }

    public function getBody(): string
    {
        return $this->body;
    }

    public function getHttpStatus(): int
    {
        return $this->httpStatus;
    }

    public function getType(): ?string
    {
        return $this->type;
    }

    public function getCode(): ?string
    {
        return $this->code;
    }

    public function getMessage(): ?string
    {
        return $this->message;
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

    /**
     * For a throttling error (`code` ApiCallLimit or AppCallLimit): how long the platform says
     * the ban lasts, in milliseconds; null for any other response or when no duration is given.
     * Nothing is retried automatically.
     */
    public function getRetryAfterMs(): ?int
    {
        return $this->retryAfterMs;
    }

    /** getRetryAfterMs() as a DateInterval, or null. */
    public function getRetryAfter(): ?\DateInterval
    {
        return Native::interval($this->retryAfterMs);
    }

    /**
     * The body decoded as an associative array.
     *
     * @return array<string,mixed>
     * @throws \JsonException
     */
    public function json(): array
    {
        $data = json_decode($this->body, true, 512, \JSON_THROW_ON_ERROR | \JSON_BIGINT_AS_STRING);
        return \is_array($data) ? $data : [];
    }

    /** The body, so that `echo $response` prints what the official SDK's execute() returns. */
    public function __toString(): string
    {
        return $this->body;
    }

    /** The body may contain tokens (token calls): var_dump/print_r show the envelope fields only. */
    public function __debugInfo(): array
    {
        return [
            'httpStatus' => $this->httpStatus,
            'success' => $this->success,
            'type' => $this->type,
            'code' => $this->code,
            'message' => $this->message,
            'subCode' => $this->subCode,
            'subMessage' => $this->subMessage,
            'requestId' => $this->requestId,
            'retryAfterMs' => $this->retryAfterMs,
            'body' => '<' . \strlen($this->body) . ' bytes; getBody()>',
        ];
    }
}
