package io.iopkit;

import io.iopkit.internal.Native;
import io.iopkit.internal.NativeLoader;

/** Versions and where the native library came from; {@code java -jar iopkit.jar} prints them. */
public final class Iopkit {
    private Iopkit() {}

    /** This binding's version. */
    public static String bindingVersion() {
        return NativeLoader.bindingVersion();
    }

    /** The native library's version ({@code iop_version}; loads it). */
    public static String nativeVersion() {
        return Native.version();
    }

    /** The C name of status {@code value} ({@code iop_status_name}): {@code "IOP_ERR_TIMEOUT"}, or {@code "IOP_UNKNOWN_STATUS"}. */
    public static String statusName(int value) {
        return Native.statusName(value);
    }

    /** Where the native library was loaded from (loads it). */
    public static String nativeLibrarySource() {
        Native.ensureLoaded();
        return NativeLoader.source();
    }

    /** Prints the versions and the library's origin. */
    public static void main(String[] args) {
        System.out.println("iopkit " + bindingVersion() + " (native " + nativeVersion() + ", library from "
                + nativeLibrarySource() + ")");
    }
}
