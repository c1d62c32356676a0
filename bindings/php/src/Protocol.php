<?php

declare(strict_types=1);

namespace Iopkit;

/** Values for IopRequest::setProtocol() (the C ABI's IopProtocol). */
final class Protocol
{
    /** GOP for path-style API names ("/auth/token/create"), TOP for dotted ones. The default. */
    public const AUTO = 0;
    /** Path-style APIs: URL ".../rest<api>", the path prefixes the string to sign. */
    public const GOP = 1;
    /** Dotted method names: URL "<host>/sync", the access token is sent as `session`. */
    public const TOP = 2;

    private function __construct()
    {
    }
}
