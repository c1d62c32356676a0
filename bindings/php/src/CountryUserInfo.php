<?php

declare(strict_types=1);

namespace Iopkit;

/** One entry of Lazada's per-country list (`country_user_info[_list]`) in a Token. */
final class CountryUserInfo
{
    public function __construct(
        public readonly ?string $country,
        public readonly ?string $userId,
        public readonly ?string $sellerId,
        public readonly ?string $shortCode,
    ) {
    }
}
