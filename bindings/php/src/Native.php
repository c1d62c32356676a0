<?php

declare(strict_types=1);

namespace Iopkit;

use FFI;
use Iopkit\Exception\IopException;
use Iopkit\Exception\IopkitException;
use Iopkit\Exception\LibraryException;

/**
 * Loads libiop through PHP's FFI extension, once per process (or per request under FPM, where
 * a preloaded scope makes it free), and turns failed statuses into exceptions for Abi.
 *
 * Order: a scope named "IOPKIT" preloaded with ffi.preload=iop.preload.h or opcache.preload
 * (preload.php; see README), else FFI::cdef() with the declarations in iop.preload.h (the
 * generated header, whose first line FFI::cdef skips) and the library at libraryPath(): the IOPKIT_LIB environment variable, else
 * lib/linux-x86_64/libiop.so (bundledLibrary()) inside this package if present, else "libiop.so.0" (the SONAME, found through the dynamic linker's path).
 *
 * @internal Used by the other classes; its API may change.
 */
final class Native
{
    /** Major.minor of the C ABI this binding was generated for. */
    public const ABI_VERSION = Abi::VERSION_MAJOR . '.' . Abi::VERSION_MINOR;
    /** The FFI scope name iop.preload.h defines. */
    public const SCOPE = 'IOPKIT';
    /** Environment variable naming the shared library to load. */
    public const LIB_ENV = 'IOPKIT_LIB';

    private static ?FFI $ffi = null;
    private static string $source = '';
    /** The first exception a store callback threw during the native call in progress. */
    private static ?\Throwable $callbackFailure = null;
    /** How many store callbacks are running (their own calls must not take the failure). */
    private static int $callbackDepth = 0;

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

    /** The library's version string, e.g. "0.2.0". */
    public static function version(): string
    {
        return (string) Abi::version();
    }

    /** Path of the generated declaration file, for FFI::cdef(), FFI::load() and ffi.preload. */
    public static function declarationFile(): string
    {
        return \dirname(__DIR__) . '/iop.preload.h';
    }

    /** The library FFI::cdef() loads: $IOPKIT_LIB, else bundledLibrary() if present, else libiop.so.0. */
    public static function libraryPath(): string
    {
        $env = getenv(self::LIB_ENV);
        if (\is_string($env) && $env !== '') {
            return $env;
        }
        $bundled = self::bundledLibrary();
        return is_file($bundled) ? $bundled : 'libiop.so.' . Abi::VERSION_MAJOR;
    }

    /** Where the Composer package carries the library for this platform: lib/linux-x86_64/libiop.so, … */
    public static function bundledLibrary(): string
    {
        return \dirname(__DIR__) . '/lib/' . strtolower(\PHP_OS_FAMILY) . '-' . php_uname('m') . '/libiop.so';
    }

    private static function load(): FFI
    {
        if (!\extension_loaded('FFI')) {
            throw new LibraryException('iopkit needs the FFI extension (PHP 8.1+ built with --with-ffi; Debian: php8.x-cli ships it)');
        }
        try {
            $ffi = FFI::scope(self::SCOPE);
            $source = 'scope ' . self::SCOPE;
        } catch (\Throwable) {
            $enable = strtolower((string) \ini_get('ffi.enable'));
            if (\in_array($enable, ['0', '', 'off', 'false', 'no'], true)) {
                throw new LibraryException('FFI is disabled (ffi.enable=0): set ffi.enable=1, or ffi.enable=preload with iop.preload.h preloaded (see README)');
            }
            $source = self::libraryPath();
            try {
                $ffi = FFI::cdef((string) file_get_contents(self::declarationFile()), $source);
            } catch (\Throwable $e) {
                $hint = $enable === 'preload' && !\in_array(\PHP_SAPI, ['cli', 'phpdbg', 'embed'], true)
                    ? 'ffi.enable=preload only allows FFI in preloaded code: preload iop.preload.h (see README)'
                    : 'set ' . self::LIB_ENV . ' to the absolute path of libiop.so';
                throw new LibraryException("cannot load libiop from '$source': " . $e->getMessage() . " ($hint)", 0, $e);
            }
        }
        $version = (string) $ffi->iop_version();
        if (!preg_match('/^(\d+)\.(\d+)\./', $version, $m) || "$m[1].$m[2]" !== self::ABI_VERSION) {
            throw new LibraryException("libiop version $version does not match this binding (needs " . self::ABI_VERSION . '.x)');
        }
        self::$source = $source;
        return self::$ffi = $ffi;
    }

    /**
     * Throws the exception of a failed call's `$status` (IOP_OK returns), its previous the
     * exception a store callback threw during the call, if one did.
     *
     * @throws IopkitException an IopException or InvalidArgumentException
     */
    public static function check(int $status): void
    {
        if ($status === Status::OK && self::$callbackFailure === null) {
            return; // the common case, first
        }
        if (self::$callbackDepth > 0) {
            $failure = null;
        } else {
            [$failure, self::$callbackFailure] = [self::$callbackFailure, null];
        }
        if ($status !== Status::OK) {
            throw self::lastError($status, $failure);
        }
        if ($failure !== null) {
            // The call succeeded despite it: only unlock() can fail unnoticed by the library.
            trigger_error('iopkit: the token store callback failed after the call completed (the lock may still be held): '
                . $failure::class . ': ' . $failure->getMessage(), \E_USER_WARNING);
        }
    }

    /**
     * The exception for a failed call's `$status`, filled from iop_last_error_* (read at once).
     *
     * @return IopException|Exception\InvalidArgumentException
     */
    public static function lastError(int $status, ?\Throwable $previous = null): IopkitException
    {
        return IopException::forStatus(
            $status,
            Abi::lastErrorMessage() ?? ('iopkit call failed with ' . Abi::statusName($status)),
            Abi::lastErrorCode(),
            Abi::lastErrorType(),
            Abi::lastErrorSubCode(),
            Abi::lastErrorSubMessage(),
            Abi::lastErrorRequestId(),
            Abi::lastErrorHttpStatus(),
            self::optionalMillis(Abi::lastErrorRetryAfterMs()),
            $previous,
        );
    }

    /**
     * Runs a store callback's body for the library: what it throws is kept for check() and
     * becomes the failure code -1 (an exception must never unwind through the library).
     *
     * @param \Closure(): int $body
     */
    public static function callback(\Closure $body): int
    {
        self::$callbackDepth++;
        try {
            return $body();
        } catch (\Throwable $e) {
            self::$callbackFailure ??= $e;
            return -1;
        } finally {
            self::$callbackDepth--;
        }
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

    /** Epoch milliseconds as a UTC DateTimeImmutable (millisecond precision); null for null. */
    public static function instant(?int $ms): ?\DateTimeImmutable
    {
        if ($ms === null) {
            return null;
        }
        $t = \DateTimeImmutable::createFromFormat('U.v', sprintf('%d.%03d', intdiv($ms - ($ms % 1000 + 1000) % 1000, 1000), ($ms % 1000 + 1000) % 1000));
        return $t->setTimezone(new \DateTimeZone('UTC'));
    }
}
