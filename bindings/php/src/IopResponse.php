<?php

declare(strict_types=1);

namespace Iopkit;

use FFI\CData;

/**
 * A call's response (IopClient::executeResponse(), executeBatch(), EnosClient::call()), read
 * from the library's parsed envelope: both shapes (flat GOP/token bodies and wrapped TOP
 * `error_response`) give the same fields. A platform error is a response whose isSuccess() is
 * false, as in the official SDKs. Immutable. Each field is read from the native response the
 * first time it is used (nothing is copied or decoded before); the native response is freed
 * with this object.
 */
final class IopResponse
{
    use PlatformFields;

    private const FIELDS = ['body', 'success', 'code', 'message', 'type', 'subCode', 'subMessage', 'requestId', 'httpStatus', 'retryAfterMs'];

    public readonly string $body; // exactly as received (JSON)
    public readonly bool $success; // no error_response and `code` absent, "" or "0"
    public readonly ?string $code; // as text ("0" on success), or null
    public readonly ?string $message; // `message` (flat) or `msg` (wrapped), or null

    /** @internal Takes ownership of a native response. */
    public function __construct(private ?CData $native)
    {
        // Uninitialized: the first read of each goes through __get.
        unset($this->body, $this->success, $this->code, $this->message, $this->type, $this->subCode, $this->subMessage, $this->requestId, $this->httpStatus, $this->retryAfterMs);
    }

    /** Reads field `$name` from the native response, once. */
    public function __get(string $name): mixed
    {
        $r = $this->native;
        return $this->$name = match ($name) {
            'body' => (string) Abi::responseBody($r),
            'success' => Abi::responseIsSuccess($r),
            'code' => Abi::responseCode($r),
            'message' => Abi::responseMessage($r),
            'type' => Abi::responseType($r),
            'subCode' => Abi::responseSubCode($r),
            'subMessage' => Abi::responseSubMessage($r),
            'requestId' => Abi::responseRequestId($r),
            'httpStatus' => Abi::responseHttpStatus($r),
            'retryAfterMs' => Native::optionalMillis(Abi::responseRetryAfterMs($r)),
            default => throw new \Error('Undefined property: ' . self::class . "::\$$name"),
        };
    }

    /** For `isset()` and `??`, as on a plain property. */
    public function __isset(string $name): bool
    {
        return \in_array($name, self::FIELDS, true) && $this->$name !== null;
    }

    public function __destruct()
    {
        Abi::responseFree($this->native);
    }

    /** A copy reads every field now: it does not share (and free) the native response. */
    public function __clone()
    {
        $this->__serialize();
        $this->native = null;
    }

    /** @return array<string,mixed> every field */
    public function __serialize(): array
    {
        return array_combine(self::FIELDS, array_map(fn (string $f): mixed => $this->$f, self::FIELDS));
    }

    public function __unserialize(array $data): void
    {
        foreach (self::FIELDS as $field) {
            $this->$field = $data[$field];
        }
        $this->native = null;
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

    public function getCode(): ?string
    {
        return $this->code;
    }

    public function getMessage(): ?string
    {
        return $this->message;
    }

    /**
     * The body decoded as an associative array (decoded on each call).
     *
     * @return array<string,mixed>
     * @throws \JsonException
     */
    public function json(): array
    {
        return (array) json_decode($this->body, true, 512, \JSON_THROW_ON_ERROR | \JSON_BIGINT_AS_STRING);
    }

    /** The body, so that `echo $response` prints what the official SDK's execute() returns. */
    public function __toString(): string
    {
        return $this->body;
    }

    /** The body may contain tokens (token calls): var_dump/print_r show the envelope fields only. */
    public function __debugInfo(): array
    {
        return ['body' => '<' . \strlen($this->body) . ' bytes; getBody()>'] + $this->__serialize();
    }
}
