<?php

/**
 * PSR-4 autoloader for using the package without Composer: `require 'path/to/bindings/php/autoload.php';`.
 * With Composer, `vendor/autoload.php` does the same (composer.json: "Iopkit\\": "src/").
 */

declare(strict_types=1);

spl_autoload_register(static function (string $class): void {
    if (strncmp($class, 'Iopkit\\', 7) !== 0) {
        return;
    }
    $file = __DIR__ . '/src/' . str_replace('\\', '/', substr($class, 7)) . '.php';
    if (is_file($file)) {
        require $file;
    }
});
