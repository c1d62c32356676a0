<?php

declare(strict_types=1);

namespace Iopkit;

/**
 * Verifies the push messages (webhooks) Lazada POSTs to the app's callback URL: the
 * `Authorization` header is checked against the RAW body (never a re-serialized one) by the
 * library, which also remembers the last `$remember` bodies to recognise re-deliveries
 * (default Abi::DEFAULT_PUSH_REMEMBER; 0 = none). Thread-safe; share one per process.
 */
final class PushReceiver
{
    use NativeResource;

    public function __construct(string|int $appKey, #[\SensitiveParameter] string $appSecret, int $remember = Abi::USE_DEFAULT)
    {
        $this->adopt(Abi::pushReceiverNew($appKey, $appSecret, $remember), 'pushReceiver');
    }

    /**
     * Verifies one request: `$authorization` is its Authorization header (null when absent),
     * `$body` the raw body (`file_get_contents('php://input')`).
     *
     * @throws Exception\PushRejectedException refused; getErrorCode() says why:
     *   "MissingAuthorization", "MalformedAuthorization", "SignatureMismatch" or "MalformedBody"
     */
    public function verify(#[\SensitiveParameter] ?string $authorization, string $body): PushMessage
    {
        return new PushMessage(Abi::pushReceiverVerify($this->nativeHandle(), $authorization, $body), $body);
    }

    /** The Authorization header the platform sends with `$body` (for tests and senders). */
    public function sign(string $body): string
    {
        return Abi::pushReceiverSign($this->nativeHandle(), $body);
    }
}
