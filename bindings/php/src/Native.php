<?php

declare(strict_types=1);

namespace Iopkit;

use FFI;
use Iopkit\Exception\InvalidArgumentException;
use Iopkit\Exception\IopException;
use Iopkit\Exception\LibraryException;

/**
 * Loads libiop through PHP's FFI extension, once per process (or per request under FPM, where
 * a preloaded scope makes it free).
 *
 * Order: a scope named "IOPKIT" preloaded with opcache.preload + FFI::load("iop.preload.h")
 * (see README, needed when ffi.enable=preload outside the CLI), else FFI::cdef() with the
 * declarations in iop.ffi.h and the library at libraryPath(): the IOPKIT_LIB environment
 * variable, else lib/libiop.so inside this package if present, else "libiop.so.0" (the
 * SONAME, found through the dynamic linker's search path).
 *
 * @internal Used by the other classes; its API may change.
 */
final class Native
{
    /** Major.minor of the C ABI this binding was written for (iop.h IOP_VERSION_MAJOR/MINOR). */
    public const ABI_VERSION = '0.1';
    /** The FFI scope name used in iop.preload.h (#define FFI_SCOPE). */
    public const SCOPE = 'IOPKIT';
    /** Environment variable naming the shared library to load. */
    public const LIB_ENV = 'IOPKIT_LIB';

    private static ?FFI $ffi = null;
    private static string $source = '';

    private function __construct()
    {
    }

    /** The loaded library. @throws LibraryException */
    public static function ffi(): FFI
    {
        return self::$ffi ?? self::load();
    }

    /** How the library was loaded: 'scope IOPKIT' or the path given to FFI::cdef ('' before loading). */
    public static function source(): string
    {
        return self::$source;
    }

    /** The library's version string, e.g. "0.1.0". */
    public static function version(): string
    {
        return (string) self::ffi()->iop_version();
    }

    /** Path of the declaration file given to FFI::cdef(). */
    public static function declarationFile(): string
    {
        return \dirname(__DIR__) . '/iop.ffi.h';
    }

    /** Path of the declaration file for FFI::load() in an opcache.preload script. */
    public static function preloadFile(): string
    {
        return \dirname(__DIR__) . '/iop.preload.h';
    }

    /** The library FFI::cdef() loads: $IOPKIT_LIB, else lib/libiop.so in the package, else libiop.so.0. */
    public static function libraryPath(): string
    {
        $env = getenv(self::LIB_ENV);
        if (\is_string($env) && $env !== '') {
            return $env;
        }
        $bundled = \dirname(__DIR__) . '/lib/libiop.so';
        return is_file($bundled) ? $bundled : 'libiop.so.0';
    }

    private static function load(): FFI
    {
        if (!\extension_loaded('FFI')) {
            throw new LibraryException('iopkit needs the FFI extension (PHP 8.1+ built with --with-ffi; Debian: php8.x-cli ships it)');
        }
        $ffi = null;
        try {
            $ffi = FFI::scope(self::SCOPE);
            $source = 'scope ' . self::SCOPE;
        } catch (\Throwable) {
            // not preloaded: fall back to FFI::cdef below
        }
        if ($ffi === null) {
            $enable = strtolower((string) \ini_get('ffi.enable'));
            if (\in_array($enable, ['0', '', 'off', 'false', 'no'], true)) {
                throw new LibraryException('FFI is disabled (ffi.enable=0): set ffi.enable=1, or ffi.enable=preload with opcache.preload of iop.preload.h (see README)');
            }
            $decl = @file_get_contents(self::declarationFile());
            if ($decl === false) {
                throw new LibraryException('cannot read ' . self::declarationFile());
            }
            $path = self::libraryPath();
            try {
                $ffi = FFI::cdef($decl, $path);
            } catch (\Throwable $e) {
                $hint = $enable === 'preload' && !\in_array(\PHP_SAPI, ['cli', 'phpdbg', 'embed'], true)
                    ? 'ffi.enable=preload only allows FFI in preloaded code: preload iop.preload.h with opcache.preload (see README)'
                    : 'set ' . self::LIB_ENV . ' to the absolute path of libiop.so';
                throw new LibraryException("cannot load libiop from '$path': " . $e->getMessage() . " ($hint)", 0, $e);
            }
            $source = $path;
        }
        $version = (string) $ffi->iop_version();
        if (!preg_match('/^(\d+)\.(\d+)\./', $version, $m) || "$m[1].$m[2]" !== self::ABI_VERSION) {
            throw new LibraryException("libiop version $version does not match this binding (needs " . self::ABI_VERSION . '.x)');
        }
        self::$source = $source;
        return self::$ffi = $ffi;
    }

    /**
     * Throws the exception for a non-OK status, with the details of the library's last error
     * on this thread (read at once, before any other call).
     *
     * @throws IopException
     */
    public static function check(int $status): void
    {
        if ($status !== 0) {
            throw self::lastError($status);
        }
    }

    /**
     * The exception for a failed call's `$status`, filled from iop_last_error_*; `$previous`
     * becomes its getPrevious() (the PHP exception a callback threw during the call).
     */
    public static function lastError(int $status, ?\Throwable $previous = null): IopException
    {
        $f = self::ffi();
        $message = $f->iop_last_error_message();
        return IopException::forStatus(
            $status,
            $message ?? ('iopkit call failed with ' . $f->iop_status_name($status)),
            (string) $f->iop_status_name($status),
            $f->iop_last_error_code(),
            $f->iop_last_error_type(),
            $f->iop_last_error_sub_code(),
            $f->iop_last_error_request_id(),
            (int) $f->iop_last_error_http_status(),
            self::optionalMillis((int) $f->iop_last_error_retry_after_ms()),
            $previous,
        );
    }

    /** A library duration in ms where -1 (any negative value) means none: null, else the value. */
    public static function optionalMillis(int $ms): ?int
    {
        return $ms < 0 ? null : $ms;
    }

    /** Milliseconds as a DateInterval (seconds and fraction), or null for null. */
    public static function interval(?int $ms): ?\DateInterval
    {
        if ($ms === null) {
            return null;
        }
        $interval = new \DateInterval('PT' . intdiv($ms, 1000) . 'S');
        $interval->f = ($ms % 1000) / 1000;
        return $interval;
    }

    /** Epoch milliseconds as a UTC DateTimeImmutable (millisecond precision). */
    public static function instant(int $ms): \DateTimeImmutable
    {
        $sec = intdiv($ms, 1000);
        $milli = $ms - $sec * 1000;
        if ($milli < 0) {
            $sec -= 1;
            $milli += 1000;
        }
        $t = \DateTimeImmutable::createFromFormat('U.v', sprintf('%d.%03d', $sec, $milli));
        return $t->setTimezone(new \DateTimeZone('UTC'));
    }

    /**
     * Checks a string argument before it crosses into C: a PHP string (ints are accepted and
     * written in decimal where $allowInt), without NUL bytes (C would cut it there), non-empty
     * unless $allowEmpty. The message names the argument, never its value, and the value is
     * left out of stack traces (it may be a secret, a code or a Redis URL with a password).
     *
     * @throws InvalidArgumentException
     */
    public static function text(#[\SensitiveParameter] mixed $value, string $name, bool $allowEmpty = false, bool $allowInt = false): string
    {
        if ($allowInt && \is_int($value)) {
            $value = (string) $value;
        }
        if (!\is_string($value)) {
            throw new InvalidArgumentException("invalid argument `$name`: must be a string, got " . get_debug_type($value), 1);
        }
        if (!$allowEmpty && $value === '') {
            throw new InvalidArgumentException("invalid argument `$name`: must not be empty", 1);
        }
        if (str_contains($value, "\0")) {
            throw new InvalidArgumentException("invalid argument `$name`: must not contain NUL bytes", 1);
        }
        return $value;
    }
}
