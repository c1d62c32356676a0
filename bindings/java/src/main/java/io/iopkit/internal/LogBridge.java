package io.iopkit.internal;

import io.iopkit.IopException;
import io.iopkit.LogEvent;
import java.util.ResourceBundle;

/**
 * Routes the library's events ({@code iop_log_set_callback}) to the {@code io.iopkit}
 * {@link System.Logger}: the native callback (libiop_jni, {@code log.rs}) attaches the calling
 * thread and calls {@link #dispatch}. Internal: see {@link io.iopkit.IopLogging}.
 */
public final class LogBridge {
    /** The logger's name. */
    public static final String LOGGER_NAME = "io.iopkit";

    private static final System.Logger LOGGER = System.getLogger(LOGGER_NAME);
    /** Library levels, most verbose first, with their logger levels. */
    private static final int[] NATIVE = {Native.IOP_LOG_TRACE, Native.IOP_LOG_DEBUG, Native.IOP_LOG_INFO,
        Native.IOP_LOG_WARN, Native.IOP_LOG_ERROR};
    private static final System.Logger.Level[] JAVA = {System.Logger.Level.TRACE, System.Logger.Level.DEBUG,
        System.Logger.Level.INFO, System.Logger.Level.WARNING, System.Logger.Level.ERROR};

    private static volatile int level = Native.IOP_LOG_OFF;

    private LogBridge() {}

    /** The address of the native callback (an {@code IopLogCallback}); prepares what it needs. */
    private static native long callback();

    /** Installs the callback once, at the logger's level. */
    public static void install() {
        Installed.ensure();
    }

    /** Holder: installs on first use, once. */
    private static final class Installed {
        static {
            Native.ensureLoaded();
            int from = fromLogger();
            try {
                Native.logSetCallback(callback(), 0, from);
            } catch (IopException e) {
                throw new IllegalStateException(e.getMessage(), e);
            }
            level = from;
        }

        static void ensure() {
            // The static initializer does the work.
        }
    }

    /** Sets the library's level ({@code null}/OFF: none). */
    public static synchronized void setLevel(System.Logger.Level javaLevel) {
        int n = Native.IOP_LOG_OFF;
        for (int i = 0; i < JAVA.length && javaLevel != null; i++) {
            if (JAVA[i] == javaLevel || (javaLevel == System.Logger.Level.ALL && i == 0)) {
                n = NATIVE[i];
            }
        }
        apply(n);
    }

    /** Sets the library's level from the logger's; returns it. */
    public static synchronized System.Logger.Level refreshLevel() {
        apply(fromLogger());
        return level();
    }

    private static void apply(int n) {
        try {
            Native.logSetLevel(n);
        } catch (IopException e) {
            throw new IllegalStateException(e.getMessage(), e);
        }
        level = n;
    }

    /** The library's current level as a logger level. */
    public static System.Logger.Level level() {
        return toJava(level);
    }

    /** The most verbose library level the logger takes. */
    private static int fromLogger() {
        for (int i = 0; i < JAVA.length; i++) {
            if (LOGGER.isLoggable(JAVA[i])) {
                return NATIVE[i];
            }
        }
        return Native.IOP_LOG_OFF;
    }

    private static System.Logger.Level toJava(int nativeLevel) {
        for (int i = 0; i < NATIVE.length; i++) {
            if (NATIVE[i] == nativeLevel) {
                return JAVA[i];
            }
        }
        return System.Logger.Level.OFF;
    }

    /** Called by the native callback on the thread doing the work; never throws. */
    static void dispatch(int nativeLevel, String event, String message, String fieldsJson) {
        try {
            System.Logger.Level l = toJava(nativeLevel);
            if (l != System.Logger.Level.OFF && LOGGER.isLoggable(l)) {
                LOGGER.log(l, (ResourceBundle) null, "{0}", new LogEvent(l, event, message, fieldsJson));
            }
        } catch (Throwable ignored) {
            // A failing logger must not break the call being logged.
        }
    }
}
