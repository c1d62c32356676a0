<?php

declare(strict_types=1);

namespace Iopkit\Tests;

use Iopkit\Abi;
use Iopkit\Enos\EnosClient;
use Iopkit\Exception\HttpException;
use Iopkit\Exception\InvalidArgumentException;
use Iopkit\Exception\IopException;
use Iopkit\IopClient;
use Iopkit\IopRequest;
use Iopkit\IopResponse;
use Iopkit\Status;
use Iopkit\Tests\Support\Sandbox;
use PHPUnit\Framework\TestCase;

/** executeBatch(): outcomes in input order, failures as objects, bad arguments thrown; the pool settings. */
final class BatchTest extends TestCase
{
    private static Sandbox $sandbox;
    private static string $token;

    public static function setUpBeforeClass(): void
    {
        self::$sandbox = Sandbox::start(docSamples: false);
        self::$token = self::client()->createToken(self::$sandbox->code())->accessToken;
    }

    public static function tearDownAfterClass(): void
    {
        self::$sandbox->stop();
    }

    private static function client(): IopClient
    {
        return new IopClient(self::$sandbox->lazada(), Sandbox::APP, Sandbox::SECRET);
    }

    private static function sellerGet(?string $fault = null): IopRequest
    {
        $request = new IopRequest('/seller/get', 'GET');
        return $fault === null ? $request : $request->addHttpHeaderParam('X-Sandbox-Fault', $fault);
    }

    private static function assertSeller(mixed $outcome, string $at): void
    {
        self::assertInstanceOf(IopResponse::class, $outcome, $at);
        self::assertTrue($outcome->isSuccess(), "$at: $outcome->body");
        self::assertArrayHasKey('seller_id', $outcome->json()['data'], $at);
    }

    private static function assertBadToken(mixed $outcome, string $at): void
    {
        self::assertInstanceOf(IopResponse::class, $outcome, $at);
        self::assertFalse($outcome->isSuccess(), $at);
        self::assertSame('IllegalAccessToken', $outcome->code, $at);
        self::assertSame(200, $outcome->httpStatus, $at); // API errors come with HTTP 200, as on the platforms
    }

    private static function assertBadGateway(mixed $outcome, string $at): void
    {
        self::assertInstanceOf(HttpException::class, $outcome, $at);
        self::assertSame(Status::ERR_HTTP, $outcome->getStatus(), $at);
        self::assertSame(502, $outcome->getHttpStatus(), $at);
        self::assertNotSame('', $outcome->getMessage(), $at);
    }

    public function testOutcomesInInputOrderWithKeysPlatformErrorsAndTransportFailures(): void
    {
        $outcomes = self::client()->executeBatch([
            'first' => self::sellerGet(),
            'bad token' => [self::sellerGet(), 'not-a-token'],
            'gateway down' => self::sellerGet('http-502'),
            7 => self::sellerGet(),
        ], self::$token, 4);
        self::assertSame(['first', 'bad token', 'gateway down', 7], array_keys($outcomes));
        self::assertSeller($outcomes['first'], 'first');
        self::assertBadToken($outcomes['bad token'], 'bad token');
        self::assertBadGateway($outcomes['gateway down'], 'gateway down');
        self::assertSeller($outcomes[7], '7');
    }

    public function testPerRequestTokensWithoutABatchToken(): void
    {
        $request = self::sellerGet();
        $outcomes = self::client()->executeBatch([[$request, self::$token], [$request, 'dead'], [$request], [$request, null], $request]);
        self::assertCount(5, $outcomes);
        self::assertSeller($outcomes[0], '0');
        self::assertBadToken($outcomes[1], '1');
        for ($i = 2; $i < 5; $i++) { // no token at all
            self::assertInstanceOf(IopResponse::class, $outcomes[$i]);
            self::assertFalse($outcomes[$i]->isSuccess(), (string) $i);
        }
    }

    /** 210 calls at concurrency 16, failures at known indices: each outcome is its own call's. */
    public function testTwoHundredCallsAtConcurrencySixteen(): void
    {
        $ok = self::sellerGet();
        $requests = [];
        for ($i = 0; $i < 210; $i++) {
            $requests[] = match (true) {
                $i % 11 === 3 => self::sellerGet('http-502'),
                $i % 7 === 5 => [$ok, "dead-$i"],
                default => $ok,
            };
        }
        $outcomes = self::client()->executeBatch($requests, self::$token, 16);
        self::assertSame(array_keys($requests), array_keys($outcomes));
        foreach ($outcomes as $i => $outcome) {
            match (true) {
                $i % 11 === 3 => self::assertBadGateway($outcome, "#$i"),
                $i % 7 === 5 => self::assertBadToken($outcome, "#$i"),
                default => self::assertSeller($outcome, "#$i"),
            };
        }
    }

    public function testTheDefaultConcurrencyAndAnEmptyBatch(): void
    {
        $c = self::client();
        self::assertSame([], $c->executeBatch([], self::$token));
        $outcomes = $c->executeBatch(array_fill(0, 20, self::sellerGet()), self::$token, Abi::USE_DEFAULT);
        self::assertCount(20, $outcomes);
        array_map(static fn ($o) => self::assertSeller($o, 'default'), $outcomes);
    }

    /** @return array<string, array{int}> */
    public static function badConcurrencies(): array
    {
        return ['0' => [0], '65' => [Abi::MAX_BATCH_CONCURRENCY + 1], '-2' => [-2]];
    }

    /** @dataProvider badConcurrencies */
    public function testAnInvalidConcurrencyThrows(int $concurrency): void
    {
        try {
            self::client()->executeBatch([self::sellerGet()], self::$token, $concurrency);
            self::fail('no exception');
        } catch (InvalidArgumentException $e) {
            self::assertSame(Status::ERR_INVALID_ARGUMENT, $e->getStatus());
            self::assertStringContainsString('concurrency', $e->getMessage());
        }
    }

    /** @return array<string, array{mixed}> */
    public static function badItems(): array
    {
        return ['string' => ['/seller/get'], 'null' => [null], 'empty pair' => [[]], 'token not a string' => [[new IopRequest('/seller/get'), 5]]];
    }

    /** @dataProvider badItems */
    public function testAnItemThatIsNotARequestThrows(mixed $item): void
    {
        $this->expectException(InvalidArgumentException::class);
        $this->expectExceptionMessage('requests[1]');
        self::client()->executeBatch([self::sellerGet(), $item], self::$token);
    }

    public function testAClosedClientThrows(): void
    {
        $c = self::client();
        $c->close();
        $this->expectException(\LogicException::class);
        $c->executeBatch([self::sellerGet()]);
    }

    public function testFailuresCarryThePlatformFieldsLikeThrownOnes(): void
    {
        $c = self::client();
        $request = self::sellerGet('throttle;seconds=7;code=AppCallLimit');
        [$outcome] = $c->executeBatch([$request], self::$token);
        self::assertInstanceOf(IopResponse::class, $outcome);
        self::assertSame('AppCallLimit', $outcome->code);
        self::assertSame(7000, $outcome->retryAfterMs);
        [$refused] = (new IopClient('http://127.0.0.1:1/rest', Sandbox::APP, Sandbox::SECRET))
            ->setMaxConnectRetries(0)->executeBatch([$request]);
        self::assertInstanceOf(IopException::class, $refused);
        self::assertSame(Status::ERR_CONNECT, $refused->getStatus());
    }

    /** @return array<string, array{string, int, bool}> */
    public static function poolSettings(): array
    {
        return [
            'idle -1' => ['setMaxIdleConnections', Abi::USE_DEFAULT, true],
            'idle 0' => ['setMaxIdleConnections', 0, true],
            'idle 32' => ['setMaxIdleConnections', 32, true],
            'idle limit' => ['setMaxIdleConnections', Abi::MAX_IDLE_CONNECTIONS_LIMIT, true],
            'idle -2' => ['setMaxIdleConnections', -2, false],
            'idle above limit' => ['setMaxIdleConnections', Abi::MAX_IDLE_CONNECTIONS_LIMIT + 1, false],
            'idle timeout -1' => ['setIdleTimeoutMs', Abi::USE_DEFAULT, true],
            'idle timeout 1' => ['setIdleTimeoutMs', 1, true],
            'idle timeout 0' => ['setIdleTimeoutMs', 0, false],
            'idle timeout -2' => ['setIdleTimeoutMs', -2, false],
        ];
    }

    /** @dataProvider poolSettings */
    public function testPoolSettingsOnBothClients(string $setter, int $value, bool $accepted): void
    {
        foreach ([self::client(), new EnosClient(self::$sandbox->url, 'app', 'secret')] as $c) {
            try {
                self::assertSame($c, $c->$setter($value));
                self::assertTrue($accepted, "$setter($value) accepted");
            } catch (InvalidArgumentException $e) {
                self::assertFalse($accepted, $e->getMessage());
            }
        }
    }

    public function testCallsWorkWithoutAPool(): void
    {
        $c = self::client()->setMaxIdleConnections(0)->setIdleTimeoutMs(1);
        foreach ($c->executeBatch(array_fill(0, 8, self::sellerGet()), self::$token, 8) as $i => $outcome) {
            self::assertSeller($outcome, "#$i");
        }
        self::assertSame('0', json_decode($c->execute(self::sellerGet(), self::$token), true)['code']);
    }
}
