package io.iopkit;

import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;

/**
 * An API call to make, as in the official SDKs: its name, business parameters, files, headers and
 * HTTP method. A plain, mutable Java object copied into a native request when executed (which is
 * when the library validates it); do not change it while another thread executes it.
 */
public class IopRequest {
    private String apiName;
    private final Map<String, String> params = new LinkedHashMap<>();
    private final Map<String, FileItem> files = new LinkedHashMap<>();
    private final List<Map.Entry<String, String>> headers = new ArrayList<>();
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
        this.apiName = apiName;
    }

    /** The API name, or {@code null} when not set. */
    public String getApiName() {
        return apiName;
    }

    /** Adds or replaces a business parameter; a {@code null} value is ignored, as in the official SDKs. */
    public void addApiParameter(String key, String value) {
        if (value != null) {
            params.put(key, value);
        }
    }

    /** Attaches a file, sent as a multipart part (POST only; not signed). */
    public void addFileParameter(String key, FileItem file) {
        files.put(key, Objects.requireNonNull(file, "file"));
    }

    /** Attaches in-memory content as a file. */
    public void addFileParameter(String key, String fileName, byte[] content) {
        addFileParameter(key, new FileItem(fileName, content));
    }

    /** Adds an HTTP header sent with the request (not signed). */
    public void addHeaderParameter(String name, String value) {
        headers.add(new java.util.AbstractMap.SimpleImmutableEntry<>(name, value));
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

    /** The business parameters, in order (read-only view). */
    public Map<String, String> getApiParams() {
        return Collections.unmodifiableMap(params);
    }

    /** The attached files (read-only view). */
    public Map<String, FileItem> getFileParams() {
        return Collections.unmodifiableMap(files);
    }

    /** The headers as {@code name: value} pairs, in order (read-only view). */
    public List<Map.Entry<String, String>> getHeaderParams() {
        return Collections.unmodifiableList(headers);
    }

    @Override
    public String toString() {
        // Names only: values may be codes or tokens.
        return "IopRequest{apiName=" + apiName + ", params=" + params.keySet() + ", files=" + files.keySet()
                + ", method=" + httpMethod + "}";
    }
}
