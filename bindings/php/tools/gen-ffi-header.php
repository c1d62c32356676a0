<?php

/**
 * Generates the PHP FFI declaration files from the real C header (include/iop.h).
 *
 *   php tools/gen-ffi-header.php                 write iop.ffi.h and iop.preload.h next to composer.json
 *   php tools/gen-ffi-header.php --check         exit 1 if either file differs from a fresh generation
 *   php tools/gen-ffi-header.php --header=PATH   read another iop.h (default ../../include/iop.h)
 *   php tools/gen-ffi-header.php --lib=/opt/iopkit/libiop.so --preload-out=/etc/php/iop.preload.h
 *                                                write only a site-specific preload header whose
 *                                                FFI_LIB is that path (for opcache.preload)
 *
 * FFI::cdef() does not run a preprocessor: it ignores lines starting with `#` and rejects C++
 * (`extern "C"`). The declaration file is therefore the header with comments, preprocessor
 * lines, `#ifdef __cplusplus` blocks and `#include`s removed. Declarations are otherwise kept
 * token for token (only whitespace is normalized), so `char *` (owned, freed with
 * iop_string_free) and `const char *` (borrowed, copied by FFI into a PHP string) stay exactly
 * as the header declares them. PHP's FFI parser accepts anonymous `typedef enum {…} X;` as is
 * (its enumerators become constants such as `$ffi->IOP_OK`), so enums are kept verbatim, one
 * enumerator per line. Structs (IopTokenStoreCallbacks: a struct of function pointers, which FFI
 * parses as declared and whose fields accept PHP closures) are kept verbatim, one field per line.
 *
 * iop.preload.h is the same declarations preceded by the two defines FFI::load() understands:
 * `#define FFI_SCOPE "IOPKIT"` and `#define FFI_LIB "…"`.
 */

declare(strict_types=1);

if (!function_exists('iopkit_ffi_declarations')) {
    /**
     * The declarations of `$header` (the text of iop.h) in a form FFI::cdef() accepts.
     *
     * @throws RuntimeException on a preprocessor construct it does not understand
     */
    function iopkit_ffi_declarations(string $header): string
    {
        $text = str_replace(["\r\n", "\r"], "\n", $header);

        // 1. Comments (block, then line). Keep line structure so preprocessor lines stay lines.
        $text = preg_replace_callback('~/\*.*?\*/~s', static fn (array $m): string => str_repeat("\n", substr_count($m[0], "\n")), $text);
        $text = preg_replace('~//[^\n]*~', '', $text);

        // 2. A tiny preprocessor: conditionals (only what the header uses), drop every # line.
        $defined = [];
        $version = [];
        $stack = []; // each: [active(bool), parentActive(bool), taken(bool)]
        $active = true;
        $kept = [];
        foreach (explode("\n", $text) as $line) {
            $trim = trim($line);
            if ($trim === '' || $trim[0] !== '#') {
                if ($active) {
                    $kept[] = $line;
                }
                continue;
            }
            if (!preg_match('~^#\s*(\w+)\s*(.*)$~', $trim, $m)) {
                throw new RuntimeException("unrecognized preprocessor line: $trim");
            }
            [$directive, $rest] = [$m[1], trim($m[2])];
            switch ($directive) {
                case 'ifdef':
                case 'ifndef':
                    $isDefined = $rest !== '__cplusplus' && isset($defined[$rest]);
                    $cond = $directive === 'ifdef' ? $isDefined : !$isDefined;
                    $stack[] = [$active, $cond];
                    $active = $active && $cond;
                    break;
                case 'if':
                    $cond = match ($rest) {
                        'defined(__cplusplus)', 'defined __cplusplus' => false,
                        '!defined(__cplusplus)', '!defined __cplusplus' => true,
                        default => throw new RuntimeException("unsupported #if condition: $rest"),
                    };
                    $stack[] = [$active, $cond];
                    $active = $active && $cond;
                    break;
                case 'else':
                    if ($stack === []) {
                        throw new RuntimeException('#else without #if');
                    }
                    [$parent, $cond] = $stack[count($stack) - 1];
                    $stack[count($stack) - 1] = [$parent, !$cond];
                    $active = $parent && !$cond;
                    break;
                case 'endif':
                    if ($stack === []) {
                        throw new RuntimeException('#endif without #if');
                    }
                    [$active] = array_pop($stack);
                    break;
                case 'define':
                    if ($active && preg_match('~^(\w+)(?:\s+(.*))?$~', $rest, $d)) {
                        $defined[$d[1]] = true;
                        if (preg_match('~^IOP_VERSION_(MAJOR|MINOR|PATCH)$~', $d[1], $v)) {
                            $version[$v[1]] = trim($d[2] ?? '');
                        }
                    }
                    break;
                case 'undef':
                    unset($defined[$rest]);
                    break;
                case 'include':
                case 'pragma':
                    break; // stdbool/stddef/stdint types are built into PHP's FFI
                default:
                    throw new RuntimeException("unsupported preprocessor directive: #$directive");
            }
        }
        if ($stack !== []) {
            throw new RuntimeException('unterminated #if');
        }

        // 3. Split into top-level declarations; drop a bare `extern "C" { … }` wrapper if any.
        $body = implode("\n", $kept);
        $decls = [];
        $current = '';
        $depth = 0;
        $externDepths = [];
        $len = strlen($body);
        for ($i = 0; $i < $len; $i++) {
            $ch = $body[$i];
            if ($depth === count($externDepths) && preg_match('~\Gextern\s*"C"\s*\{~A', $body, $em, 0, $i)) {
                if (trim($current) !== '') {
                    throw new RuntimeException('extern "C" in the middle of a declaration');
                }
                $externDepths[] = $depth;
                $depth++;
                $i += strlen($em[0]) - 1;
                continue;
            }
            if ($ch === '{') {
                $depth++;
            } elseif ($ch === '}') {
                $depth--;
                if ($externDepths !== [] && $depth === end($externDepths) && trim($current) === '') {
                    array_pop($externDepths);
                    continue;
                }
            }
            $current .= $ch;
            if ($ch === ';' && $depth === count($externDepths)) {
                $decls[] = $current;
                $current = '';
            }
        }
        if (trim($current) !== '' || $depth !== 0) {
            throw new RuntimeException('unterminated declaration: ' . trim($current));
        }

        // 4. Normalize whitespace; one declaration per line, enumerators one per line.
        $out = [];
        foreach ($decls as $decl) {
            $decl = trim(preg_replace('~\s+~', ' ', $decl));
            $decl = preg_replace(['~\( ~', '~ \)~', '~ ,~', '~ ;~'], ['(', ')', ',', ';'], $decl);
            if (str_contains($decl, 'extern "C"') || str_contains($decl, '#')) {
                throw new RuntimeException("C++ or preprocessor residue in: $decl");
            }
            if (preg_match('~^(typedef enum(?: \w+)?) \{ (.*?) \} (\w+);$~', $decl, $e)) {
                $items = array_filter(array_map('trim', explode(',', $e[2])), static fn (string $s): bool => $s !== '');
                $decl = $e[1] . " {\n" . implode('', array_map(static fn (string $s): string => "  $s,\n", $items)) . '} ' . $e[3] . ';';
            } elseif (preg_match('~^(typedef struct(?: \w+)?) \{ (.*;) \} (\w+);$~', $decl, $s) && !str_contains($s[2], '{')) {
                // A struct (e.g. IopTokenStoreCallbacks, whose fields are function pointers): one
                // field per line. Fields end with `;` and contain none, so splitting there is exact.
                $fields = array_filter(array_map('trim', explode(';', $s[2])), static fn (string $f): bool => $f !== '');
                $decl = $s[1] . " {\n" . implode('', array_map(static fn (string $f): string => "  $f;\n", $fields)) . '} ' . $s[3] . ';';
            }
            $out[] = $decl;
        }

        $v = isset($version['MAJOR'], $version['MINOR'], $version['PATCH'])
            ? " (IOP_VERSION {$version['MAJOR']}.{$version['MINOR']}.{$version['PATCH']})" : '';
        return "/* Generated by bindings/php/tools/gen-ffi-header.php from include/iop.h$v. Do not edit.\n"
            . "   Regenerate: php bindings/php/tools/gen-ffi-header.php */\n\n"
            . implode("\n", $out) . "\n";
    }

    /** The declaration file for FFI::load() (opcache.preload): FFI_SCOPE and FFI_LIB first. */
    function iopkit_ffi_preload_declarations(string $header, string $lib = 'libiop.so.0', string $scope = 'IOPKIT'): string
    {
        foreach (['lib' => $lib, 'scope' => $scope] as $name => $value) {
            if ($value === '' || preg_match('~["\\\\\n\r\0]~', $value)) {
                throw new InvalidArgumentException("$name must be non-empty and contain no quotes, backslashes or newlines");
            }
        }
        return "#define FFI_SCOPE \"$scope\"\n#define FFI_LIB \"$lib\"\n" . iopkit_ffi_declarations($header);
    }
}

if (PHP_SAPI === 'cli' && isset($argv[0]) && realpath($argv[0]) === __FILE__) {
    $root = dirname(__DIR__);
    $opts = getopt('', ['header:', 'check', 'lib:', 'preload-out:', 'help']);
    if (isset($opts['help'])) {
        fwrite(STDOUT, "usage: php tools/gen-ffi-header.php [--header=iop.h] [--check] [--lib=PATH --preload-out=FILE]\n");
        exit(0);
    }
    $headerPath = $opts['header'] ?? dirname($root, 2) . '/include/iop.h';
    $header = @file_get_contents($headerPath);
    if ($header === false) {
        fwrite(STDERR, "gen-ffi-header: cannot read $headerPath\n");
        exit(2);
    }
    try {
        if (isset($opts['preload-out'])) {
            $content = iopkit_ffi_preload_declarations($header, $opts['lib'] ?? 'libiop.so.0');
            file_put_contents($opts['preload-out'], $content);
            fwrite(STDOUT, "wrote {$opts['preload-out']}\n");
            exit(0);
        }
        $files = [
            "$root/iop.ffi.h" => iopkit_ffi_declarations($header),
            "$root/iop.preload.h" => iopkit_ffi_preload_declarations($header),
        ];
    } catch (Throwable $e) {
        fwrite(STDERR, 'gen-ffi-header: ' . $e->getMessage() . "\n");
        exit(2);
    }
    $status = 0;
    foreach ($files as $path => $content) {
        if (isset($opts['check'])) {
            if (@file_get_contents($path) !== $content) {
                fwrite(STDERR, "gen-ffi-header: $path is out of date with $headerPath (run php tools/gen-ffi-header.php)\n");
                $status = 1;
            }
        } else {
            file_put_contents($path, $content);
            fwrite(STDOUT, "wrote $path\n");
        }
    }
    exit($status);
}
