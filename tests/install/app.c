/* An installed-libiop consumer: creates a token from IOP_CODE, refreshes it, calls /seller/get.
 * IOP_GATEWAY, IOP_APP_KEY, IOP_APP_SECRET and IOP_CODE come from the environment (the sandbox).
 * Prints "round trip ok" and exits 0 when all three succeed; never prints a token. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <iop.h>

static int fail(const char *what) {
    const char *message = iop_last_error_message();
    fprintf(stderr, "%s failed: %s: %s\n", what, iop_status_name(iop_last_error_status()), message ? message : "");
    return 1;
}

int main(void) {
    const char *gateway = getenv("IOP_GATEWAY"), *key = getenv("IOP_APP_KEY");
    const char *secret = getenv("IOP_APP_SECRET"), *code = getenv("IOP_CODE");
    if (!gateway || !key || !secret || !code) {
        fprintf(stderr, "set IOP_GATEWAY, IOP_APP_KEY, IOP_APP_SECRET and IOP_CODE\n");
        return 2;
    }
    printf("libiop %s\n", iop_version());
    IopClient *client = NULL;
    IopToken *token = NULL, *refreshed = NULL;
    IopRequest *request = NULL;
    IopResponse *response = NULL;
    int rc = 1;
    if (iop_client_new(gateway, key, secret, NULL, &client) != IOP_OK) {
        rc = fail("iop_client_new");
    } else if (iop_token_create(client, code, &token) != IOP_OK) {
        rc = fail("iop_token_create");
    } else if (iop_token_refresh(client, iop_token_refresh_token(token), &refreshed) != IOP_OK) {
        rc = fail("iop_token_refresh");
    } else if (strcmp(iop_token_refresh_token(token), iop_token_refresh_token(refreshed)) == 0) {
        fprintf(stderr, "the refresh token did not rotate\n");
    } else if (iop_request_new("/seller/get", &request) != IOP_OK) {
        rc = fail("iop_request_new");
    } else if (iop_client_execute(client, request, iop_token_access_token(refreshed), IOP_PROTOCOL_AUTO, &response) != IOP_OK) {
        rc = fail("iop_client_execute");
    } else if (!iop_response_is_success(response)) {
        fprintf(stderr, "/seller/get: platform error %s\n", iop_response_code(response));
    } else {
        printf("token created, refreshed (rotated), /seller/get HTTP %d\n", (int)iop_response_http_status(response));
        printf("round trip ok\n");
        rc = 0;
    }
    iop_response_free(response);
    iop_request_free(request);
    iop_token_free(refreshed);
    iop_token_free(token);
    iop_client_free(client);
    return rc;
}
