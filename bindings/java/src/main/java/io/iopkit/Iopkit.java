package io.iopkit;

import io.iopkit.internal.Native;
import io.iopkit.internal.NativeLoader;

/**
 * Versions and where the native library came from; {@code java -jar iopkit.jar} (or
 * {@code java -cp iopkit.jar io.iopkit.Iopkit}) prints them.
 */
public final class Iopkit {
    private Iopkit() {}

    /** This binding's version. */
    public static String bindingVersion() {
        return NativeLoader.bindingVersion();
    }

    /** The native core's version (loads the library). */
    public static String nativeVersion() {
        return Native.version();
    }

    /** Where the native library was loaded from (loads it). */
    public static String nativeLibrarySource() {
        Native.ensureLoaded();
        return NativeLoader.source();
    }

    /** Prints the versions and the library's origin. */
    public static void main(String[] args) {
        System.out.println("iopkit " + bindingVersion() + " (native core " + nativeVersion() + ", library from "
                + nativeLibrarySource() + ")");
    }
}
