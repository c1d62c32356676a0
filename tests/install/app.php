<?php
// The PHP install test's consumer script (tests/install/php.sh), in a Composer project with
// iopkit/iopkit installed: creates a token from the sandbox's code (IOP_GATEWAY, IOP_APP_KEY,
// IOP_APP_SECRET, IOP_CODE), refreshes it, makes one call; prints "round trip ok" when all passed
// and the library was loaded the way IOP_EXPECT_SOURCE says ("bundled": the package's
// lib/linux-x86_64/libiop.so; "scope IOPKIT": preloaded).
declare(strict_types=1);
require __DIR__ . '/vendor/autoload.php';

use Iopkit\IopClient;
use Iopkit\IopRequest;
use Iopkit\Native;

$client = new IopClient((string) getenv('IOP_GATEWAY'), (string) getenv('IOP_APP_KEY'), (string) getenv('IOP_APP_SECRET'));
$token = $client->createToken((string) getenv('IOP_CODE'));
echo 'token created, expires ', $token->expiresAt->format(DATE_ATOM), "\n";
$next = $client->refreshToken($token->refreshToken);
$rotated = $next->refreshToken !== $token->refreshToken;
echo 'token refreshed, refresh token rotated: ', $rotated ? 'yes' : 'no', "\n";
$response = $client->executeResponse(new IopRequest('/seller/get'), $next->accessToken);
echo '/seller/get: success ', $response->isSuccess() ? 'yes' : 'no', "\n";
$expected = getenv('IOP_EXPECT_SOURCE') === 'bundled' ? Native::bundledLibrary() : (string) getenv('IOP_EXPECT_SOURCE');
echo 'library: ', Native::source(), "\n";
if ($rotated && $response->isSuccess() && Native::source() === $expected) {
    echo "round trip ok\n";
}
