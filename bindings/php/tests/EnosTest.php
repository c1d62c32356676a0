<?php

declare(strict_types=1);

namespace Iopkit\Tests;

use Iopkit\Enos\ApimHeaders;
use Iopkit\Enos\EnosClient;
use Iopkit\Enos\EnosToken;
use Iopkit\Exception\ConnectException;
use Iopkit\Exception\InvalidArgumentException;
use Iopkit\Exception\IopException;
use Iopkit\Exception\PlatformException;
use Iopkit\Exception\TimeoutException;
use Iopkit\Exception\TokenExpiredException;
use Iopkit\Tests\Support\Http;
use Iopkit\Tests\Support\Sandbox;
use PHPUnit\Framework\TestCase;

/** Iopkit\Enos\EnosClient against the sandbox's EnOS token service and protected API. */
final class EnosTest extends TestCase
{
    /** The sandbox's default EnOS app (also the appKey of seed 004). */
    private const APP = '5acb82e7-a11e-4300-9164-c8b20b638e8b';
    private const SECRET = 'sandboxEnosSecret-5acb82e7-0123456789abcdef';
    /** The access token of seed 004's refresh request (valid in a sandbox with --doc-samples). */
    private const SEED_TOKEN = 'adsfwerasdfsdfasggaaf';
    private const DEVICES = '/connect-service/v2.1/devices';

    private static Sandbox $sandbox;

    public static function setUpBeforeClass(): void
    {
        self::$sandbox = Sandbox::start(docSamples: true);
    }

    public static function tearDownAfterClass(): void
    {
        self::$sandbox->stop();
    }

    private static function client(string $app = self::APP, string $secret = self::SECRET, ?Sandbox $sandbox = null): EnosClient
    {
        return new EnosClient(($sandbox ?? self::$sandbox)->url, $app, $secret);
    }

    private static function assertLifetime(EnosToken $t, int $before, int $seconds = 7200): void
    {
        self::assertSame('UTC', $t->expiresAt->getTimezone()->getName());
        self::assertGreaterThanOrEqual($before + $seconds, $t->expiresAt->getTimestamp());
        self::assertLessThanOrEqual(time() + $seconds + 1, $t->expiresAt->getTimestamp());
        self::assertFalse($t->isExpired());
        self::assertTrue($t->isExpired($t->expiresAt));
    }

    /** @return array<string, mixed> the `data` echoed by the protected API */
    private static function echoed(\Iopkit\IopResponse $r): array
    {
        self::assertTrue($r->isSuccess(), $r->body);
        self::assertSame(200, $r->httpStatus);
        self::assertSame('0', $r->code);
        self::assertMatchesRegularExpression('~^\S+$~', (string) $r->requestId);
        self::assertSame($r->requestId, $r->json()['requestId']);
        return $r->json()['data'];
    }

    /**
     * Seed 004: POST /apim-token-service/v2.0/token/refresh with appKey, encryption, timestamp
     * and accessToken "adsfwerasdfsdfasggaaf". The client computes the encryption over a fresh
     * timestamp; the sandbox checks it (1003 otherwise) and answers a new token.
     */
    public function testSeed004RefreshGivesANewTokenThatGetThenReturns(): void
    {
        $c = self::client();
        $before = time();
        $t = $c->refreshToken(self::SEED_TOKEN);
        self::assertMatchesRegularExpression('~^\S{16,}$~', $t->accessToken);
        self::assertNotSame(self::SEED_TOKEN, $t->accessToken);
        self::assertLifetime($t, $before);

        // The refreshed token is the app's current one, and it opens the protected API.
        self::assertSame($t->accessToken, $c->getToken()->accessToken);
        self::assertSame(self::APP, self::echoed($c->call('GET', self::DEVICES . '?action=get', null, $t->accessToken))['appKey']);

        // Refreshing again gives yet another token, which get returns from then on.
        $t2 = $c->refreshToken($t->accessToken);
        self::assertNotSame($t->accessToken, $t2->accessToken);
        self::assertSame($t2->accessToken, $c->getToken()->accessToken);
    }

    public function testGetTwiceGivesTheSameToken(): void
    {
        $c = self::client();
        $before = time();
        $a = $c->getToken();
        $b = self::client()->getToken(); // another client of the same app
        self::assertSame($a->accessToken, $b->accessToken);
        self::assertSame($a->accessToken, $c->getToken()->accessToken);
        self::assertLessThanOrEqual($before + 7200 + 1, $a->expiresAt->getTimestamp());
        self::assertFalse($a->isExpired());
    }

    /** /work/shared/vectors/enos.json, apim_sign_get_query_params and apim_sign_post_json_body. */
    public function testSignMatchesTheVectors(): void
    {
        $c = new EnosClient('https://apigw.example.com', self::APP, '0f1e2d3c-4b5a-6978-8796-a5b4c3d2e1f0');
        $get = $c->sign(
            'APP_TOKEN_1a2b3c4d5e6f',
            'https://apigw.example.com/connect-service/v2.1/devices?productKey=pk123&action=get&orgId=o15589290474951&deviceKey=dev001',
            null,
            1700000000123,
        );
        self::assertSame([
            'apim-accesstoken' => 'APP_TOKEN_1a2b3c4d5e6f',
            'apim-timestamp' => '1700000000123',
            'apim-signature' => '794dd5d53820b1de07d78ff0dfab551758e08d085c25090edd78dcafbc6a10d9',
        ], $get->toArray());
        self::assertSame(1700000000123, $get->timestampMs);
        // A path with its query signs the same as the full URL; "" is no body, like null.
        self::assertSame($get->signature, $c->sign('APP_TOKEN_1a2b3c4d5e6f', self::DEVICES . '?productKey=pk123&action=get&orgId=o15589290474951&deviceKey=dev001', '', 1700000000123)->signature);

        $body = '{"productKey":"pk123","deviceKey":"dev001","timezone":"+08:00","deviceName":{"defaultValue":"d1"}}';
        $at = new \DateTimeImmutable('@1700000000.789');
        $post = $c->sign('APP_TOKEN_1a2b3c4d5e6f', 'https://apigw.example.com/connect-service/v2.1/devices?action=create&orgId=o15589290474951', $body, $at);
        self::assertSame('e7228fd096aac94d72b33f0774ead8f4a4dd6c77916eff566b81a7c6eb900801', $post->signature);
        self::assertSame(1700000000789, $post->timestampMs);
        self::assertSame([
            'apim-accesstoken: APP_TOKEN_1a2b3c4d5e6f',
            'apim-timestamp: 1700000000789',
            'apim-signature: e7228fd096aac94d72b33f0774ead8f4a4dd6c77916eff566b81a7c6eb900801',
        ], $post->toLines());
        self::assertSame([ApimHeaders::ACCESS_TOKEN, ApimHeaders::TIMESTAMP, ApimHeaders::SIGNATURE], array_keys($post->toArray()));

        // No timestamp: a fresh one (now), never repeated.
        $now = (int) floor(microtime(true) * 1000);
        $fresh1 = $c->sign('APP_TOKEN_1a2b3c4d5e6f', self::DEVICES, $body);
        $fresh2 = $c->sign('APP_TOKEN_1a2b3c4d5e6f', self::DEVICES, $body);
        self::assertEqualsWithDelta($now, $fresh1->timestampMs, 5000);
        self::assertNotSame($fresh1->timestampMs, $fresh2->timestampMs);
        self::assertNotSame($fresh1->signature, $fresh2->signature);
        self::assertMatchesRegularExpression('~^[0-9a-f]{64}$~', $fresh1->signature);

        ob_start();
        var_dump($get);
        print_r($get);
        $dump = (string) ob_get_clean();
        self::assertStringNotContainsString('APP_TOKEN_1a2b3c4d5e6f', $dump);
        self::assertStringContainsString($get->signature, $dump);
    }

    /** The headers from sign() authenticate a request sent by another HTTP client (PHP streams). */
    public function testSignedHeadersWorkWithAnotherHttpClient(): void
    {
        $c = self::client();
        $token = $c->getToken()->accessToken;
        $path = self::DEVICES . '?orgId=o1&action=create';
        $body = '{"deviceKey":"dev001","n":1}';
        $headers = $c->sign($token, $path, $body);
        $send = static function (array $lines) use ($path, $body): array {
            $ctx = stream_context_create(['http' => [
                'method' => 'POST',
                'ignore_errors' => true,
                'timeout' => 10,
                'header' => implode("\r\n", [...$lines, 'Content-Type: application/json']) . "\r\n",
                'content' => $body,
            ]]);
            $answer = file_get_contents(self::$sandbox->url . $path, false, $ctx);
            self::assertIsString($answer);
            return [(int) explode(' ', $http_response_header[0])[1], json_decode($answer, true)];
        };
        [$status, $json] = $send($headers->toLines());
        self::assertSame(200, $status, json_encode($json));
        self::assertSame(0, $json['code']);
        self::assertSame(['action' => 'create', 'orgId' => 'o1'], $json['data']['params']);
        self::assertSame(['deviceKey' => 'dev001', 'n' => 1], $json['data']['body']);

        // Another body under the same signature is refused: the body is signed.
        $tampered = $c->sign($token, $path, '{"deviceKey":"dev002","n":1}');
        [$status, $json] = $send($tampered->toLines());
        self::assertSame(401, $status);
        self::assertSame(1003, $json['code']);
    }

    public function testCallGetWithQueryAndPostWithJsonBody(): void
    {
        $c = self::client();
        $token = $c->getToken()->accessToken;

        $data = self::echoed($c->call('GET', self::DEVICES . '?productKey=pk123&action=get&deviceKey=dev%20001', null, $token));
        self::assertSame('GET', $data['method']);
        self::assertSame(self::APP, $data['appKey']);
        self::assertSame(['action' => 'get', 'deviceKey' => 'dev 001', 'productKey' => 'pk123'], $data['params']);
        self::assertNull($data['body']);

        $body = '{"productKey":"pk123","deviceKey":"dev001","timezone":"+08:00","deviceName":{"defaultValue":"d1"}}';
        $data = self::echoed($c->call('POST', self::DEVICES . '?action=create&orgId=o15589290474951', $body, $token));
        self::assertSame('POST', $data['method']);
        self::assertSame(['action' => 'create', 'orgId' => 'o15589290474951'], $data['params']);
        self::assertEquals(json_decode($body, true), $data['body']); // the sandbox echoes it re-encoded

        // An array is sent as JSON (and signed as sent); the method's case does not matter.
        $data = self::echoed($c->call('post', self::DEVICES . '?action=update', ['name' => 'Gerät/1', 'tags' => [1, 2]], $token));
        self::assertSame('POST', $data['method']);
        self::assertEquals(['name' => 'Gerät/1', 'tags' => [1, 2]], $data['body']);
    }

    public function testWrongSecretIs1003OnGetTokenAndA401ResponseOnCall(): void
    {
        $bad = self::client(secret: 'not-the-secret-0123456789');
        try {
            $bad->getToken();
            self::fail('no exception');
        } catch (PlatformException $e) {
            self::assertNotInstanceOf(TokenExpiredException::class, $e);
            self::assertSame('1003', $e->getErrorCode());
            self::assertSame('IOP_ERR_PLATFORM', $e->getStatusName());
            self::assertSame(200, $e->getHttpStatus());
            self::assertNull($e->getRetryAfterMs());
            self::assertStringNotContainsString('not-the-secret-0123456789', $e->getMessage());
        }

        // A valid token with signatures made from the wrong secret: HTTP 401, code 1003, as a response.
        $token = self::client()->getToken()->accessToken;
        $r = $bad->call('GET', self::DEVICES . '?action=get', null, $token);
        self::assertFalse($r->isSuccess());
        self::assertSame(401, $r->httpStatus);
        self::assertSame('1003', $r->code);
    }

    public function testUnknownAppIs1002(): void
    {
        $e = self::expectPlatform(fn () => self::client(app: '00000000-0000-0000-0000-000000000000')->getToken());
        self::assertSame('1002', $e->getErrorCode());
        self::assertSame(200, $e->getHttpStatus());
    }

    public function testRefreshOfAnUnknownTokenIs1204(): void
    {
        $e = self::expectPlatform(fn () => self::client()->refreshToken('no-such-token-0123456789'));
        self::assertNotInstanceOf(TokenExpiredException::class, $e);
        self::assertSame('1204', $e->getErrorCode());
        self::assertStringNotContainsString('no-such-token-0123456789', $e->getMessage());
    }

    /** A sandbox of its own: the clock moves past the token's 7200 s lifetime. */
    public function testExpiredTokenRefreshIsTokenExpired(): void
    {
        $sandbox = Sandbox::start(docSamples: false);
        try {
            $c = self::client(sandbox: $sandbox);
            $old = $c->getToken()->accessToken;
            $sandbox->advanceClock(7201);

            $e = self::expectPlatform(fn () => $c->refreshToken($old));
            self::assertInstanceOf(TokenExpiredException::class, $e);
            self::assertSame('1203', $e->getErrorCode());
            self::assertSame(10, $e->getCode());
            self::assertSame('IOP_ERR_TOKEN_EXPIRED', $e->getStatusName());
            self::assertSame(200, $e->getHttpStatus());

            // The protected API answers 401 / 1203 for it; get gives a new token that works.
            $r = $c->call('GET', self::DEVICES . '?action=get', null, $old);
            self::assertSame([401, '1203', false], [$r->httpStatus, $r->code, $r->isSuccess()]);
            $new = $c->getToken()->accessToken;
            self::assertNotSame($old, $new);
            self::assertTrue($c->call('GET', self::DEVICES . '?action=get', null, $new)->isSuccess());
        } finally {
            $sandbox->stop();
        }
    }

    public function testMissingHeadersAre1202(): void
    {
        [$status, , $body] = Http::request('GET', self::$sandbox->url . self::DEVICES . '?action=get');
        self::assertSame(401, $status);
        self::assertSame(1202, json_decode($body, true)['code']);
    }

    public function testClosedPortIsAConnectException(): void
    {
        $probe = stream_socket_server('tcp://127.0.0.1:0');
        $name = stream_socket_get_name($probe, false);
        fclose($probe); // nothing listens there any more
        $c = new EnosClient("http://$name", self::APP, self::SECRET);
        foreach ([fn () => $c->getToken(), fn () => $c->refreshToken('t'), fn () => $c->call('GET', self::DEVICES, null, 't')] as $call) {
            try {
                $call();
                self::fail('no exception');
            } catch (ConnectException $e) {
                self::assertSame(0, $e->getHttpStatus());
                self::assertStringNotContainsString(self::SECRET, $e->getMessage());
            }
        }
    }

    public function testReadTimeoutApplies(): void
    {
        $c = new EnosClient(self::$sandbox->url, self::APP, self::SECRET, connectTimeout: 2, readTimeout: 0.2);
        $token = self::client()->getToken()->accessToken;
        [$status] = Http::request('POST', self::$sandbox->url . '/_sandbox/faults?route=' . rawurlencode(self::DEVICES) . '&mode=' . rawurlencode('stall-head;ms=3000') . '&count=1');
        self::assertSame(200, $status);
        try {
            // Without the 0.2 s read timeout the stall would end in a closed connection (NetworkException).
            $c->call('GET', self::DEVICES . '?action=get', null, $token);
            self::fail('no exception');
        } catch (TimeoutException $e) {
            self::assertSame('IOP_ERR_TIMEOUT', $e->getStatusName());
        }
        $c->setReadTimeout(10)->setConnectTimeout('1.5');
        self::assertTrue($c->call('GET', self::DEVICES . '?action=get', null, $token)->isSuccess());
    }

    public function testCaBundle(): void
    {
        $c = self::client();
        try {
            $c->setCaBundle('/nonexistent/ca.pem');
            self::fail('accepted a missing CA bundle');
        } catch (InvalidArgumentException $e) {
            self::assertStringContainsString('pem', strtolower($e->getMessage()));
        }
        $notPem = tempnam(sys_get_temp_dir(), 'iopkit-not-pem-');
        file_put_contents($notPem, "no certificates here\n");
        try {
            $c->setCaBundle($notPem);
            self::fail('accepted a file without certificates');
        } catch (InvalidArgumentException $e) {
            self::assertStringContainsString('pem', strtolower($e->getMessage()));
        } finally {
            unlink($notPem);
        }
        $system = '/etc/ssl/certs/ca-certificates.crt';
        if (is_file($system)) {
            self::assertSame($c, $c->setCaBundle($system));
        }
        // Plain http:// to loopback is unaffected.
        self::assertNotSame('', $c->getToken()->accessToken);
    }

    /** @return array<string, array{callable(): mixed, string}> */
    public static function badArguments(): array
    {
        $c = static fn (): EnosClient => new EnosClient('http://127.0.0.1:9', self::APP, self::SECRET);
        return [
            'null gateway' => [static fn () => new EnosClient(null, self::APP, self::SECRET), 'gatewayUrl'],
            'empty gateway' => [static fn () => new EnosClient('', self::APP, self::SECRET), 'gatewayUrl'],
            'malformed gateway' => [static fn () => new EnosClient('not a url', self::APP, self::SECRET), 'gateway_url'],
            'null app key' => [static fn () => new EnosClient('http://127.0.0.1:9', null, self::SECRET), 'appKey'],
            'empty app key' => [static fn () => new EnosClient('http://127.0.0.1:9', '', self::SECRET), 'appKey'],
            'null secret' => [static fn () => new EnosClient('http://127.0.0.1:9', self::APP, null), 'appSecret'],
            'empty secret' => [static fn () => new EnosClient('http://127.0.0.1:9', self::APP, ''), 'appSecret'],
            'NUL in secret' => [static fn () => new EnosClient('http://127.0.0.1:9', self::APP, "a\0b"), 'appSecret'],
            'zero timeout' => [static fn () => new EnosClient('http://127.0.0.1:9', self::APP, self::SECRET, 0), 'connectTimeout'],
            'negative timeout' => [static fn () => $c()->setReadTimeout(-1), 'readTimeout'],
            'text timeout' => [static fn () => $c()->setReadTimeout('soon'), 'readTimeout'],
            'empty CA path' => [static fn () => $c()->setCaBundle(''), 'pemPath'],
            'null refresh token' => [static fn () => $c()->refreshToken(null), 'accessToken'],
            'empty refresh token' => [static fn () => $c()->refreshToken(''), 'accessToken'],
            'null sign token' => [static fn () => $c()->sign(null, self::DEVICES), 'accessToken'],
            'empty sign path' => [static fn () => $c()->sign('t', ''), 'pathAndQuery'],
            'array sign body' => [static fn () => $c()->sign('t', self::DEVICES, ['a' => 1]), 'body'],
            'zero timestamp' => [static fn () => $c()->sign('t', self::DEVICES, null, 0), 'timestamp'],
            'null method' => [static fn () => $c()->call(null, self::DEVICES, null, 't'), 'method'],
            'unknown method' => [static fn () => $c()->call('FETCH', self::DEVICES, null, 't'), 'method'],
            'empty path' => [static fn () => $c()->call('GET', '', null, 't'), 'pathAndQuery'],
            'relative path' => [static fn () => $c()->call('GET', 'connect-service', null, 't'), 'path_and_query'],
            'empty call token' => [static fn () => $c()->call('GET', self::DEVICES, null, ''), 'accessToken'],
            'object body' => [static fn () => $c()->call('POST', self::DEVICES, new \stdClass(), 't'), 'body'],
            'GET with a body' => [static fn () => $c()->call('GET', self::DEVICES, '{}', 't'), 'body'],
        ];
    }

    /** @dataProvider badArguments */
    public function testBadArgumentsAreInvalidArgument(callable $call, string $argument): void
    {
        try {
            $call();
            self::fail('no exception');
        } catch (InvalidArgumentException $e) {
            self::assertSame('IOP_ERR_INVALID_ARGUMENT', $e->getStatusName());
            self::assertStringContainsString("`$argument`", $e->getMessage());
            self::assertStringNotContainsString(self::SECRET, $e->getMessage());
        }
    }

    public function testDebugOutputCloneAndSerialize(): void
    {
        $c = self::client();
        $t = $c->getToken();
        ob_start();
        var_dump($c, $t);
        print_r($c);
        print_r($t);
        $dump = (string) ob_get_clean();
        self::assertStringNotContainsString(self::SECRET, $dump);
        self::assertStringNotContainsString($t->accessToken, $dump);
        self::assertStringContainsString(self::APP, $dump);
        self::assertStringContainsString($t->expiresAt->format('Y-m-d H:i:s'), $dump);
        try {
            $copy = clone $c;
            self::fail('cloned');
        } catch (\LogicException) {
        }
        self::assertTrue($c->call('GET', self::DEVICES, null, $t->accessToken)->isSuccess(), 'the original still works');
        $this->expectException(\LogicException::class);
        serialize($c);
    }

    private static function expectPlatform(callable $call): PlatformException
    {
        try {
            $call();
        } catch (IopException $e) {
            self::assertInstanceOf(PlatformException::class, $e, \get_class($e) . ': ' . $e->getMessage());
            self::assertStringNotContainsString(self::SECRET, $e->getMessage());
            return $e;
        }
        self::fail('no PlatformException');
    }
}
