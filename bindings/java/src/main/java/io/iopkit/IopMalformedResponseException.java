package io.iopkit;

/** The body was not JSON, was truncated, or was larger than the configured limit. */
public class IopMalformedResponseException extends IopException {
    private static final long serialVersionUID = 1L;

    /** An exception with the core's message. */
    public IopMalformedResponseException(String message, int httpStatus) {
        super(Kind.MALFORMED_RESPONSE, message, null, null, null, null, null, httpStatus);
    }
}
