<?php

declare(strict_types=1);

namespace Iopkit\Tests;

use Iopkit\Exception\InvalidArgumentException;
use Iopkit\IopClient;
use Iopkit\Tests\Support\Sandbox;
use Iopkit\Token;
use PHPUnit\Framework\TestCase;

/** Tokens read through every accessor of each flavour, toJson()/fromJson(), redaction. */
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

    /** @return array<string, array{string}> */
    public static function flavours(): array
    {
        return ['lazada' => ['lazada'], 'tw' => ['tw'], 'aliexpress' => ['aliexpress']];
    }

    /** @dataProvider flavours */
    public function testEveryFieldSurvivesToJsonAndFromJson(string $flavour): void
    {
        $c = new IopClient(self::$sandbox->$flavour(), Sandbox::APP, Sandbox::SECRET);
        $t = $c->createToken(self::$sandbox->code());
        self::assertSame('UTC', $t->expiresAt->getTimezone()->getName());
        self::assertFalse($t->isExpired());
        self::assertSame($t->accessToken, json_decode($t->raw, true)['access_token']);
        $copy = Token::fromJson($t->toJson());
        self::assertEquals($t->countryUserInfo, $copy->countryUserInfo);
        foreach (['accessToken', 'refreshToken', 'expiresAt', 'refreshExpiresAt', 'canRefresh', 'account', 'sellerId', 'userId', 'country', 'havanaId', 'userNick', 'locale', 'sp'] as $field) {
            self::assertEquals($t->$field, $copy->$field, $field);
        }
        self::assertSame($t->toJson(), $copy->raw, 'the rebuilt token was read from that JSON');
        if ($flavour === 'lazada') {
            self::assertSame('sg', $t->countryUserInfo[0]->country);
            self::assertSame($t->sellerId, $t->countryUserInfo[0]->sellerId);
        }
        // The refreshed token replaces the pair: its accessors are read from a new native token.
        self::assertNotSame($t->refreshToken, $c->refreshToken($t->refreshToken)->refreshToken);
    }

    public function testNulBytesAreInvalidArguments(): void
    {
        foreach (["{\"a\":\0}", "\0"] as $bad) {
            try {
                Token::fromResponse($bad);
                self::fail('accepted');
            } catch (InvalidArgumentException $e) {
                self::assertSame('IOP_ERR_INVALID_ARGUMENT', $e->getStatusName());
            }
        }
    }

    public function testDumpsNeverShowTheTokens(): void
    {
        $t = (new IopClient(self::$sandbox->lazada(), Sandbox::APP, Sandbox::SECRET))->createToken(self::$sandbox->code());
        ob_start();
        var_dump($t);
        print_r($t);
        $dump = (string) ob_get_clean();
        self::assertStringContainsString('<redacted>', $dump);
        self::assertStringNotContainsString($t->accessToken, $dump);
        self::assertStringNotContainsString($t->refreshToken, $dump);
        self::assertStringContainsString((string) $t->userId, $dump);
    }
}
