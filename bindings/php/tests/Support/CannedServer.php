<?php

declare(strict_types=1);

namespace Iopkit\Tests\Support;

/** tests/fixtures/canned-server.php as a child process (PHP is single-threaded). */
final class CannedServer
{
    public readonly int $port;
    /** @var resource|null */
    private $proc;
    /** @var array<int, resource> */
    private array $pipes;

    public function __construct(string $mode)
    {
        $proc = proc_open([PHP_BINARY, __DIR__ . '/../fixtures/canned-server.php', $mode], [0 => ['pipe', 'r'], 1 => ['pipe', 'w'], 2 => ['file', '/dev/null', 'a']], $pipes);
        if (!\is_resource($proc)) {
            throw new \RuntimeException('cannot start the canned server');
        }
        $this->proc = $proc;
        $this->pipes = $pipes;
        $r = [$pipes[1]];
        $w = $e = null;
        if (stream_select($r, $w, $e, 10) !== 1 || !preg_match('~^listening (\d+)~', (string) fgets($pipes[1]), $m)) {
            $this->stop();
            throw new \RuntimeException('the canned server did not start');
        }
        $this->port = (int) $m[1];
    }

    public function url(string $scheme = 'http'): string
    {
        return "$scheme://127.0.0.1:$this->port/rest";
    }

    public function stop(): void
    {
        if ($this->proc === null) {
            return;
        }
        foreach ($this->pipes as $p) {
            if (\is_resource($p)) {
                fclose($p);
            }
        }
        proc_close($this->proc); // exits when its stdin closes
        $this->proc = null;
    }

    public function __destruct()
    {
        $this->stop();
    }
}
