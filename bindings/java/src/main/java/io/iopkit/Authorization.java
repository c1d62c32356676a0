package io.iopkit;

import io.iopkit.internal.Native;

/**
 * The sellers' authorization page: its URL, a random {@code state} tying the redirect to the
 * request that started it, and the constant-time check of that {@code state}.
 *
 * <pre>{@code
 * String state = Authorization.newState();                 // keep it, server side
 * String url = Authorization.authorizeUrl(Authorization.Platform.LAZADA, appKey,
 *         "https://example.com/callback", "sg", state);    // send the seller there
 * if (!Authorization.verifyState(state, request.getParameter("state"))) { reject(); }
 * }</pre>
 */
public final class Authorization {
    private Authorization() {}

    /** Whose authorization page a URL opens ({@code IopPlatform}). */
    public enum Platform {
        /** Lazada; takes an optional {@code country}. */
        LAZADA(Native.IOP_PLATFORM_LAZADA),
        /** AliExpress; takes no {@code country}. */
        ALIEXPRESS(Native.IOP_PLATFORM_ALIEXPRESS);

        private final int value;

        Platform(int value) {
            this.value = value;
        }
    }

    /** As {@link #authorizeUrl(Platform, String, String, String, String, String)} on the platform's own page. */
    public static String authorizeUrl(Platform platform, String clientId, String redirectUri, String country,
            String state) throws IopException {
        return authorizeUrl(platform, null, clientId, redirectUri, country, state);
    }

    /**
     * The URL of {@code platform}'s authorization page ({@code baseUrl}, {@code null}: the
     * platform's) for app {@code clientId}, redirecting to {@code redirectUri}, with Lazada's
     * {@code country} and the {@code state} to get back ({@link #newState()}); either may be {@code null}.
     *
     * @throws IopInvalidArgumentException if an argument is empty or malformed
     */
    public static String authorizeUrl(Platform platform, String baseUrl, String clientId, String redirectUri,
            String country, String state) throws IopException {
        return Native.authorizeBuildUrl(platform.value, baseUrl, clientId, redirectUri, country, state);
    }

    /** A fresh random {@code state}: 192 bits as 32 URL-safe characters. */
    public static String newState() {
        try {
            return Native.authorizeNewState();
        } catch (IopException e) {
            throw new IllegalStateException(e.getMessage(), e);
        }
    }

    /** Whether the {@code state} received is the one sent (constant time); false when either is {@code null}. */
    public static boolean verifyState(String expected, String received) {
        return Native.authorizeVerifyState(expected, received);
    }
}
