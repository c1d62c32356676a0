<?php

declare(strict_types=1);

namespace Iopkit;

use Iopkit\Exception\InvalidArgumentException;

/**
 * An API call being built, as in the official IOP/Lazop PHP SDKs: a plain PHP object that
 * IopClient turns into a native request (created and freed within the call).
 *
 *   $request = new IopRequest('/auth/token/refresh');           // GOP, path-style name
 *   $request = new IopRequest('aliexpress.ds.category.get');    // TOP, dotted name
 *   $request->addApiParam('refresh_token', $refreshToken);
 *
 * Arguments are checked when added; a wrong type or an empty name throws
 * Iopkit\Exception\InvalidArgumentException (a subclass of IopException).
 */
class IopRequest
{
    /** @var string API name: "/path/style" (GOP) or "dotted.name" (TOP). */
    public $apiName;

    /** @var string "POST" (form body, multipart with files; the default) or "GET" (query string). */
    public $httpMethod = 'POST';

    /** @var array<string,string> Business parameters (signed and sent exactly as given). */
    public $udfParams = [];

    /** @var array<string,array{name:string,content:string,type:string}> Files (multipart parts, never signed). */
    public $fileParams = [];

    /** @var array<string,string> Extra HTTP headers (not signed). */
    public $headerParams = [];

    /** @var int Protocol::AUTO (by the name's shape), Protocol::GOP or Protocol::TOP. */
    public $protocol = Protocol::AUTO;

    /**
     * @param string $apiName    "/auth/token/create", "/seller/get", "aliexpress.ds.category.get"…
     * @param string $httpMethod "POST" (default) or "GET", case-insensitive
     */
    public function __construct($apiName, $httpMethod = 'POST')
    {
        $this->setApiName($apiName);
        $this->setHttpMethod($httpMethod);
    }

    /** Replaces the API name (the Java/.NET SDKs' setApiName). */
    public function setApiName($apiName): static
    {
        $this->apiName = Native::text($apiName, 'apiName');
        return $this;
    }

    /** "POST" or "GET" (case-insensitive). */
    public function setHttpMethod($httpMethod): static
    {
        $method = \is_string($httpMethod) ? strtoupper($httpMethod) : $httpMethod;
        if ($method !== 'POST' && $method !== 'GET') {
            throw new InvalidArgumentException('invalid argument `httpMethod`: must be "POST" or "GET"', 1);
        }
        $this->httpMethod = $method;
        return $this;
    }

    /** Protocol::AUTO, Protocol::GOP or Protocol::TOP (the Java SDK's execute(request, Protocol.GOP)). */
    public function setProtocol($protocol): static
    {
        if (!\in_array($protocol, [Protocol::AUTO, Protocol::GOP, Protocol::TOP], true)) {
            throw new InvalidArgumentException('invalid argument `protocol`: must be Protocol::AUTO, Protocol::GOP or Protocol::TOP', 1);
        }
        $this->protocol = $protocol;
        return $this;
    }

    /**
     * Adds (or replaces) a business parameter. The value may be a string (sent as is, an empty
     * string included), an int or float (PHP's string form, as the official SDK sends it), a bool ("true"/"false"), a Stringable,
     * or an array/JsonSerializable (sent as JSON, as many APIs expect). null is refused.
     */
    public function addApiParam($key, $value): static
    {
        $key = Native::text($key, 'key');
        $this->udfParams[$key] = self::paramValue($value, $key);
        return $this;
    }

    /**
     * Attaches a file as a multipart part, as the official SDK does: `$content` is the file's
     * bytes (use file_get_contents($path) for a file on disk), the part's file name is `$key`
     * unless `$fileName` is given. The part is sent with `$mimeType` as its content type.
     */
    public function addFileParam($key, $content, $mimeType = 'application/octet-stream', $fileName = null): static
    {
        $key = Native::text($key, 'key');
        if (!\is_string($content)) {
            throw new InvalidArgumentException('invalid argument `content`: must be the file\'s bytes as a string, got ' . get_debug_type($content), 1);
        }
        $this->fileParams[$key] = [
            'name' => $fileName === null ? $key : Native::text($fileName, 'fileName'),
            'content' => $content,
            'type' => Native::text($mimeType, 'mimeType'),
        ];
        return $this;
    }

    /** Adds an HTTP header sent with the request (not signed). */
    public function addHttpHeaderParam($key, $value): static
    {
        $key = Native::text($key, 'key');
        $this->headerParams[$key] = Native::text($value, 'value', allowEmpty: true, allowInt: true);
        return $this;
    }

    /** The text sent for a parameter value. @internal */
    public static function paramValue(mixed $value, string $key): string
    {
        if (\is_string($value)) {
            $text = $value;
        } elseif (\is_int($value)) {
            $text = (string) $value;
        } elseif (\is_float($value)) {
            if (!is_finite($value)) {
                throw new InvalidArgumentException("invalid argument `$key`: a float parameter must be finite", 1);
            }
            $text = (string) $value;
        } elseif (\is_bool($value)) {
            $text = $value ? 'true' : 'false';
        } elseif (\is_array($value) || $value instanceof \JsonSerializable) {
            try {
                $text = json_encode($value, \JSON_UNESCAPED_UNICODE | \JSON_UNESCAPED_SLASHES | \JSON_THROW_ON_ERROR);
            } catch (\JsonException $e) {
                throw new InvalidArgumentException("invalid argument `$key`: cannot be encoded as JSON ({$e->getMessage()})", 1);
            }
        } elseif ($value instanceof \Stringable) {
            $text = (string) $value;
        } else {
            throw new InvalidArgumentException("invalid argument `$key`: a parameter value must be a string, number, bool, array or Stringable, got " . get_debug_type($value), 1);
        }
        return Native::text($text, $key, allowEmpty: true);
    }
}
