<?php

declare(strict_types=1);

namespace Iopkit\Tests;

use Iopkit\Abi;
use Iopkit\Exception\InvalidArgumentException;
use Iopkit\IopClient;
use Iopkit\IopRequest;
use Iopkit\IopResponse;
use Iopkit\Protocol;
use Iopkit\Status;
use Iopkit\Tests\Support\Sandbox;
use Iopkit\UrlConstants;
use PHPUnit\Framework\TestCase;

/** execute()/executeResponse(), marshalling of requests (unicode, empty, NUL, files), settings, lifetimes. */
final class ClientTest extends TestCase
{
    private static Sandbox $sandbox;
    private static string $accessToken;

    public static function setUpBeforeClass(): void
    {
        self::$sandbox = Sandbox::start(docSamples: false);
        self::$accessToken = self::client()->createToken(self::$sandbox->code())->accessToken;
    }

    public static function tearDownAfterClass(): void
    {
        self::$sandbox->stop();
    }

    private static function client(string $flavour = 'lazada'): IopClient
    {
        return new IopClient(self::$sandbox->$flavour(), Sandbox::APP, Sandbox::SECRET);
    }

    public function testExecuteReturnsTheRawBody(): void
    {
        $body = self::client()->execute(new IopRequest('/seller/get'), self::$accessToken);
        $data = json_decode($body, true);
        self::assertSame('0', $data['code']);
        self::assertArrayHasKey('seller_id', $data['data']);
    }

    public function testPlatformErrorsAreReturnedNotThrownByExecute(): void
    {
        $c = self::client();
        $body = $c->execute(new IopRequest('/seller/get'), 'not-a-token');
        self::assertSame('IllegalAccessToken', json_decode($body, true)['code']);

        $r = $c->executeResponse(new IopRequest('/seller/get'), 'not-a-token');
        self::assertInstanceOf(IopResponse::class, $r);
        self::assertFalse($r->isSuccess());
        self::assertTrue($r->isError());
        self::assertSame(200, $r->getHttpStatus()); // as the platforms answer API errors (OAuth ones: 400)
        self::assertSame('IllegalAccessToken', $r->getCode());
        self::assertSame('ISV', $r->getType());
        self::assertNotEmpty($r->getMessage());
        self::assertMatchesRegularExpression('~^\w{10,}$~', (string) $r->getRequestId());
        self::assertSame($r->getRequestId(), $r->json()['request_id']);
        self::assertSame($r->body, (string) $r);
    }

    public function testExecuteResponseOnSuccess(): void
    {
        $r = self::client()->executeResponse(new IopRequest('/seller/get'), self::$accessToken);
        self::assertTrue($r->isSuccess());
        self::assertSame(200, $r->httpStatus);
        self::assertSame('0', $r->code);
        self::assertNull($r->type);
        self::assertNotNull($r->requestId);
    }

    /** Fields are read when first used; copies, serialization and `isset`/`??` behave as on plain properties. */
    public function testLazyResponsesReadLikePlainObjects(): void
    {
        $r = self::client()->executeResponse(new IopRequest('/seller/get'), 'not-a-token');
        self::assertTrue(isset($r->code));
        self::assertSame('none', $r->retryAfterMs ?? 'none');
        self::assertFalse(isset($r->retryAfterMs), 'null reads as not set');
        self::assertFalse(isset($r->nothing));
        $copy = clone $r;
        $body = $r->body;
        unset($r); // frees the native response: the copy owns none
        self::assertSame([$body, 'IllegalAccessToken', 'ISV', 200], [$copy->body, $copy->code, $copy->type, $copy->httpStatus]);
        $back = unserialize(serialize($copy));
        self::assertEquals($copy->__serialize(), $back->__serialize());
        self::assertStringNotContainsString($body, print_r($back, true));
        self::assertStringContainsString('IllegalAccessToken', print_r(self::client()->executeResponse(new IopRequest('/seller/get'), 'x'), true));
        $this->expectException(\Error::class);
        $back->code = 'changed';
    }

    /** The native request is kept between calls and rebuilt when a property changes. */
    public function testRequestChangesAfterACallAreSent(): void
    {
        $c = self::client();
        $request = new IopRequest('/seller/get');
        $signed = static fn (IopRequest $r): string => $c->sign($r, null, 1)['sign_string'];
        self::assertSame('0', $c->executeResponse($request, self::$accessToken)->code);
        $request->addApiParam('a', 'one');
        self::assertStringContainsString('aone', $signed($request));
        $request->udfParams['b'] = 'two'; // the official SDK's public property
        $request->apiName = '/auth/token/create';
        self::assertStringStartsWith('/auth/token/create', $signed($request));
        self::assertStringContainsString('bt', $signed($request));
        $copy = clone $request;
        $copy->addApiParam('c', 'three');
        self::assertStringNotContainsString('cthree', $signed($request));
        self::assertStringContainsString('cthree', $signed($copy));
        $back = unserialize(serialize($copy));
        self::assertSame($signed($copy), $signed($back));
        $request->addApiParam('nul', "a\0b");
        try {
            $signed($request);
            self::fail('NUL accepted');
        } catch (InvalidArgumentException) {
            unset($request->udfParams['nul']); // a failed rebuild keeps nothing half-built
            self::assertStringContainsString('bt', $signed($request));
        }
    }

    /** @return array<string, array{string, int}> */
    public static function topBases(): array
    {
        return ['/aliexpress/rest' => ['/aliexpress/rest', Protocol::AUTO], 'bare /aliexpress' => ['/aliexpress', Protocol::TOP]];
    }

    /** @dataProvider topBases */
    public function testTopCallOnAliExpress(string $base, int $protocol): void
    {
        $c = new IopClient(self::$sandbox->url . $base, Sandbox::APP, Sandbox::SECRET);
        $token = $c->createToken(self::$sandbox->code())->accessToken;
        $request = (new IopRequest('aliexpress.ds.category.get'))->setProtocol($protocol);
        $r = $c->executeResponse($request, $token);
        self::assertTrue($r->isSuccess(), $r->body);
        self::assertArrayHasKey('aliexpress_ds_category_get_response', $r->json());

        $bad = $c->executeResponse($request, 'bad-token');
        self::assertFalse($bad->isSuccess());
        self::assertSame('IllegalAccessToken', $bad->code);
        self::assertNotNull($bad->subCode);
        self::assertNotNull($bad->subMessage);
    }

    public function testGetMethodParamsFilesAndHeaders(): void
    {
        $c = self::client();
        $get = new IopRequest('/seller/get', 'get');
        self::assertSame('GET', $get->httpMethod);
        $get->addApiParam('n', 5)->addApiParam('f', 1.5)->addApiParam('b', true)->addApiParam('j', ['a' => 1])->addApiParam('e', '');
        self::assertSame(['n' => '5', 'f' => '1.5', 'b' => 'true', 'j' => '{"a":1}', 'e' => ''], $get->udfParams);
        self::assertSame('0', json_decode($c->execute($get, self::$accessToken), true)['code']);

        $post = new IopRequest('/seller/get');
        $post->addFileParam('image', "\x89PNG\r\n\x1a\n\0binary", 'image/png');
        $post->addFileParam('empty', '');
        $post->addHttpHeaderParam('X-Test', 'yes');
        self::assertSame(['name' => 'image', 'content' => "\x89PNG\r\n\x1a\n\0binary", 'type' => 'image/png'], $post->fileParams['image']);
        self::assertSame('0', json_decode($c->execute($post, self::$accessToken), true)['code']);
    }

    public function testUrlConstantsAreTheOfficialStaticPropertiesWithTheLibrarysValues(): void
    {
        self::assertSame(Abi::URL_TAOBAO_TW, UrlConstants::$api_gateway_url_tw);
        self::assertSame(Abi::URL_LAZADA_AUTH, UrlConstants::$api_authorization_url_lazada);
        foreach ((new \ReflectionClass(UrlConstants::class))->getStaticProperties() as $name => $url) {
            self::assertContains($url, (new \ReflectionClass(Abi::class))->getConstants(), $name);
            new IopClient($url, '1', 's'); // every one is a URL the library accepts
        }
    }

    public function testUnicodeEmptyAndNulMarshalling(): void
    {
        $c = new IopClient('https://api.lazada.test/rest', 123456, 'helloworld'); // an int app key, as PHP code often has
        $r = (new IopRequest('/order/get'))->addApiParam('name', '手机壳 😀')->addApiParam('empty', '')->addApiParam('n', 5)->addApiParam('f', 1.5)->addApiParam('b', true)->addApiParam('j', ['a' => '你']);
        self::assertSame(['name' => '手机壳 😀', 'empty' => '', 'n' => '5', 'f' => '1.5', 'b' => 'true', 'j' => '{"a":"你"}'], $r->udfParams);
        $c->setPartnerId('伙伴');
        $s = $c->sign($r, null, 1517820392000);
        self::assertStringContainsString('empty' . 'f1.5', $s['sign_string']); // the empty value is signed, as given
        self::assertStringContainsString('name手机壳 😀', $s['sign_string']);
        self::assertStringContainsString('partner_id伙伴', $s['sign_string']);
        self::assertStringNotContainsString('access_token', $s['sign_string'], 'a null token is none');
        self::assertStringContainsString('access_tokentök', $c->sign($r, 'tök', 1)['sign_string']);
        self::assertSame(hash_hmac('sha256', $s['sign_string'], 'helloworld'), strtolower($s['sign']));
        foreach ([fn () => $c->sign($r, "to\0ken"), fn () => $c->sign((new IopRequest('/a'))->addApiParam('k', "a\0b"))] as $nul) {
            try {
                $nul();
                self::fail('a NUL byte was accepted');
            } catch (InvalidArgumentException $e) {
                self::assertStringContainsString('NUL', $e->getMessage());
            }
        }
    }

    /** @return array<string, array{callable(): mixed, string}> */
    public static function badArguments(): array
    {
        $ok = 'https://api.taobao.tw/rest';
        return [
            'empty url' => [fn () => new IopClient('', '1', 's'), 'server_url'],
            'malformed url' => [fn () => new IopClient('not a url', '1', 's'), 'server_url'],
            'empty app key' => [fn () => new IopClient($ok, '', 's'), 'app_key'],
            'empty secret' => [fn () => new IopClient($ok, '1', ''), 'app_secret'],
            'bad http method' => [fn () => new IopRequest('/a', 'PUT'), '`httpMethod`'],
            'null param value' => [fn () => (new IopRequest('/a'))->addApiParam('k', null), '`k`'],
            'object param value' => [fn () => (new IopRequest('/a'))->addApiParam('k', new \stdClass()), '`k`'],
            'non-finite float' => [fn () => (new IopRequest('/a'))->addApiParam('k', NAN), 'finite'],
            'empty api name' => [fn () => (new IopClient($ok, '1', 's'))->sign(new IopRequest('')), 'api_name'],
            'bad protocol' => [fn () => (new IopClient($ok, '1', 's'))->sign((new IopRequest('/a'))->setProtocol(7)), 'protocol'],
            'empty param key' => [fn () => (new IopClient($ok, '1', 's'))->sign((new IopRequest('/a'))->addApiParam('', 'v')), 'key'],
            'retries beyond int32' => [fn () => (new IopClient($ok, '1', 's'))->setMaxConnectRetries(1 << 40), 'retries'],
        ];
    }

    /** @dataProvider badArguments */
    public function testBadArgumentsGiveInvalidArgumentExceptions(callable $call, string $mentions): void
    {
        try {
            $call();
            self::fail('accepted');
        } catch (InvalidArgumentException $e) {
            self::assertStringContainsString($mentions, $e->getMessage());
            self::assertSame('IOP_ERR_INVALID_ARGUMENT', $e->getStatusName());
            self::assertSame(Status::ERR_INVALID_ARGUMENT, $e->getCode());
        }
    }

    public function testWrongTypesAreTypeErrors(): void
    {
        $this->expectException(\TypeError::class);
        self::client()->execute('/seller/get');
    }

    public function testTimeoutPropertiesAndSettingsApplyToTheLiveClient(): void
    {
        $c = self::client();
        $c->connectTimeout = 2;
        $c->readTimeout = 2.5;
        self::assertSame('0', json_decode($c->execute(new IopRequest('/seller/get'), self::$accessToken), true)['code']);
        $c->connectTimeout = null;
        $c->readTimeout = '10';
        $c->execute(new IopRequest('/seller/get'), self::$accessToken);
        $c->readTimeout = -1;
        try {
            $c->execute(new IopRequest('/seller/get'));
            self::fail('accepted a negative readTimeout');
        } catch (InvalidArgumentException $e) {
            self::assertStringContainsString('timeout_ms', $e->getMessage());
        }
        $c->readTimeout = null;
        self::assertSame($c, $c->setPartnerId('my-app-1.0')->setPartnerId(null)->setAllowInsecureHttp(false)->setMaxResponseBytes(1 << 20)->setCaBundle(null));
        $c->setMaxResponseBytes(10); // the settings reach the live client
        try {
            $c->execute(new IopRequest('/seller/get'), self::$accessToken);
            self::fail('a body over the cap was accepted');
        } catch (\Iopkit\Exception\MalformedResponseException) {
        }
        $c->setMaxResponseBytes(Abi::USE_DEFAULT);
        self::assertSame('0', json_decode($c->execute(new IopRequest('/seller/get'), self::$accessToken), true)['code']);
    }

    public function testTheSecretIsNeverShown(): void
    {
        $c = self::client();
        ob_start();
        var_dump($c);
        print_r($c);
        var_export((array) $c);
        $dump = (string) ob_get_clean();
        self::assertStringNotContainsString(Sandbox::SECRET, $dump);
        self::assertStringContainsString(Sandbox::APP, $dump);
        try {
            new IopClient('not a url', '1', 'super-secret-value');
        } catch (InvalidArgumentException $e) {
            self::assertStringNotContainsString('super-secret-value', $e->getMessage());
        }
    }

    public function testCloseTwiceCloneAndSerialize(): void
    {
        $c = self::client();
        $c->close();
        $c->close();
        try {
            $c->execute(new IopRequest('/seller/get'));
            self::fail('a closed client was used');
        } catch (\LogicException $e) {
            self::assertStringContainsString('closed', $e->getMessage());
        }
        $c = self::client();
        try {
            $copy = clone $c;
            self::fail('cloned');
        } catch (\LogicException) {
        }
        $this->expectException(\LogicException::class);
        serialize($c);
    }
}
