package io.iopkit;

/** A bug in the library, such as a Rust panic caught at the JNI boundary. */
public class IopInternalException extends IopException {
    private static final long serialVersionUID = 1L;

    /** An exception with the core's message. */
    public IopInternalException(String message, String code, String type, String subCode, String subMessage, String requestId, int httpStatus) {
        super(Kind.INTERNAL, message, code, type, subCode, subMessage, requestId, httpStatus);
    }
}
