<?php

declare(strict_types=1);

namespace Iopkit\Tests\Support;

/** Plain HTTP for the sandbox's control endpoints, with stream contexts (php-curl may be absent). */
final class Http
{
    /** @return array{0:int, 1:array<string,string>, 2:string} status, headers (lower-case names), body */
    public static function request(string $method, string $url): array
    {
        $ctx = stream_context_create(['http' => [
            'method' => $method,
            'ignore_errors' => true,
            'follow_location' => 0,
            'timeout' => 10,
            'header' => "Content-Length: 0\r\n",
        ]]);
        $body = @file_get_contents($url, false, $ctx);
        if ($body === false) {
            throw new \RuntimeException("HTTP $method $url failed");
        }
        $headers = [];
        $status = 0;
        foreach ($http_response_header ?? [] as $line) {
            if (preg_match('~^HTTP/\S+\s+(\d+)~', $line, $m)) {
                $status = (int) $m[1];
            } elseif (str_contains($line, ':')) {
                [$k, $v] = explode(':', $line, 2);
                $headers[strtolower(trim($k))] = trim($v);
            }
        }
        return [$status, $headers, $body];
    }
}
