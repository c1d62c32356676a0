<?php

declare(strict_types=1);

namespace Iopkit;

use FFI;
use FFI\CData;
use Iopkit\Enos\EnosClient;
use Iopkit\Exception\InvalidArgumentException;
use Iopkit\Exception\IopException;
use Iopkit\Exception\ReauthorizationRequiredException;
use Iopkit\TokenManager\DueAccount;
use Iopkit\TokenManager\TokenRecord;
use Iopkit\TokenManager\TokenStore;

/**
 * Always-valid access tokens for one account (a seller of an IOP app, or an EnOS app), kept in
 * a TokenStore:
 *
 *   $store = new TokenManager\FileTokenStore('/var/lib/shop/iop-tokens.json');
 *   $manager = new TokenManager($client, $store, $sellerId);
 *   $manager->createToken($_GET['code']);             // once, on the OAuth redirect
 *   $client->execute($request, $manager->accessToken()); // anywhere, any time after
 *
 * accessToken() refreshes first when the token has less than the refresh margin left: once per
 * expiry window (the store's lock makes other processes wait for that refresh and use its
 * result), and the new pair is stored before it is returned. When the seller must authorize
 * the app again it throws ReauthorizationRequiredException (no retry can help).
 *
 * The native manager shares the client and the store; this object also keeps the PHP store
 * alive (a CallbackTokenStore's callbacks must outlive every manager using it). Its
 * destructor frees the native manager exactly once.
 */
final class TokenManager
{
    /** The account key given to the constructor (as a string). */
    public readonly string $account;

    /** The store this manager keeps the account's tokens in. */
    public readonly TokenStore $store;

    private ?CData $handle = null;

    /**
     * A manager for `$account` (any stable key, e.g. the seller id) of the IOP app of `$client`
     * (for an EnosClient, as forEnos()). Store a grant first with createToken() or storeGrant().
     *
     * @param IopClient|EnosClient   $client
     * @param string|int             $account
     * @param int|\DateInterval|null $refreshMargin refresh when less than this is left
     *                                              (seconds or an interval; null: 30 minutes)
     * @throws InvalidArgumentException for an empty account or a negative margin
     */
    public function __construct(IopClient|EnosClient $client, TokenStore $store, $account, int|\DateInterval|null $refreshMargin = null)
    {
        $this->account = Native::text($account, 'account', allowInt: true);
        $this->store = $store;
        $margin = $refreshMargin === null ? -1 : TokenStore::seconds($refreshMargin, 'refreshMargin');
        $f = Native::ffi();
        $out = $f->new('IopTokenManager*');
        Native::check($client instanceof EnosClient
            ? $f->iop_token_manager_new_enos($client->nativeHandle(), $store->nativeHandle(), $this->account, $margin, FFI::addr($out))
            : $f->iop_token_manager_new($client->nativeHandle(), $store->nativeHandle(), $this->account, $margin, FFI::addr($out)));
        $this->handle = $out;
    }

    /**
     * A manager for the EnOS app of `$client`, its token kept under `$account` in `$store`. It
     * needs no authorization: the first accessToken() gets a token.
     *
     * @param string|int $account
     * @throws InvalidArgumentException as the constructor
     */
    public static function forEnos(EnosClient $client, TokenStore $store, $account, int|\DateInterval|null $refreshMargin = null): self
    {
        return new self($client, $store, $account, $refreshMargin);
    }

    public function __destruct()
    {
        if ($this->handle !== null) {
            $handle = $this->handle;
            $this->handle = null;
            Native::ffi()->iop_token_manager_free($handle);
        }
    }

    /** A manager owns a native handle: clone is refused (share the object instead). */
    public function __clone()
    {
        $this->handle = null; // the copy must never free the original's handle
        throw new \LogicException('a TokenManager cannot be cloned; share it');
    }

    /** @return never */
    public function __serialize(): array
    {
        throw new \LogicException('a TokenManager cannot be serialized');
    }

    public function __unserialize(array $data): void
    {
        throw new \LogicException('a TokenManager cannot be unserialized');
    }

    public function __debugInfo(): array
    {
        return ['account' => $this->account, 'store' => $this->store];
    }

    /**
     * An access token valid for more than the refresh margin, refreshing first when needed.
     * When a refresh fails for a reason other than a dead grant (network, platform outage) and
     * the stored token has not expired, the stored token is returned.
     *
     * @throws ReauthorizationRequiredException nothing is stored, or the grant is dead
     *         (IllegalRefreshToken, expired refresh token, a grant that cannot be refreshed)
     *         and its access token has expired: the seller must authorize the app again
     * @throws IopException when the refresh fails and the stored token has expired, or the store fails
     */
    public function accessToken(): string
    {
        $f = Native::ffi();
        $out = $f->new('char*');
        $handle = $this->handle();
        $this->store->invoke(static fn (): int => $f->iop_token_manager_access_token($handle, FFI::addr($out)));
        try {
            return FFI::string($out);
        } finally {
            $f->iop_string_free($out);
        }
    }

    /**
     * Exchanges a one-time authorization code (the OAuth redirect's `code`) and stores the
     * grant as this account's, replacing whatever was stored. IOP managers only.
     *
     * @param string $code
     * @return TokenRecord the stored record
     * @throws Exception\PlatformException e.g. InvalidCode
     * @throws IopException for transport, store failures and bad arguments (an EnOS manager)
     */
    public function createToken($code): TokenRecord
    {
        $code = Native::text($code, 'code');
        $f = Native::ffi();
        $handle = $this->handle();
        $this->store->invoke(static fn (): int => $f->iop_token_manager_create_token($handle, $code));
        return $this->storedRecord();
    }

    /**
     * Stores `$token` (from IopClient::createToken() or Token::fromResponse()) as this
     * account's grant, replacing whatever was stored.
     *
     * @return TokenRecord the stored record
     * @throws IopException for a token without access token, or when the store fails
     */
    public function storeGrant(Token $token): TokenRecord
    {
        $f = Native::ffi();
        $native = $token->toNative($f);
        try {
            $handle = $this->handle();
            $this->store->invoke(static fn (): int => $f->iop_token_manager_store_grant($handle, $native));
        } finally {
            $f->iop_token_free($native);
        }
        return $this->storedRecord();
    }

    /**
     * The stored record of this account (tokens, expiries, re-authorization deadline and
     * reason), or null when nothing is stored.
     *
     * @throws IopException when the store fails
     */
    public function record(): ?TokenRecord
    {
        $f = Native::ffi();
        $out = $f->new('char*');
        $handle = $this->handle();
        $this->store->invoke(static fn (): int => $f->iop_token_manager_record_json($handle, FFI::addr($out)));
        try {
            $json = FFI::string($out);
        } finally {
            $f->iop_string_free($out);
        }
        $data = json_decode($json, true, 512, \JSON_THROW_ON_ERROR);
        return $data === null ? null : TokenRecord::fromArray($data);
    }

    /**
     * The accounts of this manager's store (every manager sharing it) whose seller must
     * authorize the app again within `$within`: as TokenStore::reauthorizationDue().
     *
     * @return list<DueAccount>
     */
    public function reauthorizationDue(int|\DateInterval $within): array
    {
        return $this->store->reauthorizationDue($within);
    }

    // ---------------------------------------------------------------------------------------

    private function handle(): CData
    {
        if ($this->handle === null) {
            throw new \LogicException('this TokenManager has been destroyed');
        }
        return $this->handle;
    }

    private function storedRecord(): TokenRecord
    {
        return $this->record() ?? throw new \LogicException('the store lost the grant it just stored');
    }
}
