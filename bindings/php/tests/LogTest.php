<?php

declare(strict_types=1);

namespace Iopkit\Tests;

use Iopkit\Exception\ConnectException;
use Iopkit\Exception\InvalidArgumentException;
use Iopkit\IopClient;
use Iopkit\IopRequest;
use Iopkit\Log;
use Iopkit\Tests\Support\Sandbox;
use Iopkit\TokenManager;
use Iopkit\TokenManager\MemoryTokenStore;
use PHPUnit\Framework\TestCase;

/** libiop's events through Log to a duck-typed PSR-3 logger: names, context, levels, no secrets. */
final class LogTest extends TestCase
{
    private static Sandbox $sandbox;

    public static function setUpBeforeClass(): void
    {
        self::$sandbox = Sandbox::start(docSamples: false);
    }

    public static function tearDownAfterClass(): void
    {
        self::$sandbox->stop();
    }

    protected function tearDown(): void
    {
        Log::setLogger(null);
    }

    /** A PSR-3 logger without the interface (duck typing: only log() is needed). */
    private static function logger(): object
    {
        return new class () {
            /** @var list<array{string, string, array<string, mixed>}> */
            public array $records = [];

            public function log($level, $message, array $context = []): void
            {
                $this->records[] = [(string) $level, (string) $message, $context];
            }

            /** @return list<array{string, string, array<string, mixed>}> the records of `$event` */
            public function events(string $event): array
            {
                return array_values(array_filter($this->records, static fn (array $r): bool => $r[2]['event'] === $event));
            }
        };
    }

    private static function client(): IopClient
    {
        return new IopClient(self::$sandbox->lazada(), Sandbox::APP, Sandbox::SECRET);
    }

    public function testCreateRefreshCallFailingCallAreLoggedWithoutSecrets(): void
    {
        $logger = self::logger();
        Log::setLogger($logger, 'debug');
        self::assertSame($logger, Log::logger());
        $c = self::client();
        $code = self::$sandbox->code();
        $token = $c->createToken($code);
        $refreshed = $c->refreshToken($token->refreshToken);
        $request = new IopRequest('/seller/get');
        $sign = $c->sign($request, $refreshed->accessToken)['sign'];
        self::assertTrue($c->executeResponse($request, $refreshed->accessToken)->isSuccess());
        self::assertFalse($c->executeResponse(new IopRequest('/seller/get'), 'not-a-valid-token')->isSuccess());
        $manager = new TokenManager($c, new MemoryTokenStore(), 'seller-7', 8 * 86400 * 1000);
        $managerCode = self::$sandbox->code();
        $manager->createToken($managerCode);
        $managed = $manager->accessToken(); // the margin is longer than the token's life: it refreshes

        $ends = $logger->events('call.end');
        self::assertSame(['/auth/token/create', '/auth/token/refresh', '/seller/get', '/seller/get', '/auth/token/create', '/auth/token/refresh'], array_map(static fn (array $r) => $r[2]['api'], $ends));
        self::assertCount(\count($ends), $logger->events('call.start'));
        self::assertSame(['debug'], array_values(array_unique(array_column($logger->events('call.start'), 0))));
        [$create, $refresh, $call, $failing] = $ends;
        foreach ([$create, $refresh, $call] as [$level, , $context]) {
            self::assertSame(['info', 'ok', 200], [$level, $context['outcome'], $context['http_status']]);
        }
        self::assertSame(['POST', 'GOP', 1], [$call[2]['method'], $call[2]['protocol'], $call[2]['attempt']]);
        self::assertSame(parse_url(self::$sandbox->lazada(), \PHP_URL_HOST) . ':' . parse_url(self::$sandbox->lazada(), \PHP_URL_PORT), $call[2]['host']);
        self::assertIsInt($call[2]['duration_ms']);
        self::assertNotEmpty($call[2]['request_id']);
        self::assertSame(['warning', 'platform_error', 'IllegalAccessToken'], [$failing[0], $failing[2]['outcome'], $failing[2]['code']]);
        [[$level, , $created]] = $logger->events('token.create');
        self::assertSame(['info', ['account' => 'seller-7', 'outcome' => 'ok', 'event' => 'token.create']], [$level, $created]);
        [[, , $refreshEvent]] = $logger->events('token.refresh');
        self::assertSame(['iop', 'ok'], [$refreshEvent['kind'], $refreshEvent['outcome']]);

        $texts = array_map(static fn (array $r): string => $r[1] . json_encode($r[2]), $logger->records);
        self::assertGreaterThanOrEqual(14, \count($texts));
        $secrets = [Sandbox::SECRET, $code, $managerCode, $token->accessToken, $token->refreshToken, $refreshed->accessToken, $refreshed->refreshToken, $managed, $sign, 'not-a-valid-token'];
        foreach ($secrets as $secret) {
            self::assertNotSame('', $secret);
            foreach ($texts as $text) {
                self::assertStringNotContainsString($secret, $text, 'a secret reached a log record');
            }
        }
        foreach ($texts as $text) {
            self::assertDoesNotMatchRegularExpression('/sign=|access_token=|[0-9A-F]{64}/', $text);
        }
    }

    public function testLevelsRetriesAndDetaching(): void
    {
        $logger = self::logger();
        Log::setLogger($logger, 'warning');
        $dead = (new IopClient('http://127.0.0.1:1/rest', Sandbox::APP, Sandbox::SECRET))->setMaxConnectRetries(1);
        try {
            $dead->executeResponse(new IopRequest('/seller/get'), 't');
            self::fail('no exception');
        } catch (ConnectException) {
        }
        self::assertSame(['call.retry', 'call.end'], array_map(static fn (array $r) => $r[2]['event'], $logger->records));
        self::assertSame([1, 'error', 'Connect'], [$logger->records[0][2]['attempt'], $logger->records[1][2]['outcome'], $logger->records[1][2]['error_kind']]);

        Log::setLevel('error');
        self::client()->executeResponse(new IopRequest('/seller/get'), 'bad'); // a WARN event: filtered in the library
        self::assertCount(2, $logger->records);
        Log::setLevel('info');
        self::client()->executeResponse(new IopRequest('/seller/get'), 'bad');
        self::assertCount(3, $logger->records);

        Log::setLogger(null);
        self::assertNull(Log::logger());
        self::client()->executeResponse(new IopRequest('/seller/get'), 'bad');
        self::assertCount(3, $logger->records);
    }

    public function testBatchRunsWithoutCallingPhpFromTheLibrarysThreadsThenLoggingResumes(): void
    {
        $logger = self::logger();
        Log::setLogger($logger, 'debug');
        $c = self::client();
        $outcomes = $c->executeBatch(array_fill(0, 12, new IopRequest('/seller/get')), 'bad', 4);
        self::assertCount(12, $outcomes);
        self::assertSame([], $logger->records);
        $c->executeResponse(new IopRequest('/seller/get'), 'bad');
        self::assertSame(['call.start', 'call.end'], array_map(static fn (array $r) => $r[2]['event'], $logger->records));
    }

    public function testAThrowingLoggerNeverBreaksACallAndBadArgumentsAreRefused(): void
    {
        Log::setLogger(new class () {
            public function log($level, $message, array $context = []): void
            {
                throw new \RuntimeException('logger failure');
            }
        });
        self::assertSame('IllegalAccessToken', self::client()->executeResponse(new IopRequest('/seller/get'), 'bad')->getCode());
        try {
            Log::setLogger(new \stdClass());
            self::fail('no exception');
        } catch (InvalidArgumentException $e) {
            self::assertStringContainsString('log(', $e->getMessage());
        }
        $this->expectException(InvalidArgumentException::class);
        Log::setLogger(self::logger(), 'loud');
    }
}
