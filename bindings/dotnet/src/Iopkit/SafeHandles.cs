using System;
using System.Runtime.InteropServices;

namespace Iopkit
{
    // One SafeHandle subclass per native handle type. The marshaller AddRefs a SafeHandle for
    // the duration of every P/Invoke that takes it, so Dispose on one thread while another
    // thread is inside a native call defers the _free until that call returns, and a handle
    // that is already closed makes the call throw ObjectDisposedException instead of passing
    // a dangling pointer. ReleaseHandle runs exactly once (Dispose or finalizer).

    /// <summary>Owns an <c>IopClient*</c>; released with <c>iop_client_free</c>.</summary>
    internal sealed class ClientHandle : SafeHandle
    {
        public ClientHandle() : base(IntPtr.Zero, true) { }

        public override bool IsInvalid { get { return handle == IntPtr.Zero; } }

        protected override bool ReleaseHandle()
        {
            Native.iop_client_free(handle);
            return true;
        }
    }

    /// <summary>Owns an <c>IopRequest*</c>; released with <c>iop_request_free</c>.</summary>
    internal sealed class RequestHandle : SafeHandle
    {
        public RequestHandle() : base(IntPtr.Zero, true) { }

        public override bool IsInvalid { get { return handle == IntPtr.Zero; } }

        protected override bool ReleaseHandle()
        {
            Native.iop_request_free(handle);
            return true;
        }
    }

    /// <summary>Owns an <c>IopResponse*</c>; released with <c>iop_response_free</c>.</summary>
    internal sealed class ResponseHandle : SafeHandle
    {
        public ResponseHandle() : base(IntPtr.Zero, true) { }

        public override bool IsInvalid { get { return handle == IntPtr.Zero; } }

        protected override bool ReleaseHandle()
        {
            Native.iop_response_free(handle);
            return true;
        }
    }

    /// <summary>Owns an <c>IopToken*</c>; released with <c>iop_token_free</c>.</summary>
    internal sealed class TokenHandle : SafeHandle
    {
        public TokenHandle() : base(IntPtr.Zero, true) { }

        public override bool IsInvalid { get { return handle == IntPtr.Zero; } }

        protected override bool ReleaseHandle()
        {
            Native.iop_token_free(handle);
            return true;
        }
    }

    /// <summary>Owns an <c>IopEnosClient*</c>; released with <c>iop_enos_client_free</c>.</summary>
    internal sealed class EnosClientHandle : SafeHandle
    {
        public EnosClientHandle() : base(IntPtr.Zero, true) { }

        public override bool IsInvalid { get { return handle == IntPtr.Zero; } }

        protected override bool ReleaseHandle()
        {
            Native.iop_enos_client_free(handle);
            return true;
        }
    }

    /// <summary>Owns an <c>IopEnosToken*</c>; released with <c>iop_enos_token_free</c>.</summary>
    internal sealed class EnosTokenHandle : SafeHandle
    {
        public EnosTokenHandle() : base(IntPtr.Zero, true) { }

        public override bool IsInvalid { get { return handle == IntPtr.Zero; } }

        protected override bool ReleaseHandle()
        {
            Native.iop_enos_token_free(handle);
            return true;
        }
    }

    /// <summary>Owns an <c>IopTokenStore*</c>; released with <c>iop_token_store_free</c>. A
    /// callback store's handle also roots the managed callbacks (<see cref="Roots"/>): the
    /// marshaller keeps the handle alive during every call that takes it.</summary>
    internal sealed class TokenStoreHandle : SafeHandle
    {
        public TokenStoreHandle() : base(IntPtr.Zero, true) { }

        /// <summary>Managed objects native code calls into (a callback store's delegates).</summary>
        internal object Roots;

        public override bool IsInvalid { get { return handle == IntPtr.Zero; } }

        protected override bool ReleaseHandle()
        {
            Native.iop_token_store_free(handle);
            return true;
        }
    }

    /// <summary>Owns an <c>IopTokenManager*</c>; released with <c>iop_token_manager_free</c>.
    /// Roots the store wrapper (and so a callback store's delegates) for as long as the handle
    /// lives, since the native manager keeps calling the store after the store's own handle is
    /// freed.</summary>
    internal sealed class TokenManagerHandle : SafeHandle
    {
        public TokenManagerHandle() : base(IntPtr.Zero, true) { }

        /// <summary>Managed objects the native manager reaches (the store's callbacks).</summary>
        internal object Roots;

        public override bool IsInvalid { get { return handle == IntPtr.Zero; } }

        protected override bool ReleaseHandle()
        {
            Native.iop_token_manager_free(handle);
            return true;
        }
    }
}
