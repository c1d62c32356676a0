<?php

declare(strict_types=1);

namespace Iopkit\Tests;

use Iopkit\Exception\InvalidArgumentException;
use Iopkit\Exception\IopException;
use Iopkit\Exception\PlatformException;
use Iopkit\Exception\QuotaExceededException;
use Iopkit\Exception\RateLimitedException;
use Iopkit\IopClient;
use Iopkit\IopRequest;
use Iopkit\LimitScope;
use Iopkit\Log;
use Iopkit\RateLimiter;
use Iopkit\Status;
use Iopkit\Tests\Support\Sandbox;
use Iopkit\TokenManager\FileTokenStore;
use Iopkit\TokenManager\MemoryTokenStore;
use PHPUnit\Framework\TestCase;

/** RateLimiter: fail-fast budgets (RateLimitedException + retry-after), pacing, learned bans, the daily quota. */
final class RateLimiterTest extends TestCase
{
    private static function client(Sandbox $sandbox, RateLimiter $limiter): IopClient
    {
        return (new IopClient($sandbox->lazada(), Sandbox::APP, Sandbox::SECRET))->setRateLimiter($limiter);
    }

    /** @return list<array<string, mixed>> the sandbox's log of /seller/get requests */
    private static function arrivals(Sandbox $sandbox): array
    {
        return array_values(array_filter($sandbox->control('GET', '/requests')['requests'], static fn (array $r): bool => $r['api'] === '/seller/get'));
    }

    public function testAFailFastBudgetThrowsRateLimitedWithRetryAfterAndSendsNothing(): void
    {
        $sandbox = Sandbox::start(docSamples: false);
        $limiter = (new RateLimiter(new MemoryTokenStore()))->setBudget('app', null, 1.0, 2)->setBudget(LimitScope::API, '/seller/get', 0.5, 5)->setMaxWaitMs(0);
        $c = self::client($sandbox, $limiter);
        foreach ([1, 2] as $_) {
            self::assertSame('IllegalAccessToken', $c->executeResponse(new IopRequest('/seller/get'), 't')->getCode());
        }
        try {
            $c->executeResponse(new IopRequest('/seller/get'), 't');
            self::fail('no exception');
        } catch (RateLimitedException $e) {
            self::assertInstanceOf(IopException::class, $e);
            self::assertSame([Status::ERR_RATE_LIMITED, 'RateLimited'], [$e->getStatus(), $e->getErrorCode()]);
            self::assertGreaterThan(0, $e->getRetryAfterMs());
            self::assertLessThanOrEqual(1000, $e->getRetryAfterMs());
        }
        self::assertCount(2, self::arrivals($sandbox)); // the refused call was never sent
        $status = $limiter->status(Sandbox::APP);
        usort($status['budgets'], static fn (array $a, array $b): int => strcmp($a['scope'], $b['scope']));
        [$api, $app] = $status['budgets'];
        self::assertSame(['app', null, 1.0, 2], [$app['scope'], $app['name'], $app['rate_per_second'], $app['burst']]);
        self::assertSame(['api', '/seller/get', 5], [$api['scope'], $api['name'], $api['burst']]);
        self::assertTrue($api['available'] >= 3 && $api['available'] < 4, (string) $api['available']); // 2 taken
        self::assertSame([], $status['bans']);
        $sandbox->stop();
    }

    public function testAWaitingBudgetPacesCalls(): void
    {
        $sandbox = Sandbox::start(docSamples: false);
        $limiter = (new RateLimiter(new MemoryTokenStore()))->setBudget(LimitScope::API, '/seller/get', 20.0, 1);
        $c = self::client($sandbox, $limiter);
        $logger = new class () {
            public array $waits = [];

            public function log($level, $message, array $context = []): void
            {
                if ($context['event'] === 'limit.wait') {
                    $this->waits[] = $context;
                }
            }
        };
        Log::setLogger($logger, 'debug');
        try {
            $start = hrtime(true);
            for ($i = 0; $i < 6; $i++) {
                $c->executeResponse(new IopRequest('/seller/get'), 't');
            }
            $elapsedMs = (hrtime(true) - $start) / 1e6;
        } finally {
            Log::setLogger(null);
        }
        self::assertCount(6, self::arrivals($sandbox)); // all sent, none refused
        self::assertGreaterThanOrEqual(5 * 50 - 5, $elapsedMs); // a lower bound: one token every 50 ms after the first
        self::assertGreaterThanOrEqual(5, \count($logger->waits));
        self::assertSame(['api', '/seller/get'], [$logger->waits[0]['scope'], $logger->waits[0]['name']]);
        $sandbox->stop();
    }

    public function testPlatformBansAreLearnedAndTheDailyQuotaThrowsQuotaExceeded(): void
    {
        $sandbox = Sandbox::start(docSamples: false, config: ['limits' => ['daily' => 2]]);
        $limiter = (new RateLimiter(new MemoryTokenStore()))->setMaxWaitMs(0);
        $c = self::client($sandbox, $limiter);
        $throttled = $c->executeResponse((new IopRequest('/seller/get'))->addHttpHeaderParam('X-Sandbox-Fault', 'throttle;seconds=30'), 't');
        self::assertSame(['ApiCallLimit', 30000], [$throttled->getCode(), $throttled->getRetryAfterMs()]);
        try {
            $c->executeResponse(new IopRequest('/seller/get'), 't'); // the ban is not waited out here: not sent
            self::fail('no exception');
        } catch (RateLimitedException $e) {
            self::assertSame('ApiCallLimit', $e->getErrorCode());
            self::assertGreaterThan(20000, $e->getRetryAfterMs());
        }
        self::assertSame(['api'], array_column($limiter->status(Sandbox::APP)['bans'], 'scope'));
        $answers = [];
        for ($i = 0; $i < 3 && !\in_array('accesscontrol.limited-by-app-access-count', $answers, true); $i++) {
            try {
                $c->createToken('bogus'); // InvalidCode until the daily quota is used up
            } catch (PlatformException $e) {
                $answers[] = $e->getSubCode() ?? $e->getErrorCode();
            }
        }
        self::assertContains('InvalidCode', $answers);
        self::assertSame('accesscontrol.limited-by-app-access-count', end($answers)); // the answer that teaches the quota
        try {
            $c->createToken('bogus');
            self::fail('no exception');
        } catch (QuotaExceededException $e) {
            self::assertSame(Status::ERR_QUOTA_EXCEEDED, $e->getStatus());
            self::assertStringContainsString('+08:00', $e->getMessage());
            self::assertGreaterThan(0, $e->getRetryAfterMs());
            self::assertLessThanOrEqual(86400000, $e->getRetryAfterMs());
        }
        $sandbox->stop();
    }

    public function testStoresThatCannotHoldLimitsAndBadScopesAreRefused(): void
    {
        try {
            new RateLimiter(new FileTokenStore(tempnam(sys_get_temp_dir(), 'iopkit-limits-')));
            self::fail('no exception');
        } catch (InvalidArgumentException $e) {
            self::assertSame(Status::ERR_INVALID_ARGUMENT, $e->getStatus());
        }
        $limiter = new RateLimiter(new MemoryTokenStore());
        try {
            $limiter->setBudget('galaxy', null, 1.0);
            self::fail('no exception');
        } catch (InvalidArgumentException) {
        }
        $this->expectException(InvalidArgumentException::class);
        $limiter->setBudget(LimitScope::APP, '/x', 1.0); // APP takes no name
    }
}
