<?php

declare(strict_types=1);

namespace Iopkit;

use Iopkit\Exception\InvalidArgumentException;

/**
 * Routes libiop's events (call.start, call.end, call.retry, token.refresh, token.create,
 * store.lock_wait, limit.*) to a PSR-3 logger: any object with a
 * `log($level, $message, array $context)` method (Monolog, a PSR-3 adapter…; no dependency).
 * The context holds the event's fields (api, host, http_status, duration_ms, request_id…) plus
 * `event`, its stable name. Events never carry a secret, token, code, signature, query string
 * or body.
 *
 *   Log::setLogger($monolog, 'info');   // call.end, token.*, warnings and errors
 *
 * Process-wide (the library has one event stream). PSR-3 loggers cannot be asked for their
 * level, so the level is given here (setLogger(), setLevel()); events finer than it are never
 * formatted. A logger that throws loses that record (nothing unwinds through the library).
 * The calls of executeBatch() run on the library's threads, which PHP cannot enter: they log
 * nothing. The logger is detached when the request (or script) ends.
 */
final class Log
{
    /** PSR-3 level name => the finest native level it lets through ('trace' is an extension). */
    public const LEVELS = [
        'emergency' => LogLevel::OFF,
        'alert' => LogLevel::OFF,
        'critical' => LogLevel::OFF,
        'error' => LogLevel::ERROR,
        'warning' => LogLevel::WARN,
        'notice' => LogLevel::WARN,
        'info' => LogLevel::INFO,
        'debug' => LogLevel::DEBUG,
        'trace' => LogLevel::TRACE,
    ];

    /** Native level => the PSR-3 level its records get. */
    private const PSR_LEVEL = [
        LogLevel::ERROR => 'error',
        LogLevel::WARN => 'warning',
        LogLevel::INFO => 'info',
        LogLevel::DEBUG => 'debug',
        LogLevel::TRACE => 'debug',
    ];

    private static ?object $logger = null;
    private static int $level = LogLevel::OFF;
    /** The callback handed to the library, kept alive while it is registered. */
    private static ?\Closure $callback = null;
    private static bool $shutdownRegistered = false;

    /**
     * Sends the events at `$level` (a PSR-3 level name) and above to `$logger`; null stops
     * logging. Replaces the previous logger.
     *
     * @throws InvalidArgumentException for an object without a log() method or an unknown level
     */
    public static function setLogger(?object $logger, string $level = 'debug'): void
    {
        if ($logger !== null && !method_exists($logger, 'log')) {
            throw new InvalidArgumentException('invalid argument `logger`: must have a log($level, $message, array $context) method (PSR-3)', Status::ERR_INVALID_ARGUMENT);
        }
        $native = self::nativeLevel($level);
        if ($logger === null) {
            self::detach();
            return;
        }
        self::$callback ??= static function ($userData, int $level, string $event, string $message, string $fields): void {
            self::deliver($level, $event, $message, $fields);
        };
        if (!self::$shutdownRegistered) {
            register_shutdown_function([self::class, 'detach']);
            self::$shutdownRegistered = true;
        }
        [self::$logger, self::$level] = [$logger, $native];
        Abi::logSetCallback(self::$callback, null, $native);
    }

    /** Changes the level of the current logger (a PSR-3 level name). */
    public static function setLevel(string $level): void
    {
        self::$level = self::nativeLevel($level);
        if (self::$logger !== null) {
            Abi::logSetLevel(self::$level);
        }
    }

    /** The logger events go to, or null. */
    public static function logger(): ?object
    {
        return self::$logger;
    }

    /** Stops logging (also run when the request ends, before PHP frees the callback). */
    public static function detach(): void
    {
        if (self::$logger !== null) {
            Abi::logSetCallback(null, null, LogLevel::OFF);
        }
        [self::$logger, self::$level] = [null, LogLevel::OFF];
    }

    /**
     * Runs `$body` with the library's events off: for calls that run on the library's own
     * threads (the batch), where a PHP callback must never be called.
     *
     * @template T
     * @param \Closure(): T $body
     * @return T
     * @internal
     */
    public static function offThread(\Closure $body): mixed
    {
        if (self::$logger === null) {
            return $body();
        }
        Abi::logSetLevel(LogLevel::OFF);
        try {
            return $body();
        } finally {
            Abi::logSetLevel(self::$level);
        }
    }

    private static function nativeLevel(string $level): int
    {
        $native = self::LEVELS[strtolower($level)] ?? null;
        if ($native === null) {
            throw new InvalidArgumentException("invalid argument `level`: must be a PSR-3 level name ('debug', 'info', 'warning', 'error'…), not '$level'", Status::ERR_INVALID_ARGUMENT);
        }
        return $native;
    }

    /** One event, on the calling thread; nothing may be thrown back into the library. */
    private static function deliver(int $level, string $event, string $message, string $fields): void
    {
        $logger = self::$logger;
        if ($logger === null || $level > self::$level) {
            return;
        }
        try {
            $context = json_decode($fields, true, 16, \JSON_THROW_ON_ERROR);
            $context = (\is_array($context) ? $context : []) + ['event' => $event];
            $logger->log(self::PSR_LEVEL[$level] ?? 'debug', $message, $context);
        } catch (\Throwable) {
            // A PSR-3 logger must not throw; if it does, the record is lost, the call goes on.
        }
    }

    private function __construct()
    {
    }
}
