package io.iopkit;

/** The server answered with an HTTP error status and a body that is not a platform envelope (an HTML 502 page, say); the message keeps the status and a short excerpt. */
public class IopHttpException extends IopException {
    private static final long serialVersionUID = 1L;

    /** An exception with the core's message. */
    public IopHttpException(String message, int httpStatus) {
        super(Kind.HTTP, message, null, null, null, null, null, httpStatus);
    }
}
