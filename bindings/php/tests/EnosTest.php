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







    /** The settings shared with IopClient reach the live EnOS client. */
    public function testSharedSettingsApplyToTheLiveClient(): void
    {
        $c = self::client()->setConnectTimeoutMs(2000)->setReadTimeoutMs(200);
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
        $c->setReadTimeoutMs(-1)->setConnectTimeoutMs(1500)->setCaBundle(null)->setMaxConnectRetries(0);
        self::assertTrue($c->call('GET', self::DEVICES . '?action=get', null, $token)->isSuccess());
    }



    public function testDebugOutputCloseCloneAndSerialize(): void
    {
        $closed = self::client();
        $closed->close();
        $closed->close();
        try {
            $closed->getToken();
            self::fail('a closed client was used');
        } catch (\LogicException) {
        }
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
