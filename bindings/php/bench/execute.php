<?php

/**
 * Benchmark of the PHP binding: IopClient::execute against the canned-response server.
 *
 * Run by scripts/bench: `php execute.php OUT` with IOP_BENCH_URL (the server's
 * http://127.0.0.1:PORT/rest) and IOPKIT_LIB (the release libiop.so) set. A warmed-up timing
 * loop: IOP_BENCH_WARMUP_MS of calls (default 1000), then IOP_BENCH_SAMPLES samples (30) of
 * IOP_BENCH_CALLS calls (400); writes one sample (µs per call) a line to OUT. The workload is
 * bench/src/workload.rs's.
 */

declare(strict_types=1);

require dirname(__DIR__) . '/autoload.php';

use Iopkit\IopClient;
use Iopkit\IopRequest;

const APP_KEY = '100001';
const APP_SECRET = 'benchSecret-100001-0123456789abcdef';
const API = '/auth/token/create';
const CODE = '0_100001_bench_code_4fQjXa9kD2LrTzWc';

function env_int(string $name, int $default): int
{
    $v = getenv($name);
    return ($v !== false && ctype_digit($v) && (int) $v > 0) ? (int) $v : $default;
}

if ($argc !== 2) {
    fwrite(STDERR, "usage: php execute.php OUT\n");
    exit(2);
}
$url = getenv('IOP_BENCH_URL');
if ($url === false || $url === '') {
    fwrite(STDERR, "IOP_BENCH_URL is not set\n");
    exit(2);
}
$warmupNs = env_int('IOP_BENCH_WARMUP_MS', 1000) * 1000000;
$samples = env_int('IOP_BENCH_SAMPLES', 30);
$calls = env_int('IOP_BENCH_CALLS', 400);

$client = new IopClient($url, APP_KEY, APP_SECRET);
$request = new IopRequest(API);
$request->addApiParam('code', CODE);

$first = $client->executeResponse($request);
if (!$first->isSuccess() || $first->code !== '0') {
    fwrite(STDERR, "the canned server's answer is not a success\n");
    exit(1);
}
$start = hrtime(true);
while (hrtime(true) - $start < $warmupNs) {
    $client->execute($request);
}
$results = [];
for ($s = 0; $s < $samples; $s++) {
    $start = hrtime(true);
    for ($i = 0; $i < $calls; $i++) {
        $client->execute($request);
    }
    $results[] = (hrtime(true) - $start) / $calls / 1000;
}
$out = "# PHP IopClient::execute: $samples samples of $calls calls, µs per call\n";
foreach ($results as $r) {
    $out .= sprintf("%.3f\n", $r);
}
if (file_put_contents($argv[1], $out) === false) {
    exit(1);
}
