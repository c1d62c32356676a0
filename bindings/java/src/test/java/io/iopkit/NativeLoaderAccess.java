package io.iopkit;

import java.util.Locale;

/** The loader's platform directory name, recomputed for the tests (linux-x86_64, …). */
final class NativeLoaderAccess {
    private NativeLoaderAccess() {}

    static String platform() {
        String os = System.getProperty("os.name", "").toLowerCase(Locale.ROOT);
        String arch = System.getProperty("os.arch", "").toLowerCase(Locale.ROOT);
        String o = os.startsWith("linux") ? "linux" : os;
        String a = arch.equals("amd64") || arch.equals("x86_64") ? "x86_64" : arch;
        return o + "-" + a;
    }
}
