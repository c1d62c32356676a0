<?php

declare(strict_types=1);

namespace Iopkit\Tests\Support;

/**
 * A loopback HTTP CONNECT proxy in a child PHP process (the test's own process is blocked in
 * the library during a call): it tunnels each CONNECT, or answers 407 when `$requiredAuth` is
 * set and the Proxy-Authorization differs, and records every CONNECT (target, authorization,
 * whether a tunnel was opened) for connects().
 */
final class ConnectProxy
{
    private const SCRIPT = <<<'PHP'
<?php
[$log, $required] = [$argv[1], $argv[2] === '-' ? null : $argv[2]];
$server = stream_socket_server('tcp://127.0.0.1:0', $errno, $errstr) or exit(1);
echo 'listening on ', stream_socket_get_name($server, false), "\n";
fflush(STDOUT);
$heads = [];   // id => [client, buffered head]
$peers = [];   // id => the other end of its tunnel
while (true) {
    $read = [$server];
    foreach ($heads as [$c]) { $read[] = $c; }
    foreach ($peers as $id => $p) { $read[] = $p; }
    $w = $e = null;
    if (stream_select($read, $w, $e, null) === false) { exit(2); }
    foreach ($read as $s) {
        if ($s === $server) {
            $c = stream_socket_accept($server);
            $heads[(int) $c] = [$c, ''];
            continue;
        }
        $id = (int) $s;
        $data = fread($s, 65536);
        if (isset($heads[$id])) {
            if ($data === '' || $data === false) { fclose($s); unset($heads[$id]); continue; }
            $heads[$id][1] .= $data;
            if (!str_contains($heads[$id][1], "\r\n\r\n")) { continue; }
            $head = $heads[$id][1];
            unset($heads[$id]);
            $lines = explode("\r\n", strstr($head, "\r\n\r\n", true) ?: '');
            $target = preg_match('/^CONNECT (\S+) /', $lines[0] ?? '', $m) ? $m[1] : '';
            $auth = null;
            foreach ($lines as $l) { if (stripos($l, 'proxy-authorization:') === 0) { $auth = trim(substr($l, 20)); } }
            $tunnel = false;
            if ($required !== null && $auth !== $required) {
                fwrite($s, "HTTP/1.1 407 Proxy Authentication Required\r\nContent-Length: 0\r\n\r\n");
                fclose($s);
            } elseif (!($up = @stream_socket_client("tcp://$target", $errno, $errstr, 5))) {
                fwrite($s, "HTTP/1.1 502 Bad Gateway\r\nContent-Length: 0\r\n\r\n");
                fclose($s);
            } else {
                fwrite($s, "HTTP/1.1 200 Connection established\r\n\r\n");
                [$peers[$id], $peers[(int) $up], $tunnel] = [$up, $s, true];
            }
            file_put_contents($log, json_encode(['target' => $target, 'auth' => $auth, 'tunnel' => $tunnel]) . "\n", FILE_APPEND);
            continue;
        }
        if (!isset($peers[$id])) { continue; }
        $other = $peers[$id];
        if ($data === '' || $data === false) {
            unset($peers[$id], $peers[(int) $other]);
            fclose($s);
            fclose($other);
            continue;
        }
        fwrite($other, $data);
    }
}
PHP;

    /** @var resource */
    private $process;
    private string $script;
    private string $log;
    public readonly string $url;

    public function __construct(?string $requiredAuth = null)
    {
        $this->script = (string) tempnam(sys_get_temp_dir(), 'iopkit-proxy-');
        $this->log = (string) tempnam(sys_get_temp_dir(), 'iopkit-proxy-log-');
        file_put_contents($this->script, self::SCRIPT);
        $cmd = [\PHP_BINARY, $this->script, $this->log, $requiredAuth ?? '-'];
        $this->process = proc_open($cmd, [0 => ['file', '/dev/null', 'r'], 1 => ['pipe', 'w'], 2 => ['file', '/dev/null', 'w']], $pipes);
        $line = (string) fgets($pipes[1]);
        if (!preg_match('/^listening on (\S+)/', $line, $m)) {
            throw new \RuntimeException("the proxy did not start: '$line'");
        }
        $this->url = 'http://' . $m[1];
    }

    /** @return list<array{target: string, auth: ?string, tunnel: bool}> every CONNECT received, in order */
    public function connects(): array
    {
        $lines = array_filter(explode("\n", (string) file_get_contents($this->log)));
        return array_values(array_map(static fn (string $l): array => json_decode($l, true, 4, \JSON_THROW_ON_ERROR), $lines));
    }

    /** How many tunnels were opened. */
    public function tunnels(): int
    {
        return \count(array_filter($this->connects(), static fn (array $c): bool => $c['tunnel']));
    }

    public function stop(): void
    {
        if (\is_resource($this->process)) {
            proc_terminate($this->process);
            proc_close($this->process);
        }
        @unlink($this->script);
        @unlink($this->log);
    }

    public function __destruct()
    {
        $this->stop();
    }
}
