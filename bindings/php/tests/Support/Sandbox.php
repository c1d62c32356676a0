<?php

declare(strict_types=1);

namespace Iopkit\Tests\Support;

/**
 * One iop-sandbox process (`iop-sandbox --exit-on-eof [--doc-samples] [--config FILE]`):
 * started with proc_open, its stdin kept open; it exits when stop() closes stdin.
 */
final class Sandbox
{
    public const APP = '100001';
    public const SECRET = 'sandboxSecret-100001-0123456789abcdef';
    public const APP_NO_REFRESH = '100002';
    public const SECRET_NO_REFRESH = 'sandboxSecret-100002-0123456789abcdef';

    /** Base URL, e.g. http://127.0.0.1:PORT */
    public readonly string $url;

    /** @var resource|null */
    private $proc;
    /** @var array<int, resource> */
    private array $pipes;
    private ?string $configFile = null;

    private function __construct()
    {
    }

    /** @param array<string,mixed>|null $config sandbox JSON config (see iop-sandbox --help) */
    public static function start(bool $docSamples = true, ?array $config = null): self
    {
        $bin = getenv('IOP_SANDBOX') ?: dirname(__DIR__, 4) . '/target/debug/iop-sandbox';
        if (!is_file($bin)) {
            throw new \RuntimeException("iop-sandbox not found at $bin (cargo build -p iopkit-sandbox, or set IOP_SANDBOX)");
        }
        $s = new self();
        $cmd = [$bin, '--exit-on-eof'];
        if ($docSamples) {
            $cmd[] = '--doc-samples';
        }
        if ($config !== null) {
            $s->configFile = tempnam(sys_get_temp_dir(), 'iop-sandbox-') . '.json';
            file_put_contents($s->configFile, json_encode($config, JSON_THROW_ON_ERROR));
            array_push($cmd, '--config', $s->configFile);
        }
        $log = getenv('IOP_SANDBOX_LOG') ?: '/dev/null';
        $proc = proc_open($cmd, [0 => ['pipe', 'r'], 1 => ['pipe', 'w'], 2 => ['file', $log, 'a']], $pipes);
        if (!\is_resource($proc)) {
            throw new \RuntimeException("cannot start $bin");
        }
        $s->proc = $proc;
        $s->pipes = $pipes;
        $r = [$pipes[1]];
        $w = $e = null;
        if (stream_select($r, $w, $e, 10) !== 1) {
            $s->stop();
            throw new \RuntimeException('iop-sandbox did not start within 10 s');
        }
        $line = (string) fgets($pipes[1]);
        if (!preg_match('~^iop-sandbox listening on (http://\S+)~', $line, $m)) {
            $s->stop();
            throw new \RuntimeException("unexpected first line from iop-sandbox: $line");
        }
        $s->url = $m[1];
        return $s;
    }

    public function lazada(): string
    {
        return "$this->url/lazada/rest";
    }

    public function tw(): string
    {
        return "$this->url/tw/rest";
    }

    public function aliexpress(): string
    {
        return "$this->url/aliexpress/rest";
    }

    /** A fresh one-time authorization code (POST /_sandbox/code). */
    public function code(string $clientId = self::APP): string
    {
        [$status, , $body] = Http::request('POST', "$this->url/_sandbox/code?client_id=" . rawurlencode($clientId));
        $data = json_decode($body, true);
        if ($status !== 200 || !isset($data['code'])) {
            throw new \RuntimeException("sandbox code: HTTP $status $body");
        }
        return $data['code'];
    }

    /** Advances the sandbox's virtual clock. */
    public function advanceClock(int $seconds): void
    {
        [$status, , $body] = Http::request('POST', "$this->url/_sandbox/clock/advance?seconds=$seconds");
        if ($status !== 200) {
            throw new \RuntimeException("sandbox clock: HTTP $status $body");
        }
    }

    /**
     * A control endpoint (`$path` after /_sandbox, query included), its JSON answer decoded.
     *
     * @return array<string, mixed>
     */
    public function control(string $method, string $path): array
    {
        [$status, , $body] = Http::request($method, "$this->url/_sandbox$path");
        if ($status !== 200) {
            throw new \RuntimeException("sandbox $path: HTTP $status $body");
        }
        return json_decode($body, true, 512, JSON_THROW_ON_ERROR);
    }

    /** The virtual clock, epoch ms. */
    public function nowMs(): int
    {
        return $this->control('GET', '/clock')['now_ms'];
    }

    /** Every push delivery attempt so far (GET /_sandbox/push/log `deliveries`), optionally of one message id. */
    public function pushLog(?int $id = null): array
    {
        $all = $this->control('GET', '/push/log')['deliveries'];
        return array_values(array_filter($all, static fn (array $d): bool => $id === null || $d['id'] === $id));
    }

    /** Delivers every push message due now; returns when done. */
    public function flushPush(): void
    {
        $this->control('POST', '/push/flush');
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
        proc_close($this->proc); // --exit-on-eof: exits once stdin is closed
        $this->proc = null;
        if ($this->configFile !== null) {
            @unlink($this->configFile);
            @unlink(substr($this->configFile, 0, -5));
        }
    }

    public function __destruct()
    {
        $this->stop();
    }
}
