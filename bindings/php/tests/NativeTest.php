<?php

declare(strict_types=1);

namespace Iopkit\Tests;

use Iopkit\Native;
use Iopkit\Tests\Support\Php;
use PHPUnit\Framework\TestCase;

/** Loading libiop: IOPKIT_LIB, defaults, version check, disabled FFI, preloading for PHP-FPM. */
final class NativeTest extends TestCase
{
    private static function autoload(): string
    {
        return var_export(dirname(__DIR__) . '/autoload.php', true);
    }

    public function testLoadsTheLibraryNamedByIopkitLib(): void
    {
        self::assertSame(getenv('IOPKIT_LIB'), Native::libraryPath());
        self::assertStringStartsWith(Native::ABI_VERSION . '.', Native::version());
        self::assertSame(getenv('IOPKIT_LIB'), Native::source());
    }

    public function testDefaultPathWithoutEnvironmentIsTheSoname(): void
    {
        $script = '<?php require ' . self::autoload() . '; putenv("IOPKIT_LIB"); echo Iopkit\Native::libraryPath();';
        [$code, $out, $err] = Php::run($script);
        self::assertSame(0, $code, $err);
        $bundled = Native::bundledLibrary();
        self::assertSame(is_file($bundled) ? $bundled : 'libiop.so.0', $out);
    }

    public function testMissingLibraryGivesAClearLibraryException(): void
    {
        $script = '<?php require ' . self::autoload() . ';
            try { new Iopkit\IopClient("https://api.taobao.tw/rest", "k", "s"); }
            catch (Iopkit\Exception\LibraryException $e) { echo get_class($e), "|", $e->getMessage(); }';
        [$code, $out, $err] = Php::run($script, [], ['IOPKIT_LIB' => '/nonexistent/libiop.so']);
        self::assertSame(0, $code, $err);
        self::assertStringStartsWith('Iopkit\Exception\LibraryException|', $out);
        self::assertStringContainsString("cannot load libiop from '/nonexistent/libiop.so'", $out);
        self::assertStringContainsString('IOPKIT_LIB', $out);
    }

    public function testDisabledFfiGivesAClearLibraryException(): void
    {
        $script = '<?php require ' . self::autoload() . ';
            try { Iopkit\Native::ffi(); } catch (Iopkit\Exception\LibraryException $e) { echo $e->getMessage(); }';
        [$code, $out, $err] = Php::run($script, ['-d', 'ffi.enable=0']);
        self::assertSame(0, $code, $err);
        self::assertStringContainsString('ffi.enable', $out);
    }

    /** PHP-FPM setup: ffi.enable=preload + ffi.preload=iop.preload.h → FFI::scope('IOPKIT'). */
    public function testUsesThePreloadedScopeFromFfiPreload(): void
    {
        $dir = sys_get_temp_dir() . '/iopkit-soname-' . getmypid();
        @mkdir($dir);
        @unlink("$dir/libiop.so.0");
        symlink((string) realpath((string) getenv('IOPKIT_LIB')), "$dir/libiop.so.0");
        try {
            // The shipped iop.preload.h (FFI_LIB "libiop.so.0"), found through LD_LIBRARY_PATH.
            $script = '<?php require ' . self::autoload() . '; $v = Iopkit\Native::version(); echo Iopkit\Native::source(), "|", $v;';
            [$code, $out, $err] = Php::run($script, ['-d', 'ffi.enable=preload', '-d', 'ffi.preload=' . Native::declarationFile()], [
                'LD_LIBRARY_PATH' => $dir,
                'IOPKIT_LIB' => '/nonexistent/so/the/scope/must/be/used.so',
            ]);
        } finally {
            @unlink("$dir/libiop.so.0");
            @rmdir($dir);
        }
        self::assertSame(0, $code, $out . $err);
        self::assertSame('scope IOPKIT|' . Native::version(), $out);
    }

    /** opcache.preload=preload.php (FFI::load of a site copy of the header); PHP refuses FFI::load with preload_user, so run unprivileged. */
    public function testUsesThePreloadedScopeFromOpcachePreload(): void
    {
        $prefix = [];
        if (\function_exists('posix_geteuid') && posix_geteuid() === 0) {
            if (!is_executable('/usr/bin/setpriv')) {
                self::fail('running as root without setpriv: opcache.preload needs opcache.preload_user, which FFI::load refuses');
            }
            $prefix = ['/usr/bin/setpriv', '--reuid=65534', '--regid=65534', '--clear-groups'];
            $files = var_export([dirname(__DIR__) . '/preload.php', Native::declarationFile(), (string) realpath((string) getenv('IOPKIT_LIB'))], true);
            [$readable] = Php::run("<?php foreach ($files as \$f) { if (!is_readable(\$f)) exit(1); }", [], [], 30, $prefix);
            if ($readable !== 0) {
                self::fail('the unprivileged user cannot read the package or the library');
            }
        }
        $header = tempnam(sys_get_temp_dir(), 'iopkit-site-preload-');
        // A site copy of the shipped header naming the library by path on its first line.
        $shipped = (string) file_get_contents(Native::declarationFile());
        self::assertSame(1, substr_count(strtok($shipped, "\n"), '#define FFI_LIB "libiop.so.0"'));
        file_put_contents($header, str_replace('"libiop.so.0"', '"' . realpath((string) getenv('IOPKIT_LIB')) . '"', $shipped));
        chmod($header, 0644);
        try {
            $script = '<?php echo class_exists("Iopkit\\\\IopClient", false) ? "preloaded" : "not preloaded", "|", (function () { $v = Iopkit\Native::version(); return Iopkit\Native::source() . "|" . $v; })();';
            [$code, $out, $err] = Php::run($script, [
                '-d', 'opcache.enable_cli=1',
                '-d', 'opcache.preload=' . dirname(__DIR__) . '/preload.php',
                '-d', 'ffi.enable=preload',
            ], ['IOPKIT_PRELOAD_HEADER' => $header, 'IOPKIT_LIB' => '/nonexistent.so'], 60, $prefix);
        } finally {
            unlink($header);
        }
        self::assertSame(0, $code, $out . $err);
        self::assertSame('preloaded|scope IOPKIT|' . Native::version(), $out);
    }
}
