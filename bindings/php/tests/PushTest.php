<?php

declare(strict_types=1);

namespace Iopkit\Tests;

use Iopkit\Exception\PushRejectedException;
use Iopkit\IopClient;
use Iopkit\PushReceiver;
use Iopkit\PushType;
use Iopkit\Status;
use Iopkit\Tests\Support\Sandbox;
use Iopkit\Token;
use Iopkit\TokenManager;
use Iopkit\TokenManager\FileTokenStore;
use Iopkit\TokenManager\MemoryTokenStore;
use PHPUnit\Framework\TestCase;

/**
 * Push messages: the README's receiver (its ```php block, verbatim) served by `php -S` and
 * registered with the sandbox, which pushes as the platform does. The router script records
 * what the receiver got (the last request, the `enqueue()` calls) and can answer 500 once;
 * `error_log()` lines show refusals and applied alerts. Deliveries are made deterministic with
 * the sandbox's flush; its log shows every attempt.
 */
final class PushTest extends TestCase
{
    private const HOUR_MS = 3_600_000;

    private static string $dir = '';
    /** @var resource|null */
    private static $server = null;
    private static string $url = '';
    private ?Sandbox $sb = null;

    public static function setUpBeforeClass(): void
    {
        $dir = self::$dir = sys_get_temp_dir() . '/iopkit-push-' . getmypid();
        @mkdir("$dir/vendor", 0700, true);
        preg_match('~### Push messages.*?```php\n(.*?)```~s', (string) file_get_contents(\dirname(__DIR__) . '/README.md'), $m);
        file_put_contents("$dir/push.php", $m[1]);
        file_put_contents("$dir/vendor/autoload.php", '<?php require ' . var_export(\dirname(__DIR__) . '/autoload.php', true) . ";\n");
        file_put_contents("$dir/router.php", <<<'PHP'
            <?php // the router: records the request, answers 500 once when asked, defines enqueue(), runs push.php
            file_put_contents(__DIR__ . '/last-request', json_encode([$_SERVER['HTTP_AUTHORIZATION'] ?? null, base64_encode(file_get_contents('php://input'))]));
            if (@unlink(__DIR__ . '/fail-next')) {
                http_response_code(500);
                exit;
            }
            function enqueue(int $type, ?string $sellerId, array $data): void
            {
                file_put_contents(__DIR__ . '/enqueued', json_encode([$type, $sellerId, $data]) . "\n", FILE_APPEND | LOCK_EX);
            }
            require __DIR__ . '/push.php';
            PHP);
        $probe = stream_socket_server('tcp://127.0.0.1:0');
        $address = stream_socket_get_name($probe, false);
        fclose($probe);
        $env = array_merge(getenv(), ['LAZADA_APP_KEY' => Sandbox::APP, 'LAZADA_APP_SECRET' => Sandbox::SECRET, 'IOP_TOKEN_FILE' => "$dir/tokens.json"]);
        $cmd = [PHP_BINARY, '-d', 'ffi.enable=1', '-d', 'log_errors=1', '-d', "error_log=$dir/error.log", '-S', $address, "$dir/router.php"];
        self::$server = proc_open($cmd, [0 => ['file', '/dev/null', 'r'], 1 => ['file', "$dir/server.out", 'a'], 2 => ['file', "$dir/server.out", 'a']], $pipes, $dir, $env);
        self::$url = "http://$address/lazada/push";
        for ($i = 0; $i < 200 && !($c = @stream_socket_client("tcp://$address", $errno, $errstr, 1)); $i++) {
            usleep(50_000); // until php -S listens
        }
        self::assertNotFalse($c, "php -S did not start: " . @file_get_contents("$dir/server.out"));
    }

    public static function tearDownAfterClass(): void
    {
        if (self::$server !== null) {
            proc_terminate(self::$server);
            proc_close(self::$server);
        }
        getenv('IOPKIT_KEEP_PUSH_DIR') || exec('rm -rf ' . escapeshellarg(self::$dir));
    }

    protected function setUp(): void
    {
        foreach (['enqueued', 'error.log', 'last-request', 'fail-next', 'tokens.json'] as $f) {
            @unlink(self::$dir . "/$f");
        }
        $this->sb = Sandbox::start();
        $this->sb->control('POST', '/push/register?app_key=' . Sandbox::APP . '&url=' . rawurlencode(self::$url));
    }

    protected function tearDown(): void
    {
        $this->sb?->stop();
    }

    private function order(string $sellerId): int
    {
        return $this->sb->control('POST', "/push/order?seller_id=$sellerId")['id'];
    }

    /** @return list<string> the receiver's error_log() lines */
    private static function logged(): array
    {
        preg_match_all('~\] (push.*)$~m', (string) @file_get_contents(self::$dir . '/error.log'), $m);
        return $m[1];
    }

    /** @return list<array{0:int, 1:?string, 2:array}> the receiver's enqueue() calls */
    private static function enqueued(): array
    {
        $lines = file(self::$dir . '/enqueued', \FILE_IGNORE_NEW_LINES) ?: [];
        return array_map(static fn (string $l): array => json_decode($l, true), $lines);
    }

    /** @return array{0:string, 1:string} the Authorization header and raw body the receiver last got */
    private static function lastRequest(): array
    {
        [$auth, $body] = json_decode((string) file_get_contents(self::$dir . '/last-request'), true);
        self::assertIsString($auth, 'the sandbox sent an Authorization header');
        return [$auth, base64_decode($body)];
    }

    public function testTheReadmeReceiverVerifiesASandboxPushAndRefusesABadSignature(): void
    {
        $id = $this->order('1000100042');
        $this->sb->flushPush();
        self::assertSame([[200, 1]], array_map(static fn ($d) => [$d['status'], $d['attempt']], $this->sb->pushLog($id)));
        [[$type, $seller, $data]] = self::enqueued();
        self::assertSame([PushType::TRADE_ORDER, '1000100042'], [$type, $seller]);
        self::assertIsString($data['trade_order_id']);

        $this->sb->control('POST', '/push/faults?mode=bad-signature&count=1');
        $id = $this->order('1000100043');
        $this->sb->flushPush();
        $log = $this->sb->pushLog($id);
        self::assertSame([[401, true]], array_map(static fn ($d) => [$d['status'], $d['bad_signature']], $log));
        self::assertSame(['push refused: SignatureMismatch'], self::logged());
        self::assertCount(1, self::enqueued(), 'nothing done for a refused message');
    }

    private static function reason(PushReceiver $r, ?string $auth, string $body): string
    {
        try {
            $r->verify($auth, $body);
        } catch (PushRejectedException $e) {
            self::assertSame(Status::ERR_PUSH_REJECTED, $e->getStatus());
            self::assertStringNotContainsString(Sandbox::SECRET, $e->getMessage());
            self::assertTrue($auth === null || $auth === '' || !str_contains($e->getMessage(), $auth), 'the header is not quoted');
            return (string) $e->getErrorCode();
        }
        self::fail('verify() accepted it');
    }

    public function testTamperingWithASandboxSignedPushIsRefusedWithTheRightReason(): void
    {
        $this->order('1000100042');
        $this->sb->flushPush();
        [$auth, $body] = self::lastRequest();

        $r = new PushReceiver(Sandbox::APP, Sandbox::SECRET);
        $m = $r->verify($auth, $body);
        self::assertSame([0, 'IOP_PUSH_TRADE_ORDER', '1000100042', 'lazada_sg', false, null, $body],
            [$m->type, $m->typeName(), $m->sellerId, $m->site, $m->isDuplicate, $m->authExpiresAtMs, $m->body]);
        self::assertGreaterThan(1_000_000_000_000, $m->timestampMs, 'seconds normalized to ms');
        self::assertIsString($m->data()['trade_order_id']);
        self::assertTrue($r->verify($auth, $body)->isDuplicate, 'the same delivery again is recognised');
        self::assertTrue($r->sign($body) === $auth, 'sign() gives the header the sandbox sent');
        self::assertSame(0, (new MemoryTokenStore())->applyPush($m), 'an order changes no token record');

        $fresh = static fn (): PushReceiver => new PushReceiver(Sandbox::APP, Sandbox::SECRET, 16);
        $changed = $body;
        $changed[strpos($body, '4')] = '5';
        self::assertSame('SignatureMismatch', self::reason($fresh(), $auth, $changed));
        self::assertSame('SignatureMismatch', self::reason(new PushReceiver(Sandbox::APP_NO_REFRESH, Sandbox::SECRET), $auth, $body));
        self::assertSame('MalformedAuthorization', self::reason($fresh(), substr($auth, 0, 40), $body));
        self::assertSame('MissingAuthorization', self::reason($fresh(), null, $body));
        $fields = json_decode($body, true);
        ksort($fields); // what a framework's JSON normalizer does
        $reserialized = json_encode($fields, \JSON_PRETTY_PRINT);
        self::assertNotSame($body, $reserialized);
        self::assertSame('SignatureMismatch', self::reason($fresh(), $auth, $reserialized));
        self::assertFalse($fresh()->verify(strtoupper($auth), $body)->isDuplicate, 'upper-case hex verifies');
        self::assertSame('MalformedBody', self::reason($r, $r->sign('[1,2]'), '[1,2]'));
        $m->close();
        $m->close(); // freed once
        $this->expectException(\LogicException::class);
        (new MemoryTokenStore())->applyPush($m);
    }

    public function testAnExpiryAlertReachesTheTokenStoreThroughTheReceiver(): void
    {
        $client = new IopClient($this->sb->lazada(), Sandbox::APP, Sandbox::SECRET);
        $token = $client->createToken($this->sb->code());
        $seller = $token->sellerId;
        self::assertNotNull($seller);
        // A grant whose refresh deadline the app never learnt: only the alert can make it due.
        $grant = json_decode($token->toJson(), true);
        $grant['refresh_expires_at'] = null;
        $store = new FileTokenStore(self::$dir . '/tokens.json'); // the file the receiver's store uses
        $manager = new TokenManager($client, $store, 'shop-sg');
        $manager->storeGrant(Token::fromJson(json_encode($grant)));
        // "Within 48 hours" on the sandbox's virtual clock (the store counts from the real one).
        $within48h = fn (): int => $this->sb->nowMs() - (int) (microtime(true) * 1000) + 48 * self::HOUR_MS;
        self::assertSame([], $manager->reauthorizationDue($within48h()), 'not due before the alert');

        // The seller's authorization (refresh token) ends 47 hours from now on the sandbox's clock.
        $this->sb->advanceClock(json_decode($token->raw, true)['refresh_expires_in'] - 47 * 3600);
        $this->sb->flushPush();
        $alerts = array_values(array_filter($this->sb->pushLog(), static fn ($d) => $d['message_type'] === PushType::TOKEN_EXPIRY_ALERT && $d['seller_id'] === $seller));
        self::assertSame([[$seller, 200, 1]], array_map(static fn ($d) => [$d['seller_id'], $d['status'], $d['attempt']], $alerts));
        self::assertContains("push: seller $seller must authorize again (1 record(s))", self::logged());

        $due = $manager->reauthorizationDue($within48h());
        self::assertSame(['shop-sg'], array_column($due, 'account'), 'the seller is named at once');
        self::assertSame($due[0]['reauthorize_by'], $manager->record()['reauthorize_by_ms']);
        self::assertLessThan(self::HOUR_MS, abs($due[0]['reauthorize_by'] - ($this->sb->nowMs() + 47 * self::HOUR_MS)));
    }

    public function testAnUnacknowledgedPushIsDeliveredAgainAfter30Minutes(): void
    {
        touch(self::$dir . '/fail-next');
        $id = $this->order('1000100007');
        $attempts = function () use ($id): array {
            $this->sb->flushPush();
            return array_map(static fn ($d) => [$d['attempt'], $d['status']], $this->sb->pushLog($id));
        };
        self::assertSame([[1, 500]], $attempts());
        $this->sb->advanceClock(29 * 60);
        self::assertSame([[1, 500]], $attempts(), 'not at +29 minutes');
        $this->sb->advanceClock(60);
        self::assertSame([[1, 500], [2, 200]], $attempts(), 'again at +30 minutes');
        [$first, $second] = $this->sb->pushLog($id);
        self::assertGreaterThanOrEqual(30 * 60_000, $second['at_ms'] - $first['at_ms']);
        self::assertSame([[0, '1000100007']], array_map(static fn ($e) => \array_slice($e, 0, 2), self::enqueued()));
    }
}
