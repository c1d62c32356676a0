package io.iopkit;

/** The connection could not be made: the request never reached the server (refused, unresolvable host, …). */
public class IopConnectException extends IopException {
    private static final long serialVersionUID = 1L;

    /** An exception with the core's message. */
    public IopConnectException(String message) {
        super(Kind.CONNECT, message, null, null, null, null, null, 0);
    }
}
