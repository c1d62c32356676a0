package io.iopkit;

/** A required argument was missing, empty or malformed; the message names it. */
public class IopInvalidArgumentException extends IopException {
    private static final long serialVersionUID = 1L;

    /** An exception with the core's message. */
    public IopInvalidArgumentException(String message) {
        super(Kind.INVALID_ARGUMENT, message, null, null, null, null, null, 0);
    }
}
