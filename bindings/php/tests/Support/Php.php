<?php

declare(strict_types=1);

namespace Iopkit\Tests\Support;

/** Runs PHP code in a child process (for snippets as standalone scripts, preload, ini settings). */
final class Php
{
    /**
     * @param list<string>         $iniArgs e.g. ['-d', 'ffi.enable=0']
     * @param list<string>         $prefix  command before PHP_BINARY (e.g. setpriv …)
     * @param array<string,string> $env     added to the current environment
     * @return array{0:int, 1:string, 2:string} exit code, stdout, stderr
     */
    public static function run(string $script, array $iniArgs = [], array $env = [], int $timeout = 60, array $prefix = []): array
    {
        $file = tempnam(sys_get_temp_dir(), 'iopkit-php-');
        file_put_contents($file, $script);
        chmod($file, 0644); // readable by a less privileged user (preload test)
        try {
            $cmd = array_merge($prefix, [PHP_BINARY], $iniArgs, [$file]);
            $proc = proc_open($cmd, [0 => ['file', '/dev/null', 'r'], 1 => ['pipe', 'w'], 2 => ['pipe', 'w']], $pipes, sys_get_temp_dir(), array_merge(getenv(), $env));
            if (!\is_resource($proc)) {
                throw new \RuntimeException('cannot run ' . PHP_BINARY);
            }
            stream_set_blocking($pipes[1], false);
            stream_set_blocking($pipes[2], false);
            $out = $err = '';
            $deadline = microtime(true) + $timeout;
            while (true) {
                $r = [$pipes[1], $pipes[2]];
                $w = $e = null;
                if (@stream_select($r, $w, $e, 1) === false) {
                    break;
                }
                $out .= (string) stream_get_contents($pipes[1]);
                $err .= (string) stream_get_contents($pipes[2]);
                if (feof($pipes[1]) && feof($pipes[2])) {
                    break;
                }
                if (microtime(true) > $deadline) {
                    proc_terminate($proc);
                    $err .= "\n[killed after {$timeout}s]";
                    break;
                }
            }
            fclose($pipes[1]);
            fclose($pipes[2]);
            $code = proc_close($proc);
            return [$code, $out, $err];
        } finally {
            @unlink($file);
        }
    }
}
