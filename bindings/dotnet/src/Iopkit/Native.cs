using System;
using System.Runtime.InteropServices;
using System.Text;

namespace Iopkit
{
    /// <summary>
    /// P/Invoke declarations for libiop (include/iop.h), plus the UTF-8 helpers and the version
    /// check. Every string goes in as NUL-terminated UTF-8 <c>byte[]</c> and comes out as an
    /// <see cref="IntPtr"/> decoded by hand: the marshaller never frees library memory.
    /// </summary>
    internal static class Native
    {
        private const string Lib = "iop";

        /// <summary>The major.minor of include/iop.h this binding was written against.</summary>
        internal const int ExpectedMajor = 0;
        internal const int ExpectedMinor = 1;

        // ---- client -------------------------------------------------------------------------

        [DllImport(Lib, CallingConvention = CallingConvention.Cdecl)]
        internal static extern int iop_client_new(byte[] serverUrl, byte[] appKey, byte[] appSecret, out ClientHandle client);

        [DllImport(Lib, CallingConvention = CallingConvention.Cdecl)]
        internal static extern void iop_client_free(IntPtr client);

        [DllImport(Lib, CallingConvention = CallingConvention.Cdecl)]
        internal static extern int iop_client_set_connect_timeout_ms(ClientHandle client, ulong timeoutMs);

        [DllImport(Lib, CallingConvention = CallingConvention.Cdecl)]
        internal static extern int iop_client_set_read_timeout_ms(ClientHandle client, ulong timeoutMs);

        [DllImport(Lib, CallingConvention = CallingConvention.Cdecl)]
        internal static extern int iop_client_set_partner_id(ClientHandle client, byte[] partnerId);

        [DllImport(Lib, CallingConvention = CallingConvention.Cdecl)]
        internal static extern int iop_client_set_ca_bundle(ClientHandle client, byte[] pemPath);

        [DllImport(Lib, CallingConvention = CallingConvention.Cdecl)]
        internal static extern int iop_client_set_allow_insecure_http(ClientHandle client, [MarshalAs(UnmanagedType.I1)] bool allow);

        [DllImport(Lib, CallingConvention = CallingConvention.Cdecl)]
        internal static extern int iop_client_set_max_response_bytes(ClientHandle client, ulong maxBytes);

        [DllImport(Lib, CallingConvention = CallingConvention.Cdecl)]
        internal static extern int iop_client_set_max_connect_retries(ClientHandle client, uint retries);

        [DllImport(Lib, CallingConvention = CallingConvention.Cdecl)]
        internal static extern int iop_client_execute(ClientHandle client, RequestHandle request, byte[] accessToken, int protocol, out ResponseHandle response);

        [DllImport(Lib, CallingConvention = CallingConvention.Cdecl)]
        internal static extern int iop_client_sign(ClientHandle client, RequestHandle request, byte[] accessToken, int protocol, long timestampMs, out IntPtr signString, out IntPtr sign);

        // ---- last error (per thread; borrowed strings) -----------------------------------------

        [DllImport(Lib, CallingConvention = CallingConvention.Cdecl)]
        internal static extern int iop_last_error_status();

        [DllImport(Lib, CallingConvention = CallingConvention.Cdecl)]
        internal static extern IntPtr iop_last_error_message();

        [DllImport(Lib, CallingConvention = CallingConvention.Cdecl)]
        internal static extern IntPtr iop_last_error_code();

        [DllImport(Lib, CallingConvention = CallingConvention.Cdecl)]
        internal static extern IntPtr iop_last_error_type();

        [DllImport(Lib, CallingConvention = CallingConvention.Cdecl)]
        internal static extern IntPtr iop_last_error_sub_code();

        [DllImport(Lib, CallingConvention = CallingConvention.Cdecl)]
        internal static extern IntPtr iop_last_error_request_id();

        [DllImport(Lib, CallingConvention = CallingConvention.Cdecl)]
        internal static extern int iop_last_error_http_status();

        [DllImport(Lib, CallingConvention = CallingConvention.Cdecl)]
        internal static extern long iop_last_error_retry_after_ms();

        // ---- request ------------------------------------------------------------------------

        [DllImport(Lib, CallingConvention = CallingConvention.Cdecl)]
        internal static extern int iop_request_new(byte[] apiName, out RequestHandle request);

        [DllImport(Lib, CallingConvention = CallingConvention.Cdecl)]
        internal static extern void iop_request_free(IntPtr request);

        [DllImport(Lib, CallingConvention = CallingConvention.Cdecl)]
        internal static extern int iop_request_add_param(RequestHandle request, byte[] key, byte[] value);

        [DllImport(Lib, CallingConvention = CallingConvention.Cdecl)]
        internal static extern int iop_request_add_file(RequestHandle request, byte[] name, byte[] fileName, byte[] contentType, byte[] data, UIntPtr len);

        [DllImport(Lib, CallingConvention = CallingConvention.Cdecl)]
        internal static extern int iop_request_add_header(RequestHandle request, byte[] name, byte[] value);

        [DllImport(Lib, CallingConvention = CallingConvention.Cdecl)]
        internal static extern int iop_request_set_http_method(RequestHandle request, int method);

        // ---- response (borrowed strings, valid while the response lives) ---------------------

        [DllImport(Lib, CallingConvention = CallingConvention.Cdecl)]
        internal static extern void iop_response_free(IntPtr response);

        [DllImport(Lib, CallingConvention = CallingConvention.Cdecl)]
        internal static extern IntPtr iop_response_body(ResponseHandle response);

        [DllImport(Lib, CallingConvention = CallingConvention.Cdecl)]
        internal static extern UIntPtr iop_response_body_len(ResponseHandle response);

        [DllImport(Lib, CallingConvention = CallingConvention.Cdecl)]
        internal static extern int iop_response_http_status(ResponseHandle response);

        [DllImport(Lib, CallingConvention = CallingConvention.Cdecl)]
        [return: MarshalAs(UnmanagedType.I1)]
        internal static extern bool iop_response_is_success(ResponseHandle response);

        [DllImport(Lib, CallingConvention = CallingConvention.Cdecl)]
        internal static extern IntPtr iop_response_type(ResponseHandle response);

        [DllImport(Lib, CallingConvention = CallingConvention.Cdecl)]
        internal static extern IntPtr iop_response_code(ResponseHandle response);

        [DllImport(Lib, CallingConvention = CallingConvention.Cdecl)]
        internal static extern IntPtr iop_response_message(ResponseHandle response);

        [DllImport(Lib, CallingConvention = CallingConvention.Cdecl)]
        internal static extern IntPtr iop_response_sub_code(ResponseHandle response);

        [DllImport(Lib, CallingConvention = CallingConvention.Cdecl)]
        internal static extern IntPtr iop_response_sub_message(ResponseHandle response);

        [DllImport(Lib, CallingConvention = CallingConvention.Cdecl)]
        internal static extern IntPtr iop_response_request_id(ResponseHandle response);

        [DllImport(Lib, CallingConvention = CallingConvention.Cdecl)]
        internal static extern long iop_response_retry_after_ms(ResponseHandle response);

        // ---- strings ------------------------------------------------------------------------

        [DllImport(Lib, CallingConvention = CallingConvention.Cdecl)]
        internal static extern void iop_string_free(IntPtr s);

        // ---- tokens -------------------------------------------------------------------------

        [DllImport(Lib, CallingConvention = CallingConvention.Cdecl)]
        internal static extern int iop_token_create(ClientHandle client, byte[] code, out TokenHandle token);

        [DllImport(Lib, CallingConvention = CallingConvention.Cdecl)]
        internal static extern int iop_token_refresh(ClientHandle client, byte[] refreshToken, out TokenHandle token);

        [DllImport(Lib, CallingConvention = CallingConvention.Cdecl)]
        internal static extern int iop_token_parse(byte[] responseJson, long receivedAtMs, out TokenHandle token);

        [DllImport(Lib, CallingConvention = CallingConvention.Cdecl)]
        internal static extern void iop_token_free(IntPtr token);

        [DllImport(Lib, CallingConvention = CallingConvention.Cdecl)]
        internal static extern int iop_token_to_json(TokenHandle token, out IntPtr json);

        [DllImport(Lib, CallingConvention = CallingConvention.Cdecl)]
        internal static extern long iop_token_expires_at_ms(TokenHandle token);

        [DllImport(Lib, CallingConvention = CallingConvention.Cdecl)]
        internal static extern long iop_token_refresh_expires_at_ms(TokenHandle token);

        [DllImport(Lib, CallingConvention = CallingConvention.Cdecl)]
        [return: MarshalAs(UnmanagedType.I1)]
        internal static extern bool iop_token_can_refresh(TokenHandle token);

        [DllImport(Lib, CallingConvention = CallingConvention.Cdecl)]
        internal static extern UIntPtr iop_token_country_count(TokenHandle token);

        [DllImport(Lib, CallingConvention = CallingConvention.Cdecl)]
        internal static extern IntPtr iop_token_country_code(TokenHandle token, UIntPtr index);

        [DllImport(Lib, CallingConvention = CallingConvention.Cdecl)]
        internal static extern IntPtr iop_token_country_user_id(TokenHandle token, UIntPtr index);

        [DllImport(Lib, CallingConvention = CallingConvention.Cdecl)]
        internal static extern IntPtr iop_token_country_seller_id(TokenHandle token, UIntPtr index);

        [DllImport(Lib, CallingConvention = CallingConvention.Cdecl)]
        internal static extern IntPtr iop_token_country_short_code(TokenHandle token, UIntPtr index);

        // The string accessors below are exported by libiop (src/ffi/token.rs, generated by a
        // macro) but not declared in include/iop.h: cbindgen does not expand macros.
        // Ownership as documented in the Rust source: borrowed, valid while the token lives.

        [DllImport(Lib, CallingConvention = CallingConvention.Cdecl)]
        internal static extern IntPtr iop_token_access_token(TokenHandle token);

        [DllImport(Lib, CallingConvention = CallingConvention.Cdecl)]
        internal static extern IntPtr iop_token_refresh_token(TokenHandle token);

        [DllImport(Lib, CallingConvention = CallingConvention.Cdecl)]
        internal static extern IntPtr iop_token_raw_json(TokenHandle token);

        [DllImport(Lib, CallingConvention = CallingConvention.Cdecl)]
        internal static extern IntPtr iop_token_account(TokenHandle token);

        [DllImport(Lib, CallingConvention = CallingConvention.Cdecl)]
        internal static extern IntPtr iop_token_account_platform(TokenHandle token);

        [DllImport(Lib, CallingConvention = CallingConvention.Cdecl)]
        internal static extern IntPtr iop_token_account_id(TokenHandle token);

        [DllImport(Lib, CallingConvention = CallingConvention.Cdecl)]
        internal static extern IntPtr iop_token_seller_id(TokenHandle token);

        [DllImport(Lib, CallingConvention = CallingConvention.Cdecl)]
        internal static extern IntPtr iop_token_user_id(TokenHandle token);

        [DllImport(Lib, CallingConvention = CallingConvention.Cdecl)]
        internal static extern IntPtr iop_token_short_code(TokenHandle token);

        [DllImport(Lib, CallingConvention = CallingConvention.Cdecl)]
        internal static extern IntPtr iop_token_country(TokenHandle token);

        [DllImport(Lib, CallingConvention = CallingConvention.Cdecl)]
        internal static extern IntPtr iop_token_havana_id(TokenHandle token);

        [DllImport(Lib, CallingConvention = CallingConvention.Cdecl)]
        internal static extern IntPtr iop_token_user_nick(TokenHandle token);

        [DllImport(Lib, CallingConvention = CallingConvention.Cdecl)]
        internal static extern IntPtr iop_token_locale(TokenHandle token);

        [DllImport(Lib, CallingConvention = CallingConvention.Cdecl)]
        internal static extern IntPtr iop_token_sp(TokenHandle token);

        // ---- EnOS (owned client and token; iop_enos_sign's signature is owned) -----------------

        [DllImport(Lib, CallingConvention = CallingConvention.Cdecl)]
        internal static extern int iop_enos_client_new(byte[] gatewayUrl, byte[] appKey, byte[] appSecret, out EnosClientHandle client);

        [DllImport(Lib, CallingConvention = CallingConvention.Cdecl)]
        internal static extern void iop_enos_client_free(IntPtr client);

        [DllImport(Lib, CallingConvention = CallingConvention.Cdecl)]
        internal static extern int iop_enos_client_set_connect_timeout_ms(EnosClientHandle client, ulong timeoutMs);

        [DllImport(Lib, CallingConvention = CallingConvention.Cdecl)]
        internal static extern int iop_enos_client_set_read_timeout_ms(EnosClientHandle client, ulong timeoutMs);

        [DllImport(Lib, CallingConvention = CallingConvention.Cdecl)]
        internal static extern int iop_enos_client_set_ca_bundle(EnosClientHandle client, byte[] pemPath);

        [DllImport(Lib, CallingConvention = CallingConvention.Cdecl)]
        internal static extern int iop_enos_token_get(EnosClientHandle client, out EnosTokenHandle token);

        [DllImport(Lib, CallingConvention = CallingConvention.Cdecl)]
        internal static extern int iop_enos_token_refresh(EnosClientHandle client, byte[] accessToken, out EnosTokenHandle token);

        [DllImport(Lib, CallingConvention = CallingConvention.Cdecl)]
        internal static extern void iop_enos_token_free(IntPtr token);

        [DllImport(Lib, CallingConvention = CallingConvention.Cdecl)]
        internal static extern IntPtr iop_enos_token_access_token(EnosTokenHandle token);

        [DllImport(Lib, CallingConvention = CallingConvention.Cdecl)]
        internal static extern long iop_enos_token_expires_at_ms(EnosTokenHandle token);

        [DllImport(Lib, CallingConvention = CallingConvention.Cdecl)]
        internal static extern int iop_enos_sign(EnosClientHandle client, byte[] accessToken, byte[] pathAndQuery, byte[] body, UIntPtr bodyLen,
            long timestampMs, out long outTimestampMs, out IntPtr signature);

        [DllImport(Lib, CallingConvention = CallingConvention.Cdecl)]
        internal static extern int iop_enos_call(EnosClientHandle client, byte[] accessToken, byte[] method, byte[] pathAndQuery, byte[] body, UIntPtr bodyLen,
            out ResponseHandle response);

        // ---- authorization page ---------------------------------------------------------------

        [DllImport(Lib, CallingConvention = CallingConvention.Cdecl)]
        internal static extern int iop_authorize_url(int platform, byte[] baseUrl, byte[] clientId, byte[] redirectUri, byte[] country, byte[] state, out IntPtr url);

        [DllImport(Lib, CallingConvention = CallingConvention.Cdecl)]
        internal static extern int iop_state_new(out IntPtr state);

        [DllImport(Lib, CallingConvention = CallingConvention.Cdecl)]
        [return: MarshalAs(UnmanagedType.I1)]
        internal static extern bool iop_state_verify(byte[] expected, byte[] received);

        // ---- token stores and managers (owned handles; JSON and access tokens owned) ---------------

        [DllImport(Lib, CallingConvention = CallingConvention.Cdecl)]
        internal static extern int iop_token_store_memory_new(out TokenStoreHandle store);

        [DllImport(Lib, CallingConvention = CallingConvention.Cdecl)]
        internal static extern int iop_token_store_file_new(byte[] path, out TokenStoreHandle store);

        /// <summary><paramref name="encryptionKey"/>: pinned bytes or <see cref="IntPtr.Zero"/>; copied.</summary>
        [DllImport(Lib, CallingConvention = CallingConvention.Cdecl)]
        internal static extern int iop_token_store_redis_new(byte[] url, byte[] keyNamespace, byte[] appKey, IntPtr encryptionKey, UIntPtr keyLen,
            ulong leaseMs, ulong timeoutMs, out TokenStoreHandle store);

        [DllImport(Lib, CallingConvention = CallingConvention.Cdecl)]
        internal static extern int iop_token_store_callback_new(ref TokenStoreCallbacks callbacks, out TokenStoreHandle store);

        [DllImport(Lib, CallingConvention = CallingConvention.Cdecl)]
        internal static extern void iop_token_store_free(IntPtr store);

        /// <summary>Only from inside a store callback, with the <c>value</c> pointer it received.</summary>
        [DllImport(Lib, CallingConvention = CallingConvention.Cdecl)]
        internal static extern int iop_token_store_value_set(IntPtr value, byte[] text);

        [DllImport(Lib, CallingConvention = CallingConvention.Cdecl)]
        internal static extern int iop_token_store_due_json(TokenStoreHandle store, long withinS, out IntPtr json);

        [DllImport(Lib, CallingConvention = CallingConvention.Cdecl)]
        internal static extern int iop_token_manager_new(ClientHandle client, TokenStoreHandle store, byte[] account, long refreshMarginS,
            out TokenManagerHandle manager);

        [DllImport(Lib, CallingConvention = CallingConvention.Cdecl)]
        internal static extern int iop_token_manager_new_enos(EnosClientHandle client, TokenStoreHandle store, byte[] account, long refreshMarginS,
            out TokenManagerHandle manager);

        [DllImport(Lib, CallingConvention = CallingConvention.Cdecl)]
        internal static extern void iop_token_manager_free(IntPtr manager);

        [DllImport(Lib, CallingConvention = CallingConvention.Cdecl)]
        internal static extern int iop_token_manager_create_token(TokenManagerHandle manager, byte[] code);

        [DllImport(Lib, CallingConvention = CallingConvention.Cdecl)]
        internal static extern int iop_token_manager_store_grant(TokenManagerHandle manager, TokenHandle token);

        [DllImport(Lib, CallingConvention = CallingConvention.Cdecl)]
        internal static extern int iop_token_manager_access_token(TokenManagerHandle manager, out IntPtr accessToken);

        [DllImport(Lib, CallingConvention = CallingConvention.Cdecl)]
        internal static extern int iop_token_manager_record_json(TokenManagerHandle manager, out IntPtr json);

        // Store callbacks (IopTokenStoreCallbacks). Called by libiop on the thread that called
        // into it; they must never let an exception escape (see CallbackTokenStore).

        [UnmanagedFunctionPointer(CallingConvention.Cdecl)]
        internal delegate int StoreLoadFn(IntPtr userData, IntPtr account, IntPtr value);

        [UnmanagedFunctionPointer(CallingConvention.Cdecl)]
        internal delegate int StoreCompareAndSwapFn(IntPtr userData, IntPtr account, ulong expectedVersion, IntPtr recordJson);

        [UnmanagedFunctionPointer(CallingConvention.Cdecl)]
        internal delegate int StoreLockFn(IntPtr userData, IntPtr account, ulong timeoutMs);

        [UnmanagedFunctionPointer(CallingConvention.Cdecl)]
        internal delegate void StoreUnlockFn(IntPtr userData, IntPtr account);

        [UnmanagedFunctionPointer(CallingConvention.Cdecl)]
        internal delegate int StoreAccountsFn(IntPtr userData, IntPtr value);

        /// <summary><c>IopTokenStoreCallbacks</c>: function pointers from
        /// <see cref="Marshal.GetFunctionPointerForDelegate(Delegate)"/>; copied by libiop.</summary>
        [StructLayout(LayoutKind.Sequential)]
        internal struct TokenStoreCallbacks
        {
            internal IntPtr UserData;
            internal IntPtr Load;
            internal IntPtr CompareAndSwap;
            internal IntPtr Lock;
            internal IntPtr Unlock;
            internal IntPtr Accounts;
        }

        // ---- version --------------------------------------------------------------------------

        [DllImport(Lib, CallingConvention = CallingConvention.Cdecl)]
        internal static extern IntPtr iop_version();

        [DllImport(Lib, CallingConvention = CallingConvention.Cdecl)]
        internal static extern IntPtr iop_status_name(int status);

        // ---- helpers ------------------------------------------------------------------------

        /// <summary>NUL-terminated UTF-8 copy of <paramref name="s"/>; null stays null (C NULL).</summary>
        internal static byte[] Utf8(string s)
        {
            if (s == null)
            {
                return null;
            }
            int n = Encoding.UTF8.GetByteCount(s);
            byte[] bytes = new byte[n + 1];
            Encoding.UTF8.GetBytes(s, 0, s.Length, bytes, 0);
            return bytes; // bytes[n] == 0
        }

        /// <summary>Decodes a NUL-terminated UTF-8 string the library returned; NULL is null.
        /// Does not free anything.</summary>
        internal static string FromUtf8(IntPtr p)
        {
            if (p == IntPtr.Zero)
            {
                return null;
            }
            int len = 0;
            while (Marshal.ReadByte(p, len) != 0)
            {
                len++;
            }
            return FromUtf8(p, len);
        }

        /// <summary>Decodes <paramref name="len"/> UTF-8 bytes at <paramref name="p"/>.</summary>
        internal static string FromUtf8(IntPtr p, int len)
        {
            if (p == IntPtr.Zero)
            {
                return null;
            }
            if (len == 0)
            {
                return string.Empty;
            }
            byte[] buffer = new byte[len];
            Marshal.Copy(p, buffer, 0, len);
            return Encoding.UTF8.GetString(buffer);
        }

        /// <summary>
        /// A body for the native <c>(body, body_len)</c> pair: null stays null (none, length 0);
        /// an empty array becomes a one-byte buffer with length 0, so that the library always sees
        /// a non-NULL pointer for an empty body whatever the runtime's marshaller does with empty
        /// arrays. The bytes are not copied otherwise.
        /// </summary>
        internal static byte[] Body(byte[] body, out UIntPtr len)
        {
            if (body == null)
            {
                len = UIntPtr.Zero;
                return null;
            }
            len = new UIntPtr((uint)body.Length);
            return body.Length == 0 ? new byte[1] : body;
        }

        /// <summary>The UTF-8 bytes of <paramref name="s"/> without a terminating NUL; null stays null.</summary>
        internal static byte[] Utf8Bytes(string s)
        {
            return s == null ? null : Encoding.UTF8.GetBytes(s);
        }

        /// <summary>Decodes an owned string and releases it with iop_string_free (exactly once).</summary>
        internal static string TakeOwned(ref IntPtr p)
        {
            IntPtr q = p;
            p = IntPtr.Zero;
            if (q == IntPtr.Zero)
            {
                return null;
            }
            try
            {
                return FromUtf8(q);
            }
            finally
            {
                iop_string_free(q);
            }
        }

        /// <summary>The name of a status value, as the library spells it.</summary>
        internal static string StatusName(int status)
        {
            EnsureCompatible();
            return FromUtf8(iop_status_name(status));
        }

        // ---- version check ----------------------------------------------------------------------

        private static readonly object VersionLock = new object();
        private static volatile bool versionChecked;
        private static Exception versionError;
        private static string loadedVersion;

        /// <summary>The version of the loaded libiop (<c>iop_version()</c>).</summary>
        internal static string LoadedVersion
        {
            get
            {
                EnsureCompatible();
                return loadedVersion;
            }
        }

        /// <summary>
        /// Loads libiop on first use and checks that its major.minor is the one this binding was
        /// written for. Throws <see cref="DllNotFoundException"/> (library missing) or
        /// <see cref="NotSupportedException"/> (wrong version), every time it is called.
        /// </summary>
        internal static void EnsureCompatible()
        {
            if (versionChecked)
            {
                if (versionError != null)
                {
                    throw Rethrowable(versionError);
                }
                return;
            }
            lock (VersionLock)
            {
                if (!versionChecked)
                {
                    try
                    {
                        loadedVersion = FromUtf8(iop_version());
                        if (!IsCompatible(loadedVersion))
                        {
                            versionError = new NotSupportedException(string.Format(
                                "Iopkit {0}.{1} needs libiop {0}.{1}.x, but the libiop loaded is version {2}. "
                                + "Install the libiop.so that matches this Iopkit package.",
                                ExpectedMajor, ExpectedMinor, loadedVersion ?? "(unknown)"));
                        }
                    }
                    catch (DllNotFoundException e)
                    {
                        versionError = new DllNotFoundException(
                            "Iopkit could not load the native library libiop.so. Put it next to Iopkit.dll, "
                            + "in runtimes/linux-x64/native/ of the NuGet package, or in a directory on "
                            + "LD_LIBRARY_PATH. (" + e.Message + ")", e);
                    }
                    catch (EntryPointNotFoundException e)
                    {
                        versionError = new NotSupportedException(
                            "The native library loaded as \"iop\" is not a compatible libiop: " + e.Message, e);
                    }
                    versionChecked = true;
                }
            }
            if (versionError != null)
            {
                throw Rethrowable(versionError);
            }
        }

        private static Exception Rethrowable(Exception e)
        {
            // A fresh exception each time (keeps the first one as the inner exception), so
            // stack traces from different callers do not pile up on one shared instance.
            if (e is DllNotFoundException)
            {
                return new DllNotFoundException(e.Message, e);
            }
            return new NotSupportedException(e.Message, e);
        }

        /// <summary>Whether a library version string (<c>"0.1.0"</c>) has the expected major.minor.</summary>
        internal static bool IsCompatible(string version)
        {
            if (string.IsNullOrEmpty(version))
            {
                return false;
            }
            string[] parts = version.Split('.');
            int major, minor;
            return parts.Length >= 2
                && int.TryParse(parts[0], System.Globalization.NumberStyles.None, System.Globalization.CultureInfo.InvariantCulture, out major)
                && int.TryParse(parts[1], System.Globalization.NumberStyles.None, System.Globalization.CultureInfo.InvariantCulture, out minor)
                && major == ExpectedMajor
                && minor == ExpectedMinor;
        }
    }
}
