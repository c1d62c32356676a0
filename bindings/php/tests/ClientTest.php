<?php

declare(strict_types=1);

namespace Iopkit\Tests;

use Iopkit\Exception\InvalidArgumentException;
use Iopkit\IopClient;
use Iopkit\IopRequest;
use Iopkit\IopResponse;
use Iopkit\Protocol;
use Iopkit\Tests\Support\Sandbox;
use Iopkit\UrlConstants;
use PHPUnit\Framework\TestCase;

/** execute()/executeResponse(), requests, and argument checking. */
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
        self::assertSame(400, $r->getHttpStatus());
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

    public function testSignShowsTheStringToSign(): void
    {
        $c = new IopClient('https://api.lazada.test/rest', '123456', 'helloworld');
        $r = (new IopRequest('/order/get'))->addApiParam('order_id', '1234');
        $c->setPartnerId('x');
        $s = $c->sign($r, 'test', 1517820392000);
        self::assertSame('/order/getaccess_tokentestapp_key123456order_id1234partner_idxsign_methodsha256timestamp1517820392000', $s['sign_string']);
        self::assertMatchesRegularExpression('~^[0-9A-F]{64}$~', $s['sign']);
        self::assertSame(hash_hmac('sha256', $s['sign_string'], 'helloworld'), strtolower($s['sign']));
    }

    public function testUrlConstantsAreTheOfficialStaticProperties(): void
    {
        self::assertSame('https://api.taobao.tw/rest', UrlConstants::$api_gateway_url_tw);
        self::assertSame('https://auth.taobao.tw/rest', UrlConstants::$api_authorization_url);
        self::assertSame('https://api.lazada.sg/rest', UrlConstants::$api_gateway_url_sg);
        self::assertSame('https://api.lazada.com.my/rest', UrlConstants::$api_gateway_url_my);
        self::assertSame('https://api.lazada.vn/rest', UrlConstants::$api_gateway_url_vn);
        self::assertSame('https://api.lazada.co.th/rest', UrlConstants::$api_gateway_url_th);
        self::assertSame('https://api.lazada.com.ph/rest', UrlConstants::$api_gateway_url_ph);
        self::assertSame('https://api.lazada.co.id/rest', UrlConstants::$api_gateway_url_id);
        self::assertSame('https://auth.lazada.com/rest', UrlConstants::$api_authorization_url_lazada);
        self::assertSame('https://api-sg.aliexpress.com/rest', UrlConstants::$api_gateway_url_aliexpress);
        self::assertSame('https://api-sg.aliexpress.com/sync', UrlConstants::$api_gateway_url_aliexpress_sync);
        self::assertSame('https://openapi-api.alibaba.com/rest', UrlConstants::$api_gateway_url_alibaba);
        foreach ((new \ReflectionClass(UrlConstants::class))->getStaticProperties() as $name => $url) {
            new IopClient($url, '1', 's'); // every one is a URL the library accepts
            self::assertStringStartsWith('https://', $url, $name);
        }
    }

    /** @return array<string, array{callable(): mixed, string}> */
    public static function badArguments(): array
    {
        $ok = 'https://api.taobao.tw/rest';
        return [
            'empty url' => [fn () => new IopClient('', '1', 's'), '`url`'],
            'malformed url' => [fn () => new IopClient('not a url', '1', 's'), 'server_url'],
            'null app key' => [fn () => new IopClient($ok, null, 's'), '`appkey`'],
            'empty app key' => [fn () => new IopClient($ok, '', 's'), '`appkey`'],
            'array secret' => [fn () => new IopClient($ok, '1', ['s']), '`secretKey`'],
            'empty secret' => [fn () => new IopClient($ok, '1', ''), '`secretKey`'],
            'empty api name' => [fn () => new IopRequest(''), '`apiName`'],
            'int api name' => [fn () => new IopRequest(42), '`apiName`'],
            'bad http method' => [fn () => new IopRequest('/a', 'PUT'), '`httpMethod`'],
            'bad protocol' => [fn () => (new IopRequest('/a'))->setProtocol(7), '`protocol`'],
            'empty param key' => [fn () => (new IopRequest('/a'))->addApiParam('', 'v'), '`key`'],
            'null param value' => [fn () => (new IopRequest('/a'))->addApiParam('k', null), '`k`'],
            'object param value' => [fn () => (new IopRequest('/a'))->addApiParam('k', new \stdClass()), '`k`'],
            'NUL in param value' => [fn () => (new IopRequest('/a'))->addApiParam('k', "a\0b"), 'NUL'],
            'non-finite float' => [fn () => (new IopRequest('/a'))->addApiParam('k', NAN), 'finite'],
            'file content not a string' => [fn () => (new IopRequest('/a'))->addFileParam('f', 12), '`content`'],
            'header value array' => [fn () => (new IopRequest('/a'))->addHttpHeaderParam('h', []), '`value`'],
            'empty header name' => [fn () => (new IopRequest('/a'))->addHttpHeaderParam('', 'v'), '`key`'],
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
            self::assertSame(1, $e->getCode());
        }
    }

    public function testBadArgumentsAtExecuteTime(): void
    {
        $c = self::client();
        foreach (['', 123, ['t'], "to\0ken"] as $token) {
            try {
                $c->execute(new IopRequest('/seller/get'), $token);
                self::fail('accepted access token ' . var_export($token, true));
            } catch (InvalidArgumentException $e) {
                self::assertStringContainsString('accessToken', $e->getMessage());
            }
        }
        // The official SDK's public arrays can be edited directly: still checked before sending.
        $r = new IopRequest('/seller/get');
        $r->udfParams['k'] = new \stdClass();
        $this->expectException(InvalidArgumentException::class);
        $c->execute($r, self::$accessToken);
    }

    public function testApiNameRejectedByTheLibrary(): void
    {
        $this->expectException(InvalidArgumentException::class);
        $this->expectExceptionMessage('api_name');
        self::client()->execute(new IopRequest('no spaces allowed?'));
    }

    public function testWrongObjectTypeIsATypeError(): void
    {
        $this->expectException(\TypeError::class);
        self::client()->execute('/seller/get');
    }

    public function testTimeoutPropertiesAreValidated(): void
    {
        $c = self::client();
        $c->connectTimeout = 2;
        $c->readTimeout = 2.5;
        self::assertSame('0', json_decode($c->execute(new IopRequest('/seller/get'), self::$accessToken), true)['code']);
        $c->connectTimeout = null;
        $c->readTimeout = '10';
        $c->execute(new IopRequest('/seller/get'), self::$accessToken);
        foreach ([-1, 'soon', INF, []] as $bad) {
            $c->readTimeout = $bad;
            try {
                $c->execute(new IopRequest('/seller/get'));
                self::fail('accepted readTimeout ' . var_export($bad, true));
            } catch (InvalidArgumentException $e) {
                self::assertStringContainsString('readTimeout', $e->getMessage());
            }
        }
    }

    public function testClientSettings(): void
    {
        $c = self::client();
        self::assertSame($c, $c->setPartnerId('my-app-1.0')->setAllowInsecureHttp(false)->setMaxResponseBytes(1 << 20));
        try {
            $c->setCaBundle('/nonexistent/ca.pem');
            self::fail('accepted a missing CA bundle');
        } catch (InvalidArgumentException $e) {
            self::assertStringContainsString('pem', strtolower($e->getMessage()));
        }
        $this->expectException(InvalidArgumentException::class);
        $c->setMaxResponseBytes(0);
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

    public function testCloneAndSerializeAreRefused(): void
    {
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
