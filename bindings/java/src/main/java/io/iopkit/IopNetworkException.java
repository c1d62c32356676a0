package io.iopkit;

/** The connection failed after it was made: the request may have reached the server. */
public class IopNetworkException extends IopException {
    private static final long serialVersionUID = 1L;

    /** An exception with the core's message. */
    public IopNetworkException(String message) {
        super(Kind.NETWORK, message, null, null, null, null, null, 0);
    }
}
