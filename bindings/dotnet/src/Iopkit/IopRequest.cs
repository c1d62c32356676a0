using System;
using System.Collections.Generic;
using System.IO;

namespace Iopkit
{
    /// <summary>
    /// One API call being built, as in the official IOP/Lazada .NET SDKs: an API name, business
    /// parameters, optional files and headers, and the HTTP method. It is a plain managed object;
    /// the native request is built from it inside each <c>Execute</c> and freed right after, so
    /// one <see cref="IopRequest"/> may be executed by several threads at once as long as no
    /// thread mutates it meanwhile. Values are checked by libiop when the request is executed
    /// (an empty API name or key, or the reserved key <c>sign</c>, gives
    /// <see cref="IopInvalidArgumentException"/>).
    /// </summary>
    public class IopRequest
    {
        private string apiName;
        private string httpMethod = "POST";
        private readonly Dictionary<string, string> parameters = new Dictionary<string, string>(StringComparer.Ordinal);
        private readonly Dictionary<string, string> headers = new Dictionary<string, string>(StringComparer.Ordinal);
        private readonly Dictionary<string, FileItem> files = new Dictionary<string, FileItem>(StringComparer.Ordinal);

        /// <summary>A request without an API name (set it with <see cref="SetApiName"/>).</summary>
        public IopRequest()
        {
        }

        /// <summary>A request for <paramref name="apiName"/> (<c>/auth/token/create</c>, <c>aliexpress.ds.category.get</c>).</summary>
        public IopRequest(string apiName)
        {
            SetApiName(apiName);
        }

        /// <summary>Sets the API name: a path (GOP, <c>/seller/get</c>) or a dotted method name (TOP).</summary>
        /// <exception cref="ArgumentNullException"><paramref name="apiName"/> is null.</exception>
        public void SetApiName(string apiName)
        {
            if (apiName == null)
            {
                throw new ArgumentNullException("apiName");
            }
            this.apiName = apiName;
        }

        /// <summary>The API name, or null when none was set.</summary>
        public string GetApiName()
        {
            return apiName;
        }

        /// <summary>
        /// Adds or replaces a business parameter. The value is signed and sent exactly as given,
        /// an empty string included. A null value removes the parameter (the official SDKs skip
        /// null values, so optional parameters can be passed through unchanged).
        /// </summary>
        /// <exception cref="ArgumentNullException"><paramref name="key"/> is null.</exception>
        public void AddApiParameter(string key, string value)
        {
            if (key == null)
            {
                throw new ArgumentNullException("key");
            }
            if (value == null)
            {
                parameters.Remove(key);
            }
            else
            {
                parameters[key] = value;
            }
        }

        /// <summary>Attaches a file as a multipart part named <paramref name="key"/> (never signed; POST only).</summary>
        /// <exception cref="ArgumentNullException"><paramref name="key"/> or <paramref name="file"/> is null.</exception>
        public void AddFileParameter(string key, FileItem file)
        {
            if (key == null)
            {
                throw new ArgumentNullException("key");
            }
            if (file == null)
            {
                throw new ArgumentNullException("file");
            }
            files[key] = file;
        }

        /// <summary>Adds or replaces an HTTP header sent with the request (not signed).</summary>
        /// <exception cref="ArgumentNullException"><paramref name="key"/> or <paramref name="value"/> is null.</exception>
        public void AddHeaderParameter(string key, string value)
        {
            if (key == null)
            {
                throw new ArgumentNullException("key");
            }
            if (value == null)
            {
                throw new ArgumentNullException("value");
            }
            headers[key] = value;
        }

        /// <summary>Sets the HTTP method: <c>"POST"</c> (the default; form or multipart body) or
        /// <c>"GET"</c> (every parameter in the query string), case-insensitive.</summary>
        /// <exception cref="ArgumentNullException"><paramref name="httpMethod"/> is null.</exception>
        /// <exception cref="IopInvalidArgumentException">Any other method.</exception>
        public void SetHttpMethod(string httpMethod)
        {
            if (httpMethod == null)
            {
                throw new ArgumentNullException("httpMethod");
            }
            if (string.Equals(httpMethod, "POST", StringComparison.OrdinalIgnoreCase))
            {
                this.httpMethod = "POST";
            }
            else if (string.Equals(httpMethod, "GET", StringComparison.OrdinalIgnoreCase))
            {
                this.httpMethod = "GET";
            }
            else
            {
                throw IopException.Create((int)IopStatus.InvalidArgument, "IOP_ERR_INVALID_ARGUMENT",
                    "httpMethod: must be GET or POST", null, null, null, null, 0);
            }
        }

        /// <summary>The HTTP method, <c>"POST"</c> or <c>"GET"</c>.</summary>
        public string GetHttpMethod()
        {
            return httpMethod;
        }

        /// <summary>A copy of the business parameters.</summary>
        public IDictionary<string, string> GetParameters()
        {
            return new Dictionary<string, string>(parameters, StringComparer.Ordinal);
        }

        /// <summary>A copy of the headers.</summary>
        public IDictionary<string, string> GetHeaderParameters()
        {
            return new Dictionary<string, string>(headers, StringComparer.Ordinal);
        }

        /// <summary>A copy of the file parameters.</summary>
        public IDictionary<string, FileItem> GetFileParameters()
        {
            return new Dictionary<string, FileItem>(files, StringComparer.Ordinal);
        }

        /// <summary>Builds the native request (caller disposes it). Throws on the first value libiop rejects.</summary>
        internal RequestHandle ToNative()
        {
            RequestHandle handle;
            IopException.Check(Native.iop_request_new(Native.Utf8(apiName), out handle));
            try
            {
                foreach (KeyValuePair<string, string> p in parameters)
                {
                    IopException.Check(Native.iop_request_add_param(handle, Native.Utf8(p.Key), Native.Utf8(p.Value)));
                }
                foreach (KeyValuePair<string, string> h in headers)
                {
                    IopException.Check(Native.iop_request_add_header(handle, Native.Utf8(h.Key), Native.Utf8(h.Value)));
                }
                foreach (KeyValuePair<string, FileItem> f in files)
                {
                    byte[] content = f.Value.GetContent() ?? new byte[0];
                    IopException.Check(Native.iop_request_add_file(handle, Native.Utf8(f.Key),
                        Native.Utf8(f.Value.GetFileName() ?? string.Empty), Native.Utf8(f.Value.GetMimeType()),
                        content, new UIntPtr((uint)content.Length)));
                }
                IopException.Check(Native.iop_request_set_http_method(handle, httpMethod == "GET" ? 1 : 0));
                return handle;
            }
            catch
            {
                handle.Dispose();
                throw;
            }
        }
    }

    /// <summary>
    /// A file to upload with <see cref="IopRequest.AddFileParameter"/> (as the official SDKs'
    /// <c>FileItem</c>). A file given by path is read when the request is executed.
    /// </summary>
    public class FileItem
    {
        private readonly string fileName;
        private readonly string filePath;
        private readonly byte[] content;
        private readonly string mimeType;

        /// <summary>The file at <paramref name="filePath"/>; its name is the part's file name.</summary>
        public FileItem(string filePath)
        {
            if (filePath == null)
            {
                throw new ArgumentNullException("filePath");
            }
            this.filePath = filePath;
            fileName = Path.GetFileName(filePath);
        }

        /// <summary>The file described by <paramref name="fileInfo"/>.</summary>
        public FileItem(FileInfo fileInfo)
            : this(fileInfo == null ? null : fileInfo.FullName)
        {
        }

        /// <summary>In-memory content with the given file name.</summary>
        public FileItem(string fileName, byte[] content)
        {
            if (fileName == null)
            {
                throw new ArgumentNullException("fileName");
            }
            if (content == null)
            {
                throw new ArgumentNullException("content");
            }
            this.fileName = fileName;
            this.content = content;
        }

        /// <summary>
        /// In-memory content with a file name and a MIME type, sent as the part's Content-Type
        /// (null: application/octet-stream).
        /// </summary>
        public FileItem(string fileName, byte[] content, string mimeType)
            : this(fileName, content)
        {
            this.mimeType = mimeType;
        }

        /// <summary>The part's file name.</summary>
        public string GetFileName()
        {
            return fileName;
        }

        /// <summary>The content (read from disk for a file given by path).</summary>
        public byte[] GetContent()
        {
            return content ?? File.ReadAllBytes(filePath);
        }

        /// <summary>The MIME type given to the constructor, or null (application/octet-stream).</summary>
        public string GetMimeType()
        {
            return mimeType;
        }
    }
}
