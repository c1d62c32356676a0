package io.iopkit;

/**
 * The outcome of one call of a batch ({@link IopClient#executeBatch}): the response (a platform
 * error is a response whose {@link IopResponse#isSuccess()} is false, as with
 * {@link IopClient#execute}) or the exception the call would have thrown (a timeout, a connect
 * failure, …). Immutable.
 */
public final class BatchResult {
    private final IopResponse response;
    private final IopException exception;

    BatchResult(IopResponse response, IopException exception) {
        this.response = response;
        this.exception = exception;
    }

    /** True when the call returned a response (which may still be a platform error). */
    public boolean hasResponse() {
        return response != null;
    }

    /** The response, or {@code null} when the call failed. */
    public IopResponse getResponse() {
        return response;
    }

    /** The failure ({@link IopTimeoutException}, …), or {@code null} when there is a response. */
    public IopException getException() {
        return exception;
    }

    /** The response, or throws the call's failure. */
    public IopResponse get() throws IopException {
        if (exception != null) {
            throw exception;
        }
        return response;
    }

    @Override
    public String toString() {
        return "BatchResult{" + (exception != null ? exception : response) + "}";
    }
}
