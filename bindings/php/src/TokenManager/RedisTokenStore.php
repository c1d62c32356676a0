<?php

declare(strict_types=1);

namespace Iopkit\TokenManager;

use Iopkit\Abi;
use Iopkit\Exception\InvalidArgumentException;
use Iopkit\Status;

/**
 * A token store in Redis, shared by every process of every host: the refresh lock is a lease
 * per account in Redis, so a refresh token is spent once however many hosts ask.
 *
 *   $store = new RedisTokenStore('redis://:password@cache.internal:6379/0', $appKey);
 *
 * The constructor checks the settings but does not connect: while Redis is unreachable the
 * calls using the store throw ConnectException, NetworkException or TimeoutException. Neither
 * the URL (its password) nor the encryption key is kept, shown or put in messages.
 */
final class RedisTokenStore extends TokenStore
{
    /**
     * @param string      $url           `redis://[user][:password@]host[:port][/db]`, `rediss://…`
     *                                   (TLS, always verified) or `redis+unix:///path`
     * @param string|int  $appKey        the app whose sellers' tokens these are; keys are
     *                                   `<namespace>:<appKey>:<account>:record` and `…:lock`
     * @param string|null $namespace     first part of every key (null: "iopkit")
     * @param string|null $encryptionKey null to store records as JSON, or 32 raw bytes to
     *                                   encrypt them with AES-256-GCM
     * @param int         $leaseMs       how long a refresh lock lasts unless released (-1: Abi::DEFAULT_REDIS_LEASE_MS)
     * @param int         $timeoutMs     connect timeout and timeout of each command (-1: 5 s)
     * @throws \Iopkit\Exception\InvalidArgumentException for a bad URL, namespace, key, lease or timeout
     */
    public function __construct(
        #[\SensitiveParameter] string $url,
        public readonly string|int $appKey,
        public readonly ?string $namespace = null,
        #[\SensitiveParameter] ?string $encryptionKey = null,
        public readonly int $leaseMs = Abi::USE_DEFAULT,
        public readonly int $timeoutMs = Abi::USE_DEFAULT,
    ) {
        if ($encryptionKey === '') { // would read as "none" (NULL, 0): records in clear
            throw new InvalidArgumentException('invalid argument `encryptionKey`: empty (null stores records unencrypted)', Status::ERR_INVALID_ARGUMENT);
        }
        $this->adopt(Abi::tokenStoreNewRedis($url, $namespace, $appKey, $encryptionKey, $leaseMs, $timeoutMs), 'tokenStore');
    }

    public function __debugInfo(): array
    {
        return ['appKey' => $this->appKey, 'namespace' => $this->namespace, 'leaseMs' => $this->leaseMs, 'timeoutMs' => $this->timeoutMs];
    }
}
