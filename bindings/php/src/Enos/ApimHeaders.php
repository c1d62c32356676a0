<?php

declare(strict_types=1);

namespace Iopkit\Enos;

/**
 * The three headers that authenticate an EnOS API call (EnosClient::sign()): send them as
 * they are, with exactly the path, query and body that were signed. Immutable.
 * var_dump()/print_r() redact the access token.
 */
final class ApimHeaders
{
    /** Header carrying the access token. */
    public const ACCESS_TOKEN = 'apim-accesstoken';
    /** Header carrying the timestamp (epoch milliseconds). */
    public const TIMESTAMP = 'apim-timestamp';
    /** Header carrying the signature (lower-case hex SHA-256). */
    public const SIGNATURE = 'apim-signature';

    /** @internal Built by EnosClient::sign(). */
    public function __construct(
        public readonly string $accessToken,
        /** The signed timestamp, epoch milliseconds. */
        public readonly int $timestampMs,
        public readonly string $signature,
    ) {
    }

    /**
     * The headers by name: `apim-accesstoken`, `apim-timestamp` (decimal), `apim-signature`.
     *
     * @return array{'apim-accesstoken': string, 'apim-timestamp': string, 'apim-signature': string}
     */
    public function toArray(): array
    {
        return [
            self::ACCESS_TOKEN => $this->accessToken,
            self::TIMESTAMP => (string) $this->timestampMs,
            self::SIGNATURE => $this->signature,
        ];
    }

    /**
     * The headers as "Name: value" lines, e.g. for stream contexts or curl's CURLOPT_HTTPHEADER.
     *
     * @return list<string>
     */
    public function toLines(): array
    {
        $lines = [];
        foreach ($this->toArray() as $name => $value) {
            $lines[] = "$name: $value";
        }
        return $lines;
    }

    /** var_dump()/print_r() never show the access token. */
    public function __debugInfo(): array
    {
        return ['accessToken' => '<redacted>', 'timestampMs' => $this->timestampMs, 'signature' => $this->signature];
    }
}
