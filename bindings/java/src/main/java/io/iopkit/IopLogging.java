package io.iopkit;

import io.iopkit.internal.LogBridge;

/**
 * The library's log stream, routed to the {@link System.Logger} named {@value #LOGGER_NAME}
 * (java.util.logging unless the application installed another {@code LoggerFinder}). Each event
 * becomes one record at the mapped level (library ERROR, WARN, INFO, DEBUG, TRACE: ERROR,
 * WARNING, INFO, DEBUG, TRACE) with the message {@code "{0}"} and one parameter, the
 * {@link LogEvent} (name, message, fields as JSON), whose {@code toString()} is the printed text.
 * Events are made on the thread doing the work (a batch worker too).
 *
 * <p>The library only formats events the logger would take: the level it produces follows the
 * logger's level as read when the first client is created and on {@link #refreshLevel()}
 * (call it after changing the logging configuration), or is set with {@link #setLevel}.
 * Routing starts with the first client.
 *
 * <pre>{@code
 * java.util.logging.Logger.getLogger("io.iopkit").setLevel(java.util.logging.Level.FINE);
 * IopLogging.refreshLevel();   // call.start (DEBUG) and everything above it from now on
 * }</pre>
 */
public final class IopLogging {
    /** The logger's name. */
    public static final String LOGGER_NAME = LogBridge.LOGGER_NAME;

    private IopLogging() {}

    /**
     * Makes the library produce events at {@code level} and above ({@code null} or
     * {@link System.Logger.Level#OFF}: none); the logger still filters them.
     */
    public static void setLevel(System.Logger.Level level) {
        LogBridge.install();
        LogBridge.setLevel(level);
    }

    /** Sets the library's level from the logger's ({@link System.Logger#isLoggable}); returns it. */
    public static System.Logger.Level refreshLevel() {
        LogBridge.install();
        return LogBridge.refreshLevel();
    }

    /** The level the library produces events at ({@link System.Logger.Level#OFF}: none). */
    public static System.Logger.Level getLevel() {
        return LogBridge.level();
    }
}
