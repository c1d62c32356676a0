<?php

declare(strict_types=1);

namespace Iopkit;

/** Values for Authorization::authorizeUrl()'s `$platform` (the C ABI's IopPlatform). */
final class Platform
{
    /** Lazada: https://auth.lazada.com/oauth/authorize, optional country. */
    public const LAZADA = 0;
    /** AliExpress: https://api-sg.aliexpress.com/oauth/authorize, no country. */
    public const ALIEXPRESS = 1;

    private function __construct()
    {
    }
}
