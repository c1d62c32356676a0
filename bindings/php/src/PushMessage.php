<?php

declare(strict_types=1);

namespace Iopkit;

use FFI\CData;

/**
 * A verified push message, its fields read by the library. It holds the native message (for
 * TokenStore::applyPush()), so it cannot be cloned or serialized: queue $body or the fields.
 */
final class PushMessage
{
    use NativeResource;

    /** `message_type`: a PushType constant for the known types, other numbers as they came. */
    public readonly int $type;
    /** The seller (for type 8 `data.seller_id`); null for broadcasts (type 12). */
    public readonly ?string $sellerId;
    /** e.g. "lazada_sg", or null. */
    public readonly ?string $site;
    /** `timestamp` in epoch ms (seconds are converted); null when absent. */
    public readonly ?int $timestampMs;
    /** `data` as JSON text ("{}" when absent); see data(). */
    public readonly string $dataJson;
    /** A re-delivery of a message this receiver already verified: acknowledge, do not redo. */
    public readonly bool $isDuplicate;
    /** Type 8 (PushType::TOKEN_EXPIRY_ALERT): when the seller's authorization ends, epoch ms; else null. */
    public readonly ?int $authExpiresAtMs;

    /** @internal Made by PushReceiver::verify(). */
    public function __construct(CData $native, /** The raw body, as verified. */ public readonly string $body)
    {
        $this->adopt($native, 'pushMessage');
        $this->type = Abi::pushMessageType($native);
        $this->sellerId = Abi::pushMessageSellerId($native);
        $this->site = Abi::pushMessageSite($native);
        $this->timestampMs = Native::optionalMillis(Abi::pushMessageTimestampMs($native));
        $this->dataJson = (string) Abi::pushMessageDataJson($native);
        $this->isDuplicate = Abi::pushMessageIsDuplicate($native);
        $this->authExpiresAtMs = Native::optionalMillis(Abi::pushMessageAuthExpiresAtMs($native));
    }

    /** The PushType constant's C name (e.g. "IOP_PUSH_TRADE_ORDER"); null for an unknown type. */
    public function typeName(): ?string
    {
        return PushType::NAMES[$this->type] ?? null;
    }

    /** `data`, decoded (arrays). */
    public function data(): array
    {
        return json_decode($this->dataJson, true, 512, \JSON_THROW_ON_ERROR);
    }
}
