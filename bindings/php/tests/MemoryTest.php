<?php

declare(strict_types=1);

namespace Iopkit\Tests;

use Iopkit\Enos\EnosClient;
use Iopkit\IopClient;
use Iopkit\IopRequest;
use Iopkit\Native;
use Iopkit\Tests\Support\Sandbox;
use PHPUnit\Framework\TestCase;

/**
 * Every native string and handle is freed exactly once: many calls in one process keep both
 * PHP's heap and the process's resident memory flat. (A double free would abort the process.)
 */
final class MemoryTest extends TestCase
{
    private static function rssKb(): int
    {
        $status = (string) @file_get_contents('/proc/self/status');
        if (!preg_match('~^VmRSS:\s+(\d+) kB~m', $status, $m)) {
            self::fail('no /proc/self/status');
        }
        return (int) $m[1];
    }

    /**
     * Growth of the PHP heap (bytes) and resident memory (kB) over `$runs` cycles, after
     * `$warmup` cycles.
     *
     * @return array{int, int}
     */
    private static function growth(\Closure $cycle, int $warmup, int $runs): array
    {
        for ($i = 0; $i < $warmup; $i++) {
            $cycle();
        }
        gc_collect_cycles();
        [$heap0, $rss0] = [memory_get_usage(), self::rssKb()];
        for ($i = 0; $i < $runs; $i++) {
            $cycle();
        }
        gc_collect_cycles();
        return [memory_get_usage() - $heap0, self::rssKb() - $rss0];
    }

    /** IOPKIT_MEMORY_CALLS overrides the number of calls (default 100,000). */
    public function testManyExecuteCallsDoNotGrowMemory(): void
    {
        $calls = (int) (getenv('IOPKIT_MEMORY_CALLS') ?: 100000);
        $sandbox = Sandbox::start(docSamples: false);
        try {
            $c = new IopClient($sandbox->lazada(), Sandbox::APP, Sandbox::SECRET);
            $token = $c->createToken($sandbox->code())->accessToken;
            $request = (new IopRequest('/seller/get'))->addApiParam('probe', 'x');
            $call = static function (int $i) use ($c, $request, $token): void {
                if ($i % 10 === 0) {
                    $r = $c->executeResponse($request, $token); // every field read, response freed
                    if (!$r->isSuccess()) {
                        throw new \RuntimeException($r->body);
                    }
                } elseif ($i % 10 === 5) {
                    $c->sign($request, $token, 1); // two owned strings freed with iop_string_free
                } else {
                    $c->execute($request, $token);
                }
            };
            $warmup = min(2000, intdiv($calls, 10));
            for ($i = 0; $i < $warmup; $i++) {
                $call($i);
            }
            gc_collect_cycles();
            $heap0 = memory_get_usage();
            $rss0 = self::rssKb();
            $start = microtime(true);
            for ($i = 0; $i < $calls; $i++) {
                $call($i);
            }
            $elapsed = microtime(true) - $start;
            gc_collect_cycles();
            $heapGrowth = memory_get_usage() - $heap0;
            $rssGrowthKb = self::rssKb() - $rss0;
        } finally {
            $sandbox->stop();
        }
        fwrite(STDERR, sprintf("\n[memory] %d calls in %.1f s (%.0f us/call): PHP heap %+d bytes, RSS %+d kB\n",
            $calls, $elapsed, $elapsed / $calls * 1e6, $heapGrowth, $rssGrowthKb));
        self::assertLessThan(64 * 1024, $heapGrowth, 'PHP heap growth');
        self::assertLessThan(4 * 1024, $rssGrowthKb, 'resident memory growth (kB)');
    }

    /**
     * Destructors free clients (IopClient and EnosClient); tokens and responses are freed as soon
     * as they are read. Calibrated: the same number of clients NOT freed must show up in RSS (both
     * leaks are held together, so the second cannot reuse memory the first gave back).
     */
    public function testDestructorsFreeClients(): void
    {
        $n = 20000;
        $nEnos = 10000;
        $url = 'https://api.taobao.tw/rest';
        $enosUrl = 'https://apigw.example.com';
        for ($i = 0; $i < 1000; $i++) {
            new IopClient($url, '100001', 'secret');
            new EnosClient($enosUrl, 'app', 'secret');
        }
        $rss0 = self::rssKb();
        for ($i = 0; $i < $n; $i++) {
            $c = new IopClient($url, '100001', 'secret');
            $c->readTimeout = 5;
            unset($c); // __destruct → iop_client_free
        }
        $freedGrowth = self::rssKb() - $rss0;
        $rss0 = self::rssKb();
        for ($i = 0; $i < $nEnos; $i++) {
            $c = new EnosClient($enosUrl, 'app', 'secret');
            $c->setReadTimeoutMs(5000);
            unset($c); // __destruct → iop_enos_client_free
        }
        $enosFreedGrowth = self::rssKb() - $rss0;

        // Calibration: leak the same numbers of native clients on purpose.
        $f = Native::ffi();
        $rss1 = self::rssKb();
        $leaked = [];
        for ($i = 0; $i < $n; $i++) {
            $out = $f->new('IopClient*');
            $f->iop_client_new($url, '100001', 'secret', null, \FFI::addr($out));
            $leaked[] = $out;
        }
        $leakGrowth = self::rssKb() - $rss1;
        $rss1 = self::rssKb();
        $leakedEnos = [];
        for ($i = 0; $i < $nEnos; $i++) {
            $out = $f->new('IopEnosClient*');
            $f->iop_enos_client_new($enosUrl, 'app', 'secret', null, \FFI::addr($out));
            $leakedEnos[] = $out;
        }
        $enosLeakGrowth = self::rssKb() - $rss1;
        foreach ($leaked as $h) {
            $f->iop_client_free($h);
        }
        foreach ($leakedEnos as $h) {
            $f->iop_enos_client_free($h);
        }
        fwrite(STDERR, sprintf("\n[memory] %d clients: freed by destructors %+d kB, leaked on purpose %+d kB; %d EnOS clients: %+d kB, %+d kB\n",
            $n, $freedGrowth, $leakGrowth, $nEnos, $enosFreedGrowth, $enosLeakGrowth));
        self::assertGreaterThan(4 * 1024, $leakGrowth, 'calibration: leaked clients are visible');
        self::assertLessThan($leakGrowth / 10, $freedGrowth);
        self::assertGreaterThan(4 * 1024, $enosLeakGrowth, 'calibration: leaked EnOS clients are visible');
        self::assertLessThan($enosLeakGrowth / 10, $enosFreedGrowth);
    }

    /**
     * 2,000 batches: each native batch, its request copies and every outcome (responses read,
     * unread or cloned, failures read from the last error) are freed exactly once.
     */
    public function testBatchesDoNotGrowMemory(): void
    {
        $sandbox = Sandbox::start(docSamples: false);
        try {
            $c = new IopClient($sandbox->lazada(), Sandbox::APP, Sandbox::SECRET);
            $token = $c->createToken($sandbox->code())->accessToken;
            $ok = (new IopRequest('/seller/get'))->addApiParam('probe', str_repeat('x', 200));
            $fault = (new IopRequest('/seller/get'))->addHttpHeaderParam('X-Sandbox-Fault', 'http-502');
            $cycle = static function () use ($c, $token, $ok, $fault): void {
                $outcomes = $c->executeBatch([$ok, [$ok, 'dead'], $fault, $ok, $ok, $ok], $token, 6);
                if (!$outcomes[0]->isSuccess() || $outcomes[1]->code !== 'IllegalAccessToken' || !$outcomes[2] instanceof \Iopkit\Exception\HttpException) {
                    throw new \RuntimeException('unexpected batch outcome');
                }
                $copy = clone $outcomes[3]; // reads every field, shares nothing native
                unset($outcomes); // [4] and [5] never read
                if ($copy->body === '') {
                    throw new \RuntimeException('empty clone');
                }
            };
            [$heapGrowth, $rssGrowthKb] = self::growth($cycle, 200, 2000);
        } finally {
            $sandbox->stop();
        }
        fwrite(STDERR, sprintf("\n[memory] 2000 batches of 6 calls: PHP heap %+d bytes, RSS %+d kB\n", $heapGrowth, $rssGrowthKb));
        self::assertLessThan(64 * 1024, $heapGrowth);
        self::assertLessThan(1024, $rssGrowthKb);
    }

    /** EnOS tokens, signatures (owned strings) and responses are freed once read; error paths too. */
    public function testEnosCallsDoNotGrowMemory(): void
    {
        $sandbox = Sandbox::start(docSamples: false);
        try {
            $c = new EnosClient($sandbox->url, '5acb82e7-a11e-4300-9164-c8b20b638e8b', 'sandboxEnosSecret-5acb82e7-0123456789abcdef');
            $token = $c->getToken()->accessToken;
            $cycle = static function () use ($c, $token): void {
                $c->getToken();
                $c->sign($token, '/connect-service/v2.1/devices?a=1', '{"b":2}', 1700000000000);
                if (!$c->call('POST', '/connect-service/v2.1/devices?a=1', '{"b":2}', $token)->isSuccess()) {
                    throw new \RuntimeException('EnOS call failed');
                }
                try {
                    $c->refreshToken('dead-token'); // error path: 1204
                } catch (\Iopkit\Exception\PlatformException) {
                }
            };
            [$heapGrowth, $rssGrowthKb] = self::growth($cycle, 50, 500);
        } finally {
            $sandbox->stop();
        }
        fwrite(STDERR, sprintf("\n[memory] 500 EnOS cycles: PHP heap %+d bytes, RSS %+d kB\n", $heapGrowth, $rssGrowthKb));
        self::assertLessThan(64 * 1024, $heapGrowth);
        self::assertLessThan(1024, $rssGrowthKb);
    }

    public function testTokenCallsDoNotGrowMemory(): void
    {
        $sandbox = Sandbox::start(docSamples: false);
        try {
            $c = new IopClient($sandbox->lazada(), Sandbox::APP, Sandbox::SECRET);
            $cycle = static function () use ($c, $sandbox): void {
                $t = $c->createToken($sandbox->code());
                $t = $c->refreshToken($t->refreshToken);
                \Iopkit\Token::fromJson(\Iopkit\Token::fromResponse($t->raw)->toJson());
                try {
                    $c->refreshToken('dead-refresh-token'); // error path: last error read, nothing to free
                } catch (\Iopkit\Exception\PlatformException) {
                }
            };
            [$heapGrowth, $rssGrowthKb] = self::growth($cycle, 100, 1000);
        } finally {
            $sandbox->stop();
        }
        fwrite(STDERR, sprintf("\n[memory] 1000 token cycles: PHP heap %+d bytes, RSS %+d kB\n", $heapGrowth, $rssGrowthKb));
        self::assertLessThan(64 * 1024, $heapGrowth);
        self::assertLessThan(2 * 1024, $rssGrowthKb);
    }
}
