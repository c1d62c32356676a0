<?php

declare(strict_types=1);

namespace Iopkit\Exception;

/**
 * A failed iopkit call. One subclass per non-OK IopStatus of the C library (see STATUS_CLASSES);
 * getCode() is the IopStatus value. Messages never contain the app secret, codes or tokens.
 */
class IopException extends \RuntimeException
{
    /** IopStatus value => exception class. Every non-OK status has its own class. */
    public const STATUS_CLASSES = [
        1 => InvalidArgumentException::class,
        2 => ConnectException::class,
        3 => NetworkException::class,
        4 => TimeoutException::class,
        5 => TlsException::class,
        6 => HttpException::class,
        7 => MalformedResponseException::class,
        8 => PlatformException::class,
        9 => InternalException::class,
        10 => TokenExpiredException::class,
        11 => ReauthorizationRequiredException::class,
    ];

    /** IopStatus value => constant name, for statuses reported without the library (argument checks). */
    private const STATUS_NAMES = [
        1 => 'IOP_ERR_INVALID_ARGUMENT',
        2 => 'IOP_ERR_CONNECT',
        3 => 'IOP_ERR_NETWORK',
        4 => 'IOP_ERR_TIMEOUT',
        5 => 'IOP_ERR_TLS',
        6 => 'IOP_ERR_HTTP',
        7 => 'IOP_ERR_MALFORMED_RESPONSE',
        8 => 'IOP_ERR_PLATFORM',
        9 => 'IOP_ERR_INTERNAL',
        10 => 'IOP_ERR_TOKEN_EXPIRED',
        11 => 'IOP_ERR_REAUTHORIZATION_REQUIRED',
    ];

    private string $statusName;

    public function __construct(
        string $message,
        int $status,
        ?string $statusName = null,
        private readonly ?string $errorCode = null,
        private readonly ?string $type = null,
        private readonly ?string $subCode = null,
        private readonly ?string $requestId = null,
        private readonly int $httpStatus = 0,
        ?\Throwable $previous = null,
        private readonly ?int $retryAfterMs = null,
    ) {
        parent::__construct($message, $status, $previous);
        $this->statusName = $statusName ?? (self::STATUS_NAMES[$status] ?? 'IOP_UNKNOWN_STATUS');
    }

    /**
     * The exception for `$status` (an IopStatus value other than IOP_OK), of its own class.
     * An unknown value gives a plain IopException (never happens with a matching library).
     * `$previous`: what caused it on the PHP side (e.g. an exception thrown by a store callback).
     */
    public static function forStatus(
        int $status,
        string $message,
        ?string $statusName = null,
        ?string $errorCode = null,
        ?string $type = null,
        ?string $subCode = null,
        ?string $requestId = null,
        int $httpStatus = 0,
        ?int $retryAfterMs = null,
        ?\Throwable $previous = null,
    ): self {
        $class = self::STATUS_CLASSES[$status] ?? self::class;
        return new $class($message, $status, $statusName, $errorCode, $type, $subCode, $requestId, $httpStatus, $previous, $retryAfterMs);
    }

    /** The IopStatus value (same as getCode()). */
    public function getStatus(): int
    {
        return $this->getCode();
    }

    /** The IopStatus constant's name, e.g. "IOP_ERR_PLATFORM". */
    public function getStatusName(): string
    {
        return $this->statusName;
    }

    /** The platform's error `code` (e.g. "IllegalRefreshToken"); PlatformException only, else null. */
    public function getErrorCode(): ?string
    {
        return $this->errorCode;
    }

    /** Alias of getErrorCode(). */
    public function getPlatformCode(): ?string
    {
        return $this->errorCode;
    }

    /** The platform's error `type`: "ISV", "ISP" or "SYSTEM", or null. */
    public function getType(): ?string
    {
        return $this->type;
    }

    /** The platform's `sub_code`, or null. */
    public function getSubCode(): ?string
    {
        return $this->subCode;
    }

    /** The platform's `request_id` (quote it to platform support), or null. */
    public function getRequestId(): ?string
    {
        return $this->requestId;
    }

    /** HTTP status of the response that carried the failure; 0 when there was none. */
    public function getHttpStatus(): int
    {
        return $this->httpStatus;
    }

    /**
     * For a throttling error (PlatformException with code ApiCallLimit or AppCallLimit): how long
     * the platform says the ban lasts, in milliseconds; null for any other failure or when no
     * duration was given. Nothing is retried automatically.
     */
    public function getRetryAfterMs(): ?int
    {
        return $this->retryAfterMs;
    }

    /** getRetryAfterMs() as a DateInterval, or null. */
    public function getRetryAfter(): ?\DateInterval
    {
        return \Iopkit\Native::interval($this->retryAfterMs);
    }
}
