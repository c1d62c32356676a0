<?php

declare(strict_types=1);

namespace Iopkit\TokenManager;

use FFI;
use Iopkit\Exception\InvalidArgumentException;
use Iopkit\Native;

/**
 * A token store in Redis, shared by every process of every host (a fleet of PHP-FPM servers,
 * cron jobs): the refresh lock is a lease per account in Redis, so a refresh token is spent
 * once however many hosts ask, and a host that dies holding the lease delays the account by
 * at most the lease.
 *
 *   $store = new RedisTokenStore('redis://:password@cache.internal:6379/0', $appKey);
 *   $manager = new TokenManager($client, $store, $sellerId);
 *
 * The constructor checks the settings but does not connect: while Redis is unreachable the
 * calls using the store throw ConnectException, NetworkException or TimeoutException, and work
 * again once it is back. Neither the URL (its password) nor the encryption key is kept by this
 * object, shown by var_dump()/print_r(), put in exception messages or in stack traces.
 */
final class RedisTokenStore extends TokenStore
{
    /** Length of an encryption key: 32 bytes (AES-256-GCM). */
    public const KEY_BYTES = 32;

    /** The app whose sellers' tokens this store holds (the second part of every key). */
    public readonly string $appKey;

    /** The first part of every key as given, or null for the library's default ("iopkit"). */
    public readonly ?string $namespace;

    /** Whether records are encrypted in Redis (an encryption key was given). */
    public readonly bool $encrypted;

    /** The refresh lease in milliseconds as given, or null for the library's default (30 s). */
    public readonly ?int $leaseMs;

    /** The connect and per-command timeout in milliseconds as given, or null for the library's default (5 s). */
    public readonly ?int $timeoutMs;

    /**
     * A store at `$url`: `redis://[user][:password@]host[:port][/db]`, `rediss://…` (TLS, always
     * verified against the system's roots or the CA file named by SSL_CERT_FILE) or
     * `redis+unix:///path`. Keys are `<namespace>:<appKey>:<account>:record` and `…:lock`.
     *
     * @param string                       $url           the password in it never appears in messages
     * @param string|int                   $appKey        the app whose sellers' tokens these are
     * @param string|null                  $namespace     first part of every key (null: "iopkit");
     *                                                    non-empty, without `:`, spaces or control
     *                                                    characters (the library's message calls it `key_namespace`)
     * @param string|null                  $encryptionKey null to store records as JSON, or 32 raw
     *                                                    bytes (e.g. hex2bin() of 64 hex digits) to
     *                                                    encrypt them with AES-256-GCM
     * @param int|float|\DateInterval|null $lease         how long a refresh lock lasts unless released
     *                                                    (seconds or an interval; null: 30 s); a
     *                                                    refresh must finish within it
     * @param int|float|\DateInterval|null $timeout       the connect timeout and the timeout of each
     *                                                    command (seconds or an interval; null: 5 s)
     * @throws InvalidArgumentException for a bad URL, an empty app key, a bad namespace, a key that
     *         is not 32 bytes, or a lease or timeout under 1 ms
     */
    public function __construct(
        #[\SensitiveParameter] $url,
        $appKey,
        $namespace = null,
        #[\SensitiveParameter] ?string $encryptionKey = null,
        int|float|\DateInterval|null $lease = null,
        int|float|\DateInterval|null $timeout = null,
    ) {
        $url = Native::text($url, 'url');
        $this->appKey = Native::text($appKey, 'appKey', allowInt: true);
        $this->namespace = $namespace === null ? null : Native::text($namespace, 'namespace');
        if ($encryptionKey !== null && \strlen($encryptionKey) !== self::KEY_BYTES) {
            throw new InvalidArgumentException(sprintf(
                'invalid argument `encryptionKey`: must be %d raw bytes (an AES-256 key), got %d bytes%s',
                self::KEY_BYTES,
                \strlen($encryptionKey),
                \strlen($encryptionKey) === 2 * self::KEY_BYTES ? ' (hex? decode it with hex2bin())' : '',
            ), 1);
        }
        $this->encrypted = $encryptionKey !== null;
        $this->leaseMs = $lease === null ? null : self::millis($lease, 'lease');
        $this->timeoutMs = $timeout === null ? null : self::millis($timeout, 'timeout');

        $f = Native::ffi();
        $key = null;
        if ($encryptionKey !== null) {
            $key = $f->new('uint8_t[' . self::KEY_BYTES . ']');
            FFI::memcpy($key, $encryptionKey, self::KEY_BYTES);
        }
        $out = $f->new('IopTokenStore*');
        try {
            $status = $f->iop_token_store_redis_new(
                $url,
                $this->namespace,
                $this->appKey,
                $key,
                $key === null ? 0 : self::KEY_BYTES,
                $this->leaseMs ?? 0,
                $this->timeoutMs ?? 0,
                FFI::addr($out),
            );
        } finally {
            if ($key !== null) {
                FFI::memset($key, 0, self::KEY_BYTES); // the library copied it
            }
        }
        Native::check($status);
        $this->adopt($out);
    }

    public function __debugInfo(): array
    {
        return [
            'appKey' => $this->appKey,
            'namespace' => $this->namespace,
            'encrypted' => $this->encrypted,
            'leaseMs' => $this->leaseMs,
            'timeoutMs' => $this->timeoutMs,
        ];
    }

    /**
     * A positive duration (seconds, or an interval) in whole milliseconds, at least 1.
     *
     * @throws InvalidArgumentException
     */
    private static function millis(int|float|\DateInterval $duration, string $name): int
    {
        if ($duration instanceof \DateInterval) {
            $end = (new \DateTimeImmutable('@0'))->add($duration);
            $ms = (float) $end->format('U') * 1000 + (int) $end->format('v');
        } else {
            $ms = round($duration * 1000);
        }
        if (!is_finite((float) $ms) || $ms < 1 || $ms > \PHP_INT_MAX / 2) {
            throw new InvalidArgumentException("invalid argument `$name`: must be at least 1 ms (and finite)", 1);
        }
        return (int) $ms;
    }
}
