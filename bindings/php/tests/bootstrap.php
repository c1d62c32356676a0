<?php

declare(strict_types=1);

// Autoload: Composer's when installed, else the package's own PSR-4 loader.
$vendor = dirname(__DIR__) . '/vendor/autoload.php';
require is_file($vendor) ? $vendor : dirname(__DIR__) . '/autoload.php';

spl_autoload_register(static function (string $class): void {
    if (strncmp($class, 'Iopkit\\Tests\\', 13) === 0) {
        $file = __DIR__ . '/' . str_replace('\\', '/', substr($class, 13)) . '.php';
        if (is_file($file)) {
            require $file;
        }
    }
});

// The library and sandbox built by `cargo build -p iopkit -p iopkit-sandbox` in the repository root.
$repo = dirname(__DIR__, 3);
if ((getenv('IOPKIT_LIB') ?: '') === '') {
    putenv("IOPKIT_LIB=$repo/target/debug/libiop.so");
}
if ((getenv('IOP_SANDBOX') ?: '') === '') {
    putenv("IOP_SANDBOX=$repo/target/debug/iop-sandbox");
}
putenv('RUST_BACKTRACE=0');
