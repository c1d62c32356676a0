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
 * header. PHP refuses FFI::load() together with opcache.preload_user (a root master): then set
 * ffi.preload to the header instead (that alone is enough for FFI; this script then only
 * preloads classes). The header is iop.preload.h (FFI_LIB "libiop.so.0", found through the
 * dynamic linker's path) unless IOPKIT_PRELOAD_HEADER names a site copy, generated with
 *   php tools/gen-ffi-header.php --lib=/opt/iopkit/libiop.so --preload-out=/etc/php/iop.preload.h
 */

declare(strict_types=1);

$scoped = true;
try {
    FFI::scope('IOPKIT');
} catch (Throwable) {
    $scoped = false;
}
if (!$scoped) {
    $header = getenv('IOPKIT_PRELOAD_HEADER') ?: __DIR__ . '/iop.preload.h';
    if (FFI::load($header) === null) {
        throw new RuntimeException("iopkit preload: FFI::load($header) failed (is FFI_LIB loadable?)");
    }
}

require __DIR__ . '/autoload.php';
foreach (glob(__DIR__ . '/src/Exception/*.php') as $file) {
    class_exists('Iopkit\\Exception\\' . basename($file, '.php'));
}
foreach (glob(__DIR__ . '/src/Enos/*.php') as $file) {
    class_exists('Iopkit\\Enos\\' . basename($file, '.php'));
}
foreach (glob(__DIR__ . '/src/TokenManager/*.php') as $file) {
    $class = 'Iopkit\\TokenManager\\' . basename($file, '.php');
    class_exists($class) || interface_exists($class);
}
foreach (glob(__DIR__ . '/src/*.php') as $file) {
    class_exists('Iopkit\\' . basename($file, '.php'));
}
