package io.iopkit;

/** The TLS handshake or certificate verification failed (verification is never turned off). */
public class IopTlsException extends IopException {
    private static final long serialVersionUID = 1L;

    /** An exception with the core's message. */
    public IopTlsException(String message) {
        super(Kind.TLS, message, null, null, null, null, null, 0);
    }
}
