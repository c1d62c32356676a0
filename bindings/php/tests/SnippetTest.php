<?php

declare(strict_types=1);

namespace Iopkit\Tests;

use Iopkit\Tests\Support\Php;
use Iopkit\Tests\Support\Sandbox;
use PHPUnit\Framework\TestCase;

/**
 * The PHP snippets of the official documentation (tests/fixtures/snippets, copied verbatim from
 * the seeds) run as standalone scripts against a fresh sandbox, with only `use` lines added and
 * the URL pointed at the sandbox. The binding is loaded by auto_prepend_file (the snippets'
 * "include the SDK" step), which also defines the one-liners' constants `appkey`/`appSecret`.
 */
final class SnippetTest extends TestCase
{
    private const USES = "use Iopkit\\IopClient;\nuse Iopkit\\IopRequest;\nuse Iopkit\\UrlConstants;\n";
    private const FIXTURES = __DIR__ . '/fixtures/snippets';

    /** @return array<string, array{string}> */
    public static function oneLiners(): array
    {
        return [
            'seed 000: /auth/token/refresh on UrlConstants::$api_gateway_url_tw' => ['seed000-refresh-tw.php.txt'],
            'seed 001: /auth/token/create on UrlConstants::$api_gateway_url_tw' => ['seed001-create-tw.php.txt'],
        ];
    }

    /** @dataProvider oneLiners */
    public function testOneLinerSnippetGetsAToken(string $fixture): void
    {
        $snippet = self::fixture($fixture);
        $sandbox = Sandbox::start(docSamples: true); // the literal code / refresh token work once per sandbox
        try {
            [$code, $out, $err] = Php::run("<?php\n" . self::USES . $snippet, self::prepend(), [
                'IOPKIT_SNIPPET_TW_URL' => $sandbox->tw(),
                'IOPKIT_SNIPPET_APPKEY' => Sandbox::APP,
                'IOPKIT_SNIPPET_APPSECRET' => Sandbox::SECRET,
            ]);
        } finally {
            $sandbox->stop();
        }
        self::assertSame(0, $code, "stdout: $out\nstderr: $err");
        self::assertAccessTokenDumped($out);
    }

    public function testAliExpressDemoSnippetGetsAToken(): void
    {
        $snippet = self::fixture('seed003-refresh-aliexpress.php.txt');
        // The demo's own credentials, registered in this sandbox with its literal refresh token.
        $sandbox = Sandbox::start(docSamples: false, config: [
            'apps' => [
                ['app_key' => Sandbox::APP, 'app_secret' => Sandbox::SECRET],
                ['app_key' => 'Your-APPKEY', 'app_secret' => 'Your-APPSECRET'],
            ],
            'preset_refresh_tokens' => [['app_key' => 'Your-APPKEY', 'value' => 'Your-refreshToken']],
        ]);
        try {
            $doc = 'https://api-sg.aliexpress.com/rest';
            self::assertSame(1, substr_count($snippet, "\"$doc\""));
            $script = str_replace("\"$doc\"", '"' . $sandbox->aliexpress() . '"', $snippet);
            self::assertStringStartsWith("<?php\n", $script);
            $script = "<?php\n" . self::USES . substr($script, 6);
            [$code, $out, $err] = Php::run($script, self::prepend());
        } finally {
            $sandbox->stop();
        }
        self::assertSame(0, $code, "stdout: $out\nstderr: $err");
        self::assertAccessTokenDumped($out);
        self::assertStringContainsString('"user_nick"', $out, 'AliExpress fields');
        // The demo's `include "Your/SDK/";` placeholder only warns, as it would with the official SDK.
        self::assertStringNotContainsString('Fatal', $err . $out);
    }

    private static function fixture(string $name): string
    {
        return rtrim((string) file_get_contents(self::FIXTURES . "/$name"), "\n");
    }

    /** @return list<string> */
    private static function prepend(): array
    {
        return ['-d', 'auto_prepend_file=' . __DIR__ . '/fixtures/snippet-prelude.php', '-d', 'display_errors=stderr'];
    }

    private static function assertAccessTokenDumped(string $out): void
    {
        self::assertMatchesRegularExpression('~^string\(\d+\) "~', $out, 'var_dump of a string: the raw body, as the official SDK');
        self::assertMatchesRegularExpression('~"access_token":"[^"]+"~', $out, $out);
        self::assertStringContainsString('"refresh_token":"', $out);
    }
}
