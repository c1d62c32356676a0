package io.iopkit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.iopkit.internal.Native;
import io.iopkit.internal.NativeLoader;
import java.io.File;
import java.lang.reflect.Field;
import java.lang.reflect.Modifier;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/** Library loading (explicit path, java.library.path, the JAR's copy), versions, -Xcheck:jni. */
class LoaderTest {
    static final String JAVA = Path.of(System.getProperty("java.home"), "bin", "java").toString();

    static String classesDir() {
        return System.getProperty("iopkit.classes.dir", "target/classes");
    }

    static String testClassesDir() {
        return System.getProperty("iopkit.test.classes.dir", "target/test-classes");
    }

    static Path libraryFile() {
        return Path.of(System.getProperty("iopkit.library.path")).toAbsolutePath();
    }

    /** Runs a child JVM; returns its combined stdout and stderr; fails on a non-zero exit. */
    static String runJava(List<String> args) throws Exception {
        List<String> cmd = new ArrayList<>();
        cmd.add(JAVA);
        cmd.addAll(args);
        ProcessBuilder pb = new ProcessBuilder(cmd).redirectErrorStream(true);
        pb.environment().put("RUST_BACKTRACE", "0");
        Process p = pb.start();
        p.getOutputStream().close();
        byte[] out = p.getInputStream().readAllBytes();
        assertTrue(p.waitFor(120, TimeUnit.SECONDS));
        String text = new String(out, StandardCharsets.UTF_8);
        assertEquals(0, p.exitValue(), String.join(" ", cmd) + "\n" + text);
        return text;
    }

    static void assertNoJniWarnings(String output) {
        for (String line : output.split("\n")) {
            assertFalse(line.contains("WARNING") || line.contains("FATAL ERROR") || line.contains("JNI local refs"),
                    "JNI check output: " + line + "\n--- full output ---\n" + output);
        }
    }

    @Test
    void loadedFromTheExplicitPathWithAMatchingVersion() {
        Native.ensureLoaded();
        assertEquals(libraryFile().toString(), NativeLoader.source());
        String binding = Iopkit.bindingVersion();
        String core = Iopkit.nativeVersion();
        assertTrue(core.matches("\\d+\\.\\d+\\.\\d+"), core);
        assertEquals(binding.substring(0, binding.lastIndexOf('.')), core.substring(0, core.lastIndexOf('.')),
                "binding " + binding + " vs core " + core);
    }

    @Test
    void theBundledCopyLoadsWithoutAnyLibraryPath() throws Exception {
        Path bundled = Path.of(classesDir(), "native", NativeLoaderAccess.platform(), "libiop_jni.so");
        assertTrue(Files.isRegularFile(bundled), "the build did not bundle " + bundled
                + " (build the native library first, or set -Diopkit.native.dir)");
        String out = runJava(List.of("-Xcheck:jni", "-cp", classesDir(), "io.iopkit.Iopkit"));
        assertTrue(out.contains("library from jar:/native/linux-x86_64/libiop_jni.so"), out);
        assertNoJniWarnings(out);
    }

    @Test
    void javaLibraryPathIsUsedWhenSet() throws Exception {
        String out = runJava(List.of("-Xcheck:jni", "-Djava.library.path=" + libraryFile().getParent(),
                "-cp", classesDir(), "io.iopkit.Iopkit"));
        assertTrue(out.contains("library from java.library.path"), out);
    }

    @Test
    void explicitPathMayBeADirectory() throws Exception {
        String out = runJava(List.of("-Diopkit.library.path=" + libraryFile().getParent(), "-cp", classesDir(),
                "io.iopkit.Iopkit"));
        assertTrue(out.contains("library from " + libraryFile()), out);
    }

    @Test
    void workloadUnderXcheckJniPrintsNoWarning() throws Exception {
        String cp = classesDir() + File.pathSeparator + testClassesDir();
        String out = runJava(List.of("-Xcheck:jni", "-Diopkit.library.path=" + libraryFile(),
                "-Diopkit.sandbox=" + Sandbox.binary(), "-cp", cp, "io.iopkit.JniWorkload"));
        assertTrue(out.contains("WORKLOAD OK"), out);
        assertNoJniWarnings(out);
    }

    @Test
    void urlConstantsCoverEveryCoreGateway() throws Exception {
        Set<String> values = new HashSet<>();
        for (Field f : UrlConstants.class.getFields()) {
            if (Modifier.isStatic(f.getModifiers()) && f.getType() == String.class) {
                values.add((String) f.get(null));
            }
        }
        int urls = 0;
        for (Field f : Native.class.getFields()) {
            if (f.getName().startsWith("IOP_URL_")) {
                urls++;
                assertTrue(values.contains((String) f.get(null)), "UrlConstants lacks " + f.getName());
            }
        }
        assertEquals(urls, values.size());
        assertEquals("https://api.taobao.tw/rest", UrlConstants.API_GATEWAY_URL_TW);
        assertEquals("https://auth.taobao.tw/rest", UrlConstants.API_AUTHORIZATION_URL_TW);
        assertEquals("https://auth.lazada.com/rest", UrlConstants.API_AUTHORIZATION_URL);
    }
}
