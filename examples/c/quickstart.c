/*
 * quickstart.c: authorize a seller, refresh the token and call an API with iopkit's C API.
 *
 * It runs against the sandbox, a local copy of the Lazada gateway built into the tests
 * (libiop_sandbox.so), so it needs no account and no network. Build and run it with
 * examples/c/build.sh. Against the real platform, only the URL, the app key and secret, and
 * the way the authorization code arrives change.
 *
 * API conventions (see include/iop.h): functions return an IopStatus (IOP_OK = 0) and write
 * results through out-parameters; on failure iop_last_error_message() says why. Every object
 * has a _free function that accepts NULL; strings returned by accessors are borrowed.
 * Durations are milliseconds, and IOP_USE_DEFAULT (-1) picks a setting's documented default.
 * The sandbox (iop_sandbox.h) follows the same model, with iop_sandbox_last_error_message().
 */
#define _POSIX_C_SOURCE 200809L /* gmtime_r */
#include <stdio.h>
#include <string.h>
#include <time.h>

#include "iop.h"
#include "iop_sandbox.h"

#define APP_KEY "100001"
#define APP_SECRET "sandboxSecret-100001-0123456789abcdef" /* the sandbox's test app */

/* Epoch milliseconds as ISO-8601 UTC, e.g. 2025-01-31T08:00:00Z. */
static const char *iso8601(int64_t ms, char *buf, size_t size) {
    time_t secs = (time_t)(ms / 1000);
    struct tm tm;
    gmtime_r(&secs, &tm);
    strftime(buf, size, "%Y-%m-%dT%H:%M:%SZ", &tm);
    return buf;
}

/* Never print a whole token: its first 6 characters and its length are enough to tell. */
static void print_masked(const char *label, const char *token) {
    printf("  %-16s %.6s… (%zu chars)\n", label, token, strlen(token));
}

/* Reports a failed iop_* call with the library's message (which never contains secrets). */
static int failed(const char *what) {
    const char *message = iop_last_error_message();
    fprintf(stderr, "%s failed: %s: %s\n", what, iop_status_name(iop_last_error_status()),
            message ? message : "(no message)");
    return 1;
}

/* Reports a failed iop_sandbox_* call (the sandbox keeps its own last error). */
static int sandbox_failed(const char *what, IopStatus status) {
    const char *message = iop_sandbox_last_error_message();
    fprintf(stderr, "%s failed: %s: %s\n", what, iop_status_name(status), message ? message : "(no message)");
    return 1;
}

int main(void) {
    int rc = 1;
    char when[32], url[256];
    /* Everything starts NULL: the cleanup at the end frees whatever was created. */
    IopSandbox *sandbox = NULL;
    char *code = NULL;
    IopConfig *config = NULL;
    IopClient *client = NULL;
    IopToken *token = NULL, *refreshed = NULL;
    IopRequest *request = NULL;
    IopResponse *response = NULL;

    printf("iopkit %s\n", iop_version());

    /* 1. Start the local gateway. */
    IopStatus status = iop_sandbox_start(NULL, &sandbox);
    if (status != IOP_OK) {
        rc = sandbox_failed("iop_sandbox_start", status);
        goto done;
    }
    printf("sandbox listening on %s\n", iop_sandbox_url(sandbox));

    /* 2. Get an authorization code. For real, the seller signs in on the OAuth page (its URL,
     *    IOP_URL_LAZADA_OAUTH?response_type=code&client_id=APP_KEY&redirect_uri=…&state=…, is
     *    built by iop_authorize_build_url with a state from iop_authorize_new_state) and the
     *    platform redirects to your redirect_uri with ?code=…&state=… (check the state with
     *    iop_authorize_verify_state); a code is valid for 30 minutes and can be used once.
     *    The sandbox issues one directly. */
    status = iop_sandbox_issue_code(sandbox, APP_KEY, &code);
    if (status != IOP_OK) {
        rc = sandbox_failed("iop_sandbox_issue_code", status);
        goto done;
    }

    /* 3. A client for the gateway and app (for real: IOP_URL_LAZADA_AUTH for the token calls,
     *    IOP_URL_LAZADA_SG and its siblings for the APIs). Settings come from an IopConfig,
     *    copied by the client (NULL instead of a config means every default); here a 10 s read
     *    timeout, every other setting left at its default (IOP_DEFAULT_*). One client can be
     *    shared by all threads. */
    if (iop_config_new(&config) != IOP_OK) {
        rc = failed("iop_config_new");
        goto done;
    }
    if (iop_config_set_read_timeout_ms(config, 10000) != IOP_OK) {
        rc = failed("iop_config_set_read_timeout_ms");
        goto done;
    }
    snprintf(url, sizeof url, "%s/lazada/rest", iop_sandbox_url(sandbox));
    if (iop_client_new(url, APP_KEY, APP_SECRET, config, &client) != IOP_OK) {
        rc = failed("iop_client_new");
        goto done;
    }

    /* 4. Exchange the code for a token. */
    if (iop_token_create(client, code, &token) != IOP_OK) {
        rc = failed("iop_token_create");
        goto done;
    }
    const char *seller_id = iop_token_seller_id(token);
    const char *account = iop_token_account(token), *country = iop_token_country(token);
    printf("token created:\n");
    printf("  %-16s %s\n", "seller id", seller_id ? seller_id : "-");
    printf("  %-16s %s\n", "account", account ? account : "-");
    printf("  %-16s %s\n", "country", country ? country : "-");
    print_masked("access token", iop_token_access_token(token));
    print_masked("refresh token", iop_token_refresh_token(token));
    printf("  %-16s %s\n", "access expires", iso8601(iop_token_expires_at_ms(token), when, sizeof when));
    printf("  %-16s %s\n", "refresh expires", iso8601(iop_token_refresh_expires_at_ms(token), when, sizeof when));
    printf("  %-16s %s\n", "can refresh", iop_token_can_refresh(token) ? "yes" : "no");

    /* 5. Refresh it before the access token expires. The answer carries a NEW refresh token
     *    and the old one is dead from now on: store the new one before anything else. */
    if (iop_token_refresh(client, iop_token_refresh_token(token), &refreshed) != IOP_OK) {
        rc = failed("iop_token_refresh");
        goto done;
    }
    printf("token refreshed:\n");
    printf("  %-16s %s\n", "access expires", iso8601(iop_token_expires_at_ms(refreshed), when, sizeof when));
    printf("  %-16s %s\n", "refresh rotated",
           strcmp(iop_token_refresh_token(refreshed), iop_token_refresh_token(token)) != 0 ? "yes" : "no");

    /* 6. Call an API with the access token. A platform error (an expired token, say) is still
     *    IOP_OK: the response then says is_success false, with the platform's code. */
    if (iop_request_new("/seller/get", &request) != IOP_OK) {
        rc = failed("iop_request_new");
        goto done;
    }
    if (iop_client_execute(client, request, iop_token_access_token(refreshed), IOP_PROTOCOL_AUTO,
                           &response) != IOP_OK) {
        rc = failed("iop_client_execute");
        goto done;
    }
    printf("/seller/get: HTTP %d, is_success %s\n", (int)iop_response_http_status(response),
           iop_response_is_success(response) ? "true" : "false");
    if (!iop_response_is_success(response)) {
        const char *error = iop_response_code(response), *message = iop_response_message(response);
        fprintf(stderr, "platform error %s: %s\n", error ? error : "?", message ? message : "");
        goto done;
    }
    rc = 0;

done:
    iop_response_free(response);
    iop_request_free(request);
    iop_token_free(refreshed);
    iop_token_free(token);
    iop_client_free(client);
    iop_config_free(config);
    iop_sandbox_string_free(code);
    iop_sandbox_free(sandbox);
    return rc;
}
