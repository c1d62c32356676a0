<?php

declare(strict_types=1);

namespace Iopkit;

use FFI\CData;
use Iopkit\Exception\InvalidArgumentException;

/**
 * An API call being built, as in the official IOP/Lazop PHP SDKs: a plain PHP object that
 * IopClient turns into a native request (kept, and freed with this object).
 *
 *   $request = new IopRequest('/auth/token/refresh');           // GOP, path-style name
 *   $request = new IopRequest('aliexpress.ds.category.get');    // TOP, dotted name
 *   $request->addApiParam('refresh_token', $refreshToken);
 */
class IopRequest
{
    /** @var string API name: "/path/style" (GOP) or "dotted.name" (TOP). */
    public $apiName;

    /** @var string "POST" (form body, multipart with files; the default) or "GET" (query string). */
    public $httpMethod = 'POST';

    /** @var array<string,string> Business parameters (signed and sent exactly as given). */
    public $udfParams = [];

    /** @var array<string,array{name:string,content:string,type:?string}> Files (multipart parts, never signed). */
    public $fileParams = [];

    /** @var array<string,string> Extra HTTP headers (not signed). */
    public $headerParams = [];

    /** @var int Protocol::AUTO (by the name's shape), Protocol::GOP or Protocol::TOP. */
    public $protocol = Protocol::AUTO;

    private ?CData $native = null;
    private ?array $built = null; // the properties $native was built from

    /**
     * @param string $apiName    "/auth/token/create", "/seller/get", "aliexpress.ds.category.get"…
     * @param string $httpMethod a HttpMethod name: "POST" (default) or "GET", case-insensitive
     */
    public function __construct($apiName, $httpMethod = 'POST')
    {
        $this->setApiName($apiName);
        $this->setHttpMethod($httpMethod);
    }

    /** Replaces the API name (the Java/.NET SDKs' setApiName). */
    public function setApiName(string $apiName): static
    {
        $this->apiName = $apiName;
        return $this;
    }

    /** "POST" or "GET" (case-insensitive): the names of HttpMethod's constants. */
    public function setHttpMethod(string $httpMethod): static
    {
        $method = strtoupper($httpMethod);
        if ($method === 'NAMES' || !\defined(HttpMethod::class . "::$method")) {
            throw new InvalidArgumentException('invalid argument `httpMethod`: must name a HttpMethod constant ("POST", "GET")', Status::ERR_INVALID_ARGUMENT);
        }
        $this->httpMethod = $method;
        return $this;
    }

    /** Protocol::AUTO, Protocol::GOP or Protocol::TOP (the Java SDK's execute(request, Protocol.GOP)). */
    public function setProtocol(int $protocol): static
    {
        $this->protocol = $protocol;
        return $this;
    }

    /**
     * Adds (or replaces) a business parameter. The value may be a string (sent as is, an empty
     * string included), an int or float (PHP's string form, as the official SDK sends it), a
     * bool ("true"/"false"), a Stringable, or an array/JsonSerializable (sent as JSON).
     */
    public function addApiParam(string $key, $value): static
    {
        $this->udfParams[$key] = match (true) {
            \is_bool($value) => $value ? 'true' : 'false',
            \is_array($value), $value instanceof \JsonSerializable => json_encode($value, \JSON_UNESCAPED_UNICODE | \JSON_UNESCAPED_SLASHES | \JSON_THROW_ON_ERROR),
            \is_string($value), \is_int($value), \is_float($value) && is_finite($value), $value instanceof \Stringable => (string) $value,
            default => throw new InvalidArgumentException("invalid argument `$key`: a parameter value must be a string, finite number, bool, array or Stringable, got " . get_debug_type($value), Status::ERR_INVALID_ARGUMENT),
        };
        return $this;
    }

    /**
     * Attaches a file as a multipart part, as the official SDK does: `$content` is the file's
     * bytes (file_get_contents($path) for a file on disk); the part's file name is `$key`
     * unless `$fileName` is given; `$mimeType` null: application/octet-stream.
     */
    public function addFileParam(string $key, string $content, ?string $mimeType = 'application/octet-stream', ?string $fileName = null): static
    {
        $this->fileParams[$key] = ['name' => $fileName ?? $key, 'content' => $content, 'type' => $mimeType];
        return $this;
    }

    /** Adds an HTTP header sent with the request (not signed). */
    public function addHttpHeaderParam(string $key, string|int $value): static
    {
        $this->headerParams[$key] = (string) $value;
        return $this;
    }

    /**
     * The native request for the current properties: built on first use and kept, rebuilt only
     * when a property changed since (arrays unchanged since the last build compare in O(1)).
     *
     * @internal
     */
    public function native(): CData
    {
        $state = [$this->apiName, $this->httpMethod, $this->udfParams, $this->fileParams, $this->headerParams];
        if ($state === $this->built) {
            return $this->native;
        }
        $request = Abi::requestNew($this->apiName);
        try {
            Abi::requestSetHttpMethod($request, \constant(HttpMethod::class . '::' . strtoupper((string) $this->httpMethod)));
            foreach ((array) $this->udfParams as $key => $value) {
                Abi::requestAddParam($request, (string) $key, $value);
            }
            foreach ((array) $this->fileParams as $key => $file) {
                Abi::requestAddFile($request, (string) $key, $file['name'] ?? (string) $key, $file['type'] ?? null, $file['content'] ?? '');
            }
            foreach ((array) $this->headerParams as $name => $value) {
                Abi::requestAddHeader($request, (string) $name, $value);
            }
        } catch (\Throwable $e) {
            Abi::requestFree($request);
            throw $e;
        }
        Abi::requestFree($this->native);
        [$this->native, $this->built] = [$request, $state];
        return $request;
    }

    public function __destruct()
    {
        Abi::requestFree($this->native);
    }

    /** A copy builds its own native request. */
    public function __clone()
    {
        [$this->native, $this->built] = [null, null];
    }

    /** Serializes the public properties only (not the native request). */
    public function __sleep(): array
    {
        return ['apiName', 'httpMethod', 'udfParams', 'fileParams', 'headerParams', 'protocol'];
    }
}
