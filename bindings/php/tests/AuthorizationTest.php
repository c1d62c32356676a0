<?php

declare(strict_types=1);

namespace Iopkit\Tests;

use Iopkit\Authorization;
use Iopkit\Exception\InvalidArgumentException;
use Iopkit\IopClient;
use Iopkit\Platform;
use Iopkit\Tests\Support\Http;
use Iopkit\Tests\Support\Sandbox;
use PHPUnit\Framework\TestCase;

/** Authorization::authorizeUrl()/newState()/verifyState(): the start of the OAuth flow. */
final class AuthorizationTest extends TestCase
{
    private const REDIRECT = 'https://shop.example.com/lazada/callback?tenant=ab&x=1';

    /** @return array<string, string> the query of `$url`, decoded */
    private static function query(string $url): array
    {
        parse_str((string) parse_url($url, PHP_URL_QUERY), $query);
        return $query;
    }

    public function testLazadaUrlCarriesTheEncodedValues(): void
    {
        $state = Authorization::newState();
        $url = Authorization::authorizeUrl(Platform::LAZADA, 100001, self::REDIRECT, 'sg', $state);
        self::assertStringStartsWith('https://auth.lazada.com/oauth/authorize?', $url);
        self::assertSame([
            'response_type' => 'code',
            'force_auth' => 'true',
            'redirect_uri' => self::REDIRECT,
            'client_id' => '100001',
            'state' => $state,
            'country' => 'sg',
        ], self::query($url));
        // Encoded, not raw: the redirect URI's own query cannot leak into the page's.
        self::assertStringContainsString('&redirect_uri=https%3A%2F%2Fshop.example.com%2Flazada%2Fcallback%3Ftenant%3Dab%26x%3D1&', $url);
        self::assertStringContainsString('&client_id=100001&', $url);
        self::assertStringContainsString("&state=$state&", $url);
        self::assertStringNotContainsString('tenant=ab', $url);
    }

    public function testAliExpressUrlHasNoCountryAndStateIsOptional(): void
    {
        $url = Authorization::authorizeUrl(Platform::ALIEXPRESS, '500123', 'https://shop.example.com/ae');
        self::assertStringStartsWith('https://api-sg.aliexpress.com/oauth/authorize?', $url);
        $query = self::query($url);
        self::assertSame(['response_type' => 'code', 'force_auth' => 'true', 'redirect_uri' => 'https://shop.example.com/ae', 'client_id' => '500123'], $query);
        self::assertStringContainsString('redirect_uri=https%3A%2F%2Fshop.example.com%2Fae', $url);

        $url = Authorization::authorizeUrl(Platform::ALIEXPRESS, '500123', 'https://shop.example.com/ae', state: 's/t+a te');
        self::assertSame('s/t+a te', self::query($url)['state']);
        self::assertStringContainsString('state=s%2Ft%2Ba', $url);
    }

    /** The sandbox's authorization page redirects with a code that createToken() accepts, and the state. */
    public function testSandboxPageRedirectsWithACodeThatCreateTokenAccepts(): void
    {
        $sandbox = Sandbox::start(docSamples: false);
        try {
            $state = Authorization::newState();
            $url = Authorization::authorizeUrl(Platform::LAZADA, Sandbox::APP, 'https://shop.example.com/cb?t=1', 'sg', $state, "$sandbox->url/lazada/oauth/authorize");
            self::assertStringStartsWith("$sandbox->url/lazada/oauth/authorize?", $url);
            [$status, $headers] = Http::request('GET', $url);
            self::assertSame(302, $status);
            self::assertStringStartsWith('https://shop.example.com/cb?', $headers['location']);
            $back = self::query($headers['location']);
            self::assertSame('1', $back['t']);
            self::assertTrue(Authorization::verifyState($state, $back['state']));

            $token = (new IopClient($sandbox->lazada(), Sandbox::APP, Sandbox::SECRET))->createToken($back['code']);
            self::assertNotSame('', $token->accessToken);
            self::assertFalse($token->isExpired());
        } finally {
            $sandbox->stop();
        }
    }

    public function testNewStateIsRandomAndUrlSafe(): void
    {
        $a = Authorization::newState();
        $b = Authorization::newState();
        self::assertMatchesRegularExpression('~^[A-Za-z0-9_-]{32}$~', $a);
        self::assertMatchesRegularExpression('~^[A-Za-z0-9_-]{32}$~', $b);
        self::assertNotSame($a, $b);
    }

    public function testVerifyState(): void
    {
        $state = Authorization::newState();
        self::assertTrue(Authorization::verifyState($state, $state));
        self::assertFalse(Authorization::verifyState($state, $state . 'x'));
        self::assertFalse(Authorization::verifyState($state, substr($state, 0, 31)));
        self::assertFalse(Authorization::verifyState($state, strtoupper($state) === $state ? strtolower($state) : strtoupper($state)));
        self::assertFalse(Authorization::verifyState($state, ''));
        self::assertFalse(Authorization::verifyState($state, null));
        self::assertFalse(Authorization::verifyState(null, $state));
        self::assertFalse(Authorization::verifyState('', ''), 'an empty expected state never matches');
        self::assertFalse(Authorization::verifyState("a\0b", "a\0b"));
        self::assertFalse(Authorization::verifyState($state, ['x']));
    }

    /** @return array<string, array{callable(): mixed, string}> */
    public static function badArguments(): array
    {
        return [
            'unknown platform' => [static fn () => Authorization::authorizeUrl(7, '1', 'https://a.example/cb'), 'platform'],
            'platform beyond int32' => [static fn () => Authorization::authorizeUrl(1 << 32, '1', 'https://a.example/cb'), 'platform'],
            'text platform' => [static fn () => Authorization::authorizeUrl('lazada', '1', 'https://a.example/cb'), 'platform'],
            'null client id' => [static fn () => Authorization::authorizeUrl(Platform::LAZADA, null, 'https://a.example/cb'), 'clientId'],
            'redirect with a space' => [static fn () => Authorization::authorizeUrl(Platform::LAZADA, '1', 'https://a.example/c b'), 'redirect_uri'],
            'empty redirect' => [static fn () => Authorization::authorizeUrl(Platform::LAZADA, '1', ''), 'redirectUri'],
            'country for AliExpress' => [static fn () => Authorization::authorizeUrl(Platform::ALIEXPRESS, '1', 'https://a.example/cb', 'sg'), 'country'],
            'remote http base' => [static fn () => Authorization::authorizeUrl(Platform::LAZADA, '1', 'https://a.example/cb', null, null, 'http://auth.example.com/oauth/authorize'), 'base_url'],
        ];
    }

    /** @dataProvider badArguments */
    public function testBadArgumentsAreInvalidArgument(callable $call, string $argument): void
    {
        try {
            $call();
            self::fail('no exception');
        } catch (InvalidArgumentException $e) {
            self::assertStringContainsString("`$argument`", $e->getMessage());
        }
    }
}
