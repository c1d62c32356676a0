<?php

/**
 * Benchmark of the PHP binding: IopClient::execute against the canned-response server.
 *
 * Run by scripts/bench: `php execute.php OUT` with IOP_BENCH_URL and IOPKIT_LIB set (see
 * bootstrap.php). A warmed-up timing loop: IOP_BENCH_WARMUP_MS of calls (default 1000), then
 * IOP_BENCH_SAMPLES samples (30) of IOP_BENCH_CALLS calls (400); writes one sample (µs per
 * call) a line to OUT.
 */

declare(strict_types=1);

require __DIR__ . '/bootstrap.php';

[$client, $request, $results] = bench_setup('execute.php');
$warmupNs = env_int('IOP_BENCH_WARMUP_MS', 1000) * 1000000;
$samples = env_int('IOP_BENCH_SAMPLES', 30);
$calls = env_int('IOP_BENCH_CALLS', 400);

$start = hrtime(true);
while (hrtime(true) - $start < $warmupNs) {
    $client->execute($request);
}
$out = "# PHP IopClient::execute: $samples samples of $calls calls, µs per call\n";
for ($s = 0; $s < $samples; $s++) {
    $start = hrtime(true);
    for ($i = 0; $i < $calls; $i++) {
        $client->execute($request);
    }
    $out .= sprintf("%.3f\n", (hrtime(true) - $start) / $calls / 1000);
}
file_put_contents($results, $out) !== false || exit(1);
