<?php

declare(strict_types=1);

namespace Iopkit\Tests;

use Iopkit\Native;
use PHPUnit\Framework\TestCase;

/** iop.ffi.h / iop.preload.h: generated from include/iop.h, no drift, accepted by FFI. */
final class FfiHeaderTest extends TestCase
{
    private static function header(): string
    {
        $path = getenv('IOPKIT_HEADER') ?: dirname(__DIR__, 3) . '/include/iop.h';
        $text = @file_get_contents($path);
        if ($text === false) {
            self::fail("no C header at $path");
        }
        return $text;
    }

    public static function setUpBeforeClass(): void
    {
        require_once dirname(__DIR__) . '/tools/gen-ffi-header.php';
    }

    public function testDeclarationFilesMatchAFreshGeneration(): void
    {
        $header = self::header();
        self::assertSame(iopkit_ffi_declarations($header), file_get_contents(Native::declarationFile()),
            'iop.ffi.h is out of date with include/iop.h: run php bindings/php/tools/gen-ffi-header.php');
        self::assertSame(iopkit_ffi_preload_declarations($header), file_get_contents(Native::preloadFile()),
            'iop.preload.h is out of date with include/iop.h: run php bindings/php/tools/gen-ffi-header.php');
    }

    public function testGeneratorCheckModeReportsNoDrift(): void
    {
        $cmd = [PHP_BINARY, dirname(__DIR__) . '/tools/gen-ffi-header.php', '--check'];
        if (getenv('IOPKIT_HEADER')) {
            $cmd[] = '--header=' . getenv('IOPKIT_HEADER');
        }
        self::header();
        $proc = proc_open($cmd, [1 => ['pipe', 'w'], 2 => ['pipe', 'w']], $pipes);
        $out = stream_get_contents($pipes[1]) . stream_get_contents($pipes[2]);
        self::assertSame(0, proc_close($proc), $out);
    }

    public function testDeclarationsArePreprocessorFreeAndKeepEveryFunctionExactly(): void
    {
        $header = self::header();
        $decl = (string) file_get_contents(Native::declarationFile());
        self::assertDoesNotMatchRegularExpression('~^\s*#~m', $decl);
        self::assertStringNotContainsString('extern', $decl);
        self::assertStringNotContainsString('__cplusplus', $decl);

        // Every function of the header, with its exact return type and parameters (char * vs const char *).
        $norm = static fn (string $s): string => trim(preg_replace('~\s+~', ' ', $s));
        $withoutComments = preg_replace(['~/\*.*?\*/~s', '~//[^\n]*~'], '', $header);
        preg_match_all('~^([A-Za-z_][\w \*]*?\b(iop_\w+))\s*\(([^)]*)\)\s*;~m', $withoutComments, $m, PREG_SET_ORDER);
        self::assertGreaterThan(40, \count($m), 'functions found in iop.h');
        foreach ($m as [, $head, $name, $params]) {
            $expected = $norm($head) . '(' . $norm($params) . ');';
            self::assertStringContainsString("\n$expected\n", $decl, "declaration of $name");
        }
        // Owned strings stay `char *` (so PHP keeps the pointer for iop_string_free); borrowed stay const.
        self::assertStringContainsString('IopStatus iop_token_to_json(const IopToken *token, char **out_json);', $decl);
        self::assertStringContainsString('void iop_string_free(char *s);', $decl);
        self::assertStringContainsString('const char *iop_response_body(const IopResponse *response);', $decl);
    }

    public function testFfiAcceptsBothFiles(): void
    {
        $lib = Native::libraryPath();
        $ffi = \FFI::cdef((string) file_get_contents(Native::declarationFile()), $lib);
        self::assertSame(0, $ffi->IOP_OK);
        self::assertSame(9, $ffi->IOP_ERR_INTERNAL);
        self::assertSame(10, $ffi->IOP_ERR_TOKEN_EXPIRED);
        self::assertSame(1, $ffi->IOP_PLATFORM_ALIEXPRESS);
        self::assertSame(2, $ffi->IOP_PROTOCOL_TOP);
        self::assertSame('IOP_ERR_TIMEOUT', $ffi->iop_status_name(4));

        // FFI::load reads FFI_LIB from the file: point a copy at the library under test.
        $preload = str_replace('#define FFI_LIB "libiop.so.0"', '#define FFI_LIB "' . $lib . '"', (string) file_get_contents(Native::preloadFile()));
        self::assertStringStartsWith("#define FFI_SCOPE \"IOPKIT\"\n#define FFI_LIB \"", $preload);
        $tmp = tempnam(sys_get_temp_dir(), 'iopkit-preload-');
        file_put_contents($tmp, $preload);
        try {
            $loaded = \FFI::load($tmp);
            self::assertNotNull($loaded);
            self::assertSame(Native::version(), $loaded->iop_version());
        } finally {
            unlink($tmp);
        }
    }

    public function testAbiVersionOfHeaderBindingAndLibraryAgree(): void
    {
        $header = self::header();
        preg_match('~#define IOP_VERSION_MAJOR (\d+)~', $header, $major);
        preg_match('~#define IOP_VERSION_MINOR (\d+)~', $header, $minor);
        self::assertSame(Native::ABI_VERSION, "$major[1].$minor[1]");
        self::assertStringStartsWith(Native::ABI_VERSION . '.', Native::version());
    }

    public function testStructsOfFunctionPointersAreKeptAndAcceptClosures(): void
    {
        $src = "typedef struct S S;\n/** doc */\ntypedef struct {\n  /** a */\n  void *user_data;\n  int32_t (*load)(void *user_data,\n                  const char *account, S *value);\n  void (*unlock)(void *user_data, const char *account);\n} Callbacks;\n";
        $out = iopkit_ffi_declarations($src);
        self::assertStringContainsString("typedef struct S S;\ntypedef struct {\n  void *user_data;\n  int32_t (*load)(void *user_data, const char *account, S *value);\n  void (*unlock)(void *user_data, const char *account);\n} Callbacks;\n", $out);

        // The real one: FFI parses it, and a PHP closure assigned to a field is callable through it.
        $decl = (string) file_get_contents(Native::declarationFile());
        self::assertStringContainsString("  int32_t (*compare_and_swap)(void *user_data, const char *account, uint64_t expected_version, const char *record_json);\n", $decl);
        $ffi = \FFI::cdef($decl, Native::libraryPath());
        $cb = $ffi->new('IopTokenStoreCallbacks');
        $cb->lock = static fn ($userData, $account, $timeoutMs): int => $account === 'a' && $timeoutMs === 5 ? 0 : 1;
        self::assertSame(0, ($cb->lock)(null, 'a', 5));
        self::assertSame(1, ($cb->lock)(null, 'b', 5));
    }

    public function testGeneratorHandlesGuardsAndRejectsUnknownConditionals(): void
    {
        $src = <<<'H'
            #ifndef X_H
            #define X_H
            #include <stdint.h>
            /* doc */
            typedef enum { A = 0, /** b */ B = 1 } E;
            #ifdef __cplusplus
            extern "C" {
            #endif
            // comment
            const char *f(int32_t a,
                          char **out);
            #if defined(__cplusplus)
            }
            #endif
            extern "C" {
            void g(void);
            }
            #endif
            H;
        $out = iopkit_ffi_declarations($src);
        self::assertStringContainsString("typedef enum {\n  A = 0,\n  B = 1,\n} E;\nconst char *f(int32_t a, char **out);\nvoid g(void);\n", $out);
        self::assertSame(1, \FFI::cdef("typedef enum {\n  A = 0,\n  B = 1,\n} E;")->B, 'FFI accepts the enum as generated');

        $this->expectException(\RuntimeException::class);
        iopkit_ffi_declarations("#if FOO > 1\nvoid h(void);\n#endif\n");
    }
}
