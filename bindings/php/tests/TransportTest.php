<?php

declare(strict_types=1);

namespace Iopkit\Tests;

use Iopkit\Exception\ConnectException;
use Iopkit\Exception\HttpException;
use Iopkit\Exception\IopException;
use Iopkit\Exception\MalformedResponseException;
use Iopkit\Exception\NetworkException;
use Iopkit\Exception\TimeoutException;
use Iopkit\Exception\TlsException;
use Iopkit\IopClient;
use Iopkit\IopRequest;
use Iopkit\Tests\Support\CannedServer;
use Iopkit\Tests\Support\Sandbox;
use PHPUnit\Framework\TestCase;

/** Transport failures throw from execute(), executeResponse() and the token calls alike. */
final class TransportTest extends TestCase
{
    private const SECRET = 'transport-test-secret-0123456789';

    private static function assertThrows(string $class, callable $call, ?string $message = null): IopException
    {
        try {
            $call();
        } catch (IopException $e) {
            self::assertInstanceOf($class, $e, \get_class($e) . ': ' . $e->getMessage());
            self::assertStringNotContainsString(self::SECRET, $e->getMessage());
            if ($message !== null) {
                self::assertStringContainsString($message, $e->getMessage());
            }
            return $e;
        }
        self::fail("no $class");
    }

    public function testClosedPortIsAConnectException(): void
    {
        $probe = stream_socket_server('tcp://127.0.0.1:0');
        $name = stream_socket_get_name($probe, false);
        fclose($probe); // nothing listens there any more
        $c = new IopClient("http://$name/rest", '1', self::SECRET);
        $e = self::assertThrows(ConnectException::class, fn () => $c->execute(new IopRequest('/seller/get')));
        self::assertSame('IOP_ERR_CONNECT', $e->getStatusName());
        self::assertSame(0, $e->getHttpStatus());
        self::assertThrows(ConnectException::class, fn () => $c->createToken('some-code'));
        self::assertThrows(ConnectException::class, fn () => $c->executeResponse(new IopRequest('/seller/get')));
    }

    /** A listening socket that is never accepted: the kernel completes the connection, nobody answers. */
    public function testReadTimeout(): void
    {
        $silent = stream_socket_server('tcp://127.0.0.1:0');
        $name = stream_socket_get_name($silent, false);
        try {
            $c = new IopClient("http://$name/rest", '1', self::SECRET);
            $c->readTimeout = 0.3;
            $start = microtime(true);
            $e = self::assertThrows(TimeoutException::class, fn () => $c->execute(new IopRequest('/seller/get')));
            $elapsed = microtime(true) - $start;
            self::assertSame('IOP_ERR_TIMEOUT', $e->getStatusName());
            self::assertGreaterThanOrEqual(0.25, $elapsed);
            self::assertLessThan(5, $elapsed);
            self::assertThrows(TimeoutException::class, fn () => $c->refreshToken('some-refresh-token'));

            // A longer timeout set later applies too (the setting is pushed when it changes).
            $c->readTimeout = 0.6;
            $start = microtime(true);
            self::assertThrows(TimeoutException::class, fn () => $c->execute(new IopRequest('/seller/get')));
            self::assertGreaterThanOrEqual(0.55, microtime(true) - $start);
        } finally {
            fclose($silent);
        }
    }

    public function testHtmlErrorPageIsAnHttpException(): void
    {
        $s = new CannedServer('http:502:<html>Bad gateway</html>');
        $c = new IopClient($s->url(), '1', self::SECRET);
        $e = self::assertThrows(HttpException::class, fn () => $c->execute(new IopRequest('/seller/get')), '502');
        self::assertSame(502, $e->getHttpStatus());
        self::assertThrows(HttpException::class, fn () => $c->createToken('some-code'));
        $s->stop();
    }

    public function testNonJsonBodyIsAMalformedResponseException(): void
    {
        $s = new CannedServer('json:200:not json at all');
        $c = new IopClient($s->url(), '1', self::SECRET);
        self::assertThrows(MalformedResponseException::class, fn () => $c->execute(new IopRequest('/seller/get')));
        $s->stop();
    }

    public function testOversizedBodyIsAMalformedResponseException(): void
    {
        $sandbox = Sandbox::start(docSamples: false);
        try {
            $c = new IopClient($sandbox->lazada(), Sandbox::APP, Sandbox::SECRET);
            $c->setMaxResponseBytes(16);
            self::assertThrows(MalformedResponseException::class, fn () => $c->execute(new IopRequest('/seller/get'), 'x'));
        } finally {
            $sandbox->stop();
        }
    }

    public function testServerClosingWithoutAnswerIsANetworkException(): void
    {
        $s = new CannedServer('close');
        $c = new IopClient($s->url(), '1', self::SECRET);
        self::assertThrows(NetworkException::class, fn () => $c->execute(new IopRequest('/seller/get')));
        $s->stop();
    }

    public function testTlsToAPlainHttpServerIsATlsException(): void
    {
        $s = new CannedServer('http:200:{"code":"0"}');
        $c = new IopClient($s->url('https'), '1', self::SECRET);
        self::assertThrows(TlsException::class, fn () => $c->execute(new IopRequest('/seller/get')));
        $s->stop();
    }

    public function testPlatformEnvelopeOnHttp500IsReturnedByExecute(): void
    {
        $s = new CannedServer('json:500:{"type":"ISP","code":"ServiceUnavailable","message":"busy","request_id":"r1"}');
        $c = new IopClient($s->url(), '1', self::SECRET);
        $r = $c->executeResponse(new IopRequest('/seller/get'));
        self::assertFalse($r->isSuccess());
        self::assertSame(['ISP', 'ServiceUnavailable', 'r1', 500], [$r->type, $r->code, $r->requestId, $r->httpStatus]);
        $s->stop();
    }

    public function testPlainHttpToARemoteHostIsRefused(): void
    {
        $c = new IopClient('http://api.lazada.test/rest', '1', self::SECRET);
        self::assertThrows(\Iopkit\Exception\InvalidArgumentException::class, fn () => $c->execute(new IopRequest('/seller/get')), 'https://');
    }
}
