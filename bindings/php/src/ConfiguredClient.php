<?php

declare(strict_types=1);

namespace Iopkit;

use FFI\CData;

/**
 * What IopClient and EnosClient share: the native client's lifetime and its settings, kept in
 * a native IopConfig that every setter changes and then copies into the live client
 * (iop_*_configure). Numbers pass straight through: Abi::USE_DEFAULT (-1) restores a default
 * (Abi::DEFAULT_*); other values out of range throw InvalidArgumentException. Calls already
 * running keep the settings they started with.
 */
abstract class ConfiguredClient
{
    use NativeResource {
        close as private closeClient;
    }

    private ?CData $config = null;

    /**
     * Creates the settings and the native client of the ABI's `$object` kind ("client",
     * "enosClient") with them.
     *
     * @param \Closure(CData): CData $create makes the native client from the native settings
     */
    protected function open(string $object, \Closure $create): void
    {
        $this->config = Abi::configNew();
        try {
            $this->adopt($create($this->config), $object);
        } catch (\Throwable $e) {
            $this->close(); // a constructor that throws gets no destructor call
            throw $e;
        }
    }

    /** Frees the native client and its settings now; calling it again does nothing. */
    public function close(): void
    {
        $this->closeClient();
        Abi::configFree($this->config);
        $this->config = null;
    }

    /** Connect timeout in milliseconds (at least 1; -1: Abi::DEFAULT_CONNECT_TIMEOUT_MS). */
    public function setConnectTimeoutMs(int $timeoutMs): static
    {
        return $this->apply(Abi::configSetConnectTimeoutMs(...), $timeoutMs);
    }

    /** Read timeout in milliseconds, per phase: send, response head, body (-1: Abi::DEFAULT_READ_TIMEOUT_MS). */
    public function setReadTimeoutMs(int $timeoutMs): static
    {
        return $this->apply(Abi::configSetReadTimeoutMs(...), $timeoutMs);
    }

    /** The `partner_id` sent with every IOP call (not empty); null restores `iopkit-<version>`. */
    public function setPartnerId(?string $partnerId): static
    {
        return $this->apply(Abi::configSetPartnerId(...), $partnerId);
    }

    /**
     * Trusts the CA certificates in the PEM file at `$pemPath` (read now) instead of the
     * built-in roots (TLS-intercepting proxies, private gateways); null restores the built-in
     * roots. Verification itself can never be turned off.
     */
    public function setCaBundle(?string $pemPath): static
    {
        return $this->apply(Abi::configSetCaBundle(...), $pemPath);
    }

    /**
     * Allows plain http:// to hosts other than loopback (refused by default; never advisable:
     * signatures and tokens would cross the network in clear).
     */
    public function setAllowInsecureHttp(bool $allow): static
    {
        return $this->apply(Abi::configSetAllowInsecureHttp(...), $allow);
    }

    /** The largest response body accepted, in bytes (-1: Abi::DEFAULT_MAX_RESPONSE_BYTES); a larger one is MalformedResponseException. */
    public function setMaxResponseBytes(int $maxBytes): static
    {
        return $this->apply(Abi::configSetMaxResponseBytes(...), $maxBytes);
    }

    /**
     * How many times a call is re-sent after a ConnectException (the request never reached the
     * server): 0 to Abi::MAX_CONNECT_RETRIES_LIMIT, -1 for Abi::DEFAULT_MAX_CONNECT_RETRIES. Nothing else is
     * ever retried, so a code or refresh token is never spent twice.
     */
    public function setMaxConnectRetries(int $retries): static
    {
        return $this->apply(Abi::configSetMaxConnectRetries(...), $retries);
    }

    /** Idle keep-alive connections kept for the next calls: 0 (none) to Abi::MAX_IDLE_CONNECTIONS_LIMIT (-1: Abi::DEFAULT_MAX_IDLE_CONNECTIONS). */
    public function setMaxIdleConnections(int $connections): static
    {
        return $this->apply(Abi::configSetMaxIdleConnections(...), $connections);
    }

    /** How long an idle keep-alive connection is kept open, in milliseconds (at least 1; -1: Abi::DEFAULT_IDLE_TIMEOUT_MS). */
    public function setIdleTimeoutMs(int $timeoutMs): static
    {
        return $this->apply(Abi::configSetIdleTimeoutMs(...), $timeoutMs);
    }

    /**
     * The proxy: null (the default) uses the environment (HTTPS_PROXY, then ALL_PROXY; NO_PROXY
     * honoured), '' connects directly whatever the environment says, otherwise
     * 'http://[user:password@]host[:port]' (HTTP CONNECT; user and password percent-encoded, sent
     * as Proxy-Authorization Basic, never shown in messages or logs). A proxy that cannot be
     * reached or refuses the tunnel is a ConnectException whose message starts with
     * 'proxy http://host:port'.
     */
    public function setProxy(#[\SensitiveParameter] ?string $proxyUrl): static
    {
        return $this->apply(Abi::configSetProxy(...), $proxyUrl);
    }

    /** Checks every call against `$limiter`'s budgets and bans before sending (null: none). */
    public function setRateLimiter(?RateLimiter $limiter): static
    {
        return $this->apply(static fn (CData $config, ?RateLimiter $l) => Abi::configSetRateLimiter($config, $l?->nativeHandle()), $limiter);
    }

    /** Changes the native settings with `$set`, then copies them into the live client. */
    private function apply(\Closure $set, mixed $value): static
    {
        $client = $this->nativeHandle();
        $set($this->config, $value);
        [Abi::class, $this->object . 'Configure']($client, $this->config);
        return $this;
    }
}
