using System;
using System.Collections.Generic;
using System.IO;
using System.Threading;

namespace Iopkit
{
    /// <summary>
    /// One API call being built, as in the official IOP/Lazada .NET SDKs: an API name, business
    /// parameters, optional files and headers, and the HTTP method. It is a plain managed object;
    /// the native request is built from it at the first <c>Execute</c> and kept for the next ones
    /// until the request changes (with files, which are read anew, it is rebuilt for each call), so
    /// one <see cref="IopRequest"/> may be executed by several threads at once as long as no
    /// thread mutates it meanwhile. Values are checked by libiop when the request is executed
    /// (an empty API name or key, or the reserved key <c>sign</c>, gives
    /// <see cref="IopInvalidArgumentException"/>).
    /// </summary>
    public class IopRequest
    {
        private string apiName;
        private string httpMethod = "POST";
        private int? method; // the IopHttpMethod value once SetHttpMethod was called (-1: unknown)
        private RequestHandle cached; // the native request of the current values; dropped (freed by the GC) on a change
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
            cached = null;
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
            cached = null;
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
            cached = null;
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
            cached = null;
        }

        /// <summary>Sets the HTTP method: <c>"POST"</c> (the default; form or multipart body) or
        /// <c>"GET"</c> (every parameter in the query string), case-insensitive. libiop refuses any
        /// other method when the request is executed (<see cref="IopInvalidArgumentException"/>).</summary>
        public void SetHttpMethod(string httpMethod)
        {
            if (httpMethod == null)
            {
                throw new ArgumentNullException("httpMethod");
            }
            this.httpMethod = httpMethod.ToUpperInvariant();
            IopHttpMethod m;
            method = Enum.TryParse(httpMethod, true, out m) ? (int)m : -1;
            cached = null;
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

        /// <summary>Runs <paramref name="use"/> with the native request of the current values. Throws on
        /// the first value libiop rejects.</summary>
        internal T WithNative<T>(Func<RequestHandle, T> use)
        {
            bool owned;
            RequestHandle h = Snapshot(out owned);
            if (owned)
            {
                using (h)
                {
                    return use(h);
                }
            }
            return use(h);
        }

        /// <summary>The native request of the current values, also for a call that runs later on
        /// another thread (later changes build a new one). With files it is built (the files read)
        /// for this call only, and <paramref name="owned"/> says the caller must dispose it.</summary>
        internal RequestHandle Snapshot(out bool owned)
        {
            owned = false;
            RequestHandle h = Volatile.Read(ref cached);
            if (h != null)
            {
                return h;
            }
            h = Build();
            if (files.Count > 0)
            {
                owned = true;
                return h;
            }
            Volatile.Write(ref cached, h); // a copy built by a racing thread is left to the GC
            return h;
        }

        private RequestHandle Build()
        {
            RequestHandle handle = Native.RequestNew(apiName);
            try
            {
                foreach (KeyValuePair<string, string> p in parameters)
                {
                    Native.RequestAddParam(handle, p.Key, p.Value);
                }
                foreach (KeyValuePair<string, string> h in headers)
                {
                    Native.RequestAddHeader(handle, h.Key, h.Value);
                }
                foreach (KeyValuePair<string, FileItem> f in files)
                {
                    Native.RequestAddFile(handle, f.Key, f.Value.GetFileName() ?? string.Empty, f.Value.GetMimeType(), f.Value.GetContent() ?? new byte[0]);
                }
                if (method.HasValue)
                {
                    Native.RequestSetHttpMethod(handle, method.Value);
                }
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
