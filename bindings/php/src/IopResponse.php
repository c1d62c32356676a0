<?php

declare(strict_types=1);

namespace Iopkit;

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
    ) {
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
            'body' => '<' . \strlen($this->body) . ' bytes; getBody()>',
        ];
    }
}
