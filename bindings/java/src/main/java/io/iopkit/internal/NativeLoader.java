package io.iopkit.internal;

import java.io.File;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.Locale;

/**
 * Finds and loads {@code libiop_jni}, in this order:
 * <ol>
 *   <li>the system property {@code iopkit.library.path}: the library file itself, or a directory
 *       holding it;</li>
 *   <li>{@code System.loadLibrary("iop_jni")}, i.e. {@code java.library.path};</li>
 *   <li>the copy bundled in the JAR ({@code /native/<os>-<arch>/libiop_jni.so}), extracted to a
 *       temporary file deleted on exit (the only file this binding ever writes).</li>
 * </ol>
 * Then checks that the library's major.minor version ({@code iop_version}) is the one of the header
 * the generated {@link Native} was made from. Internal.
 */
public final class NativeLoader {
    /** The library's base name. */
    public static final String LIBRARY = "iop_jni";

    private static volatile String source;

    private NativeLoader() {}

    /** Where the library was loaded from, or {@code null} before it is loaded. */
    public static String source() {
        return source;
    }

    /** The binding's own version: the header's that {@link Native} was generated from (Cargo.toml's, one place). */
    public static String bindingVersion() {
        return Native.IOP_VERSION_MAJOR + "." + Native.IOP_VERSION_MINOR + "." + Native.IOP_VERSION_PATCH;
    }

    static synchronized void load() {
        if (source != null) {
            return;
        }
        String from = loadLibrary();
        String nativeVersion = Native.version();
        String expected = Native.IOP_VERSION_MAJOR + "." + Native.IOP_VERSION_MINOR;
        if (!majorMinor(nativeVersion).equals(expected)) {
            throw new UnsatisfiedLinkError("iopkit: native library " + from + " is version " + nativeVersion
                    + " but this binding was generated for " + expected + " (major.minor must match)");
        }
        source = from;
    }

    private static String loadLibrary() {
        String explicit = System.getProperty("iopkit.library.path");
        if (explicit != null && !explicit.isEmpty()) {
            File file = new File(explicit);
            if (file.isDirectory()) {
                file = new File(file, System.mapLibraryName(LIBRARY));
            }
            if (!file.isFile()) {
                throw new UnsatisfiedLinkError("iopkit: -Diopkit.library.path=" + explicit + ": no such library file");
            }
            System.load(file.getAbsolutePath());
            return file.getAbsolutePath();
        }
        UnsatisfiedLinkError notOnPath;
        try {
            System.loadLibrary(LIBRARY);
            return "java.library.path";
        } catch (UnsatisfiedLinkError e) {
            notOnPath = e;
        }
        String resource = "/native/" + platform() + "/" + System.mapLibraryName(LIBRARY);
        try (InputStream in = NativeLoader.class.getResourceAsStream(resource)) {
            if (in == null) {
                UnsatisfiedLinkError e = new UnsatisfiedLinkError("iopkit: cannot find the native library "
                        + System.mapLibraryName(LIBRARY) + ": not in -Diopkit.library.path, not on java.library.path ("
                        + notOnPath.getMessage() + "), and the JAR bundles none for " + platform());
                e.addSuppressed(notOnPath);
                throw e;
            }
            Path tmp = Files.createTempFile("libiop_jni-", ".so");
            tmp.toFile().deleteOnExit();
            Files.copy(in, tmp, StandardCopyOption.REPLACE_EXISTING);
            System.load(tmp.toAbsolutePath().toString());
            return "jar:" + resource;
        } catch (IOException e) {
            UnsatisfiedLinkError error = new UnsatisfiedLinkError("iopkit: cannot extract " + resource + ": " + e);
            error.initCause(e);
            throw error;
        }
    }

    /** {@code linux-x86_64}, {@code linux-aarch64}, … */
    static String platform() {
        String os = System.getProperty("os.name", "").toLowerCase(Locale.ROOT);
        String arch = System.getProperty("os.arch", "").toLowerCase(Locale.ROOT);
        String o = os.startsWith("linux") ? "linux" : os.startsWith("mac") ? "macos" : os.startsWith("windows") ? "windows" : os;
        String a = arch.equals("amd64") || arch.equals("x86_64") ? "x86_64" : arch.equals("arm64") ? "aarch64" : arch;
        return o + "-" + a;
    }

    static String majorMinor(String version) {
        String[] parts = version.split("\\.");
        return parts.length >= 2 ? parts[0] + "." + parts[1] : version;
    }
}
