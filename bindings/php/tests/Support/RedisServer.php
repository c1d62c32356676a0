<?php

declare(strict_types=1);

namespace Iopkit\Tests\Support;

/**
 * A redis-server of the test's own (Debian's package; scripts/test installs it) on 127.0.0.1
 * and a free port, without persistence: `redis-server --port P --bind 127.0.0.1 --save ''
 * --appendonly no`. stop() kills it (also run by the destructor and at shutdown).
 */
final class RedisServer
{
    public readonly int $port;

    /** @var resource|null */
    private $proc;
    private string $log;

    private function __construct()
    {
    }

    /**
     * A server on `$port` (null: a free one, retried if another process takes it first),
     * requiring `$password` when given.
     *
     * @throws \RuntimeException when redis-server is missing or does not answer PING
     */
    public static function start(?int $port = null, ?string $password = null): self
    {
        $bin = self::binary();
        $why = '';
        for ($attempt = 0; $attempt < ($port === null ? 3 : 1); $attempt++) {
            $s = new self();
            $s->port = $port ?? self::freePort();
            $s->log = (string) tempnam(sys_get_temp_dir(), 'iopkit-redis-');
            $cmd = [$bin, '--port', (string) $s->port, '--bind', '127.0.0.1', '--save', '', '--appendonly', 'no',
                '--daemonize', 'no', '--dir', sys_get_temp_dir(), '--logfile', ''];
            if ($password !== null) {
                array_push($cmd, '--requirepass', $password);
            }
            $proc = proc_open($cmd, [0 => ['file', '/dev/null', 'r'], 1 => ['file', $s->log, 'w'], 2 => ['file', $s->log, 'a']], $pipes);
            if (!\is_resource($proc)) {
                throw new \RuntimeException("cannot start $bin");
            }
            $s->proc = $proc;
            register_shutdown_function([$s, 'stop']);
            $deadline = microtime(true) + 10;
            while (microtime(true) < $deadline) {
                if (self::answers($s->port)) {
                    return $s;
                }
                if (!proc_get_status($proc)['running']) {
                    break;
                }
                usleep(20000);
            }
            $why = trim(implode("\n", \array_slice(file($s->log) ?: [], -5)));
            $s->stop();
        }
        throw new \RuntimeException("redis-server did not answer PING on 127.0.0.1; its last output:\n$why");
    }

    /** redis://127.0.0.1:PORT, with `:password@` when given. */
    public function url(?string $password = null): string
    {
        return 'redis://' . ($password === null ? '' : ":$password@") . "127.0.0.1:$this->port";
    }

    /**
     * Runs one command and returns its reply: a string (bulk or status), an int, null (nil), or
     * a list for an array reply. For inspecting what the library stored; an error reply throws.
     *
     * @param list<string> $args
     * @return string|int|null|list<mixed>
     */
    public function command(array $args): string|int|array|null
    {
        $conn = @stream_socket_client("tcp://127.0.0.1:$this->port", $errno, $errstr, 5);
        if ($conn === false) {
            throw new \RuntimeException("cannot connect to redis-server: $errstr");
        }
        stream_set_timeout($conn, 5);
        try {
            $req = '*' . \count($args) . "\r\n";
            foreach ($args as $a) {
                $req .= '$' . \strlen($a) . "\r\n$a\r\n";
            }
            fwrite($conn, $req);
            return self::reply($conn);
        } finally {
            fclose($conn);
        }
    }

    /** Kills the server (SIGKILL) and waits for it; idempotent. */
    public function stop(): void
    {
        if ($this->proc !== null) {
            proc_terminate($this->proc, 9);
            proc_close($this->proc);
            $this->proc = null;
            @unlink($this->log);
        }
    }

    public function __destruct()
    {
        $this->stop();
    }

    /** The port of a `redis://…host:PORT` URL. */
    public static function portOf(string $url): int
    {
        return (int) parse_url($url, \PHP_URL_PORT);
    }

    /** A TCP port on 127.0.0.1 that nothing listens on (just closed). */
    public static function freePort(): int
    {
        $server = stream_socket_server('tcp://127.0.0.1:0', $errno, $errstr);
        if ($server === false) {
            throw new \RuntimeException("cannot bind 127.0.0.1: $errstr");
        }
        $name = (string) stream_socket_get_name($server, false);
        fclose($server);
        return (int) substr($name, strrpos($name, ':') + 1);
    }

    private static function binary(): string
    {
        $dirs = array_merge(explode(':', (string) getenv('PATH')), ['/usr/bin', '/usr/sbin', '/usr/local/bin']);
        foreach ($dirs as $dir) {
            if ($dir !== '' && is_file("$dir/redis-server") && is_executable("$dir/redis-server")) {
                return "$dir/redis-server";
            }
        }
        throw new \RuntimeException("redis-server not found (PATH, /usr/bin, /usr/sbin): install Debian's redis-server package (apt-get install redis-server; scripts/test installs it)");
    }

    private static function answers(int $port): bool
    {
        $conn = @stream_socket_client("tcp://127.0.0.1:$port", $errno, $errstr, 0.5);
        if ($conn === false) {
            return false;
        }
        stream_set_timeout($conn, 1);
        fwrite($conn, "PING\r\n");
        $line = (string) fgets($conn);
        fclose($conn);
        return str_starts_with($line, '+PONG') || str_starts_with($line, '-NOAUTH'); // up, with or without a password
    }

    /** @param resource $conn */
    private static function reply($conn): string|int|array|null
    {
        $line = fgets($conn);
        if ($line === false) {
            throw new \RuntimeException('redis-server closed the connection');
        }
        $line = rtrim($line, "\r\n");
        $rest = substr($line, 1);
        switch ($line[0] ?? '') {
            case '+':
                return $rest;
            case '-':
                throw new \RuntimeException("redis error: $rest");
            case ':':
                return (int) $rest;
            case '$':
                if ((int) $rest < 0) {
                    return null;
                }
                $data = '';
                while (\strlen($data) < (int) $rest + 2) {
                    $chunk = fread($conn, (int) $rest + 2 - \strlen($data));
                    if ($chunk === false || $chunk === '') {
                        throw new \RuntimeException('short bulk reply');
                    }
                    $data .= $chunk;
                }
                return substr($data, 0, -2);
            case '*':
                if ((int) $rest < 0) {
                    return null;
                }
                $items = [];
                for ($i = 0; $i < (int) $rest; $i++) {
                    $items[] = self::reply($conn);
                }
                return $items;
            default:
                throw new \RuntimeException("unexpected redis reply: $line");
        }
    }
}
