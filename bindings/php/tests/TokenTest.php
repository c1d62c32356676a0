<?php

declare(strict_types=1);

namespace Iopkit\Tests;

use Iopkit\Exception\InvalidArgumentException;
use Iopkit\Exception\IopException;
use Iopkit\Exception\MalformedResponseException;
use Iopkit\Exception\PlatformException;
use Iopkit\IopClient;
use Iopkit\IopRequest;
use Iopkit\Tests\Support\Http;
use Iopkit\Tests\Support\Sandbox;
use Iopkit\Token;
use PHPUnit\Framework\TestCase;

/** createToken()/refreshToken(): typed tokens on every flavour, rotation, platform errors. */
final class TokenTest extends TestCase
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

    private static function client(string $flavour = 'lazada', string $app = Sandbox::APP, string $secret = Sandbox::SECRET): IopClient
    {
        return new IopClient(self::$sandbox->$flavour(), $app, $secret);
    }

    /** @return array<string, array{string}> */
    public static function flavours(): array
    {
        return ['lazada' => ['lazada'], 'tw' => ['tw'], 'aliexpress' => ['aliexpress']];
    }

    /** @dataProvider flavours */
    public function testCreateTokenGivesATypedToken(string $flavour): void
    {
        $before = time();
        $t = self::client($flavour)->createToken(self::$sandbox->code());
        self::assertMatchesRegularExpression('~^\S{20,}$~', $t->accessToken);
        self::assertMatchesRegularExpression('~^\S{20,}$~', $t->refreshToken);
        self::assertTrue($t->canRefresh);
        self::assertSame('UTC', $t->expiresAt->getTimezone()->getName());
        // Sandbox defaults: 7 days access, 30 days refresh.
        self::assertEqualsWithDelta($before + 604800, $t->expiresAt->getTimestamp(), 5);
        self::assertNotNull($t->refreshExpiresAt);
        self::assertEqualsWithDelta($before + 2592000, $t->refreshExpiresAt->getTimestamp(), 5);
        self::assertFalse($t->isExpired());
        self::assertSame('seller_center', $t->accountPlatform);
        self::assertMatchesRegularExpression('~^\d+$~', (string) $t->userId);
        self::assertMatchesRegularExpression('~^\d+$~', (string) $t->sellerId);
        self::assertStringContainsString('@', (string) $t->account);

        // raw: the body exactly as received; toJson(): the library's normalized JSON.
        $raw = json_decode($t->raw, true);
        self::assertSame($t->accessToken, $raw['access_token']);
        $json = json_decode($t->toJson(), true);
        self::assertSame($t->accessToken, $json['access_token']);
        self::assertSame($t->refreshToken, $json['refresh_token']);
        self::assertSame($t->expiresAt->format('Uv'), (string) $json['expires_at']);
        self::assertSame($t->refreshExpiresAt->format('Uv'), (string) $json['refresh_expires_at']);
        self::assertSame($t->userId, $json['user_id']);

        match ($flavour) {
            'lazada' => (function () use ($t): void {
                self::assertSame('sg', $t->country);
                self::assertNotEmpty($t->countryUserInfo);
                self::assertSame('sg', $t->countryUserInfo[0]->country);
                self::assertSame($t->sellerId, $t->countryUserInfo[0]->sellerId);
                self::assertSame($t->userId, $t->countryUserInfo[0]->userId);
                self::assertSame($t->shortCode, $t->countryUserInfo[0]->shortCode);
                self::assertNull($t->havanaId);
            })(),
            'tw' => (function () use ($t): void {
                self::assertNotNull($t->shortCode);
                self::assertSame([], $t->countryUserInfo);
            })(),
            'aliexpress' => (function () use ($t): void {
                self::assertNotNull($t->havanaId);
                self::assertNotNull($t->userNick);
                self::assertSame('zh_CN', $t->locale);
                self::assertSame('ae', $t->sp);
            })(),
        };
    }

    /** @dataProvider flavours */
    public function testRefreshRotatesAndTheOldRefreshTokenIsDead(string $flavour): void
    {
        $c = self::client($flavour);
        $first = $c->createToken(self::$sandbox->code());
        $second = $c->refreshToken($first->refreshToken);
        self::assertNotSame($first->refreshToken, $second->refreshToken);
        self::assertNotSame($first->accessToken, $second->accessToken);
        self::assertSame($first->userId, $second->userId, 'user_Id on TW is normalized too');
        self::assertTrue($second->canRefresh);

        try {
            $c->refreshToken($first->refreshToken);
            self::fail('the rotated-out refresh token still works');
        } catch (PlatformException $e) {
            self::assertSame('IllegalRefreshToken', $e->getErrorCode());
            self::assertSame('IllegalRefreshToken', $e->getPlatformCode());
            self::assertSame('ISV', $e->getType());
            self::assertSame('IOP_ERR_PLATFORM', $e->getStatusName());
            self::assertSame(8, $e->getCode());
            self::assertMatchesRegularExpression('~^\w{10,}$~', (string) $e->getRequestId());
            self::assertSame(400, $e->getHttpStatus());
            self::assertStringNotContainsString($first->refreshToken, $e->getMessage());
            self::assertStringNotContainsString(Sandbox::SECRET, $e->getMessage());
        }
        // The new access token works.
        $body = json_decode($c->execute(new IopRequest('/seller/get'), $second->accessToken), true);
        self::assertSame('0', $body['code']);
    }

    public function testInvalidAndReusedCodes(): void
    {
        $c = self::client();
        $code = self::$sandbox->code();
        $c->createToken($code);
        foreach ([$code, 'not-a-code'] as $bad) {
            try {
                $c->createToken($bad);
                self::fail('accepted a bad code');
            } catch (PlatformException $e) {
                self::assertSame('InvalidCode', $e->getErrorCode());
                self::assertNotNull($e->getRequestId());
                self::assertStringNotContainsString($bad, $e->getMessage());
            }
        }
    }

    public function testAppAuthorizedThroughTheServiceMarketCannotRefresh(): void
    {
        $c = self::client('lazada', Sandbox::APP_NO_REFRESH, Sandbox::SECRET_NO_REFRESH);
        $t = $c->createToken(self::$sandbox->code(Sandbox::APP_NO_REFRESH));
        self::assertFalse($t->canRefresh);
        self::assertNull($t->refreshExpiresAt);
        $this->expectException(PlatformException::class);
        $this->expectExceptionMessage('AUTH_TYPE_UNSUPPORTED');
        $c->refreshToken($t->refreshToken !== '' ? $t->refreshToken : 'none');
    }

    /** @return array<string, array{string, string, string}> */
    public static function badCredentials(): array
    {
        return [
            'wrong secret' => [Sandbox::APP, 'not-the-secret', 'IncompleteSignature'],
            'unknown app key' => ['424242', 'whatever', 'InvalidAppKey'],
        ];
    }

    /** @dataProvider badCredentials */
    public function testBadCredentialsGivePlatformExceptions(string $app, string $secret, string $code): void
    {
        try {
            self::client('lazada', $app, $secret)->createToken(self::$sandbox->code());
            self::fail('accepted bad credentials');
        } catch (PlatformException $e) {
            self::assertSame($code, $e->getErrorCode());
            self::assertSame(400, $e->getHttpStatus());
            self::assertStringNotContainsString($secret, $e->getMessage());
        }
    }

    public function testOAuthRedirectCodeWorks(): void
    {
        $redirect = 'https://app.example/callback';
        [$status, $headers] = Http::request('GET', self::$sandbox->url . '/lazada/oauth/authorize?response_type=code&force_auth=true&redirect_uri='
            . rawurlencode($redirect) . '&client_id=' . Sandbox::APP . '&state=s1');
        self::assertSame(302, $status);
        self::assertStringStartsWith("$redirect?", $headers['location']);
        parse_str((string) parse_url($headers['location'], PHP_URL_QUERY), $q);
        self::assertSame('s1', $q['state']);
        $t = self::client()->createToken($q['code']);
        self::assertNotSame('', $t->accessToken);
    }

    public function testRefreshTokenLifetimeEndsOnTheVirtualClock(): void
    {
        $sandbox = Sandbox::start(docSamples: false);
        try {
            $c = new IopClient($sandbox->lazada(), Sandbox::APP, Sandbox::SECRET);
            $t = $c->createToken($sandbox->code());
            $sandbox->advanceClock(31 * 86400);
            $this->expectException(PlatformException::class);
            $this->expectExceptionMessage('IllegalRefreshToken');
            $c->refreshToken($t->refreshToken);
        } finally {
            $sandbox->stop();
        }
    }

    public function testTokenFromAnExecutedTokenCall(): void
    {
        $c = self::client('tw');
        $request = new IopRequest('/auth/token/create');
        $request->addApiParam('code', self::$sandbox->code());
        $body = $c->execute($request);
        $t = Token::fromResponse($body);
        self::assertSame($body, $t->raw);
        self::assertSame(json_decode($body, true)['access_token'], $t->accessToken);
        self::assertSame(json_decode($body, true)['user_id'] ?? json_decode($body, true)['user_Id'], $t->userId);

        // The same call again: the code is used up; the body is the platform's error envelope.
        $error = $c->execute($request);
        try {
            Token::fromResponse($error);
            self::fail('parsed an error envelope');
        } catch (PlatformException $e) {
            self::assertSame('InvalidCode', $e->getErrorCode());
        }
        $this->expectException(IopException::class);
        Token::fromResponse('<html>not a token</html>');
    }

    public function testGarbageAndEmptyBodies(): void
    {
        try {
            Token::fromResponse('{"code":"0"}');
            self::fail('a body without a token');
        } catch (IopException $e) {
            self::assertContains(\get_class($e), [MalformedResponseException::class, PlatformException::class]);
        }
        $this->expectException(InvalidArgumentException::class);
        Token::fromResponse('');
    }

    public function testDumpsNeverShowTheTokens(): void
    {
        $t = self::client()->createToken(self::$sandbox->code());
        ob_start();
        var_dump($t);
        print_r($t);
        $dump = (string) ob_get_clean();
        self::assertStringContainsString('<redacted>', $dump);
        self::assertStringNotContainsString($t->accessToken, $dump);
        self::assertStringNotContainsString($t->refreshToken, $dump);
        self::assertStringContainsString((string) $t->userId, $dump);
    }

    /** @return array<string, array{mixed}> */
    public static function badTokenArguments(): array
    {
        return ['empty' => [''], 'null' => [null], 'int' => [123], 'array' => [['x']], 'NUL byte' => ["ab\0cd"]];
    }

    /** @dataProvider badTokenArguments */
    public function testBadArgumentsToTokenCalls(mixed $bad): void
    {
        $c = self::client();
        foreach (['createToken', 'refreshToken'] as $method) {
            try {
                $c->$method($bad);
                self::fail("$method accepted " . get_debug_type($bad));
            } catch (InvalidArgumentException $e) {
                self::assertSame('IOP_ERR_INVALID_ARGUMENT', $e->getStatusName());
                self::assertMatchesRegularExpression('~`(code|refreshToken)`~', $e->getMessage());
            }
        }
    }
}
