<?php

/**
 * Benchmark of IopClient::executeBatch against the canned-response server started with a
 * delay (`iop-bench serve --delay-ms 20`: each answer 20 ms after its request, as a real
 * gateway would): `php batch.php OUT` with IOP_BENCH_URL and IOPKIT_LIB set (see
 * bootstrap.php). Measures IOP_BENCH_SEQUENTIAL_CALLS calls one after another with execute()
 * (default 200: sequential calls are slow), then IOP_BENCH_BATCH_CALLS calls (2000) in one
 * batch at IOP_BENCH_CONCURRENCY (16); writes calls per second for each to OUT.
 */

declare(strict_types=1);

use Iopkit\IopResponse;

require __DIR__ . '/bootstrap.php';

[$client, $request, $results] = bench_setup('batch.php');
$sequential = env_int('IOP_BENCH_SEQUENTIAL_CALLS', 200);
$batched = env_int('IOP_BENCH_BATCH_CALLS', 2000);
$concurrency = env_int('IOP_BENCH_CONCURRENCY', 16);

$client->executeBatch(array_fill(0, $concurrency, $request), null, $concurrency); // warms the pool up
$start = hrtime(true);
for ($i = 0; $i < $sequential; $i++) {
    $client->execute($request);
}
$sequentialRate = $sequential / ((hrtime(true) - $start) / 1e9);

$start = hrtime(true);
$outcomes = $client->executeBatch(array_fill(0, $batched, $request), null, $concurrency);
$batchRate = $batched / ((hrtime(true) - $start) / 1e9);
$ok = count(array_filter($outcomes, static fn ($o): bool => $o instanceof IopResponse && $o->isSuccess()));
if ($ok !== $batched) {
    fwrite(STDERR, "only $ok of $batched batch calls succeeded\n");
    exit(1);
}
file_put_contents($results, sprintf("# PHP IopClient::execute, sequential: %d calls, calls per second\n%.1f\n"
    . "# PHP IopClient::executeBatch, concurrency %d: %d calls, calls per second\n%.1f\n",
    $sequential, $sequentialRate, $concurrency, $batched, $batchRate)) !== false || exit(1);
