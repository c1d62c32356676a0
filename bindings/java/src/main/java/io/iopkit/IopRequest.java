package io.iopkit;

import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;

/**
 * An API call to make: its name, business parameters, files, headers and HTTP method, as in the
 * official SDKs. Values are signed and sent exactly as given (empty values included).
 *
 * <p>A plain, mutable object: do not change it while another thread executes it. The client
 * validates it when it is executed (an invalid one fails with {@link IopInvalidArgumentException}).
 */
public class IopRequest {
    private String apiName;
    private final Map<String, String> params = new LinkedHashMap<>();
    private final Map<String, FileItem> files = new LinkedHashMap<>();
    private final List<String[]> headers = new ArrayList<>();
    private String httpMethod = "POST";

    /** A request whose API name is set later with {@link #setApiName(String)}. */
    public IopRequest() {}

    /** A request for {@code apiName}: a path ({@code /auth/token/create}) or a dotted method name. */
    public IopRequest(String apiName) {
        setApiName(apiName);
    }

    /** A request for {@code apiName} sent with {@code httpMethod} ({@code GET} or {@code POST}). */
    public IopRequest(String apiName, String httpMethod) {
        setApiName(apiName);
        setHttpMethod(httpMethod);
    }

    /** Sets the API name. */
    public void setApiName(String apiName) {
        this.apiName = Objects.requireNonNull(apiName, "apiName");
    }

    /** The API name, or {@code null} when not set. */
    public String getApiName() {
        return apiName;
    }

    /**
     * Adds or replaces a business parameter. A {@code null} value is ignored, as in the official
     * SDKs; an empty value is sent (and signed) as is. {@code sign} is reserved.
     */
    public void addApiParameter(String key, String value) {
        Objects.requireNonNull(key, "key");
        if (value != null) {
            params.put(key, value);
        }
    }

    /** Attaches a file, sent as a multipart part (POST only; not signed). */
    public void addFileParameter(String key, FileItem file) {
        files.put(Objects.requireNonNull(key, "key"), Objects.requireNonNull(file, "file"));
    }

    /** Attaches in-memory content as a file. */
    public void addFileParameter(String key, String fileName, byte[] content) {
        addFileParameter(key, new FileItem(fileName, content));
    }

    /** Adds an HTTP header sent with the request (not signed). */
    public void addHeaderParameter(String name, String value) {
        headers.add(new String[] {Objects.requireNonNull(name, "name"), Objects.requireNonNull(value, "value")});
    }

    /** {@code GET} (parameters in the query) or {@code POST} (form body, the default), any case. */
    public void setHttpMethod(String httpMethod) {
        String m = Objects.requireNonNull(httpMethod, "httpMethod").toUpperCase(Locale.ROOT);
        if (!m.equals("GET") && !m.equals("POST")) {
            throw new IllegalArgumentException("httpMethod must be GET or POST, not " + httpMethod);
        }
        this.httpMethod = m;
    }

    /** {@code GET} or {@code POST}. */
    public String getHttpMethod() {
        return httpMethod;
    }

    /** The business parameters (read-only view). */
    public Map<String, String> getApiParams() {
        return Collections.unmodifiableMap(params);
    }

    /** The attached files (read-only view). */
    public Map<String, FileItem> getFileParams() {
        return Collections.unmodifiableMap(files);
    }

    /** The headers as {@code name: value} pairs, in order (a copy). */
    public List<Map.Entry<String, String>> getHeaderParams() {
        List<Map.Entry<String, String>> out = new ArrayList<>();
        for (String[] h : headers) {
            out.add(Map.entry(h[0], h[1]));
        }
        return out;
    }

    String[] flatParams() {
        String[] out = new String[params.size() * 2];
        int i = 0;
        for (Map.Entry<String, String> e : params.entrySet()) {
            out[i++] = e.getKey();
            out[i++] = e.getValue();
        }
        return out;
    }

    String[] flatHeaders() {
        String[] out = new String[headers.size() * 2];
        int i = 0;
        for (String[] h : headers) {
            out[i++] = h[0];
            out[i++] = h[1];
        }
        return out;
    }

    Map<String, FileItem> files() {
        return files;
    }

    @Override
    public String toString() {
        // Names only: values may be codes or tokens.
        return "IopRequest{apiName=" + apiName + ", params=" + params.keySet() + ", files=" + files.keySet()
                + ", method=" + httpMethod + "}";
    }
}
