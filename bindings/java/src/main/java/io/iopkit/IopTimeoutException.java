package io.iopkit;

/** The connect timeout or the read timeout expired. */
public class IopTimeoutException extends IopException {
    private static final long serialVersionUID = 1L;

    /** An exception with the core's message. */
    public IopTimeoutException(String message) {
        super(Kind.TIMEOUT, message, null, null, null, null, null, 0);
    }
}
