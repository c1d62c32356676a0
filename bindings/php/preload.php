<?php

/**
 * opcache.preload script for PHP-FPM (or any SAPI) with ffi.enable=preload:
 *
 *   ffi.enable=preload
 *   opcache.preload=/path/to/bindings/php/preload.php
 *   opcache.preload_user=www-data        ; required when the FPM master runs as root
 *   ffi.preload=/path/to/iop.preload.h   ; required with opcache.preload_user (see below)
 *
 * It makes the FFI scope "IOPKIT" exist, which Iopkit\Native then uses through
 * FFI::scope('IOPKIT'), and preloads the binding's classes. If ffi.preload already defined the
 * scope, nothing is loaded again; otherwise FFI::load() reads FFI_SCOPE and FFI_LIB from the
 * header's first line. PHP refuses FFI::load() together with opcache.preload_user (a root
 * master): then set ffi.preload to the header instead (that alone is enough for FFI; this
 * script then only preloads classes). The header is iop.preload.h (FFI_LIB "libiop.so.0": the
 * package's own lib/linux-x86_64/libiop.so when present, else found through the dynamic linker's
 * path) unless IOPKIT_PRELOAD_HEADER names a site copy whose first line names another library.
 */

declare(strict_types=1);

require __DIR__ . '/autoload.php';

try {
    FFI::scope('IOPKIT');
} catch (Throwable) {
    $header = getenv('IOPKIT_PRELOAD_HEADER') ?: __DIR__ . '/iop.preload.h';
    // The library a Composer install carries (lib/linux-x86_64/libiop.so) is opened first: the
    // header's FFI_LIB "libiop.so.0" is its SONAME, so the dynamic linker then resolves to it.
    $bundled = getenv('IOPKIT_PRELOAD_HEADER') === false && is_file(Iopkit\Native::bundledLibrary())
        ? FFI::cdef('', Iopkit\Native::bundledLibrary()) : null;
    if (FFI::load($header) === null) {
        throw new RuntimeException("iopkit preload: FFI::load($header) failed (is FFI_LIB loadable?)");
    }
}

$iterator = new RecursiveIteratorIterator(new RecursiveDirectoryIterator(__DIR__ . '/src', FilesystemIterator::SKIP_DOTS));
foreach ($iterator as $file) {
    $name = 'Iopkit\\' . strtr(substr($file->getPathname(), strlen(__DIR__ . '/src/'), -4), '/', '\\');
    class_exists($name) || interface_exists($name) || trait_exists($name);
}
