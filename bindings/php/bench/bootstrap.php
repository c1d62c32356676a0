<?php

/**
 * What the PHP benchmarks share: the workload of bench/src/workload.rs (app key, secret, API,
 * code), the settings from the environment (IOP_BENCH_URL: the canned server's
 * http://127.0.0.1:PORT/rest; IOPKIT_LIB: the release libiop.so) and the results file, written
 * as the other benchmarks write theirs: a `#` line saying what was measured, then one number a
 * line.
 */

declare(strict_types=1);

require dirname(__DIR__) . '/autoload.php';

use Iopkit\IopClient;
use Iopkit\IopRequest;

/** A positive integer from the environment, or `$default`. */
function env_int(string $name, int $default): int
{
    $v = getenv($name);
    return ($v !== false && ctype_digit($v) && (int) $v > 0) ? (int) $v : $default;
}

/**
 * The client and the token request against IOP_BENCH_URL, checked with one call, and the
 * results file.
 *
 * @return array{IopClient, IopRequest, string}
 */
function bench_setup(string $usage): array
{
    global $argc, $argv;
    $url = getenv('IOP_BENCH_URL');
    if ($argc !== 2 || $url === false || $url === '') {
        fwrite(STDERR, "usage: IOP_BENCH_URL=http://127.0.0.1:PORT/rest php $usage OUT\n");
        exit(2);
    }
    $client = new IopClient($url, '100001', 'benchSecret-100001-0123456789abcdef');
    $request = (new IopRequest('/auth/token/create'))->addApiParam('code', '0_100001_bench_code_4fQjXa9kD2LrTzWc');
    if (!$client->executeResponse($request)->isSuccess()) {
        fwrite(STDERR, "the canned server's answer is not a success\n");
        exit(1);
    }
    return [$client, $request, $argv[1]];
}
