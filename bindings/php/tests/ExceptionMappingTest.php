<?php

declare(strict_types=1);

namespace Iopkit\Tests;

use Iopkit\Abi;
use Iopkit\Exception;
use Iopkit\Exception\IopException;
use Iopkit\Exception\IopkitException;
use Iopkit\Exception\LibraryException;
use Iopkit\IopClient;
use Iopkit\Status;
use Iopkit\Token;
use PHPUnit\Framework\TestCase;

/** Every non-OK IopStatus has its own exception class; failures carry the platform's fields. */
final class ExceptionMappingTest extends TestCase
{
    public function testEveryStatusMapsToItsOwnClass(): void
    {
        // The official SDK's and the 0.1 binding's names, kept by the generated classes.
        $expected = [
            'IOP_ERR_INVALID_ARGUMENT' => Exception\InvalidArgumentException::class,
            'IOP_ERR_CONNECT' => Exception\ConnectException::class,
            'IOP_ERR_NETWORK' => Exception\NetworkException::class,
            'IOP_ERR_TIMEOUT' => Exception\TimeoutException::class,
            'IOP_ERR_TLS' => Exception\TlsException::class,
            'IOP_ERR_HTTP' => Exception\HttpException::class,
            'IOP_ERR_MALFORMED_RESPONSE' => Exception\MalformedResponseException::class,
            'IOP_ERR_PLATFORM' => Exception\PlatformException::class,
            'IOP_ERR_INTERNAL' => Exception\InternalException::class,
            'IOP_ERR_TOKEN_EXPIRED' => Exception\TokenExpiredException::class,
            'IOP_ERR_REAUTHORIZATION_REQUIRED' => Exception\ReauthorizationRequiredException::class,
            'IOP_ERR_PUSH_REJECTED' => Exception\PushRejectedException::class,
            'IOP_ERR_RATE_LIMITED' => Exception\RateLimitedException::class,
            'IOP_ERR_QUOTA_EXCEEDED' => Exception\QuotaExceededException::class,
        ];
        $statuses = Status::NAMES;
        self::assertSame('IOP_OK', $statuses[Status::OK]);
        unset($statuses[Status::OK]);
        self::assertSame(array_keys($statuses), array_keys(Status::EXCEPTIONS));
        self::assertSame(array_values($expected), array_values(array_unique(Status::EXCEPTIONS)));
        foreach ($statuses as $value => $name) {
            self::assertSame($name, Abi::statusName($value), 'generated names agree with the library');
            $class = Status::EXCEPTIONS[$value];
            self::assertSame($expected[$name], $class);
            $e = IopException::forStatus($value, 'm', 'Code', 'ISV', 'sub', 'detail', 'rid', 400, 1500);
            self::assertInstanceOf($class, $e);
            $parent = match ($name) {
                'IOP_ERR_TOKEN_EXPIRED' => Exception\PlatformException::class,
                'IOP_ERR_INVALID_ARGUMENT' => \InvalidArgumentException::class,
                default => IopException::class,
            };
            self::assertSame($parent, get_parent_class($e));
            self::assertInstanceOf(IopkitException::class, $e);
            // the SPL family: invalid arguments are PHP's own, every other failure a RuntimeException
            self::assertSame($name === 'IOP_ERR_INVALID_ARGUMENT', $e instanceof \InvalidArgumentException);
            self::assertSame($name !== 'IOP_ERR_INVALID_ARGUMENT', $e instanceof \RuntimeException && $e instanceof IopException);
            self::assertSame([$value, $value, $name], [$e->getCode(), $e->getStatus(), $e->getStatusName()]);
            self::assertSame(['Code', 'Code', 'ISV', 'sub', 'detail', 'rid', 400, 1500], [$e->getErrorCode(), $e->getPlatformCode(), $e->getType(), $e->getSubCode(), $e->getSubMessage(), $e->getRequestId(), $e->getHttpStatus(), $e->getRetryAfterMs()]);
            self::assertSame([1, 0.5], [$e->getRetryAfter()?->s, $e->getRetryAfter()?->f]);
            self::assertNull((new $class('m', $value))->getRetryAfterMs());
        }
        $unknown = IopException::forStatus(42, 'm');
        self::assertSame([IopException::class, 'IOP_UNKNOWN_STATUS'], [$unknown::class, $unknown->getStatusName()]);
    }

    public function testOneCatchClauseCatchesEveryIopkitExceptionAndSplClausesStillWork(): void
    {
        $caught = [];
        $failures = [
            static fn () => new IopClient('not a url', 'k', 's'),                        // library: invalid argument
            static fn () => (new IopClient('http://127.0.0.1:1/rest', 'k', 's'))->setMaxConnectRetries(0)->createToken('c'), // connect
            static fn () => throw new LibraryException('not loaded'),
        ];
        foreach ($failures as $failure) {
            try {
                $failure();
            } catch (IopkitException $e) {
                $caught[] = $e::class;
            }
        }
        self::assertSame([Exception\InvalidArgumentException::class, Exception\ConnectException::class, LibraryException::class], $caught);
        try {
            new IopClient('', 'k', 's');
            self::fail('no exception');
        } catch (\InvalidArgumentException $e) {              // a plain SPL clause catches it too
            self::assertInstanceOf(IopkitException::class, $e);
            self::assertSame('IOP_ERR_INVALID_ARGUMENT', $e->getStatusName());
        }
        try {
            (new IopClient('http://127.0.0.1:1/rest', 'k', 's'))->setMaxConnectRetries(0)->createToken('c');
            self::fail('no exception');
        } catch (\RuntimeException $e) {
            self::assertInstanceOf(IopException::class, $e);
            self::assertSame(Status::ERR_CONNECT, $e->getStatus());
        }
    }

    public function testPlatformFieldsOfARealFailureIncludingSubMessage(): void
    {
        $body = '{"type":"ISV","code":"InvalidCode","message":"Invalid authorization code","sub_code":"isv.code-used","sub_msg":"the code was used","request_id":"0ba2887315178178017221014"}';
        try {
            Token::fromResponse($body, 1700000000000);
            self::fail('no exception');
        } catch (Exception\PlatformException $e) {
            self::assertSame(['InvalidCode', 'ISV', 'isv.code-used', 'the code was used', '0ba2887315178178017221014'], [$e->getErrorCode(), $e->getType(), $e->getSubCode(), $e->getSubMessage(), $e->getRequestId()]);
            self::assertNull($e->getRetryAfterMs());
        }
    }

    public function testLibraryMessagesNameTheArgumentNeverTheSecret(): void
    {
        try {
            new IopClient('not a url', 'k', 'secret-value');
            self::fail('no exception');
        } catch (Exception\InvalidArgumentException $e) {
            self::assertStringContainsString('server_url', $e->getMessage());
            self::assertStringNotContainsString('secret-value', $e->getMessage() . $e->getTraceAsString());
            self::assertSame(0, $e->getHttpStatus());
        }
    }
}
