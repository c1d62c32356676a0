<?php

declare(strict_types=1);

namespace Iopkit\Tests;

use Iopkit\Exception\ConnectException;
use Iopkit\Exception\InvalidArgumentException;
use Iopkit\IopClient;
use Iopkit\IopRequest;
use Iopkit\Tests\Support\ConnectProxy;
use Iopkit\Tests\Support\Sandbox;
use PHPUnit\Framework\TestCase;

/** setProxy(): calls tunnel through a loopback CONNECT proxy, credentials never shown, a dead proxy named, '' direct. */
final class ProxyTest extends TestCase
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

    private static function host(): string
    {
        return parse_url(self::$sandbox->lazada(), \PHP_URL_HOST) . ':' . parse_url(self::$sandbox->lazada(), \PHP_URL_PORT);
    }

    public function testCallsGoThroughTheProxy(): void
    {
        $proxy = new ConnectProxy();
        $c = self::client()->setProxy($proxy->url)->setMaxIdleConnections(0);
        $token = $c->createToken(self::$sandbox->code());
        self::assertTrue($c->executeResponse(new IopRequest('/seller/get'), $token->accessToken)->isSuccess());
        self::assertSame(2, $proxy->tunnels());
        self::assertSame([self::host(), self::host()], array_column($proxy->connects(), 'target'));
        $proxy->stop();
    }

    public function testCredentialsAreSentAndNeverShown(): void
    {
        $basic = 'Basic ' . base64_encode('user:pa ss');
        $proxy = new ConnectProxy($basic);
        $port = parse_url($proxy->url, \PHP_URL_PORT);
        $c = self::client()->setProxy("http://user:pa%20ss@127.0.0.1:$port");
        self::assertSame('IllegalAccessToken', $c->executeResponse(new IopRequest('/seller/get'), 't')->getCode());
        self::assertSame([$basic, true], [$proxy->connects()[0]['auth'], $proxy->connects()[0]['tunnel']]);
        $c->setProxy("http://user:wrong-secret@127.0.0.1:$port");
        try {
            $c->executeResponse(new IopRequest('/seller/get'), 't');
            self::fail('no exception');
        } catch (ConnectException $e) {
            self::assertStringStartsWith("proxy http://127.0.0.1:$port", $e->getMessage());
            self::assertStringContainsString('407', $e->getMessage());
            self::assertStringNotContainsString('wrong-secret', $e->getMessage() . $e->getTraceAsString() . print_r($c, true));
        }
        self::assertSame(1, $proxy->tunnels());
        $proxy->stop();
    }

    public function testADeadProxyIsNamedAndEmptyMeansDirect(): void
    {
        $socket = stream_socket_server('tcp://127.0.0.1:0');
        $dead = 'http://' . stream_socket_get_name($socket, false);
        fclose($socket); // nothing listens there now
        $c = self::client()->setProxy($dead)->setMaxConnectRetries(0);
        try {
            $c->executeResponse(new IopRequest('/seller/get'), 't');
            self::fail('no exception');
        } catch (ConnectException $e) {
            self::assertStringStartsWith("proxy $dead", $e->getMessage());
        }
        putenv("HTTPS_PROXY=$dead");
        putenv("ALL_PROXY=$dead");
        try {
            $c->setProxy(''); // direct, whatever the environment says
            self::assertSame('IllegalAccessToken', $c->executeResponse(new IopRequest('/seller/get'), 't')->getCode());
        } finally {
            putenv('HTTPS_PROXY');
            putenv('ALL_PROXY');
        }
        $this->expectException(InvalidArgumentException::class);
        $c->setProxy('socks5://127.0.0.1:1');
    }
}
