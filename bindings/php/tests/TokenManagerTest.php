<?php

declare(strict_types=1);

namespace Iopkit\Tests;

use Iopkit\Enos\EnosClient;
use Iopkit\Exception\InternalException;
use Iopkit\Exception\InvalidArgumentException;
use Iopkit\Exception\IopException;
use Iopkit\Exception\ReauthorizationRequiredException;
use Iopkit\Exception\TimeoutException;
use Iopkit\IopClient;
use Iopkit\IopRequest;
use Iopkit\Native;
use Iopkit\Tests\Support\ArrayTokenStore;
use Iopkit\Tests\Support\Php;
use Iopkit\Tests\Support\Sandbox;
use Iopkit\Token;
use Iopkit\TokenManager;
use Iopkit\TokenManager\CallbackTokenStore;
use Iopkit\TokenManager\FileTokenStore;
use Iopkit\TokenManager\MemoryTokenStore;
use Iopkit\TokenManager\TokenStore;
use PHPUnit\Framework\TestCase;

/** TokenManager and the token stores against the sandbox (tokens live 7 days, refresh tokens 30). */
final class TokenManagerTest extends TestCase
{
    /** Longer than an access token's lifetime (7 days): every accessToken() refreshes. */
    private const ALWAYS_REFRESH = 8 * 86400 * 1000;
    private const DAYS_40 = 40 * 86400 * 1000;

    private static Sandbox $sandbox;
    private static IopClient $client;

    public static function setUpBeforeClass(): void
    {
        self::$sandbox = Sandbox::start(docSamples: false);
        self::$client = new IopClient(self::$sandbox->lazada(), Sandbox::APP, Sandbox::SECRET);
    }

    public static function tearDownAfterClass(): void
    {
        self::$sandbox->stop();
    }

    private static function assertTokenWorks(string $accessToken): void
    {
        $body = json_decode(self::$client->execute(new IopRequest('/seller/get'), $accessToken), true);
        self::assertSame('0', $body['code'] ?? null, 'the access token works for /seller/get');
    }

    /** @return list<string> */
    private static function dueAccounts(TokenStore $store, int $withinMs): array
    {
        return array_column($store->reauthorizationDue($withinMs), 'account');
    }

    public function testMemoryStoreSeedsServesAndRefreshesOncePerCall(): void
    {
        $store = new MemoryTokenStore();
        $manager = new TokenManager(self::$client, $store, 'seller-a');
        self::assertNull($manager->record());

        $seeded = $manager->createToken(self::$sandbox->code());
        self::assertSame(1, $seeded['version']);
        self::assertSame('1000100001', $seeded['seller_id']);
        self::assertSame('sg', $seeded['country']);
        self::assertTrue($seeded['can_refresh']);
        self::assertNull($seeded['reauthorization_reason']);

        // Fresh (7 days left, margin 30 minutes): the stored token, no refresh.
        $token = $manager->accessToken();
        self::assertSame($seeded['access_token'], $token);
        self::assertSame($token, $manager->accessToken());
        self::assertSame(1, $manager->record()['version']);
        self::assertTokenWorks($token);

        // A margin longer than the lifetime: every call refreshes, stores, then returns the new
        // token. PHP has no threads: repeated calls share the one manager.
        $eager = new TokenManager(self::$client, $store, 'seller-a', self::ALWAYS_REFRESH);
        $seen = [$token];
        $version = 1;
        $refreshToken = $seeded['refresh_token'];
        for ($i = 0; $i < 3; $i++) {
            $next = $eager->accessToken();
            self::assertNotContains($next, $seen, 'a new token on every call');
            $record = $eager->record();
            self::assertSame($next, $record['access_token'], 'stored before it was returned');
            self::assertNotSame($refreshToken, $record['refresh_token'], 'the refresh token rotated');
            self::assertGreaterThan($version, $record['version']);
            self::assertTokenWorks($next);
            [$seen[], $version, $refreshToken] = [$next, $record['version'], $record['refresh_token']];
        }
        // The other manager of the account reads the same store.
        self::assertSame(end($seen), $manager->accessToken());
    }

    public function testStoreGrantKeepsTheTokenAsTheClientReturnedIt(): void
    {
        $token = self::$client->createToken(self::$sandbox->code());
        $manager = new TokenManager(self::$client, new MemoryTokenStore(), 'seller-g');
        $record = $manager->storeGrant($token);
        self::assertSame(1, $record['version']);
        self::assertSame($token->accessToken, $record['access_token']);
        self::assertSame($token->refreshToken, $record['refresh_token']);
        self::assertSame((int) $token->expiresAt->format('Uv'), $record['expires_at_ms']);
        self::assertSame((int) $token->refreshExpiresAt->format('Uv'), $record['refresh_expires_at_ms']);
        self::assertTrue($record['can_refresh']);
        self::assertSame($token->sellerId, $record['seller_id']);
        self::assertSame($token->country, $record['country']);
        self::assertSame($token->accessToken, $manager->accessToken());
        self::assertSame(2, $manager->storeGrant(Token::fromJson($token->toJson()))['version'], 'a new grant replaces the stored one');

        // A grant that cannot be refreshed (service-market app): due when its access token expires.
        $client = new IopClient(self::$sandbox->lazada(), Sandbox::APP_NO_REFRESH, Sandbox::SECRET_NO_REFRESH);
        $fixed = $client->createToken(self::$sandbox->code(Sandbox::APP_NO_REFRESH));
        self::assertFalse($fixed->canRefresh);
        $manager = new TokenManager($client, new MemoryTokenStore(), 'seller-f', self::ALWAYS_REFRESH);
        $record = $manager->storeGrant($fixed);
        self::assertFalse($record['can_refresh']);
        self::assertSame((int) $fixed->expiresAt->format('Uv'), $record['reauthorize_by_ms']);
        self::assertSame($fixed->accessToken, $manager->accessToken(), 'served while valid, never refreshed');
        self::assertNotNull($manager->record()['reauthorization_reason']);
    }

    public function testFileStoreIsPrivateHoldsNoSecretAndIsSharedAcrossProcesses(): void
    {
        $dir = sys_get_temp_dir() . '/iopkit-php-tm-' . bin2hex(random_bytes(6));
        mkdir($dir, 0700);
        $path = "$dir/tokens.json";
        try {
            $store = new FileTokenStore($path);
            self::assertSame($path, $store->path);
            $manager = new TokenManager(self::$client, $store, 'seller-file');
            $seeded = $manager->createToken(self::$sandbox->code());
            self::assertSame($seeded['access_token'], $manager->accessToken());
            self::assertFileExists($path);
            self::assertSame(0600, fileperms($path) & 0777, 'the token file is private');
            $content = (string) file_get_contents($path);
            self::assertStringContainsString('seller-file', $content);
            self::assertStringContainsString($seeded['refresh_token'], $content);
            self::assertStringNotContainsString(Sandbox::SECRET, $content);

            // Another process refreshes through the same file; this one then serves its token.
            $script = sprintf(<<<'PHP'
                <?php
                require %s;
                $client = new Iopkit\IopClient(%s, %s, %s);
                $manager = new Iopkit\TokenManager($client, new Iopkit\TokenManager\FileTokenStore(%s), 'seller-file', %d);
                echo $manager->accessToken();
                PHP,
                var_export(\dirname(__DIR__) . '/autoload.php', true),
                var_export(self::$sandbox->lazada(), true),
                var_export(Sandbox::APP, true),
                var_export(Sandbox::SECRET, true),
                var_export($path, true),
                self::ALWAYS_REFRESH,
            );
            [$code, $out, $err] = Php::run($script, [], ['IOPKIT_LIB' => Native::libraryPath()]);
            self::assertSame(0, $code, $err);
            self::assertMatchesRegularExpression('~^\S{20,}$~', $out);
            self::assertNotSame($seeded['access_token'], $out, 'the other process refreshed');
            self::assertSame($out, $manager->accessToken(), 'the refreshed token came through the file');
            self::assertGreaterThan(1, $manager->record()['version']);
            self::assertTokenWorks($out);
            self::assertSame(['seller-file'], self::dueAccounts($store, self::DAYS_40));
        } finally {
            unset($manager, $store);
            array_map('unlink', glob("$dir/*") ?: []);
            rmdir($dir);
        }
    }

    public function testCallbackStoreRunsTheApplicationsStore(): void
    {
        $app = new ArrayTokenStore();
        $store = new CallbackTokenStore($app);
        self::assertSame($app, $store->callbacks);
        $manager = new TokenManager(self::$client, $store, 1000100077, self::ALWAYS_REFRESH);

        $seeded = $manager->createToken(self::$sandbox->code());
        self::assertSame(1, json_decode($app->records['1000100077'], true)['version']);
        self::assertGreaterThanOrEqual(1, $app->calls['lock']);
        self::assertSame(1, $app->calls['compareAndSwap']);

        $calls = $app->calls;
        $token = $manager->accessToken(); // refreshes through the callbacks
        self::assertNotSame($seeded['access_token'], $token);
        self::assertTokenWorks($token);
        $stored = json_decode($app->records['1000100077'], true);
        self::assertSame($token, $stored['access_token']);
        self::assertSame($manager->record()['version'], $stored['version']);
        self::assertGreaterThan($calls['load'], $app->calls['load']);
        self::assertGreaterThan($calls['compareAndSwap'], $app->calls['compareAndSwap']);
        self::assertGreaterThan($calls['lock'], $app->calls['lock']);
        self::assertSame($app->calls['lock'], $app->calls['unlock'], 'every lock released');
        self::assertSame([], $app->locked);
        self::assertFalse($app->casWithoutLock, 'compare_and_swap only under the lock');

        // accounts(): numeric keys came back as PHP ints and are listed as strings.
        self::assertSame(['1000100077'], self::dueAccounts($store, self::DAYS_40));
        self::assertSame(1, $app->calls['accounts']);
        self::assertSame([], $store->reauthorizationDue(0));
    }

    public function testCallbackFailuresBecomeLibraryExceptionsWithTheCause(): void
    {
        $app = new ArrayTokenStore();
        $store = new CallbackTokenStore($app);
        $manager = new TokenManager(self::$client, $store, 'seller-x');
        $manager->createToken(self::$sandbox->code());

        $app->throwOnLoad = new \RuntimeException('database is down');
        try {
            $manager->accessToken();
            self::fail('expected an IopException');
        } catch (InternalException $e) {
            self::assertStringContainsString('`load`', $e->getMessage());
            self::assertInstanceOf(\RuntimeException::class, $e->getPrevious());
            self::assertSame('database is down', $e->getPrevious()->getMessage());
        }
        // PHP errors too (a TypeError from a bad return value would be one).
        $app->throwOnLoad = new \Error('bug in the store');
        try {
            $manager->record();
            self::fail('expected an IopException');
        } catch (IopException $e) {
            self::assertSame('bug in the store', $e->getPrevious()?->getMessage());
        }
        $app->throwOnLoad = null;
        self::assertNotNull($manager->accessToken(), 'the store works again');

        $app->lockTimesOut = true;
        try {
            $manager->createToken(self::$sandbox->code());
            self::fail('expected a TimeoutException');
        } catch (TimeoutException $e) {
            self::assertNull($e->getPrevious(), 'a timeout is a result, not a PHP failure');
        }
        $app->lockTimesOut = false;

        $app->canList = false;
        try {
            $store->reauthorizationDue(86400000);
            self::fail('expected an IopException');
        } catch (IopException $e) {
            self::assertStringContainsString('`accounts`', $e->getMessage());
            self::assertInstanceOf(\LogicException::class, $e->getPrevious());
        }
        $app->canList = true;
        self::assertSame(['seller-x'], self::dueAccounts($store, self::DAYS_40), 'the store works again');

        // unlock() returns nothing to the library: its failure is a warning after the call.
        $app->unlockThrows = true;
        $warnings = [];
        set_error_handler(static function (int $level, string $message) use (&$warnings): bool {
            $warnings[] = [$level, $message];
            return true;
        });
        try {
            $record = $manager->createToken(self::$sandbox->code());
        } finally {
            restore_error_handler();
        }
        self::assertSame(json_decode($app->records['seller-x'], true)['version'], $record['version'], 'the grant was stored');
        self::assertCount(1, $warnings);
        self::assertSame(\E_USER_WARNING, $warnings[0][0]);
        self::assertStringContainsString('RuntimeException: unlock failed', $warnings[0][1]);
    }

    public function testCallbacksStayAliveWhileAManagerUsesTheStore(): void
    {
        $app = new ArrayTokenStore();
        $manager = new TokenManager(self::$client, new CallbackTokenStore($app), 'seller-life');
        $storeRef = \WeakReference::create($manager->store);
        gc_collect_cycles();
        self::assertNotNull($storeRef->get(), 'the manager keeps its store');
        $manager->createToken(self::$sandbox->code());
        self::assertArrayHasKey('seller-life', $app->records);

        unset($manager);
        gc_collect_cycles();
        self::assertNull($storeRef->get(), 'the store is freed with its last manager (the FFI closures hold no reference)');
    }

    public function testEnosManagerGetsItsFirstTokenItself(): void
    {
        $enos = new EnosClient(self::$sandbox->url, '5acb82e7-a11e-4300-9164-c8b20b638e8b', 'sandboxEnosSecret-5acb82e7-0123456789abcdef');
        $manager = TokenManager::forEnos($enos, new MemoryTokenStore(), 'enos-app');
        $token = $manager->accessToken();
        self::assertMatchesRegularExpression('~^\S{16,}$~', $token);
        self::assertSame($token, $manager->accessToken());
        $record = $manager->record();
        self::assertSame($token, $record['access_token']);
        self::assertSame('', $record['refresh_token'] ?? '');
        self::assertNull($record['reauthorize_by_ms'], 'EnOS tokens need no seller authorization');
        $r = $enos->call('GET', '/connect-service/v2.1/devices?action=get', null, $token);
        self::assertTrue($r->isSuccess(), $r->body);

        $this->expectException(InvalidArgumentException::class);
        $manager->createToken('some-code');
    }

    public function testBadArgumentsAndHandles(): void
    {
        $store = new MemoryTokenStore();
        foreach ([
            static fn () => new TokenManager(self::$client, $store, ''),
            static fn () => new TokenManager(self::$client, $store, "a\0b"),
            static fn () => new TokenManager(self::$client, $store, 'a', -5),
            static fn () => new FileTokenStore(''),
            static fn () => (new TokenManager(self::$client, $store, 'a'))->createToken(''),
        ] as $i => $bad) {
            try {
                $bad();
                self::fail("case $i: expected InvalidArgumentException");
            } catch (InvalidArgumentException $e) {
                self::assertSame(1, $e->getCode(), "case $i");
            }
        }
        $manager = new TokenManager(self::$client, $store, 'a', 3600000);
        $manager->close();
        $manager->close();
        try {
            $manager->accessToken();
            self::fail('a closed manager was used');
        } catch (\LogicException) {
        }
        $manager = new TokenManager(self::$client, $store, 'a');
        try {
            clone $manager;
            self::fail('a manager cannot be cloned');
        } catch (\LogicException) {
        }
        try {
            clone $store;
            self::fail('a store cannot be cloned');
        } catch (\LogicException) {
        }
        // The originals still own their handles (a refused clone frees nothing).
        $this->expectException(ReauthorizationRequiredException::class);
        $manager->accessToken();
    }

    /**
     * Destructors free stores and managers. Calibrated like MemoryTest: the same number NOT freed
     * must show up in resident memory.
     */
    public function testDestructorsFreeStoresAndManagers(): void
    {
        $n = 40000;
        $rss = static fn (): int => preg_match('~^VmRSS:\s+(\d+) kB~m', (string) file_get_contents('/proc/self/status'), $m) ? (int) $m[1] : 0;
        for ($i = 0; $i < 500; $i++) {
            new TokenManager(self::$client, new MemoryTokenStore(), "warm-$i");
        }
        $rss0 = $rss();
        for ($i = 0; $i < $n; $i++) {
            $manager = new TokenManager(self::$client, new MemoryTokenStore(), "account-$i");
            unset($manager); // → iop_token_manager_free, then iop_token_store_free
        }
        $freedGrowth = $rss() - $rss0;

        $f = Native::ffi();
        $client = self::$client->nativeClient();
        $rss1 = $rss();
        $leaked = [];
        for ($i = 0; $i < $n; $i++) {
            $store = $f->new('IopTokenStore*');
            $f->iop_token_store_new_memory(\FFI::addr($store));
            $manager = $f->new('IopTokenManager*');
            $f->iop_token_manager_new($client, $store, "account-$i", -1, \FFI::addr($manager));
            $leaked[] = [$store, $manager];
        }
        $leakGrowth = $rss() - $rss1;
        foreach ($leaked as [$store, $manager]) {
            $f->iop_token_manager_free($manager);
            $f->iop_token_store_free($store);
        }
        fwrite(STDERR, sprintf("\n[memory] %d stores+managers: freed by destructors %+d kB, leaked on purpose %+d kB\n", $n, $freedGrowth, $leakGrowth));
        self::assertGreaterThan(4 * 1024, $leakGrowth, 'calibration: leaked managers are visible');
        self::assertLessThan($leakGrowth / 5, $freedGrowth);
    }
}
