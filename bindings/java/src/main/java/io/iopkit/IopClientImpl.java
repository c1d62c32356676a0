package io.iopkit;

/** The official SDKs' name for the client ({@code IopClient client = new IopClientImpl(url, appkey, appSecret);}). */
public class IopClientImpl extends IopClient {
    /** See {@link IopClient#IopClient(String, String, String)}. */
    public IopClientImpl(String serverUrl, String appKey, String appSecret) {
        super(serverUrl, appKey, appSecret);
    }

    /** See {@link IopClient#IopClient(String, String, String, int, int)}. */
    public IopClientImpl(String serverUrl, String appKey, String appSecret, int connectTimeout, int readTimeout) {
        super(serverUrl, appKey, appSecret, connectTimeout, readTimeout);
    }
}
