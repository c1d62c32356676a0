<?php

declare(strict_types=1);

namespace Iopkit\Tests;

use Iopkit\Authorization;
use Iopkit\Enos\EnosClient;
use Iopkit\Exception\InvalidArgumentException;
use Iopkit\Exception\IopException;
use Iopkit\Exception\IopkitException;
use Iopkit\IopClient;
use Iopkit\IopRequest;
use Iopkit\Platform;
use Iopkit\Protocol;
use Iopkit\PushReceiver;
use Iopkit\Status;
use Iopkit\Token;
use Iopkit\UrlConstants;
use PHPUnit\Framework\TestCase;

/**
 * The cross-language conformance table (tests/conformance/cases.json at the repository root):
 * every case through the public facade, one test per case. An op this runner does not know
 * fails.
 */
final class ConformanceTest extends TestCase
{
    /** @return iterable<string, array{array<string, mixed>}> */
    public static function cases(): iterable
    {
        $file = \dirname(__DIR__, 3) . '/tests/conformance/cases.json';
        foreach (json_decode((string) file_get_contents($file), true, 512, \JSON_THROW_ON_ERROR)['cases'] as $case) {
            yield $case['id'] => [$case];
        }
    }

    /**
     * @dataProvider cases
     * @param array<string, mixed> $case
     */
    public function testCase(array $case): void
    {
        $expect = $case['expect'];
        try {
            $result = self::apply($case);
        } catch (IopException|InvalidArgumentException $e) {
            self::assertSame($expect['error'] ?? 'no error', $e->getStatusName(), $e->getMessage());
            self::assertInstanceOf(Status::EXCEPTIONS[$e->getStatus()], $e);
            if (\array_key_exists('code', $expect)) {
                self::assertSame($expect['code'], $e->getErrorCode());
            }
            return;
        }
        self::assertArrayNotHasKey('error', $expect, 'no exception was thrown');
        if (($expect['ok'] ?? false) === true) {
            self::assertNull($result);
            return;
        }
        foreach ($expect as $field => $value) {
            self::assertArrayHasKey($field, $result);
            self::assertSame($value, $result[$field], $field);
        }
    }

    /**
     * Runs one case: null for ok, else the fields to compare.
     *
     * @param array<string, mixed> $c
     * @return array<string, mixed>|null
     */
    private static function apply(array $c): ?array
    {
        switch ($c['op']) {
            case 'config_set':
                $client = new IopClient(UrlConstants::$api_gateway_url_sg, '1', 's');
                $client->{'set' . str_replace('_', '', ucwords($c['setting'], '_'))}($c['value']);
                return null;
            case 'client_new':
                new IopClient($c['server_url'], $c['app_key'], $c['app_secret']);
                return null;
            case 'enos_client_new':
                new EnosClient($c['gateway_url'], $c['app_key'], $c['app_secret']);
                return null;
            case 'sign':
                $client = (new IopClient($c['server_url'], $c['app_key'], $c['app_secret']))->setPartnerId($c['partner_id']);
                $request = (new IopRequest($c['api']))->setProtocol(\constant(Protocol::class . '::' . $c['protocol']));
                foreach ($c['params'] as [$key, $value]) {
                    $request->addApiParam($key, $value);
                }
                return $client->sign($request, $c['access_token'], $c['timestamp_ms']);
            case 'token_round_trip':
                return self::token(Token::fromJson(Token::fromResponse($c['response'], $c['received_at_ms'])->toJson()));
            case 'token_from_json':
                return self::token(Token::fromJson($c['json']));
            case 'status_exception':
                $e = IopException::forStatus(\constant(Status::class . '::' . substr($c['status'], 4)), 'conformance');
                self::assertInstanceOf(IopkitException::class, $e);
                self::assertInstanceOf(Status::EXCEPTIONS[$e->getStatus()], $e);
                self::assertNotSame(IopException::class, $e::class);
                return ['status' => $e->getStatusName()];
            case 'status_name':
                return ['value' => \Iopkit\Abi::statusName($c['value'])];
            case 'authorize_url':
                $platform = \constant(Platform::class . '::' . $c['platform']);
                return ['url' => Authorization::authorizeUrl($platform, $c['client_id'], $c['redirect_uri'], $c['country'], $c['state'], $c['base_url'])];
            case 'verify_state':
                return ['value' => Authorization::verifyState($c['expected'], $c['received'])];
            case 'enos_sign':
                $headers = (new EnosClient($c['gateway_url'], $c['app_key'], $c['app_secret']))
                    ->sign($c['access_token'], $c['path_and_query'], $c['body'], $c['timestamp_ms']);
                return ['signature' => $headers->signature, 'timestamp_ms' => $headers->timestampMs];
            case 'push_verify':
                $m = (new PushReceiver($c['app_key'], $c['app_secret']))->verify($c['authorization'], $c['body']);
                return ['type' => $m->type, 'seller_id' => $m->sellerId, 'site' => $m->site, 'timestamp_ms' => $m->timestampMs ?? -1,
                    'auth_expires_at_ms' => $m->authExpiresAtMs ?? -1, 'is_duplicate' => $m->isDuplicate];
            default:
                self::fail("unknown conformance op `{$c['op']}`");
        }
    }

    /** @return array<string, mixed> */
    private static function token(Token $t): array
    {
        return [
            'access_token' => $t->accessToken,
            'refresh_token' => $t->refreshToken,
            'expires_at_ms' => (int) $t->expiresAt->format('Uv'),
            'refresh_expires_at_ms' => $t->refreshExpiresAt === null ? null : (int) $t->refreshExpiresAt->format('Uv'),
            'can_refresh' => $t->canRefresh,
            'account' => $t->account,
            'seller_id' => $t->sellerId,
            'user_id' => $t->userId,
            'country' => $t->country,
            'country_count' => \count($t->countryUserInfo),
        ];
    }
}
