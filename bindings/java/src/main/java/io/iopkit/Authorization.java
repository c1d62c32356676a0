package io.iopkit;

import io.iopkit.internal.Native;
import java.util.Objects;

/**
 * The sellers' authorization page: its URL, a random {@code state} tying the redirect back to the
 * request that started it, and the constant-time check of that {@code state}.
 *
 * <pre>{@code
 * String state = Authorization.newState();                 // keep it, server side
 * String url = Authorization.authorizeUrl(Authorization.Platform.LAZADA, appKey,
 *         "https://example.com/callback", "sg", state);    // send the seller there
 * // In the callback (…/callback?code=…&state=…):
 * if (!Authorization.verifyState(state, request.getParameter("state"))) { reject(); }
 * Token token = authClient.createToken(request.getParameter("code"));
 * }</pre>
 */
public final class Authorization {
    private Authorization() {}

    /** Whose authorization page a URL opens. */
    public enum Platform {
        /** {@code https://auth.lazada.com/oauth/authorize}; takes an optional {@code country}. */
        LAZADA,
        /** {@code https://api-sg.aliexpress.com/oauth/authorize}; takes no {@code country}. */
        ALIEXPRESS
    }

    /**
     * The URL of {@code platform}'s authorization page for app {@code clientId} (the app key),
     * redirecting to {@code redirectUri}:
     * {@code <page>?response_type=code&force_auth=true&redirect_uri=…&client_id=…[&state=…][&country=…]},
     * every value percent-encoded.
     *
     * @param country Lazada's two-letter country ({@code "sg"}, …), or {@code null}; AliExpress
     *     takes none
     * @param state the value to get back with the code (use {@link #newState()}), or {@code null}
     * @throws IopInvalidArgumentException if an argument is empty or malformed (the message names
     *     it)
     */
    public static String authorizeUrl(Platform platform, String clientId, String redirectUri, String country,
            String state) throws IopInvalidArgumentException {
        return authorizeUrl(platform, null, clientId, redirectUri, country, state);
    }

    /**
     * As {@link #authorizeUrl(Platform, String, String, String, String)} with another page than
     * the platform's: {@code baseUrl} ({@code null}: the platform's) is a full
     * {@code …/oauth/authorize} URL, {@code https://} or {@code http://} on loopback (a sandbox),
     * without a query.
     */
    public static String authorizeUrl(Platform platform, String baseUrl, String clientId, String redirectUri,
            String country, String state) throws IopInvalidArgumentException {
        Objects.requireNonNull(platform, "platform");
        Objects.requireNonNull(clientId, "clientId");
        Objects.requireNonNull(redirectUri, "redirectUri");
        try {
            return Native.authorizeUrl(platform.ordinal(), baseUrl, clientId, redirectUri, country, state);
        } catch (IopInvalidArgumentException e) {
            throw e;
        } catch (IopException e) {
            throw new IllegalStateException(e.getMessage(), e);
        }
    }

    /**
     * A fresh random {@code state}: 192 bits from the operating system's generator, as 32
     * URL-safe characters.
     *
     * @throws IllegalStateException if the system's random number generator fails
     */
    public static String newState() {
        try {
            return Native.newState();
        } catch (IopException e) {
            throw new IllegalStateException(e.getMessage(), e);
        }
    }

    /**
     * Whether the {@code state} received with the redirect is the one sent, compared in constant
     * time (for equal lengths). False when either is {@code null} or {@code expected} is empty.
     */
    public static boolean verifyState(String expected, String received) {
        try {
            return Native.verifyState(expected, received);
        } catch (IopException e) {
            throw new IllegalStateException(e.getMessage(), e);
        }
    }
}
