<?php

declare(strict_types=1);

namespace Iopkit\Tests;

use Iopkit\Abi;
use Iopkit\Exception\ConnectException;
use Iopkit\Exception\InvalidArgumentException;
use Iopkit\Exception\PlatformException;
use Iopkit\IopClient;
use Iopkit\IopRequest;
use Iopkit\Tests\Support\Http;
use Iopkit\Tests\Support\Sandbox;
use PHPUnit\Framework\TestCase;

/** Throttling (ApiCallLimit/AppCallLimit): retryAfter on responses and exceptions; connect retries. */
final class RetryAfterTest extends TestCase
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

    private static function client(): IopClient
    {
        return new IopClient(self::$sandbox->lazada(), Sandbox::APP, Sandbox::SECRET);
    }

    public function testThrottledResponseCarriesRetryAfter(): void
    {
        $c = self::client();
        $token = $c->createToken(self::$sandbox->code())->accessToken;
        $request = (new IopRequest('/seller/get', 'GET'))->addHttpHeaderParam('X-Sandbox-Fault', 'throttle;seconds=7;code=AppCallLimit');
        $r = $c->executeResponse($request, $token);
        self::assertFalse($r->isSuccess());
        self::assertSame('AppCallLimit', $r->getCode());
        self::assertSame(7000, $r->getRetryAfterMs());
        $wait = $r->getRetryAfter();
        self::assertInstanceOf(\DateInterval::class, $wait);
        self::assertSame(7, $wait->s);
        self::assertSame(7, (new \DateTimeImmutable('@0'))->add($wait)->getTimestamp());

        // Ordinary responses, successful or not, have none.
        $ok = $c->executeResponse(new IopRequest('/seller/get', 'GET'), $token);
        self::assertTrue($ok->isSuccess(), $ok->body);
        self::assertNull($ok->getRetryAfterMs());
        self::assertNull($ok->getRetryAfter());
        $denied = $c->executeResponse(new IopRequest('/seller/get', 'GET'), 'not-a-token');
        self::assertFalse($denied->isSuccess());
        self::assertNull($denied->getRetryAfterMs());
    }

    public function testThrottledTokenCallThrowsWithRetryAfter(): void
    {
        [$status] = Http::request('POST', self::$sandbox->url . '/_sandbox/faults?route=' . rawurlencode('/auth/token/create') . '&mode=' . rawurlencode('throttle;seconds=3') . '&count=1');
        self::assertSame(200, $status);
        $c = self::client();
        try {
            $c->createToken(self::$sandbox->code());
            self::fail('no exception');
        } catch (PlatformException $e) {
            self::assertSame('ApiCallLimit', $e->getErrorCode());
            self::assertSame(3000, $e->getRetryAfterMs());
            self::assertSame(3, $e->getRetryAfter()?->s);
        }
        // The fault was armed once: the next call goes through, and ordinary errors have no retryAfter.
        self::assertNotSame('', $c->createToken(self::$sandbox->code())->accessToken);
        try {
            $c->createToken('no-such-code');
            self::fail('no exception');
        } catch (PlatformException $e) {
            self::assertSame('InvalidCode', $e->getErrorCode());
            self::assertNull($e->getRetryAfterMs());
            self::assertNull($e->getRetryAfter());
        }
    }

    public function testMaxConnectRetries(): void
    {
        $probe = stream_socket_server('tcp://127.0.0.1:0');
        $name = stream_socket_get_name($probe, false);
        fclose($probe); // nothing listens there any more
        $c = new IopClient("http://$name/rest", '1', 'retry-test-secret');
        self::assertSame($c, $c->setMaxConnectRetries(0));
        try {
            $c->execute(new IopRequest('/seller/get'));
            self::fail('no exception');
        } catch (ConnectException $e) {
            self::assertNull($e->getRetryAfterMs());
        }
        self::assertSame($c, $c->setMaxConnectRetries(Abi::MAX_CONNECT_RETRIES_LIMIT)->setMaxConnectRetries(Abi::USE_DEFAULT));
        foreach ([Abi::MAX_CONNECT_RETRIES_LIMIT + 1, -2, 1 << 32] as $bad) {
            try {
                $c->setMaxConnectRetries($bad);
                self::fail("accepted $bad");
            } catch (InvalidArgumentException $e) {
                self::assertStringContainsString('retries', $e->getMessage());
            }
        }
    }
}
