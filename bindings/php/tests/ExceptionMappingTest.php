<?php

declare(strict_types=1);

namespace Iopkit\Tests;

use Iopkit\Exception;
use Iopkit\Exception\IopException;
use Iopkit\Native;
use PHPUnit\Framework\TestCase;

/** Every non-OK IopStatus has its own exception class; none is left unmapped. */
final class ExceptionMappingTest extends TestCase
{
    public function testEveryStatusOfTheHeaderMapsToItsOwnClass(): void
    {
        preg_match_all('~^\s*(IOP_(?:OK|ERR_\w+)) = (\d+),$~m', (string) file_get_contents(Native::declarationFile()), $m, PREG_SET_ORDER);
        $statuses = [];
        foreach ($m as [, $name, $value]) {
            $statuses[(int) $value] = $name;
        }
        self::assertSame('IOP_OK', $statuses[0] ?? null);
        unset($statuses[0]);
        self::assertCount(11, $statuses);

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
        ];
        // A subclass of another status's class, so that existing catch blocks still catch it.
        $parents = ['IOP_ERR_TOKEN_EXPIRED' => Exception\PlatformException::class];
        $seen = [];
        foreach ($statuses as $value => $name) {
            self::assertArrayHasKey($value, IopException::STATUS_CLASSES, "$name is unmapped");
            $class = IopException::STATUS_CLASSES[$value];
            self::assertSame($expected[$name] ?? null, $class, $name);
            self::assertNotContains($class, $seen, "$name shares its class");
            $seen[] = $class;

            $e = IopException::forStatus($value, 'm', Native::ffi()->iop_status_name($value), 'Code', 'ISV', 'sub', 'rid', 400, 1500);
            self::assertInstanceOf($class, $e);
            self::assertInstanceOf(IopException::class, $e);
            self::assertSame($parents[$name] ?? IopException::class, get_parent_class($e));
            self::assertSame(1500, $e->getRetryAfterMs());
            self::assertSame([1, 0.5], [$e->getRetryAfter()?->s, $e->getRetryAfter()?->f]);
            self::assertNull((new $class('m', $value))->getRetryAfterMs());
            self::assertSame($value, $e->getCode());
            self::assertSame($value, $e->getStatus());
            self::assertSame($name, $e->getStatusName());
            self::assertSame(['Code', 'Code', 'ISV', 'sub', 'rid', 400], [$e->getErrorCode(), $e->getPlatformCode(), $e->getType(), $e->getSubCode(), $e->getRequestId(), $e->getHttpStatus()]);
            // Status names without the library agree with iop_status_name().
            self::assertSame($name, (new $class('m', $value))->getStatusName());
        }
        self::assertSame(array_values(IopException::STATUS_CLASSES), $seen);
    }

    public function testUnknownStatusGivesTheBaseClass(): void
    {
        $e = IopException::forStatus(42, 'm', Native::ffi()->iop_status_name(42));
        self::assertSame(IopException::class, \get_class($e));
        self::assertSame('IOP_UNKNOWN_STATUS', $e->getStatusName());
    }

    public function testLastErrorOfARealFailureIsReadIntoTheException(): void
    {
        $f = Native::ffi();
        $out = $f->new('IopClient*');
        $status = $f->iop_client_new('not a url', 'k', 'secret-value', \FFI::addr($out));
        self::assertSame(1, $status);
        $e = Native::lastError($status);
        self::assertInstanceOf(Exception\InvalidArgumentException::class, $e);
        self::assertStringContainsString('server_url', $e->getMessage());
        self::assertStringNotContainsString('secret-value', $e->getMessage());
        self::assertSame(0, $e->getHttpStatus());
    }
}
