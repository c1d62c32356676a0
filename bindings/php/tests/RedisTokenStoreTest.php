<?php

declare(strict_types=1);

namespace Iopkit\Tests;

use Iopkit\Exception\ConnectException;
use Iopkit\Exception\InvalidArgumentException;
use Iopkit\Exception\IopException;
use Iopkit\Exception\ReauthorizationRequiredException;
use Iopkit\IopClient;
use Iopkit\IopRequest;
use Iopkit\Tests\Support\RedisServer;
use Iopkit\Tests\Support\Sandbox;
use Iopkit\TokenManager;
use Iopkit\TokenManager\RedisTokenStore;
use PHPUnit\Framework\TestCase;

/**
 * RedisTokenStore against a redis-server of the test's own and the sandbox. A missing
 * redis-server fails every test (never a skip).
 */
final class RedisTokenStoreTest extends TestCase
{
    /** Longer than an access token's lifetime (7 days): every accessToken() refreshes. */
    private const ALWAYS_REFRESH = 8 * 86400 * 1000;
    private const PASSWORD = 's3cret-pw';

    private static Sandbox $sandbox;
    private static IopClient $client;
    private static ?RedisServer $redis = null;
    private static string $redisFailure = '';

    public static function setUpBeforeClass(): void
    {
        try {
            self::$redis = RedisServer::start();
        } catch (\RuntimeException $e) {
            self::$redisFailure = $e->getMessage();
        }
        self::$sandbox = Sandbox::start(docSamples: false);
        self::$client = new IopClient(self::$sandbox->lazada(), Sandbox::APP, Sandbox::SECRET);
    }

    public static function tearDownAfterClass(): void
    {
        self::$redis?->stop();
        self::$redis = null;
        self::$sandbox->stop();
    }

    protected function setUp(): void
    {
        if (self::$redis === null) {
            self::fail('the Redis store tests need a redis-server: ' . self::$redisFailure);
        }
    }

    private static function store(string $namespace, ?string $key = null): RedisTokenStore
    {
        return new RedisTokenStore(self::$redis->url(), Sandbox::APP, $namespace, $key, timeoutMs: 2000);
    }

    private static function assertTokenWorks(string $accessToken): void
    {
        $body = json_decode(self::$client->execute(new IopRequest('/seller/get'), $accessToken), true);
        self::assertSame('0', $body['code'] ?? null, 'the access token works for /seller/get');
    }

    /** What Redis holds for `$account`'s record: [version, data]. */
    private static function raw(string $namespace, string $account): array
    {
        return self::$redis->command(['HMGET', "$namespace:" . Sandbox::APP . ":$account:record", 'version', 'data']);
    }

    public function testManagerSeedsServesRefreshesAndListsDue(): void
    {
        $store = self::store('php-plain');
        self::assertSame(Sandbox::APP, $store->appKey);
        self::assertSame('php-plain', $store->namespace);
        $manager = new TokenManager(self::$client, $store, 'seller-redis');
        self::assertNull($manager->record());

        $seeded = $manager->createToken(self::$sandbox->code());
        self::assertSame(1, $seeded['version']);
        $token = $manager->accessToken();
        self::assertSame($seeded['access_token'], $token, 'fresh: the stored token');
        self::assertTokenWorks($token);
        [$version, $data] = self::raw('php-plain', 'seller-redis');
        self::assertSame('1', $version);
        self::assertSame($seeded['access_token'], json_decode($data, true)['access_token'], 'stored as JSON');

        // Another store object (its own connection, as another host would have) and a margin
        // longer than the lifetime: it refreshes, stores, and returns a new working token.
        $eager = new TokenManager(self::$client, self::store('php-plain'), 'seller-redis', self::ALWAYS_REFRESH);
        $next = $eager->accessToken();
        self::assertNotSame($token, $next);
        self::assertTokenWorks($next);
        $record = $eager->record();
        self::assertSame($next, $record['access_token'], 'stored before it was returned');
        self::assertNotSame($seeded['refresh_token'], $record['refresh_token'], 'the refresh token rotated');
        self::assertGreaterThan(1, $record['version']);
        self::assertNull($record['refresh_started_at_ms'], 'the lease was released');
        self::assertSame(0, self::$redis->command(['EXISTS', 'php-plain:' . Sandbox::APP . ':seller-redis:lock']));
        self::assertSame($next, $manager->accessToken(), 'the first manager reads the refreshed pair from Redis');

        $due = $store->reauthorizationDue(40 * 86400 * 1000); // refresh tokens last 30 days
        self::assertSame([['account' => 'seller-redis', 'reauthorize_by' => $record['reauthorize_by_ms']]], $due);
        self::assertSame([], $store->reauthorizationDue(0));

        // Namespaces keep stores apart.
        $other = new TokenManager(self::$client, self::store('php-other'), 'seller-redis');
        $this->expectException(ReauthorizationRequiredException::class);
        $other->accessToken();
    }

    public function testEncryptedStoreWorksAndAnotherKeyIsTheLibrarysError(): void
    {
        $key = random_bytes(32);
        $store = new RedisTokenStore(self::$redis->url(), (int) Sandbox::APP, 'php-sealed', $key,
            leaseMs: 10000, timeoutMs: 2500);
        self::assertSame(10000, $store->leaseMs);
        self::assertSame(2500, $store->timeoutMs);
        $manager = new TokenManager(self::$client, $store, 'seller-sealed', self::ALWAYS_REFRESH);
        $seeded = $manager->createToken(self::$sandbox->code());
        $token = $manager->accessToken(); // refreshes through the encrypted store
        self::assertNotSame($seeded['access_token'], $token);
        self::assertTokenWorks($token);
        self::assertSame($token, $manager->record()['access_token']);
        [, $data] = self::raw('php-sealed', 'seller-sealed');
        self::assertIsString($data);
        self::assertStringNotContainsString($token, $data, 'encrypted at rest');
        self::assertStringNotContainsString('access_token', $data);
        self::assertSame(['seller-sealed'], array_column($store->reauthorizationDue(40 * 86400 * 1000), 'account'));

        // The same keys opened with another key, then with none: typed errors, not garbage.
        $wrongKey = $key;
        $wrongKey[0] = \chr(\ord($key[0]) ^ 1);
        foreach ([[$wrongKey, 'another key'], [null, 'is encrypted']] as [$other, $expected]) {
            $reader = new TokenManager(self::$client, self::store('php-sealed', $other), 'seller-sealed');
            try {
                $reader->accessToken();
                self::fail('expected an InvalidArgumentException');
            } catch (InvalidArgumentException $e) {
                self::assertSame('IOP_ERR_INVALID_ARGUMENT', $e->getStatusName());
                self::assertStringContainsString($expected, $e->getMessage());
                self::assertStringContainsString('seller-sealed', $e->getMessage());
            }
        }
        $again = new TokenManager(self::$client, self::store('php-sealed', $key), 'seller-sealed');
        self::assertSame($manager->record()['access_token'], $again->accessToken(), 'the right key still reads it');
    }

    public function testUnreachableRedisIsAConnectErrorWithoutThePassword(): void
    {
        $url = 'redis://:' . self::PASSWORD . '@127.0.0.1:' . RedisServer::freePort();
        $store = new RedisTokenStore($url, Sandbox::APP, timeoutMs: 1000);
        $manager = new TokenManager(self::$client, $store, 'seller-down');
        try {
            $manager->accessToken();
            self::fail('expected a ConnectException');
        } catch (ConnectException $e) {
            self::assertSame('IOP_ERR_CONNECT', $e->getStatusName());
            self::assertStringContainsString('token store (redis', $e->getMessage());
            self::assertStringNotContainsString(self::PASSWORD, $e->getMessage());
            self::assertStringNotContainsString(self::PASSWORD, (string) $e);
        }
        foreach ([print_r($store, true), var_export($store->__debugInfo(), true), print_r($manager, true), json_encode($store)] as $shown) {
            self::assertStringNotContainsString(self::PASSWORD, (string) $shown);
            self::assertStringNotContainsString('127.0.0.1', (string) $shown, 'no part of the URL');
        }
        // Redis comes back there (requiring that password): the same store works again.
        $server = RedisServer::start(RedisServer::portOf($url), self::PASSWORD);
        try {
            self::assertSame(1, $manager->createToken(self::$sandbox->code())['version']);
            self::assertTokenWorks($manager->accessToken());
        } finally {
            $server->stop();
        }
    }

    public function testBadArgumentsAreInvalidArgumentErrors(): void
    {
        $url = self::$redis->url();
        $cases = [
            ['key_len', static fn () => new RedisTokenStore($url, Sandbox::APP, null, 'short')],
            ['key_len', static fn () => new RedisTokenStore($url, Sandbox::APP, null, bin2hex(random_bytes(32)))],
            ['encryptionKey', static fn () => new RedisTokenStore($url, Sandbox::APP, null, '')],
            ['`url`', static fn () => new RedisTokenStore('', Sandbox::APP)],
            ['`app_key`', static fn () => new RedisTokenStore($url, '')],
            ['`key_namespace`', static fn () => new RedisTokenStore($url, Sandbox::APP, 'a:b')],
            ['`lease_ms`', static fn () => new RedisTokenStore($url, Sandbox::APP, leaseMs: 0)],
            ['`timeout_ms`', static fn () => new RedisTokenStore($url, Sandbox::APP, timeoutMs: -2)],
            ['`url`', static fn () => new RedisTokenStore('http://u:' . self::PASSWORD . '@127.0.0.1:1', Sandbox::APP)],
            ['`url`', static fn () => new RedisTokenStore('redis://:' . self::PASSWORD . "@127.0.0.1:1\0", Sandbox::APP)],
        ];
        // Arguments in traces, in full, as development setups show them.
        $ini = ['zend.exception_ignore_args' => '0', 'zend.exception_string_param_max_len' => '1000000'];
        foreach ($ini as $name => $value) {
            $ini[$name] = ini_set($name, $value);
            self::assertNotFalse($ini[$name], $name);
        }
        try {
            foreach ($cases as $i => [$expected, $bad]) {
                try {
                    $bad();
                    self::fail("case $i: expected InvalidArgumentException");
                } catch (InvalidArgumentException $e) {
                    self::assertSame(1, $e->getCode(), "case $i");
                    self::assertStringContainsString($expected, $e->getMessage());
                    self::assertStringNotContainsString(self::PASSWORD, (string) $e, "case $i: no password in the message or trace");
                }
            }
        } finally {
            foreach ($ini as $name => $value) {
                ini_set($name, (string) $value);
            }
        }
        $this->expectException(\LogicException::class);
        clone self::store('php-clone');
    }
}
