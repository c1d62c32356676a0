<?php

declare(strict_types=1);

namespace Iopkit;

use Iopkit\Enos\EnosClient;
use Iopkit\Exception\IopException;
use Iopkit\Exception\LogicException;
use Iopkit\Exception\ReauthorizationRequiredException;
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
 * accessToken() refreshes first when the token has less than the refresh margin left (once
 * per expiry window: the store's lock makes other processes wait for that refresh), and the
 * new pair is stored before it is returned. When the seller must authorize the app again it
 * throws ReauthorizationRequiredException. This object keeps its store alive (a
 * CallbackTokenStore's callbacks must outlive every manager using it).
 */
final class TokenManager
{
    use NativeResource;

    /** The account key given to the constructor (as a string). */
    public readonly string $account;

    /**
     * A manager for `$account` (any stable key, e.g. the seller id) of the IOP app of `$client`
     * (or the EnOS app of an EnosClient, which needs no authorization: the first accessToken()
     * gets a token). Store a grant first with createToken() or storeGrant().
     *
     * @param int $refreshMarginMs refresh when less than this is left (-1: 30 minutes)
     * @throws Exception\InvalidArgumentException for an empty account or a negative margin
     */
    public function __construct(IopClient|EnosClient $client, public readonly TokenStore $store, string|int $account, int $refreshMarginMs = Abi::USE_DEFAULT)
    {
        $this->account = (string) $account;
        $this->adopt($client instanceof EnosClient
            ? Abi::tokenManagerNewEnos($client->nativeHandle(), $store->nativeHandle(), $account, $refreshMarginMs)
            : Abi::tokenManagerNew($client->nativeClient(), $store->nativeHandle(), $account, $refreshMarginMs), 'tokenManager');
    }

    /** A manager for the EnOS app of `$client`, as the constructor. */
    public static function forEnos(EnosClient $client, TokenStore $store, string|int $account, int $refreshMarginMs = Abi::USE_DEFAULT): self
    {
        return new self($client, $store, $account, $refreshMarginMs);
    }

    public function __debugInfo(): array
    {
        return ['account' => $this->account, 'store' => $this->store];
    }

    /**
     * An access token valid for more than the refresh margin, refreshing first when needed.
     * When a refresh fails for another reason than a dead grant and the stored token has not
     * expired, the stored token is returned.
     *
     * @throws ReauthorizationRequiredException nothing is stored, or the grant is dead and its
     *         access token has expired: the seller must authorize the app again
     * @throws IopException when the refresh fails and the stored token has expired, or the store fails
     */
    public function accessToken(): string
    {
        return Abi::tokenManagerGetAccessToken($this->nativeHandle());
    }

    /**
     * Exchanges a one-time authorization code and stores the grant as this account's,
     * replacing whatever was stored. IOP managers only.
     *
     * @return array<string, mixed> the stored record (see record())
     * @throws Exception\PlatformException e.g. InvalidCode
     */
    public function createToken(#[\SensitiveParameter] string $code): array
    {
        Abi::tokenManagerCreateToken($this->nativeHandle(), $code);
        return $this->record() ?? throw new LogicException('the store lost the grant it just stored');
    }

    /**
     * Stores `$token` (from IopClient::createToken(), Token::fromResponse() or fromJson()) as
     * this account's grant, replacing whatever was stored.
     *
     * @return array<string, mixed> the stored record (see record())
     */
    public function storeGrant(Token $token): array
    {
        $native = Abi::tokenFromJson($token->toJson());
        try {
            Abi::tokenManagerStoreGrant($this->nativeHandle(), $native);
        } finally {
            Abi::tokenFree($native);
        }
        return $this->record() ?? throw new LogicException('the store lost the grant it just stored');
    }

    /**
     * The account's stored record as the library writes it (version, access_token,
     * refresh_token, expires_at_ms, refresh_expires_at_ms, can_refresh, granted_at_ms,
     * refresh_started_at_ms, reauthorization_reason, seller_id, country, reauthorize_by_ms),
     * or null when nothing is stored. Contains the tokens.
     *
     * @return array<string, mixed>|null
     */
    public function record(): ?array
    {
        return json_decode(Abi::tokenManagerLoadRecord($this->nativeHandle()), true, 512, \JSON_THROW_ON_ERROR);
    }

    /**
     * The accounts of this manager's store due for re-authorization within `$withinMs`: as
     * TokenStore::reauthorizationDue().
     *
     * @return list<array{account: string, reauthorize_by: int}>
     */
    public function reauthorizationDue(int $withinMs): array
    {
        return $this->store->reauthorizationDue($withinMs);
    }
}
