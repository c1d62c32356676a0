using System;
using System.Globalization;
using System.Runtime.InteropServices;
using System.Text;

namespace Iopkit
{
    /// <summary>
    /// The hand-written half of <see cref="Native"/> (the other half, every <c>DllImport</c> and its
    /// checked wrapper, is generated into Native.g.cs): UTF-8 conversions, the version check and the
    /// per-thread record of a failed store callback. Strings go in as NUL-terminated UTF-8
    /// <c>byte[]</c> and come out as <see cref="IntPtr"/> decoded here: the marshaller never frees
    /// library memory.
    /// </summary>
    internal static partial class Native
    {
        /// <summary>NUL-terminated UTF-8 copy of <paramref name="s"/>; null stays null (C NULL); an
        /// embedded NUL is <see cref="IopInvalidArgumentException"/>.</summary>
        internal static byte[] Utf8(string s)
        {
            if (s == null)
            {
                return null;
            }
            if (s.IndexOf('\0') >= 0)
            {
                // C would silently cut the string there (and sign something else than was asked).
                throw IopException.FromStatus(IopStatus.InvalidArgument, "string arguments must not contain NUL characters");
            }
            byte[] bytes = new byte[Encoding.UTF8.GetByteCount(s) + 1];
            Encoding.UTF8.GetBytes(s, 0, s.Length, bytes, 0);
            return bytes;
        }

        /// <summary>Decodes a NUL-terminated UTF-8 string the library returned (NULL is null); frees nothing.</summary>
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
            byte[] buffer = new byte[len];
            Marshal.Copy(p, buffer, 0, len);
            return Encoding.UTF8.GetString(buffer);
        }

        /// <summary>Decodes an owned string and releases it with <c>iop_string_free</c>.</summary>
        internal static string TakeOwned(IntPtr p)
        {
            try
            {
                return FromUtf8(p);
            }
            finally
            {
                iop_string_free(p);
            }
        }

        /// <summary>The pointer half of a <c>(bytes, len)</c> pair: null stays NULL; an empty array
        /// becomes a one-byte buffer, so the library sees a non-NULL pointer with length 0 whatever
        /// the marshaller does with empty arrays.</summary>
        internal static byte[] Body(byte[] body)
        {
            return body != null && body.Length == 0 ? new byte[1] : body;
        }

        /// <summary>The length half of a <c>(bytes, len)</c> pair.</summary>
        internal static UIntPtr BodyLength(byte[] body)
        {
            return new UIntPtr(body == null ? 0u : (uint)body.Length);
        }

        /// <summary>The UTF-8 bytes of <paramref name="s"/> without a NUL; null stays null.</summary>
        internal static byte[] Utf8Bytes(string s)
        {
            return s == null ? null : Encoding.UTF8.GetBytes(s);
        }

        /// <summary>A native <c>*_retry_after_ms</c> value as a duration: negative is null.</summary>
        internal static TimeSpan? RetryAfter(long ms)
        {
            return ms < 0 ? (TimeSpan?)null : TimeSpan.FromMilliseconds(ms);
        }

        /// <summary>A time argument as epoch ms: null is <see cref="IopConstants.UseDefault"/> (now); an
        /// instant before the epoch is -2, which libiop refuses, instead of -1 meaning "now".</summary>
        internal static long Millis(DateTimeOffset? t)
        {
            long ms = t.HasValue ? t.Value.ToUnixTimeMilliseconds() : IopConstants.UseDefault;
            return t.HasValue && ms < 0 ? -2 : ms;
        }

        /// <summary>An instant from epoch milliseconds.</summary>
        internal static DateTimeOffset Instant(long ms)
        {
            return DateTimeOffset.FromUnixTimeMilliseconds(ms);
        }

        static partial void BeforeCall()
        {
            EnsureCompatible();
            CallbackFailure = null;
        }

        /// <summary>The first exception a token store callback threw during the current library call
        /// on this thread (libiop runs callbacks on the calling thread); reset before each call.</summary>
        [ThreadStatic]
        internal static Exception CallbackFailure;

        private static readonly object VersionLock = new object();
        private static volatile bool versionChecked;
        private static Exception versionError;

        /// <summary>
        /// Loads libiop on first use and checks that its major.minor is the one Native.g.cs was
        /// generated for. Throws <see cref="DllNotFoundException"/> (library missing) or
        /// <see cref="NotSupportedException"/> (wrong version), every time it is called.
        /// </summary>
        internal static void EnsureCompatible()
        {
            if (!versionChecked)
            {
                lock (VersionLock)
                {
                    if (!versionChecked)
                    {
                        versionError = CheckVersion();
                        if (versionError == null)
                        {
                            IopLog.Install();
                        }
                        versionChecked = true;
                    }
                }
            }
            if (versionError is DllNotFoundException)
            {
                throw new DllNotFoundException(versionError.Message, versionError);
            }
            if (versionError != null)
            {
                throw new NotSupportedException(versionError.Message, versionError);
            }
        }

        private static Exception CheckVersion()
        {
            try
            {
                string loaded = Version();
                string[] parts = (loaded ?? string.Empty).Split('.');
                if (parts.Length >= 2 && parts[0] == ExpectedMajor.ToString(CultureInfo.InvariantCulture)
                    && parts[1] == ExpectedMinor.ToString(CultureInfo.InvariantCulture))
                {
                    return null;
                }
                return new NotSupportedException(string.Format(CultureInfo.InvariantCulture,
                    "Iopkit {0}.{1} needs libiop {0}.{1}.x, but the libiop loaded is version {2}. "
                    + "Install the libiop.so that matches this Iopkit package.", ExpectedMajor, ExpectedMinor, loaded));
            }
            catch (DllNotFoundException e)
            {
                return new DllNotFoundException("Iopkit could not load the native library libiop.so. Put it next to "
                    + "Iopkit.dll, in runtimes/linux-x64/native/ of the NuGet package, or in a directory on "
                    + "LD_LIBRARY_PATH. (" + e.Message + ")", e);
            }
            catch (EntryPointNotFoundException e)
            {
                return new NotSupportedException("The native library loaded as \"iop\" is not a compatible libiop: " + e.Message, e);
            }
        }
    }

    /// <summary>
    /// Base of the generated SafeHandle subclasses (one per native handle type). The marshaller
    /// AddRefs a SafeHandle for the duration of every P/Invoke that takes it, so Dispose on one
    /// thread while another is inside a native call defers the <c>_free</c> until that call returns,
    /// and a closed handle makes the call throw <see cref="ObjectDisposedException"/> instead of
    /// passing a dangling pointer. <c>ReleaseHandle</c> runs exactly once (Dispose or finalizer).
    /// </summary>
    internal abstract class NativeHandle : SafeHandle
    {
        protected NativeHandle() : base(IntPtr.Zero, true) { }

        /// <summary>Managed objects native code calls into for as long as this handle lives (a
        /// callback store's delegates): a collected delegate would leave libiop a dangling pointer.</summary>
        internal object Roots;

        public override bool IsInvalid
        {
            get { return handle == IntPtr.Zero; }
        }
    }
}
