/*
 * test_iop.c: tests of the C ABI 0.2 in include/iop.h (and of the sandbox's, iop_sandbox.h),
 * run by tests/c/run.sh (plain, under valgrind and with ASan/UBSan, gcc and clang).
 *
 * Groups: "offline" (arguments, settings (IopConfig), errors, signing vectors, token parsing
 * and JSON, header constants), "gateway" (one in-process sandbox with the default apps),
 * "clock" (a sandbox with short lifetimes whose virtual clock is moved), "transport" (local
 * sockets: refused, stalled, canned replies), "manager" (token stores and managers, a sandbox
 * and a redis-server of its own) and "enos" (the EnOS token service, a sandbox).
 *
 * Never prints a token or secret: only lengths. Environment (set by run.sh):
 *   IOP_C_TEST_SLACK_MS  extra milliseconds allowed in timing checks (valgrind is slow)
 *   IOP_C_TEST_CALLS     calls per thread in the concurrency test (default 50)
 * An optional argument runs only the tests whose name contains it.
 */
#define _GNU_SOURCE /* dladdr */
#include <arpa/inet.h>
#include <ctype.h>
#include <dlfcn.h>
#include <fcntl.h>
#include <inttypes.h>
#include <netinet/in.h>
#include <poll.h>
#include <pthread.h>
#include <signal.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "iop.h"
#include "iop_sandbox.h"

#include "check.h"

/* ------------------------------------------------------------------------------------------ */
/* Helpers                                                                                    */

#define APP1_KEY "100001"
#define APP1_SECRET "sandboxSecret-100001-0123456789abcdef"
#define APP2_KEY "100002"
#define APP2_SECRET "sandboxSecret-100002-0123456789abcdef"
#define ACCESS_TTL_MS (604800LL * 1000)
#define REFRESH_TTL_MS (2592000LL * 1000)

#define COUNT(a) (sizeof(a) / sizeof((a)[0]))

static long g_slack_ms = 0;
static int g_calls = 50;

/* A last-error message for a failure report ("(no message)" for NULL). */
static const char *message_or_none(const char *m) {
    return m ? m : "(no message)";
}

static const char *msg_or_null(void) {
    return message_or_none(iop_last_error_message());
}

/* expr is an IopStatus; on a mismatch prints both names and `message` (read after the call),
 * then does `on_mismatch` (nothing, or return). */
#define CHECK_STATUS_WITH(expr, expected, message, on_mismatch) do { \
        IopStatus st_ = (expr); \
        if (st_ != (expected)) { \
            check_fail(__FILE__, __LINE__, #expr " == " #expected); \
            printf("#     got %s: %s\n", iop_status_name((int32_t)st_), message_or_none(message)); \
            on_mismatch; \
        } \
    } while (0)

#define CHECK_STATUS(expr, expected) CHECK_STATUS_WITH(expr, expected, iop_last_error_message(), (void)0)
#define REQUIRE_OK(expr) CHECK_STATUS_WITH(expr, IOP_OK, iop_last_error_message(), return)

/* Like CHECK_CONTAINS, for text holding tokens: prints nothing but the expression. */
#define CHECK_HAS_QUIETLY(hay, needle) CHECK((hay) != NULL && strstr((hay), (needle)) != NULL)

/* The last call failed with `status` and a message naming `arg` (as "`arg`"). */
#define CHECK_INVALID(expr, arg) do { \
        CHECK_STATUS(expr, IOP_ERR_INVALID_ARGUMENT); \
        CHECK(iop_last_error_status() == IOP_ERR_INVALID_ARGUMENT); \
        CHECK_CONTAINS(iop_last_error_message(), "`" arg "`"); \
    } while (0)

static int64_t now_ms(void) {
    struct timespec ts;
    clock_gettime(CLOCK_REALTIME, &ts);
    return (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

static int64_t mono_ms(void) {
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

static bool is_upper_hex64(const char *s) {
    if (s == NULL || strlen(s) != 64) return false;
    for (; *s; s++)
        if (!((*s >= '0' && *s <= '9') || (*s >= 'A' && *s <= 'F'))) return false;
    return true;
}

/* ---- Client settings. Sandbox clients are made from DEFAULTS, so every call to the sandbox
 * goes through a config on which each setter was given IOP_USE_DEFAULT (or NULL). */

/* What a test wants of a client's settings: numbers are IOP_USE_DEFAULT or a value; NULL
 * strings select the defaults (the default partner id, the built-in roots). */
struct settings {
    int64_t connect_ms, read_ms, max_bytes;
    int32_t retries;
    const char *partner_id, *ca_bundle;
    bool insecure;
};

static const struct settings DEFAULTS = {IOP_USE_DEFAULT, IOP_USE_DEFAULT, IOP_USE_DEFAULT, IOP_USE_DEFAULT,
                                         NULL, NULL, false};

/* An IopConfig holding `s` in *out (owned: iop_config_free); on failure the status of the
 * setter that refused, with its last error, and *out untouched. */
static IopStatus config_from(const struct settings *s, IopConfig **out) {
    IopConfig *config = NULL;
    IopStatus st = iop_config_new(&config);
    if (st == IOP_OK) st = iop_config_set_connect_timeout_ms(config, s->connect_ms);
    if (st == IOP_OK) st = iop_config_set_read_timeout_ms(config, s->read_ms);
    if (st == IOP_OK) st = iop_config_set_max_response_bytes(config, s->max_bytes);
    if (st == IOP_OK) st = iop_config_set_max_connect_retries(config, s->retries);
    if (st == IOP_OK) st = iop_config_set_partner_id(config, s->partner_id);
    if (st == IOP_OK) st = iop_config_set_ca_bundle(config, s->ca_bundle);
    if (st == IOP_OK) st = iop_config_set_allow_insecure_http(config, s->insecure);
    if (st == IOP_OK)
        *out = config;
    else
        iop_config_free(config);
    return st;
}

/* Replaces the settings of `client` with `s` (iop_client_configure). */
static IopStatus configure(const IopClient *client, const struct settings *s) {
    IopConfig *config = NULL;
    IopStatus st = config_from(s, &config);
    if (st == IOP_OK) st = iop_client_configure(client, config);
    iop_config_free(config);
    return st;
}

/* Gives `client` a read timeout of `ms`, every other setting its default. */
static IopStatus set_read_timeout(const IopClient *client, int64_t ms) {
    struct settings s = DEFAULTS;
    s.read_ms = ms;
    return configure(client, &s);
}

/* A client for `url` made with settings `s` (NULL: no config, every default), or NULL (a
 * check failed). */
static IopClient *make_client(const char *url, const char *app_key, const char *secret, const struct settings *s) {
    IopConfig *config = NULL;
    IopClient *client = NULL;
    IopStatus st = s != NULL ? config_from(s, &config) : IOP_OK;
    if (st == IOP_OK) st = iop_client_new(url, app_key, secret, config, &client);
    CHECK_STATUS(st, IOP_OK);
    iop_config_free(config);
    return st == IOP_OK ? client : NULL;
}

/* A client that signs with `partner_id` (for signing checks: the URL is never contacted). */
static IopClient *partner_client(const char *url, const char *app_key, const char *secret, const char *partner_id) {
    struct settings s = DEFAULTS;
    s.partner_id = partner_id;
    return make_client(url, app_key, secret, &s);
}

/* ---- The sandbox */

/* The sandbox of the current group (gateway or clock) and its URL. */
static IopSandbox *g_sandbox;
static const char *g_url;

static const char *sandbox_msg_or_null(void) {
    return message_or_none(iop_sandbox_last_error_message());
}

/* expr is an IopStatus of an iop_sandbox_* call; prints the sandbox's message on a mismatch. */
#define CHECK_SANDBOX(expr, expected) CHECK_STATUS_WITH(expr, expected, iop_sandbox_last_error_message(), (void)0)
#define REQUIRE_SANDBOX_OK(expr) CHECK_STATUS_WITH(expr, IOP_OK, iop_sandbox_last_error_message(), return)

/* The sandbox call failed with IOP_ERR_INVALID_ARGUMENT and a message naming `arg`. */
#define CHECK_SANDBOX_INVALID(expr, arg) do { \
        CHECK_SANDBOX(expr, IOP_ERR_INVALID_ARGUMENT); \
        CHECK_CONTAINS(iop_sandbox_last_error_message(), arg); \
    } while (0)

/* A one-time authorization code for app_key from the sandbox (owned: iop_sandbox_string_free),
 * or NULL (a check failed). */
static char *issue_code(const char *app_key) {
    char *code = NULL;
    IopStatus st = iop_sandbox_issue_code(g_sandbox, app_key, &code);
    CHECK_SANDBOX(st, IOP_OK);
    return st == IOP_OK ? code : NULL;
}

/* How many requests reached `route` of the sandbox; -1 (a failed check) on failure. */
static int64_t route_hits(const char *route) {
    int64_t hits = -1;
    IopStatus st = iop_sandbox_route_hits(g_sandbox, route, &hits);
    CHECK_SANDBOX(st, IOP_OK);
    return st == IOP_OK ? hits : -1;
}

/* A client for g_url + suffix ("/lazada/rest", "/aliexpress", ...), or NULL (check failed). */
static IopClient *sandbox_client(const char *suffix, const char *app_key, const char *secret) {
    char url[256];
    snprintf(url, sizeof url, "%s%s", g_url, suffix);
    return make_client(url, app_key, secret, &DEFAULTS);
}

/* Authorizes a new simulated seller of app_key and exchanges the code: a token or NULL. */
static IopToken *new_token(const IopClient *client, const char *app_key) {
    IopToken *token = NULL;
    char *code = issue_code(app_key);
    if (code == NULL) return NULL;
    IopStatus st = iop_token_create(client, code, &token);
    CHECK_STATUS(st, IOP_OK);
    iop_sandbox_string_free(code);
    return st == IOP_OK ? token : NULL;
}

/* Calls /seller/get with access_token; returns the response or NULL (check failed). */
static IopResponse *seller_get(const IopClient *client, const char *access_token, int32_t method) {
    IopRequest *req = NULL;
    IopResponse *resp = NULL;
    CHECK_STATUS(iop_request_new("/seller/get", &req), IOP_OK);
    if (req == NULL) return NULL;
    CHECK_STATUS(iop_request_set_http_method(req, method), IOP_OK);
    IopStatus st = iop_client_execute(client, req, access_token, IOP_PROTOCOL_GOP, &resp);
    CHECK_STATUS(st, IOP_OK);
    iop_request_free(req);
    return st == IOP_OK ? resp : NULL;
}

/* A successful response: HTTP 200, code "0", a body whose length matches. */
static void check_success_response(const IopResponse *resp) {
    CHECK(iop_response_is_success(resp));
    CHECK(iop_response_http_status(resp) == 200);
    CHECK_STREQ(iop_response_code(resp), "0");
    CHECK(iop_response_type(resp) == NULL);
    CHECK(iop_response_message(resp) == NULL);
    CHECK(iop_response_request_id(resp) != NULL);
    const char *body = iop_response_body(resp);
    CHECK(body != NULL && body[0] == '{');
    CHECK(body != NULL && iop_response_body_len(resp) == strlen(body));
    CHECK(iop_response_body_len(resp) > 2);
}

/* A platform failure of a token helper: IOP_ERR_PLATFORM with `code` and type ISV (flat
 * envelopes carry no sub_code or sub_msg), HTTP 400, a request id,
 * and a message that does not contain `secret` (the code or refresh token that was sent). */
static void check_platform_error(IopStatus st, const char *code, const char *secret) {
    CHECK_STATUS(st, IOP_ERR_PLATFORM);
    CHECK(iop_last_error_status() == IOP_ERR_PLATFORM);
    CHECK_STREQ(iop_last_error_code(), code);
    CHECK_STREQ(iop_last_error_type(), "ISV");
    CHECK(iop_last_error_sub_code() == NULL);
    CHECK(iop_last_error_sub_message() == NULL);
    CHECK(iop_last_error_request_id() != NULL);
    CHECK(iop_last_error_http_status() == 400);
    CHECK_CONTAINS(iop_last_error_message(), code);
    if (secret != NULL && iop_last_error_message() != NULL)
        CHECK(strstr(iop_last_error_message(), secret) == NULL);
}

/* ------------------------------------------------------------------------------------------ */
/* Offline: version, statuses, arguments, last error                                          */

static void test_version(void) {
    char expected[64];
    snprintf(expected, sizeof expected, "%d.%d.%d", IOP_VERSION_MAJOR, IOP_VERSION_MINOR, IOP_VERSION_PATCH);
    CHECK_STREQ(iop_version(), expected);
    CHECK(iop_version() == iop_version()); /* static */
}

static void test_linked_library(void) {
    /* The iop_* symbols must come from libiop.so (the sandbox library carries copies). */
    const char *(*fn)(void) = iop_version;
    void *addr;
    Dl_info info;
    memcpy(&addr, &fn, sizeof addr);
    REQUIRE(dladdr(addr, &info) != 0);
    CHECK_CONTAINS(info.dli_fname, "libiop.so");
    CHECK(strstr(info.dli_fname, "sandbox") == NULL);
}

static void test_status_names(void) {
    static const char *const names[] = {
        "IOP_OK", "IOP_ERR_INVALID_ARGUMENT", "IOP_ERR_CONNECT", "IOP_ERR_NETWORK",
        "IOP_ERR_TIMEOUT", "IOP_ERR_TLS", "IOP_ERR_HTTP", "IOP_ERR_MALFORMED_RESPONSE",
        "IOP_ERR_PLATFORM", "IOP_ERR_INTERNAL", "IOP_ERR_TOKEN_EXPIRED", "IOP_ERR_REAUTHORIZATION_REQUIRED",
        "IOP_ERR_PUSH_REJECTED", "IOP_ERR_RATE_LIMITED", "IOP_ERR_QUOTA_EXCEEDED",
    };
    for (int32_t s = 0; s < (int32_t)COUNT(names); s++) CHECK_STREQ(iop_status_name(s), names[s]);
    CHECK(IOP_ERR_INTERNAL == 9 && IOP_ERR_TIMEOUT == 4 && IOP_ERR_TOKEN_EXPIRED == 10);
    CHECK(IOP_ERR_REAUTHORIZATION_REQUIRED == 11 && IOP_ERR_PUSH_REJECTED == 12);
    CHECK(IOP_ERR_RATE_LIMITED == 13 && IOP_ERR_QUOTA_EXCEEDED == 14);
    CHECK_STREQ(iop_status_name((int32_t)COUNT(names)), "IOP_UNKNOWN_STATUS");
    CHECK_STREQ(iop_status_name(-1), "IOP_UNKNOWN_STATUS");
    CHECK_STREQ(iop_status_name(INT32_MAX), "IOP_UNKNOWN_STATUS");
    CHECK_STREQ(iop_status_name(INT32_MIN), "IOP_UNKNOWN_STATUS");
}

static void test_free_null(void) {
    IopRequest *req = NULL;
    CHECK_STATUS(iop_request_new(NULL, &req), IOP_ERR_INVALID_ARGUMENT);
    iop_config_free(NULL);
    iop_client_free(NULL);
    iop_request_free(NULL);
    iop_response_free(NULL);
    iop_token_free(NULL);
    iop_string_free(NULL);
    iop_sandbox_free(NULL);
    iop_sandbox_string_free(NULL);
    /* Not status-returning: the last error stays. */
    CHECK(iop_last_error_status() == IOP_ERR_INVALID_ARGUMENT);
    CHECK_CONTAINS(iop_last_error_message(), "`api_name`");
}

static void test_null_client_args(void) {
    IopClient *sentinel = (IopClient *)&sentinel;
    IopClient *out = sentinel;
    CHECK_INVALID(iop_client_new(NULL, "k", "s", NULL, &out), "server_url");
    CHECK_INVALID(iop_client_new("https://x.invalid/rest", NULL, "s", NULL, &out), "app_key");
    CHECK_INVALID(iop_client_new("https://x.invalid/rest", "k", NULL, NULL, &out), "app_secret");
    CHECK(out == sentinel); /* untouched on failure */
    CHECK_INVALID(iop_client_new("https://x.invalid/rest", "k", "s", NULL, NULL), "out_client");
    CHECK_INVALID(iop_client_configure(NULL, NULL), "client");

    IopConfig *cfg_sentinel = (IopConfig *)&cfg_sentinel;
    IopConfig *cfg = cfg_sentinel;
    CHECK_INVALID(iop_config_new(NULL), "out_config");
    CHECK(cfg == cfg_sentinel);
    CHECK_INVALID(iop_config_set_connect_timeout_ms(NULL, 1000), "config");
    CHECK_INVALID(iop_config_set_read_timeout_ms(NULL, 1000), "config");
    CHECK_INVALID(iop_config_set_partner_id(NULL, "p"), "config");
    CHECK_INVALID(iop_config_set_ca_bundle(NULL, "/nonexistent.pem"), "config");
    CHECK_INVALID(iop_config_set_allow_insecure_http(NULL, true), "config");
    CHECK_INVALID(iop_config_set_max_response_bytes(NULL, 100), "config");
    CHECK_INVALID(iop_config_set_max_connect_retries(NULL, 1), "config");

    /* NULL config: every default, for creating and for configuring. */
    IopClient *c = NULL;
    REQUIRE_OK(iop_client_new("https://x.invalid/rest", "k", "s", NULL, &c));
    CHECK_STATUS(iop_client_configure(c, NULL), IOP_OK);
    iop_client_free(c);
}

static void test_null_request_args(void) {
    IopRequest *sentinel = (IopRequest *)&sentinel;
    IopRequest *out = sentinel;
    CHECK_INVALID(iop_request_new(NULL, &out), "api_name");
    CHECK(out == sentinel);
    CHECK_INVALID(iop_request_new("/seller/get", NULL), "out_request");

    IopRequest *r = NULL;
    REQUIRE_OK(iop_request_new("/seller/get", &r));
    static const uint8_t data[3] = {1, 2, 3};
    CHECK_INVALID(iop_request_set_api_name(NULL, "/x"), "request");
    CHECK_INVALID(iop_request_set_api_name(r, NULL), "api_name");
    CHECK_INVALID(iop_request_add_param(NULL, "k", "v"), "request");
    CHECK_INVALID(iop_request_add_param(r, NULL, "v"), "key");
    CHECK_INVALID(iop_request_add_param(r, "k", NULL), "value");
    CHECK_INVALID(iop_request_add_file(NULL, "f", "f.bin", NULL, data, 3), "request");
    CHECK_INVALID(iop_request_add_file(r, NULL, "f.bin", NULL, data, 3), "name");
    CHECK_INVALID(iop_request_add_file(r, "f", NULL, NULL, data, 3), "file_name");
    CHECK_INVALID(iop_request_add_file(r, "f", "f.bin", NULL, NULL, 3), "data");
    CHECK_STATUS(iop_request_add_file(r, "empty", "empty.bin", NULL, NULL, 0), IOP_OK);
    CHECK_INVALID(iop_request_add_file(r, "f", "f.png", "not a mime type", data, 3), "content_type");
    CHECK_STATUS(iop_request_add_file(r, "typed", "f.png", "image/png", data, 3), IOP_OK);
    CHECK_INVALID(iop_request_add_header(NULL, "X-A", "1"), "request");
    CHECK_INVALID(iop_request_add_header(r, NULL, "1"), "name");
    CHECK_INVALID(iop_request_add_header(r, "X-A", NULL), "value");
    CHECK_INVALID(iop_request_set_http_method(NULL, IOP_HTTP_GET), "request");
    iop_request_free(r);
}

static void test_null_execute_sign_args(void) {
    IopClient *c = NULL;
    IopRequest *r = NULL;
    REQUIRE_OK(iop_client_new("http://127.0.0.1:1/rest", "k", "s", NULL, &c));
    REQUIRE_OK(iop_request_new("/seller/get", &r));
    IopResponse *rs_sentinel = (IopResponse *)&rs_sentinel;
    IopResponse *resp = rs_sentinel;
    CHECK_INVALID(iop_client_execute(NULL, r, "t", IOP_PROTOCOL_GOP, &resp), "client");
    CHECK_INVALID(iop_client_execute(c, NULL, "t", IOP_PROTOCOL_GOP, &resp), "request");
    CHECK_INVALID(iop_client_execute(c, r, "t", IOP_PROTOCOL_GOP, NULL), "out_response");
    CHECK(resp == rs_sentinel);

    char *s_sentinel = (char *)&s_sentinel;
    char *str = s_sentinel, *sig = s_sentinel;
    CHECK_INVALID(iop_client_sign(NULL, r, NULL, IOP_PROTOCOL_GOP, 1, &str, &sig), "client");
    CHECK_INVALID(iop_client_sign(c, NULL, NULL, IOP_PROTOCOL_GOP, 1, &str, &sig), "request");
    CHECK_INVALID(iop_client_sign(c, r, NULL, IOP_PROTOCOL_GOP, 1, NULL, &sig), "out_sign_string");
    CHECK_INVALID(iop_client_sign(c, r, NULL, IOP_PROTOCOL_GOP, 1, &str, NULL), "out_sign");
    CHECK(str == s_sentinel && sig == s_sentinel);
    iop_request_free(r);
    iop_client_free(c);
}

static void test_null_token_args(void) {
    IopClient *c = NULL;
    REQUIRE_OK(iop_client_new("http://127.0.0.1:1/rest", "k", "s", NULL, &c));
    IopToken *sentinel = (IopToken *)&sentinel;
    IopToken *out = sentinel;
    CHECK_INVALID(iop_token_create(NULL, "code", &out), "client");
    CHECK_INVALID(iop_token_create(c, NULL, &out), "code");
    CHECK_INVALID(iop_token_create(c, "code", NULL), "out_token");
    CHECK_INVALID(iop_token_create(c, "", &out), "code");
    CHECK_INVALID(iop_token_refresh(NULL, "rt", &out), "client");
    CHECK_INVALID(iop_token_refresh(c, NULL, &out), "refresh_token");
    CHECK_INVALID(iop_token_refresh(c, "rt", NULL), "out_token");
    CHECK_INVALID(iop_token_refresh(c, "", &out), "refresh_token");
    CHECK_INVALID(iop_token_parse(NULL, 0, &out), "response_json");
    CHECK_INVALID(iop_token_parse("{}", 0, NULL), "out_token");
    CHECK(out == sentinel);

    char *js_sentinel = (char *)&js_sentinel;
    char *json = js_sentinel;
    CHECK_INVALID(iop_token_to_json(NULL, &json), "token");
    CHECK(json == js_sentinel);
    IopToken *t = NULL;
    REQUIRE_OK(iop_token_parse("{\"access_token\":\"a\",\"refresh_token\":\"r\",\"expires_in\":10}", 0, &t));
    CHECK_INVALID(iop_token_to_json(t, NULL), "out_json");
    iop_token_free(t);
    iop_client_free(c);
}

static void test_invalid_utf8(void) {
    const char *bad = "\xff\xfe";
    IopClient *c = NULL;
    IopRequest *r = NULL;
    IopToken *t = NULL;
    IopResponse *resp = NULL;
    char *str = NULL, *sig = NULL;
    CHECK_INVALID(iop_client_new(bad, "k", "s", NULL, &c), "server_url");
    CHECK_CONTAINS(iop_last_error_message(), "not valid UTF-8");
    CHECK_INVALID(iop_client_new("https://x.invalid/rest", bad, "s", NULL, &c), "app_key");
    CHECK_CONTAINS(iop_last_error_message(), "not valid UTF-8");
    CHECK_INVALID(iop_client_new("https://x.invalid/rest", "k", bad, NULL, &c), "app_secret");
    CHECK_CONTAINS(iop_last_error_message(), "not valid UTF-8");
    CHECK(c == NULL);
    CHECK_INVALID(iop_request_new(bad, &r), "api_name");
    CHECK_CONTAINS(iop_last_error_message(), "not valid UTF-8");
    CHECK(r == NULL);

    IopConfig *cfg = NULL;
    REQUIRE_OK(iop_config_new(&cfg));
    CHECK_INVALID(iop_config_set_partner_id(cfg, bad), "partner_id");
    CHECK_INVALID(iop_config_set_ca_bundle(cfg, bad), "pem_path");
    CHECK_CONTAINS(iop_last_error_message(), "not valid UTF-8");
    iop_config_free(cfg);
    REQUIRE_OK(iop_client_new("http://127.0.0.1:1/rest", "k", "s", NULL, &c));
    REQUIRE_OK(iop_request_new("/seller/get", &r));
    CHECK_INVALID(iop_request_set_api_name(r, bad), "api_name");
    CHECK_INVALID(iop_request_add_param(r, bad, "v"), "key");
    CHECK_INVALID(iop_request_add_param(r, "k", bad), "value");
    CHECK_CONTAINS(iop_last_error_message(), "not valid UTF-8");
    CHECK_INVALID(iop_request_add_file(r, bad, "f", NULL, NULL, 0), "name");
    CHECK_INVALID(iop_request_add_file(r, "f", bad, NULL, NULL, 0), "file_name");
    CHECK_INVALID(iop_request_add_file(r, "f", "f", bad, NULL, 0), "content_type");
    CHECK_INVALID(iop_request_add_header(r, bad, "v"), "name");
    CHECK_INVALID(iop_request_add_header(r, "X-A", bad), "value");
    CHECK_INVALID(iop_client_execute(c, r, bad, IOP_PROTOCOL_GOP, &resp), "access_token");
    CHECK_INVALID(iop_client_sign(c, r, bad, IOP_PROTOCOL_GOP, 1, &str, &sig), "access_token");
    CHECK_CONTAINS(iop_last_error_message(), "not valid UTF-8");
    CHECK_INVALID(iop_token_create(c, bad, &t), "code");
    CHECK_INVALID(iop_token_refresh(c, bad, &t), "refresh_token");
    CHECK_INVALID(iop_token_parse(bad, 0, &t), "response_json");
    CHECK_CONTAINS(iop_last_error_message(), "not valid UTF-8");
    CHECK(resp == NULL && str == NULL && sig == NULL && t == NULL);
    iop_request_free(r);
    iop_client_free(c);
}

static void test_bad_enums(void) {
    IopClient *c = NULL;
    IopRequest *r = NULL;
    IopResponse *resp = NULL;
    char *str = NULL, *sig = NULL;
    REQUIRE_OK(iop_client_new("http://127.0.0.1:1/rest", "k", "s", NULL, &c));
    REQUIRE_OK(iop_request_new("/seller/get", &r));
    CHECK_INVALID(iop_client_sign(c, r, NULL, 7, 1, &str, &sig), "protocol");
    CHECK_INVALID(iop_client_sign(c, r, NULL, -1, 1, &str, &sig), "protocol");
    CHECK_INVALID(iop_client_execute(c, r, NULL, 7, &resp), "protocol");
    CHECK_INVALID(iop_client_execute(c, r, NULL, -1, &resp), "protocol");
    CHECK_INVALID(iop_request_set_http_method(r, 7), "method");
    CHECK_INVALID(iop_request_set_http_method(r, -1), "method");
    CHECK_STATUS(iop_request_set_http_method(r, IOP_HTTP_GET), IOP_OK);
    CHECK_STATUS(iop_request_set_http_method(r, IOP_HTTP_POST), IOP_OK);
    CHECK(str == NULL && sig == NULL && resp == NULL);
    iop_request_free(r);
    iop_client_free(c);
}

static void test_bad_values(void) {
    IopClient *c = NULL;
    IopRequest *r = NULL;
    char *str = NULL, *sig = NULL;
    CHECK_INVALID(iop_client_new("", "k", "s", NULL, &c), "server_url");
    CHECK_INVALID(iop_client_new("ftp://x.invalid/rest", "k", "s", NULL, &c), "server_url");
    CHECK_INVALID(iop_client_new("https://x.invalid/rest?a=b", "k", "s", NULL, &c), "server_url");
    CHECK_INVALID(iop_client_new("https://x.invalid/rest", "", "s", NULL, &c), "app_key");
    CHECK_INVALID(iop_client_new("https://x.invalid/rest", "k", "", NULL, &c), "app_secret");
    CHECK_INVALID(iop_request_new("", &r), "api_name");
    CHECK_INVALID(iop_request_new(" /seller/get", &r), "api_name");
    CHECK_INVALID(iop_request_new("/seller/get\t", &r), "api_name");
    CHECK(c == NULL && r == NULL);

    REQUIRE_OK(iop_client_new("https://x.invalid/rest", "k", "s", NULL, &c));
    REQUIRE_OK(iop_request_new("/seller/get", &r));
    CHECK_INVALID(iop_request_set_api_name(r, "/seller/get "), "api_name");
    CHECK_INVALID(iop_request_add_param(r, "sign", "x"), "key");
    CHECK_INVALID(iop_request_add_param(r, "", "x"), "key");
    CHECK_STATUS(iop_request_add_param(r, "empty", ""), IOP_OK);
    CHECK_INVALID(iop_request_add_header(r, "bad name", "1"), "name");
    CHECK_INVALID(iop_request_add_header(r, "X-A", "a\r\nX-Injected: 1"), "value");
    CHECK_INVALID(iop_client_sign(c, r, "", IOP_PROTOCOL_GOP, 1, &str, &sig), "access_token");
    CHECK_STATUS(iop_request_set_api_name(r, "aliexpress.ds.category.get"), IOP_OK);
    CHECK_INVALID(iop_client_sign(c, r, NULL, IOP_PROTOCOL_GOP, 1, &str, &sig), "api_name");
    CHECK(str == NULL && sig == NULL);
    /* Times: IOP_USE_DEFAULT is now, other negatives are refused. */
    CHECK_STATUS(iop_request_set_api_name(r, "/seller/get"), IOP_OK);
    CHECK_INVALID(iop_client_sign(c, r, NULL, IOP_PROTOCOL_GOP, -2, &str, &sig), "timestamp_ms");
    int64_t before = now_ms();
    REQUIRE_OK(iop_client_sign(c, r, NULL, IOP_PROTOCOL_GOP, IOP_USE_DEFAULT, &str, &sig));
    const char *ts = strstr(str, "timestamp");
    CHECK(ts != NULL && strtoll(ts + strlen("timestamp"), NULL, 10) >= before);
    iop_string_free(str);
    iop_string_free(sig);
    IopToken *t = NULL;
    const char *body = "{\"code\":\"0\",\"access_token\":\"a\",\"refresh_token\":\"r\",\"expires_in\":\"10\"}";
    CHECK_INVALID(iop_token_parse(body, -2, &t), "received_at_ms");
    REQUIRE_OK(iop_token_parse(body, IOP_USE_DEFAULT, &t));
    CHECK(iop_token_expires_at_ms(t) >= before + 10000); /* expires_in "10" from now */
    iop_token_free(t);
    iop_request_free(r);
    iop_client_free(c);
}

/* The keep-alive pool settings: 0 to IOP_MAX_IDLE_CONNECTIONS_LIMIT connections, idle timeouts
 * of at least 1 ms, IOP_USE_DEFAULT for both. */
static void test_pool_settings(void) {
    IopConfig *cfg = NULL;
    REQUIRE_OK(iop_config_new(&cfg));
    CHECK_STATUS(iop_config_set_max_idle_connections(cfg, 0), IOP_OK);
    CHECK_STATUS(iop_config_set_max_idle_connections(cfg, IOP_MAX_IDLE_CONNECTIONS_LIMIT), IOP_OK);
    CHECK_STATUS(iop_config_set_max_idle_connections(cfg, IOP_USE_DEFAULT), IOP_OK);
    CHECK_INVALID(iop_config_set_max_idle_connections(cfg, IOP_MAX_IDLE_CONNECTIONS_LIMIT + 1), "connections");
    CHECK_INVALID(iop_config_set_max_idle_connections(cfg, -2), "connections");
    CHECK_STATUS(iop_config_set_idle_timeout_ms(cfg, 1), IOP_OK);
    CHECK_STATUS(iop_config_set_idle_timeout_ms(cfg, IOP_USE_DEFAULT), IOP_OK);
    CHECK_INVALID(iop_config_set_idle_timeout_ms(cfg, 0), "timeout_ms");
    CHECK_INVALID(iop_config_set_max_idle_connections(NULL, 1), "config");
    CHECK(IOP_DEFAULT_MAX_IDLE_CONNECTIONS == 32 && IOP_DEFAULT_IDLE_TIMEOUT_MS > 0);
    IopClient *c = NULL;
    CHECK_STATUS(iop_client_new("https://x.invalid/rest", "k", "s", cfg, &c), IOP_OK);
    iop_client_free(c);
    iop_config_free(cfg);
}

static void test_null_accessors(void) {
    CHECK(iop_response_body(NULL) == NULL);
    CHECK(iop_response_body_len(NULL) == 0);
    CHECK(iop_response_http_status(NULL) == 0);
    CHECK(!iop_response_is_success(NULL));
    CHECK(iop_response_type(NULL) == NULL);
    CHECK(iop_response_code(NULL) == NULL);
    CHECK(iop_response_message(NULL) == NULL);
    CHECK(iop_response_sub_code(NULL) == NULL);
    CHECK(iop_response_sub_message(NULL) == NULL);
    CHECK(iop_response_request_id(NULL) == NULL);
    CHECK(iop_token_expires_at_ms(NULL) == 0);
    CHECK(iop_token_refresh_expires_at_ms(NULL) == 0);
    CHECK(!iop_token_can_refresh(NULL));
    CHECK(iop_token_country_count(NULL) == 0);
    CHECK(iop_token_country_code(NULL, 0) == NULL);
    CHECK(iop_token_country_user_id(NULL, 0) == NULL);
    CHECK(iop_token_country_seller_id(NULL, 0) == NULL);
    CHECK(iop_token_country_short_code(NULL, 0) == NULL);
    CHECK(iop_token_access_token(NULL) == NULL);
    CHECK(iop_token_refresh_token(NULL) == NULL);
    CHECK(iop_token_raw_json(NULL) == NULL);
    CHECK(iop_token_account(NULL) == NULL);
    CHECK(iop_token_account_platform(NULL) == NULL);
    CHECK(iop_token_account_id(NULL) == NULL);
    CHECK(iop_token_seller_id(NULL) == NULL);
    CHECK(iop_token_user_id(NULL) == NULL);
    CHECK(iop_token_short_code(NULL) == NULL);
    CHECK(iop_token_country(NULL) == NULL);
    CHECK(iop_token_havana_id(NULL) == NULL);
    CHECK(iop_token_user_nick(NULL) == NULL);
    CHECK(iop_token_locale(NULL) == NULL);
    CHECK(iop_token_sp(NULL) == NULL);
}

static void test_wrong_handle_type(void) {
    IopClient *c = NULL;
    IopRequest *r = NULL;
    IopResponse *resp = NULL;
    IopToken *t = NULL;
    REQUIRE_OK(iop_client_new("http://127.0.0.1:1/rest", "k", "s", NULL, &c));
    REQUIRE_OK(iop_request_new("/seller/get", &r));
    IopConfig *cfg = NULL;
    REQUIRE_OK(iop_token_parse("{\"access_token\":\"a\",\"refresh_token\":\"r\",\"expires_in\":10}", 0, &t));
    REQUIRE_OK(iop_config_new(&cfg));
    /* A live request passed where a client is expected (and the other way round). */
    CHECK_INVALID(iop_client_configure((const IopClient *)r, cfg), "client");
    CHECK_CONTAINS(iop_last_error_message(), "IopClient");
    /* Configs and clients are not interchangeable either. */
    CHECK_INVALID(iop_client_configure(c, (const IopConfig *)c), "config");
    CHECK_CONTAINS(iop_last_error_message(), "IopConfig");
    CHECK_INVALID(iop_config_set_partner_id((IopConfig *)c, "p"), "config");
    IopClient *never = NULL;
    CHECK_INVALID(iop_client_new("https://x.invalid/rest", "k", "s", (const IopConfig *)r, &never), "config");
    CHECK(never == NULL);
    CHECK_INVALID(iop_client_execute((const IopClient *)r, r, NULL, IOP_PROTOCOL_GOP, &resp), "client");
    CHECK_INVALID(iop_client_execute(c, (const IopRequest *)c, NULL, IOP_PROTOCOL_GOP, &resp), "request");
    CHECK_INVALID(iop_request_add_param((IopRequest *)t, "k", "v"), "request");
    CHECK_INVALID(iop_token_to_json((const IopToken *)r, &(char *){NULL}), "token");
    CHECK(resp == NULL);
    /* Accessors return their neutral value; _free ignores a handle of another type. */
    CHECK(iop_response_body((const IopResponse *)t) == NULL);
    CHECK(iop_response_http_status((const IopResponse *)c) == 0);
    CHECK(iop_token_expires_at_ms((const IopToken *)r) == 0);
    CHECK(iop_token_access_token((const IopToken *)c) == NULL);
    iop_client_free((IopClient *)r);
    iop_token_free((IopToken *)c);
    iop_request_free((IopRequest *)t);
    iop_config_free((IopConfig *)c);
    CHECK_STATUS(iop_request_add_param(r, "still", "alive"), IOP_OK);
    CHECK_STATUS(iop_config_set_partner_id(cfg, "still-alive"), IOP_OK);
    CHECK_STATUS(iop_client_configure(c, cfg), IOP_OK);
    CHECK(iop_token_expires_at_ms(t) == 10000);
    iop_config_free(cfg);
    iop_token_free(t);
    iop_request_free(r);
    iop_client_free(c);
}

static const char test_ca_pem[] =
    "-----BEGIN CERTIFICATE-----\n"
    "MIIBjjCCATOgAwIBAgIUdADDhUT9vGIaeE3WswR2xYaBgB4wCgYIKoZIzj0EAwIw\n"
    "GzEZMBcGA1UEAwwQaW9wa2l0IEMgdGVzdCBDQTAgFw0yNjExMjQyMzI1MzNaGA8y\n"
    "MTI2MTAzMTIzMjUzM1owGzEZMBcGA1UEAwwQaW9wa2l0IEMgdGVzdCBDQTBZMBMG\n"
    "ByqGSM49AgEGCCqGSM49AwEHA0IABEaE5a4rfK8X3rFiBYAwIaGLEXk4YklM9jug\n"
    "EQFS9pIU5HdqsZ68nX9zLs1N5gne4zEU+cSXAH8l1YVeBmN4xcajUzBRMB0GA1Ud\n"
    "DgQWBBQs12va+X4GaIIXGUWpdLcZyy6IzDAfBgNVHSMEGDAWgBQs12va+X4GaIIX\n"
    "GUWpdLcZyy6IzDAPBgNVHRMBAf8EBTADAQH/MAoGCCqGSM49BAMCA0kAMEYCIQDC\n"
    "cVjG1vXpQ/LYHjHUAjITRBw8EYyNJjsoVJMlMOjHIwIhAM6nURlc+ttILF6Nf6/H\n"
    "D6AyWJ06y4OWEKn78MzjTqA7\n"
    "-----END CERTIFICATE-----\n";

/* Writes `text` to a new temporary file; its path goes to `path` (PATH_MAX-sized). */
static bool write_temp(char *path, size_t size, const char *text) {
    snprintf(path, size, "/tmp/iop-c-test-XXXXXX");
    int fd = mkstemp(path);
    if (fd < 0) return false;
    size_t len = strlen(text);
    bool ok = write(fd, text, len) == (ssize_t)len;
    close(fd);
    return ok;
}

/* The signing string `client` makes for a fixed request (owned), to see which partner_id it uses. */
static char *sign_string_of(const IopClient *client) {
    IopRequest *r = NULL;
    char *str = NULL, *sig = NULL;
    if (iop_request_new("/seller/get", &r) == IOP_OK &&
        iop_client_sign(client, r, NULL, IOP_PROTOCOL_GOP, 1700000000000LL, &str, &sig) != IOP_OK)
        str = NULL;
    iop_string_free(sig);
    iop_request_free(r);
    return str;
}

static void test_config_setters(void) {
    IopConfig *cfg = NULL;
    REQUIRE_OK(iop_config_new(&cfg));
    /* Out of range: 0 and negatives other than IOP_USE_DEFAULT, retries above the limit. */
    CHECK_INVALID(iop_config_set_connect_timeout_ms(cfg, 0), "timeout_ms");
    CHECK_INVALID(iop_config_set_connect_timeout_ms(cfg, -2), "timeout_ms");
    CHECK_INVALID(iop_config_set_connect_timeout_ms(cfg, INT64_MIN), "timeout_ms");
    CHECK_INVALID(iop_config_set_read_timeout_ms(cfg, 0), "timeout_ms");
    CHECK_INVALID(iop_config_set_read_timeout_ms(cfg, -1000), "timeout_ms");
    CHECK_INVALID(iop_config_set_max_response_bytes(cfg, 0), "max_bytes");
    CHECK_INVALID(iop_config_set_max_response_bytes(cfg, -2), "max_bytes");
    CHECK_INVALID(iop_config_set_max_connect_retries(cfg, IOP_MAX_CONNECT_RETRIES_LIMIT + 1), "retries");
    CHECK_INVALID(iop_config_set_max_connect_retries(cfg, -2), "retries");
    CHECK_INVALID(iop_config_set_max_connect_retries(cfg, INT32_MIN), "retries");
    CHECK_INVALID(iop_config_set_partner_id(cfg, ""), "partner_id");
    /* In range, and IOP_USE_DEFAULT for every number. */
    CHECK_STATUS(iop_config_set_connect_timeout_ms(cfg, 2500), IOP_OK);
    CHECK_STATUS(iop_config_set_connect_timeout_ms(cfg, 1), IOP_OK);
    CHECK_STATUS(iop_config_set_connect_timeout_ms(cfg, IOP_USE_DEFAULT), IOP_OK);
    CHECK_STATUS(iop_config_set_read_timeout_ms(cfg, 2500), IOP_OK);
    CHECK_STATUS(iop_config_set_read_timeout_ms(cfg, IOP_USE_DEFAULT), IOP_OK);
    CHECK_STATUS(iop_config_set_max_response_bytes(cfg, 1), IOP_OK);
    CHECK_STATUS(iop_config_set_max_response_bytes(cfg, IOP_USE_DEFAULT), IOP_OK);
    CHECK_STATUS(iop_config_set_max_connect_retries(cfg, 0), IOP_OK);
    CHECK_STATUS(iop_config_set_max_connect_retries(cfg, IOP_MAX_CONNECT_RETRIES_LIMIT), IOP_OK);
    CHECK_STATUS(iop_config_set_max_connect_retries(cfg, IOP_USE_DEFAULT), IOP_OK);
    CHECK_STATUS(iop_config_set_allow_insecure_http(cfg, true), IOP_OK);
    CHECK_STATUS(iop_config_set_allow_insecure_http(cfg, false), IOP_OK);

    /* partner_id: a client signs with the config's; NULL restores iopkit-<version>. A client
     * keeps its own copy: changing or freeing the config afterwards changes nothing. */
    char default_partner[64], *str = NULL;
    snprintf(default_partner, sizeof default_partner, "partner_idiopkit-%s", iop_version());
    IopClient *c = NULL, *d = NULL;
    REQUIRE_OK(iop_config_set_partner_id(cfg, "my-partner"));
    REQUIRE_OK(iop_client_new("https://x.invalid/rest", "k", "s", cfg, &c));
    CHECK_STATUS(iop_config_set_partner_id(cfg, NULL), IOP_OK);
    CHECK_CONTAINS(str = sign_string_of(c), "partner_idmy-partner");
    iop_string_free(str);
    CHECK_STATUS(iop_client_configure(c, cfg), IOP_OK);
    CHECK_CONTAINS(str = sign_string_of(c), default_partner);
    iop_string_free(str);
    REQUIRE_OK(iop_config_set_partner_id(cfg, "other-partner"));
    CHECK_STATUS(iop_client_configure(c, cfg), IOP_OK);
    REQUIRE_OK(iop_client_new("https://x.invalid/rest", "k", "s", cfg, &d));
    iop_config_free(cfg);
    cfg = NULL;
    CHECK_CONTAINS(str = sign_string_of(c), "partner_idother-partner");
    iop_string_free(str);
    CHECK_CONTAINS(str = sign_string_of(d), "partner_idother-partner");
    iop_string_free(str);
    CHECK_STATUS(iop_client_configure(c, NULL), IOP_OK); /* NULL: every default */
    CHECK_CONTAINS(str = sign_string_of(c), default_partner);
    iop_string_free(str);
    iop_client_free(d);

    /* The CA bundle: the setter reads and checks the file; a refused one changes nothing. */
    REQUIRE_OK(iop_config_new(&cfg));
    REQUIRE_OK(iop_config_set_partner_id(cfg, "refused-partner"));
    CHECK_INVALID(iop_config_set_ca_bundle(cfg, "/nonexistent/iop-c-test/ca.pem"), "pem_path");
    char path[64];
    REQUIRE(write_temp(path, sizeof path, "this is not a certificate\n"));
    CHECK_INVALID(iop_config_set_ca_bundle(cfg, path), "pem_path");
    CHECK_CONTAINS(iop_last_error_message(), "no PEM certificate");
    unlink(path);
    d = NULL;
    CHECK_STATUS(iop_client_new("https://x.invalid/rest", "k", "s", cfg, &d), IOP_OK); /* built-in roots */
    iop_client_free(d);
    d = NULL;
    CHECK_CONTAINS(str = sign_string_of(c), default_partner);
    iop_string_free(str);
    CHECK_STATUS(iop_config_set_ca_bundle(cfg, NULL), IOP_OK); /* the built-in roots again */
    CHECK_STATUS(iop_client_configure(c, cfg), IOP_OK);
    CHECK_CONTAINS(str = sign_string_of(c), "partner_idrefused-partner");
    iop_string_free(str);
    REQUIRE(write_temp(path, sizeof path, test_ca_pem));
    CHECK_STATUS(iop_config_set_ca_bundle(cfg, path), IOP_OK);
    unlink(path);
    CHECK_STATUS(iop_client_configure(c, cfg), IOP_OK);
    CHECK_STATUS(iop_client_new("https://x.invalid/rest", "k", "s", cfg, &d), IOP_OK);
    iop_client_free(d);
    iop_config_free(cfg);
    iop_client_free(c);
}

static void test_last_error_cleared(void) {
    IopClient *c = NULL;
    CHECK_STATUS(iop_client_new("https://x.invalid/rest", NULL, "s", NULL, &c), IOP_ERR_INVALID_ARGUMENT);
    CHECK(iop_last_error_status() == IOP_ERR_INVALID_ARGUMENT);
    CHECK(iop_last_error_message() != NULL);
    CHECK(iop_last_error_code() == NULL); /* not a platform error */
    CHECK(iop_last_error_http_status() == 0);
    REQUIRE_OK(iop_client_new("https://x.invalid/rest", "k", "s", NULL, &c));
    CHECK(iop_last_error_status() == IOP_OK);
    CHECK(iop_last_error_message() == NULL);
    CHECK(iop_last_error_code() == NULL);
    CHECK(iop_last_error_type() == NULL);
    CHECK(iop_last_error_sub_code() == NULL);
    CHECK(iop_last_error_sub_message() == NULL);
    CHECK(iop_last_error_request_id() == NULL);
    CHECK(iop_last_error_http_status() == 0);
    CHECK(iop_last_error_retry_after_ms() == -1);
    /* Accessors do not touch it either way. */
    IopConfig *cfg = NULL;
    REQUIRE_OK(iop_config_new(&cfg));
    CHECK_STATUS(iop_config_set_read_timeout_ms(cfg, 0), IOP_ERR_INVALID_ARGUMENT);
    (void)iop_version();
    (void)iop_response_body(NULL);
    iop_config_free(cfg);
    CHECK(iop_last_error_status() == IOP_ERR_INVALID_ARGUMENT);
    REQUIRE_OK(iop_config_new(&cfg));
    CHECK(iop_last_error_status() == IOP_OK);
    CHECK_STATUS(iop_config_set_read_timeout_ms(cfg, 0), IOP_ERR_INVALID_ARGUMENT);
    CHECK_STATUS(iop_config_set_read_timeout_ms(cfg, 10), IOP_OK);
    CHECK(iop_last_error_status() == IOP_OK);
    CHECK(iop_last_error_message() == NULL);
    CHECK_STATUS(iop_client_configure(c, cfg), IOP_OK);
    iop_config_free(cfg);
    iop_client_free(c);
}

struct thread_error {
    IopStatus initial;
    bool initial_message_null;
    IopStatus status;
    IopStatus after;
    bool names_key;
};

static void *fail_in_thread(void *arg) {
    struct thread_error *te = arg;
    IopRequest *r = NULL;
    te->initial = iop_last_error_status();
    te->initial_message_null = iop_last_error_message() == NULL;
    te->status = iop_request_new("/x", NULL);
    te->after = iop_last_error_status();
    te->names_key = iop_last_error_message() != NULL && strstr(iop_last_error_message(), "`out_request`") != NULL;
    iop_request_free(r);
    return NULL;
}

static void test_last_error_per_thread(void) {
    pthread_t th;
    struct thread_error te;
    IopClient *c = NULL;

    /* This thread succeeded; another thread's failure does not show here. */
    REQUIRE_OK(iop_client_new("https://x.invalid/rest", "k", "s", NULL, &c));
    memset(&te, 0, sizeof te);
    REQUIRE(pthread_create(&th, NULL, fail_in_thread, &te) == 0);
    pthread_join(th, NULL);
    CHECK(te.initial == IOP_OK && te.initial_message_null);
    CHECK(te.status == IOP_ERR_INVALID_ARGUMENT && te.after == IOP_ERR_INVALID_ARGUMENT);
    CHECK(te.names_key);
    CHECK(iop_last_error_status() == IOP_OK);
    CHECK(iop_last_error_message() == NULL);

    /* This thread failed; the other thread starts clean and its failure leaves ours alone. */
    IopConfig *cfg = NULL;
    REQUIRE_OK(iop_config_new(&cfg));
    CHECK_INVALID(iop_config_set_max_response_bytes(cfg, 0), "max_bytes");
    iop_config_free(cfg);
    const char *mine = iop_last_error_message();
    memset(&te, 0, sizeof te);
    REQUIRE(pthread_create(&th, NULL, fail_in_thread, &te) == 0);
    pthread_join(th, NULL);
    CHECK(te.initial == IOP_OK && te.initial_message_null);
    CHECK(te.after == IOP_ERR_INVALID_ARGUMENT);
    CHECK(iop_last_error_status() == IOP_ERR_INVALID_ARGUMENT);
    CHECK(iop_last_error_message() == mine);
    CHECK_CONTAINS(iop_last_error_message(), "`max_bytes`");
    iop_client_free(c);
}

/* ------------------------------------------------------------------------------------------ */
/* Offline: signing vectors (copied from the project's shared iop-sign.json)                  */

struct kv { const char *k, *v; };

struct sign_vector {
    const char *name, *secret, *partner_id, *api;
    int32_t protocol;
    const char *token; /* access_token (GOP) or session (TOP) */
    struct kv params[13]; /* business parameters; system ones are added by the client */
    const char *sign_string, *sign;
};

/* app_key "500123", timestamp 1700000000000. */
static const struct sign_vector sign_vectors[] = {
    {"lazop_auth_token_create", "testSecret0123456789abcdefABCDEF", "lazop-sdk-python-20181207", "/auth/token/create", IOP_PROTOCOL_GOP, NULL,
     {{"code", "0_100132_2DL4DV3jcU1UOT7WGI1A4rY91"}},
     "/auth/token/createapp_key500123code0_100132_2DL4DV3jcU1UOT7WGI1A4rY91partner_idlazop-sdk-python-20181207sign_methodsha256timestamp1700000000000",
     "D5E3564968B7D030939515F81E1F7FF299DF8DB3ADE5B91676F7517D3BA60CEF"},
    {"lazop_auth_token_refresh", "testSecret0123456789abcdefABCDEF", "lazop-sdk-python-20181207", "/auth/token/refresh", IOP_PROTOCOL_GOP, NULL,
     {{"refresh_token", "500016000300bwa2WteaQyfwBMnPxurcA0mXGhQdTt18356663CfcDTYpWoi"}},
     "/auth/token/refreshapp_key500123partner_idlazop-sdk-python-20181207refresh_token500016000300bwa2WteaQyfwBMnPxurcA0mXGhQdTt18356663CfcDTYpWoisign_methodsha256timestamp1700000000000",
     "68906B8791FE0311C91726F611C358C65C1E52C15C4D0015E1972700BBA29220"},
    {"lazop_product_create_json_payload", "testSecret0123456789abcdefABCDEF", "lazop-sdk-python-20181207", "/product/create", IOP_PROTOCOL_GOP, "50000601c30atpedfgu3LVvik87Ixlsvle3mSoB7701ceb156fPunYZ43GBg",
     {{"payload", "{\"Request\":{\"Product\":{\"PrimaryCategory\":\"10002019\",\"Attributes\":{\"name\":\"Test \\\"quoted\\\" & <tagged> name\",\"brand\":\"No Brand\"},\"Skus\":{\"Sku\":[{\"SellerSku\":\"sku-1\",\"quantity\":\"3\",\"price\":\"35.5\"}]}}}}"}},
     "/product/createaccess_token50000601c30atpedfgu3LVvik87Ixlsvle3mSoB7701ceb156fPunYZ43GBgapp_key500123partner_idlazop-sdk-python-20181207payload{\"Request\":{\"Product\":{\"PrimaryCategory\":\"10002019\",\"Attributes\":{\"name\":\"Test \\\"quoted\\\" & <tagged> name\",\"brand\":\"No Brand\"},\"Skus\":{\"Sku\":[{\"SellerSku\":\"sku-1\",\"quantity\":\"3\",\"price\":\"35.5\"}]}}}}sign_methodsha256timestamp1700000000000",
     "0485533A18A44AF0E778184B098A5ACA7F6DC84BEFC8B7BA06356C7BBC8CEA47"},
    {"lazop_byte_vs_case_sort", "testSecret0123456789abcdefABCDEF", "lazop-sdk-python-20181207", "/mock/api/sort", IOP_PROTOCOL_GOP, NULL,
     {{"zeta", "1"}, {"Zeta", "2"}, {"_under", "3"}, {"alpha", "4"}, {"Beta", "5"}, {"a_b", "6"}, {"aB", "7"}, {"ab", "8"}, {"A1", "9"}, {"a1", "10"}, {"10", "11"}, {"9", "12"}},
     "/mock/api/sort1011912A19Beta5Zeta2_under3a110aB7a_b6ab8alpha4app_key500123partner_idlazop-sdk-python-20181207sign_methodsha256timestamp1700000000000zeta1",
     "B1CCBBACF1925E20927554CD4CA9DA78BEACE36D1FBA6D1997FC695ABDB5A5E9"},
    {"ae_gop_auth_token_create", "testSecret0123456789abcdefABCDEF", "iop-sdk-python-20220609", "/auth/token/create", IOP_PROTOCOL_GOP, NULL,
     {{"method", "/auth/token/create"}, {"simplify", "false"}, {"format", "json"}, {"code", "3_500123_JxZ05Ux3cnnSSUm6dCxYg6Q26"}, {"uuid", "uuid"}},
     "/auth/token/createapp_key500123code3_500123_JxZ05Ux3cnnSSUm6dCxYg6Q26formatjsonmethod/auth/token/createpartner_idiop-sdk-python-20220609sign_methodsha256simplifyfalsetimestamp1700000000000uuiduuid",
     "CB76A9C0E4BFADFA407FD40AD63056F1515BFEA228E1EC3D86028D7605882962"},
    {"ae_top_ds_category_get_with_session", "testSecret0123456789abcdefABCDEF", "iop-sdk-python-20220609", "aliexpress.ds.category.get", IOP_PROTOCOL_TOP, "50000501942glPZqpe9biR9KtxfkFwkaGQVAjYmutgKxySotV0dS3x1d3eb96eFuKx01",
     {{"language", "en"}},
     "app_key500123formatjsonlanguageenmethodaliexpress.ds.category.getpartner_idiop-sdk-python-20220609session50000501942glPZqpe9biR9KtxfkFwkaGQVAjYmutgKxySotV0dS3x1d3eb96eFuKx01sign_methodsha256simplifyfalsetimestamp1700000000000",
     "EE7B4012D1C1DA7265EE45D56BC606A4DC5F405BD380BA0575BCE0EFB9A7774D"},
    {"ae_top_chinese_and_emoji", "Zx9yW8vU7tS6rQ5pO4nM3lK2jI1hG0fE", "iop-sdk-python-20220609", "aliexpress.ds.text.search", IOP_PROTOCOL_TOP, "50000501942glPZqpe9biR9KtxfkFwkaGQVAjYmutgKxySotV0dS3x1d3eb96eFuKx01",
     {{"keyWord", "手机壳 男"}, {"local", "zh_CN"}, {"countryCode", "CN"}, {"currency", "CNY"}, {"note", "emoji 😀 ok"}},
     "app_key500123countryCodeCNcurrencyCNYformatjsonkeyWord手机壳 男localzh_CNmethodaliexpress.ds.text.searchnoteemoji 😀 okpartner_idiop-sdk-python-20220609session50000501942glPZqpe9biR9KtxfkFwkaGQVAjYmutgKxySotV0dS3x1d3eb96eFuKx01sign_methodsha256simplifyfalsetimestamp1700000000000",
     "803A84884BBB083C6FA0E69E1B4D62834CD619A901CF2BADE43BB0689245BE11"},
};

/* Signs vector v with `protocol` (its own or AUTO) and compares both results exactly. */
static void check_sign_vector(const struct sign_vector *v, int32_t protocol) {
    IopClient *c = NULL;
    IopRequest *r = NULL;
    char *str = NULL, *sig = NULL;
    printf("#   vector %s (%s)\n", v->name, protocol == IOP_PROTOCOL_AUTO ? "AUTO" : "explicit");
    REQUIRE((c = partner_client("https://gateway.invalid/rest", "500123", v->secret, v->partner_id)) != NULL);
    REQUIRE_OK(iop_request_new(v->api, &r));
    for (size_t i = 0; i < sizeof v->params / sizeof v->params[0] && v->params[i].k; i++)
        CHECK_STATUS(iop_request_add_param(r, v->params[i].k, v->params[i].v), IOP_OK);
    CHECK_STATUS(iop_client_sign(c, r, v->token, protocol, 1700000000000LL, &str, &sig), IOP_OK);
    CHECK_STREQ(str, v->sign_string);
    CHECK_STREQ(sig, v->sign);
    if (str != NULL) CHECK(strstr(str, v->secret) == NULL);
    iop_string_free(str);
    iop_string_free(sig);
    iop_request_free(r);
    iop_client_free(c);
}

static void test_sign_vectors(void) {
    for (size_t i = 0; i < sizeof sign_vectors / sizeof sign_vectors[0]; i++) {
        check_sign_vector(&sign_vectors[i], sign_vectors[i].protocol);
        /* AUTO picks GOP for paths and TOP for dotted names. */
        check_sign_vector(&sign_vectors[i], IOP_PROTOCOL_AUTO);
    }
}

static void test_sign_published_example(void) {
    /* The published sample has no partner_id; the client always adds one, so the string to
     * sign gains "partner_id<id>" in sorted position and the signature differs from the
     * published 4190D323…: the signature itself is checked in the Rust tests. */
    IopClient *c = NULL;
    IopRequest *r = NULL;
    char *str = NULL, *sig = NULL;
    REQUIRE((c = partner_client("https://api.example.invalid/rest", "123456", "helloworld", "p")) != NULL);
    REQUIRE_OK(iop_request_new("/order/get", &r));
    REQUIRE_OK(iop_request_add_param(r, "order_id", "1234"));
    REQUIRE_OK(iop_client_sign(c, r, "test", IOP_PROTOCOL_GOP, 1517820392000LL, &str, &sig));
    CHECK_STREQ(str, "/order/getaccess_tokentestapp_key123456order_id1234partner_idpsign_methodsha256timestamp1517820392000");
    CHECK(is_upper_hex64(sig));
    CHECK(sig != NULL && strcmp(sig, "4190D32361CFB9581350222F345CB77F3B19F0E31D162316848A2C1FFD5FAB4A") != 0);
    iop_string_free(str);
    iop_string_free(sig);

    /* Same request, other timestamp: another signature; the default partner_id is iopkit's. */
    IopClient *d = NULL;
    REQUIRE_OK(iop_client_new("https://api.example.invalid/rest", "123456", "helloworld", NULL, &d));
    REQUIRE_OK(iop_client_sign(d, r, "test", IOP_PROTOCOL_GOP, 1517820392001LL, &str, &sig));
    CHECK_CONTAINS(str, "partner_idiopkit-");
    CHECK_CONTAINS(str, "timestamp1517820392001");
    CHECK(is_upper_hex64(sig));
    iop_string_free(str);
    iop_string_free(sig);
    iop_client_free(d);
    iop_request_free(r);
    iop_client_free(c);
}

/* ------------------------------------------------------------------------------------------ */
/* Offline: token parsing (samples from the platforms' documentation)                         */

static const char tw_refresh_sample[] =
    "{ \"code\": \"0\", \"access_token\": \"50000601c30atpedfgu3LVvik87Ixlsvle3mSoB7701ceb156fPunYZ43GBg\", "
    "\"refresh_token\": \"500016000300bwa2WteaQyfwBMnPxurcA0mXGhQdTt18356663CfcDTYpWoi\", \"account_id\": \"7063844\", "
    "\"user_Id\": \"1001\", \"account_platform\": \"seller_center\", \"refresh_expires_in\": \"60\", "
    "\"error_code\": \"error_code\", \"expires_in\": \"10\", \"request_id\": \"0ba2887315178178017221014\", "
    "\"seller_Id\": \"10011\", \"account\": \"xxx@126.com\", \"short_code\": \"HK001\" }";

static const char tw_create_sample[] =
    "{ \"access_token\": \"50000601c30atpedfgu3LVvik87Ixlsvle3mSoB7701ceb156fPunYZ43GBg\", "
    "\"refresh_token\": \"500016000300bwa2WteaQyfwBMnPxurcA0mXGhQdTt18356663CfcDTYpWoi\", \"account_id\": \"7063844\", "
    "\"code\": \"0\", \"user_id\": \"100001\", \"account_platform\": \"seller_center\", \"refresh_expires_in\": \"60\", "
    "\"expires_in\": \"10\", \"request_id\": \"0ba2887315178178017221014\", \"seller_id\": \"1001\", "
    "\"account\": \"xxx@gmail.com\", \"short_code\": \"TW1001\" }";

static const char ae_refresh_sample[] =
    "{\n  \"refresh_token_valid_time\": \"1500\",\n  \"havana_id\": \"10000\",\n  \"code\": \"0\",\n"
    "  \"expire_time\": \"1500\",\n  \"locale\": \"zh_CN\",\n  \"user_nick\": \"cn1001\",\n"
    "  \"access_token\": \"50000601c30atpedfgu3LVvik87Ixlsvle3mSoB7701ceb156fPunYZ43GBg\",\n"
    "  \"refresh_token\": \"500016000300bwa2WteaQyfwBMnPxurcA0mXGhQdTt18356663CfcDTYpWoi\",\n"
    "  \"account_id\": \"7063844\",\n  \"user_id\": \"10101\",\n  \"account_platform\": \"seller_center\",\n"
    "  \"refresh_expires_in\": \"60\",\n  \"expires_in\": \"10\",\n  \"sp\": \"global\",\n"
    "  \"request_id\": \"0ba2887315178178017221014\",\n  \"seller_id\": \"1001\",\n  \"account\": \"xxx@126.com\"\n}";

static const char ae_refresh_null_tokens_sample[] =
    "{\n  \"refresh_token_valid_time\": 1716784148000,\n  \"havana_id\": \"3000020000814\",\n"
    "  \"expire_time\": 1714192160000,\n  \"locale\": \"zh_CN\",\n  \"user_nick\": \"kr1000005815atrae\",\n"
    "  \"access_token\": null,\n  \"refresh_token\": null,\n  \"user_id\": \"YourUserID\",\n"
    "  \"account_platform\": \"buyerApp\",\n  \"refresh_expires_in\": 5183988,\n  \"expires_in\": 2592000,\n"
    "  \"sp\": \"ae\",\n  \"seller_id\": \"Your-sellerID\",\n  \"account\": \"Your-account\",\n"
    "  \"code\": \"0\",\n  \"request_id\": \"212a69f317116001605067741\"\n}";

#define RECEIVED 1700000000000LL

static void test_token_parse_tw(void) {
    IopToken *t = NULL;
    REQUIRE_OK(iop_token_parse(tw_refresh_sample, RECEIVED, &t));
    CHECK(strcmp(iop_token_access_token(t), "50000601c30atpedfgu3LVvik87Ixlsvle3mSoB7701ceb156fPunYZ43GBg") == 0);
    CHECK(strcmp(iop_token_refresh_token(t), "500016000300bwa2WteaQyfwBMnPxurcA0mXGhQdTt18356663CfcDTYpWoi") == 0);
    CHECK(iop_token_expires_at_ms(t) == RECEIVED + 10000);
    CHECK(iop_token_refresh_expires_at_ms(t) == RECEIVED + 60000);
    CHECK(iop_token_can_refresh(t));
    CHECK_STREQ(iop_token_user_id(t), "1001");   /* spelled user_Id */
    CHECK_STREQ(iop_token_seller_id(t), "10011"); /* spelled seller_Id */
    CHECK_STREQ(iop_token_account_id(t), "7063844");
    CHECK_STREQ(iop_token_account_platform(t), "seller_center");
    CHECK_STREQ(iop_token_account(t), "xxx@126.com");
    CHECK_STREQ(iop_token_short_code(t), "HK001");
    CHECK(iop_token_country(t) == NULL && iop_token_havana_id(t) == NULL);
    CHECK(iop_token_country_count(t) == 0);
    CHECK(iop_token_country_code(t, 0) == NULL);
    CHECK(strcmp(iop_token_raw_json(t), tw_refresh_sample) == 0);
    iop_token_free(t);

    t = NULL;
    REQUIRE_OK(iop_token_parse(tw_create_sample, RECEIVED, &t));
    CHECK_STREQ(iop_token_user_id(t), "100001");
    CHECK_STREQ(iop_token_seller_id(t), "1001");
    CHECK_STREQ(iop_token_short_code(t), "TW1001");
    CHECK_STREQ(iop_token_account(t), "xxx@gmail.com");
    CHECK(iop_token_expires_at_ms(t) == RECEIVED + 10000);
    iop_token_free(t);
}

static void test_token_parse_aliexpress(void) {
    IopToken *t = NULL;
    REQUIRE_OK(iop_token_parse(ae_refresh_sample, RECEIVED, &t));
    /* "1500" is no absolute time: the relative lifetimes count. */
    CHECK(iop_token_expires_at_ms(t) == RECEIVED + 10000);
    CHECK(iop_token_refresh_expires_at_ms(t) == RECEIVED + 60000);
    CHECK(iop_token_can_refresh(t));
    CHECK_STREQ(iop_token_havana_id(t), "10000");
    CHECK_STREQ(iop_token_user_nick(t), "cn1001");
    CHECK_STREQ(iop_token_locale(t), "zh_CN");
    CHECK_STREQ(iop_token_sp(t), "global");
    CHECK_STREQ(iop_token_user_id(t), "10101");
    CHECK_STREQ(iop_token_seller_id(t), "1001");
    iop_token_free(t);

    t = NULL;
    REQUIRE_OK(iop_token_parse(ae_refresh_null_tokens_sample, RECEIVED, &t));
    CHECK_STREQ(iop_token_access_token(t), ""); /* null in the sample */
    CHECK_STREQ(iop_token_refresh_token(t), "");
    CHECK(!iop_token_can_refresh(t));
    CHECK(iop_token_expires_at_ms(t) == 1714192160000LL);          /* absolute expire_time */
    CHECK(iop_token_refresh_expires_at_ms(t) == 1716784148000LL);  /* refresh_token_valid_time */
    CHECK_STREQ(iop_token_account_platform(t), "buyerApp");
    CHECK_STREQ(iop_token_havana_id(t), "3000020000814");
    CHECK_STREQ(iop_token_user_nick(t), "kr1000005815atrae");
    CHECK_STREQ(iop_token_sp(t), "ae");
    CHECK(iop_token_account_id(t) == NULL);
    char *json = NULL;
    REQUIRE_OK(iop_token_to_json(t, &json));
    CHECK_HAS_QUIETLY(json, "\"expires_at\":1714192160000");
    CHECK_HAS_QUIETLY(json, "\"can_refresh\":false");
    iop_string_free(json);
    iop_token_free(t);
}

static void test_token_parse_lazada_and_errors(void) {
    IopToken *t = NULL;
    const char *lazada =
        "{\"access_token\":\"a1\",\"refresh_token\":\"r1\",\"expires_in\":604800,\"refresh_expires_in\":0,"
        "\"country\":\"cb\",\"account\":\"x@y\",\"country_user_info_list\":[{\"country\":\"sg\",\"user_id\":\"1\","
        "\"seller_id\":\"2\",\"short_code\":\"SG3\"},{\"country\":\"my\",\"user_id\":4,\"seller_id\":5}],\"code\":\"0\"}";
    REQUIRE_OK(iop_token_parse(lazada, RECEIVED, &t));
    CHECK(iop_token_expires_at_ms(t) == RECEIVED + 604800000LL);
    CHECK(!iop_token_can_refresh(t)); /* refresh_expires_in 0 */
    CHECK(iop_token_refresh_expires_at_ms(t) == 0);
    CHECK_STREQ(iop_token_country(t), "cb");
    CHECK(iop_token_country_count(t) == 2);
    CHECK_STREQ(iop_token_country_code(t, 0), "sg");
    CHECK_STREQ(iop_token_country_user_id(t, 0), "1");
    CHECK_STREQ(iop_token_country_seller_id(t, 0), "2");
    CHECK_STREQ(iop_token_country_short_code(t, 0), "SG3");
    CHECK_STREQ(iop_token_country_user_id(t, 1), "4"); /* numbers read as text */
    CHECK_STREQ(iop_token_country_seller_id(t, 1), "5");
    CHECK(iop_token_country_short_code(t, 1) == NULL);
    CHECK(iop_token_country_code(t, 2) == NULL);
    CHECK(iop_token_country_code(t, SIZE_MAX) == NULL);
    CHECK_STREQ(iop_token_seller_id(t), "2"); /* no "cb" entry: the first one */
    iop_token_free(t);

    IopToken *sentinel = (IopToken *)&sentinel;
    t = sentinel;
    CHECK_STATUS(iop_token_parse("{\"type\":\"ISV\",\"code\":\"IllegalRefreshToken\",\"message\":\"Illegal refresh token\","
                                 "\"request_id\":\"0ba2887315178178017221014\"}", RECEIVED, &t), IOP_ERR_PLATFORM);
    CHECK_STREQ(iop_last_error_code(), "IllegalRefreshToken");
    CHECK_STREQ(iop_last_error_type(), "ISV");
    CHECK_STREQ(iop_last_error_request_id(), "0ba2887315178178017221014");
    CHECK(iop_last_error_sub_code() == NULL && iop_last_error_sub_message() == NULL); /* flat: none */
    CHECK(iop_last_error_http_status() == 0); /* parsed, not received over HTTP */
    CHECK_STATUS(iop_token_parse("{\"error_response\":{\"type\":\"ISP\",\"code\":15,\"msg\":\"Remote service error\","
                                 "\"sub_code\":\"isp.unknown\",\"sub_msg\":\"try later\",\"request_id\":\"abc\"}}",
                                 RECEIVED, &t), IOP_ERR_PLATFORM);
    CHECK_STREQ(iop_last_error_code(), "15");
    CHECK_STREQ(iop_last_error_type(), "ISP");
    CHECK_STREQ(iop_last_error_sub_code(), "isp.unknown");
    CHECK_STREQ(iop_last_error_sub_message(), "try later");
    CHECK_STREQ(iop_last_error_request_id(), "abc");
    CHECK_STATUS(iop_token_parse("this is not json", RECEIVED, &t), IOP_ERR_MALFORMED_RESPONSE);
    CHECK(iop_last_error_code() == NULL);
    CHECK(iop_last_error_sub_message() == NULL);
    CHECK_STATUS(iop_token_parse("{\"access_token\":\"a\",\"code\":\"0\"}", RECEIVED, &t), IOP_ERR_MALFORMED_RESPONSE);
    CHECK_CONTAINS(iop_last_error_message(), "expires_in");
    CHECK_STATUS(iop_token_parse("{\"access_token\":\"a\",\"expires_in\":\"soon\"}", RECEIVED, &t), IOP_ERR_MALFORMED_RESPONSE);
    CHECK(t == sentinel);
}

/* Every field a token exposes, compared between two tokens (tokens compared quietly). */
static void check_same_token(const IopToken *a, const IopToken *b) {
    CHECK(a != NULL && b != NULL && strcmp(iop_token_access_token(a), iop_token_access_token(b)) == 0);
    CHECK(a != NULL && b != NULL && strcmp(iop_token_refresh_token(a), iop_token_refresh_token(b)) == 0);
    CHECK(iop_token_expires_at_ms(a) == iop_token_expires_at_ms(b));
    CHECK(iop_token_refresh_expires_at_ms(a) == iop_token_refresh_expires_at_ms(b));
    CHECK(iop_token_can_refresh(a) == iop_token_can_refresh(b));
    CHECK_STREQ(iop_token_account(a), iop_token_account(b));
    CHECK_STREQ(iop_token_account_platform(a), iop_token_account_platform(b));
    CHECK_STREQ(iop_token_account_id(a), iop_token_account_id(b));
    CHECK_STREQ(iop_token_seller_id(a), iop_token_seller_id(b));
    CHECK_STREQ(iop_token_user_id(a), iop_token_user_id(b));
    CHECK_STREQ(iop_token_short_code(a), iop_token_short_code(b));
    CHECK_STREQ(iop_token_country(a), iop_token_country(b));
    CHECK_STREQ(iop_token_havana_id(a), iop_token_havana_id(b));
    CHECK_STREQ(iop_token_user_nick(a), iop_token_user_nick(b));
    CHECK_STREQ(iop_token_locale(a), iop_token_locale(b));
    CHECK_STREQ(iop_token_sp(a), iop_token_sp(b));
    CHECK(iop_token_country_count(a) == iop_token_country_count(b));
    for (size_t i = 0; i < iop_token_country_count(a); i++) {
        CHECK_STREQ(iop_token_country_code(a, i), iop_token_country_code(b, i));
        CHECK_STREQ(iop_token_country_user_id(a, i), iop_token_country_user_id(b, i));
        CHECK_STREQ(iop_token_country_seller_id(a, i), iop_token_country_seller_id(b, i));
        CHECK_STREQ(iop_token_country_short_code(a, i), iop_token_country_short_code(b, i));
    }
}

/* A refused iop_token_from_json: IOP_ERR_INVALID_ARGUMENT naming `json`, *out untouched, and
 * a message quoting none of the token texts. */
static void check_from_json_refused(const char *json, const char *secret, const char *why) {
    IopToken *sentinel = (IopToken *)&sentinel, *t = sentinel;
    CHECK_INVALID(iop_token_from_json(json, &t), "json");
    CHECK(t == sentinel);
    if (why != NULL) CHECK_CONTAINS(iop_last_error_message(), why);
    if (iop_last_error_message() != NULL) CHECK(strstr(iop_last_error_message(), secret) == NULL);
}

/* Returns a copy of json (malloc) with the text `from` replaced by `to` (once), or NULL. */
static char *replaced(const char *json, const char *from, const char *to) {
    const char *at = json ? strstr(json, from) : NULL;
    if (at == NULL) return NULL;
    size_t len = strlen(json) - strlen(from) + strlen(to) + 1;
    char *out = malloc(len);
    if (out != NULL) snprintf(out, len, "%.*s%s%s", (int)(at - json), json, to, at + strlen(from));
    return out;
}

#define SECRET_AT "50000601c30atpedfgu3LVvik87Ixlsvle3mSoB7701ceb156fPunYZ43GBg"

static void test_token_from_json(void) {
    /* to_json -> from_json gives the same token, for every flavour of sample. */
    const char *lazada =
        "{\"access_token\":\"a1\",\"refresh_token\":\"r1\",\"expires_in\":604800,\"refresh_expires_in\":60,"
        "\"country\":\"sg\",\"account\":\"x@y\",\"country_user_info_list\":[{\"country\":\"sg\",\"user_id\":\"1\","
        "\"seller_id\":\"2\",\"short_code\":\"SG3\"},{\"country\":\"my\",\"user_id\":4,\"seller_id\":5}],\"code\":\"0\"}";
    const char *samples[] = {tw_refresh_sample, tw_create_sample, ae_refresh_sample, ae_refresh_null_tokens_sample, lazada};
    char *first_json = NULL;
    for (size_t i = 0; i < COUNT(samples); i++) {
        IopToken *t = NULL, *back = NULL;
        char *json = NULL, *again = NULL;
        REQUIRE_OK(iop_token_parse(samples[i], RECEIVED, &t));
        CHECK_STATUS(iop_token_to_json(t, &json), IOP_OK);
        CHECK_STATUS(iop_token_from_json(json, &back), IOP_OK);
        check_same_token(t, back);
        if (back != NULL) {
            /* Its raw JSON is the text it was read from; written again, the same text. */
            CHECK(strcmp(iop_token_raw_json(back), json) == 0);
            CHECK_STATUS(iop_token_to_json(back, &again), IOP_OK);
            CHECK(again != NULL && json != NULL && strcmp(again, json) == 0);
        }
        if (samples[i] == lazada) CHECK(back != NULL && iop_token_country_count(back) == 2);
        if (i == 0) first_json = json; else iop_string_free(json);
        iop_string_free(again);
        iop_token_free(back);
        iop_token_free(t);
    }
    REQUIRE(first_json != NULL);

    /* Refused: not JSON, JSON of another shape, an unknown field, a missing token or expiry, a
     * platform response (not the normalized form); the message never quotes the text. */
    check_from_json_refused("not json " SECRET_AT, SECRET_AT, NULL);
    check_from_json_refused("[\"" SECRET_AT "\"]", SECRET_AT, NULL);
    check_from_json_refused("{\"access_token\":" SECRET_AT "}", SECRET_AT, NULL);
    check_from_json_refused(tw_refresh_sample, SECRET_AT, NULL);
    char *unknown = replaced(first_json, "{", "{\"unknown_field\":\"" SECRET_AT "\",");
    REQUIRE(unknown != NULL);
    check_from_json_refused(unknown, SECRET_AT, "an unknown field"); /* never its name */
    free(unknown);
    char *missing = replaced(first_json, "\"expires_at\":", "\"expires_at_x\":");
    REQUIRE(missing != NULL);
    check_from_json_refused(missing, SECRET_AT, NULL);
    free(missing);
    char *wrong_type = replaced(first_json, "\"can_refresh\":true", "\"can_refresh\":\"" SECRET_AT "\"");
    REQUIRE(wrong_type != NULL);
    check_from_json_refused(wrong_type, SECRET_AT, NULL);
    free(wrong_type);
    check_from_json_refused("{\"refresh_token\":\"r\",\"expires_at\":1,\"refresh_expires_at\":null,\"can_refresh\":false}",
                            "\"r\"", "access_token");
    iop_string_free(first_json);

    IopToken *t = NULL;
    CHECK_INVALID(iop_token_from_json(NULL, &t), "json");
    CHECK_INVALID(iop_token_from_json("{}", NULL), "out_token");
    CHECK_INVALID(iop_token_from_json("\xff\xfe", &t), "json");
    CHECK_CONTAINS(iop_last_error_message(), "not valid UTF-8");
    CHECK(t == NULL);
}

/* The URL macros: absolute https URLs without spaces; every API gateway is accepted by
 * iop_client_new; the OAuth pages are what iop_authorize_build_url uses by default. */
static void check_url_macro(const char *url, const char *ending, bool api) {
    CHECK(url != NULL && strncmp(url, "https://", 8) == 0);
    CHECK(url != NULL && strlen(url) > 8 + strlen(ending));
    CHECK(url != NULL && strcmp(url + strlen(url) - strlen(ending), ending) == 0);
    for (const char *p = url; p != NULL && *p; p++) CHECK(*p > ' ' && *p < 0x7f && *p != '?' && *p != '#');
    if (api) {
        IopClient *c = NULL;
        CHECK_STATUS(iop_client_new(url, "k", "s", NULL, &c), IOP_OK);
        iop_client_free(c);
    }
}

static void test_header_constants(void) {
    check_url_macro(IOP_URL_LAZADA_AUTH, "/rest", true);
    check_url_macro(IOP_URL_LAZADA_SG, "/rest", true);
    check_url_macro(IOP_URL_LAZADA_MY, "/rest", true);
    check_url_macro(IOP_URL_LAZADA_VN, "/rest", true);
    check_url_macro(IOP_URL_LAZADA_TH, "/rest", true);
    check_url_macro(IOP_URL_LAZADA_PH, "/rest", true);
    check_url_macro(IOP_URL_LAZADA_ID, "/rest", true);
    check_url_macro(IOP_URL_TAOBAO_TW, "/rest", true);
    check_url_macro(IOP_URL_TAOBAO_TW_AUTH, "/rest", true);
    check_url_macro(IOP_URL_ALIEXPRESS_REST, "/rest", true);
    check_url_macro(IOP_URL_ALIEXPRESS_SYNC, "/sync", true);
    check_url_macro(IOP_URL_ALIBABA_COM, "/rest", true);
    check_url_macro(IOP_URL_LAZADA_OAUTH, "/oauth/authorize", false);
    check_url_macro(IOP_URL_ALIEXPRESS_OAUTH, "/oauth/authorize", false);
    /* Compile-time strings: they concatenate with literals. */
    CHECK_STREQ(IOP_URL_ALIEXPRESS_REST "/x", "https://api-sg.aliexpress.com/rest/x");
    CHECK(strncmp(IOP_URL_ALIEXPRESS_SYNC, IOP_URL_ALIEXPRESS_REST, strlen(IOP_URL_ALIEXPRESS_REST) - 4) == 0);
    /* The default authorization pages are the OAuth macros. */
    char *url = NULL;
    REQUIRE_OK(iop_authorize_build_url(IOP_PLATFORM_LAZADA, NULL, "1", "https://h/cb", NULL, NULL, &url));
    CHECK(url != NULL && strncmp(url, IOP_URL_LAZADA_OAUTH "?", strlen(IOP_URL_LAZADA_OAUTH) + 1) == 0);
    iop_string_free(url);
    url = NULL;
    REQUIRE_OK(iop_authorize_build_url(IOP_PLATFORM_ALIEXPRESS, NULL, "1", "https://h/cb", NULL, NULL, &url));
    CHECK(url != NULL && strncmp(url, IOP_URL_ALIEXPRESS_OAUTH "?", strlen(IOP_URL_ALIEXPRESS_OAUTH) + 1) == 0);
    iop_string_free(url);

    /* The defaults, as documented; the behaviour behind the cheap ones is checked where it
     * shows (connect retries: test_connect_refused; refresh margin: test_manager_default_margin). */
    CHECK(IOP_USE_DEFAULT == -1);
    CHECK(IOP_DEFAULT_CONNECT_TIMEOUT_MS == 15000);
    CHECK(IOP_DEFAULT_READ_TIMEOUT_MS == 30000);
    CHECK(IOP_DEFAULT_MAX_RESPONSE_BYTES == 8 * 1024 * 1024);
    CHECK(IOP_DEFAULT_MAX_CONNECT_RETRIES == 2);
    CHECK(IOP_MAX_CONNECT_RETRIES_LIMIT == 10);
    CHECK(IOP_DEFAULT_MAX_CONNECT_RETRIES >= 0 && IOP_DEFAULT_MAX_CONNECT_RETRIES <= IOP_MAX_CONNECT_RETRIES_LIMIT);
    CHECK(IOP_DEFAULT_REFRESH_MARGIN_MS == 30 * 60 * 1000);
    CHECK(IOP_DEFAULT_REDIS_LEASE_MS == 30000);
    CHECK(IOP_DEFAULT_REDIS_TIMEOUT_MS == 5000);
    /* Each default is itself a value its setter accepts, and so is IOP_USE_DEFAULT. */
    IopConfig *cfg = NULL;
    REQUIRE_OK(iop_config_new(&cfg));
    CHECK_STATUS(iop_config_set_connect_timeout_ms(cfg, IOP_DEFAULT_CONNECT_TIMEOUT_MS), IOP_OK);
    CHECK_STATUS(iop_config_set_read_timeout_ms(cfg, IOP_DEFAULT_READ_TIMEOUT_MS), IOP_OK);
    CHECK_STATUS(iop_config_set_max_response_bytes(cfg, IOP_DEFAULT_MAX_RESPONSE_BYTES), IOP_OK);
    CHECK_STATUS(iop_config_set_max_connect_retries(cfg, IOP_DEFAULT_MAX_CONNECT_RETRIES), IOP_OK);
    iop_config_free(cfg);
    IopTokenStore *store = NULL;
    CHECK_STATUS(iop_token_store_new_redis("redis://127.0.0.1:1", NULL, "k", NULL, 0, IOP_DEFAULT_REDIS_LEASE_MS,
                                           IOP_DEFAULT_REDIS_TIMEOUT_MS, &store), IOP_OK);
    iop_token_store_free(store);
}

/* ------------------------------------------------------------------------------------------ */
/* Gateway: a sandbox with the default apps                                                   */

static void test_sandbox_abi(void) {
    IopSandbox *sentinel = (IopSandbox *)&sentinel;
    IopSandbox *s = sentinel;
    char *c_sentinel = (char *)&c_sentinel, *code = c_sentinel;
    int64_t hits = -7;
    CHECK(strncmp(g_url, "http://127.0.0.1:", 17) == 0);
    CHECK(iop_sandbox_url(NULL) == NULL);
    /* Failures: a status and a message naming the argument; out-parameters untouched. */
    CHECK_SANDBOX_INVALID(iop_sandbox_issue_code(g_sandbox, "999999", &code), "app_key");
    CHECK_SANDBOX_INVALID(iop_sandbox_issue_code(g_sandbox, NULL, &code), "app_key");
    CHECK_SANDBOX_INVALID(iop_sandbox_issue_code(g_sandbox, "\xff", &code), "app_key");
    CHECK_CONTAINS(iop_sandbox_last_error_message(), "UTF-8");
    CHECK_SANDBOX_INVALID(iop_sandbox_issue_code(NULL, APP1_KEY, &code), "sandbox");
    CHECK_SANDBOX_INVALID(iop_sandbox_issue_code(g_sandbox, APP1_KEY, NULL), "out_code");
    CHECK(code == c_sentinel);
    CHECK_SANDBOX_INVALID(iop_sandbox_advance_clock_ms(NULL, 1), "sandbox");
    CHECK_SANDBOX_INVALID(iop_sandbox_route_hits(g_sandbox, "/seller/get", NULL), "out_hits");
    CHECK_SANDBOX_INVALID(iop_sandbox_route_hits(g_sandbox, NULL, &hits), "route");
    CHECK_SANDBOX_INVALID(iop_sandbox_route_hits(NULL, "/seller/get", &hits), "sandbox");
    CHECK(hits == -7);
    CHECK_SANDBOX_INVALID(iop_sandbox_start(NULL, NULL), "out_sandbox");
    CHECK_SANDBOX_INVALID(iop_sandbox_start("{\"apps\":[]}", &s), "config_json");
    CHECK_SANDBOX_INVALID(iop_sandbox_start("not json", &s), "config_json");
    CHECK(s == sentinel);
    /* The sandbox keeps its own last error: iop_last_error_* are not touched, and the other way
     * round. */
    CHECK_INVALID(iop_request_new("/x", NULL), "out_request");
    CHECK_SANDBOX(iop_sandbox_start("not json", &s), IOP_ERR_INVALID_ARGUMENT);
    CHECK(iop_last_error_status() == IOP_ERR_INVALID_ARGUMENT);
    CHECK_CONTAINS(iop_last_error_message(), "`out_request`");
    CHECK_CONTAINS(iop_sandbox_last_error_message(), "config_json");
    IopRequest *r = NULL;
    REQUIRE_OK(iop_request_new("/x", &r));
    iop_request_free(r);
    CHECK_CONTAINS(iop_sandbox_last_error_message(), "config_json");
    /* A success clears it. */
    CHECK_SANDBOX(iop_sandbox_advance_clock_ms(g_sandbox, 0), IOP_OK);
    CHECK(iop_sandbox_last_error_message() == NULL);
    CHECK_SANDBOX(iop_sandbox_route_hits(g_sandbox, "/never/called", &hits), IOP_OK);
    CHECK(hits == 0);
    char *a = issue_code(APP1_KEY), *b = issue_code(APP1_KEY);
    CHECK(a != NULL && b != NULL && strcmp(a, b) != 0);
    CHECK(iop_sandbox_last_error_message() == NULL);
    iop_sandbox_string_free(a);
    iop_sandbox_string_free(b);
}

/* Token fields every flavour has; `before`/`after` bracket the call (epoch ms). */
static void check_fresh_token(const IopToken *t, int64_t before, int64_t after) {
    const char *at = iop_token_access_token(t), *rt = iop_token_refresh_token(t);
    REQUIRE(at != NULL && rt != NULL);
    printf("#   access token length %zu, refresh token length %zu\n", strlen(at), strlen(rt));
    CHECK(strlen(at) > 10 && strlen(rt) > 10 && strcmp(at, rt) != 0);
    int64_t exp = iop_token_expires_at_ms(t), rexp = iop_token_refresh_expires_at_ms(t);
    CHECK(exp > now_ms());
    CHECK(exp >= before + ACCESS_TTL_MS - 2000 && exp <= after + ACCESS_TTL_MS + 2000);
    CHECK(rexp >= before + REFRESH_TTL_MS - 2000 && rexp <= after + REFRESH_TTL_MS + 2000);
    CHECK(iop_token_can_refresh(t));
    CHECK_CONTAINS(iop_token_account(t), "@");
    CHECK_STREQ(iop_token_account_platform(t), "seller_center");
    CHECK_HAS_QUIETLY(iop_token_raw_json(t), "\"access_token\"");
    char *json = NULL;
    CHECK_STATUS(iop_token_to_json(t, &json), IOP_OK);
    CHECK_HAS_QUIETLY(json, "\"expires_at\":");
    CHECK_HAS_QUIETLY(json, "\"refresh_expires_at\":");
    CHECK_HAS_QUIETLY(json, "\"can_refresh\":true");
    if (json != NULL) CHECK(strstr(json, at) != NULL);
    iop_string_free(json);
}

/* Refreshes `t`: the new refresh token differs, the old one is then IllegalRefreshToken. */
static IopToken *check_rotation(const IopClient *c, const IopToken *t) {
    IopToken *fresh = NULL, *again = NULL;
    const char *old_rt = iop_token_refresh_token(t);
    IopStatus st = iop_token_refresh(c, old_rt, &fresh);
    CHECK_STATUS(st, IOP_OK);
    if (st != IOP_OK) return NULL;
    CHECK(strcmp(iop_token_refresh_token(fresh), old_rt) != 0);
    CHECK(strcmp(iop_token_access_token(fresh), iop_token_access_token(t)) != 0);
    CHECK(iop_token_can_refresh(fresh));
    check_platform_error(iop_token_refresh(c, old_rt, &again), "IllegalRefreshToken", old_rt);
    CHECK(again == NULL);
    /* The new access token works. */
    IopResponse *resp = seller_get(c, iop_token_access_token(fresh), IOP_HTTP_POST);
    check_success_response(resp);
    iop_response_free(resp);
    return fresh;
}

static void test_token_lazada(void) {
    IopClient *c = sandbox_client("/lazada/rest", APP1_KEY, APP1_SECRET);
    REQUIRE(c != NULL);
    int64_t before = now_ms();
    IopToken *t = new_token(c, APP1_KEY);
    int64_t after = now_ms();
    REQUIRE(t != NULL);
    check_fresh_token(t, before, after);
    CHECK_STREQ(iop_token_country(t), "sg");
    CHECK(iop_token_account_id(t) == NULL); /* null for seller_center */
    REQUIRE(iop_token_country_count(t) == 1);
    CHECK_STREQ(iop_token_country_code(t, 0), "sg");
    CHECK(iop_token_country_user_id(t, 0) != NULL);
    CHECK(iop_token_country_seller_id(t, 0) != NULL);
    CHECK(iop_token_country_short_code(t, 0) != NULL);
    CHECK(iop_token_country_code(t, 1) == NULL);
    CHECK(iop_token_country_user_id(t, 1) == NULL);
    CHECK(iop_token_country_seller_id(t, 1) == NULL);
    CHECK(iop_token_country_short_code(t, 1) == NULL);
    /* Lazada has the ids in the per-country list only: the token takes its country's entry. */
    CHECK_STREQ(iop_token_seller_id(t), iop_token_country_seller_id(t, 0));
    CHECK_STREQ(iop_token_user_id(t), iop_token_country_user_id(t, 0));
    CHECK(iop_token_havana_id(t) == NULL && iop_token_sp(t) == NULL);

    IopToken *fresh = check_rotation(c, t);
    REQUIRE(fresh != NULL);
    CHECK(iop_token_country_count(fresh) == 1); /* country_user_info_list on refresh */
    CHECK_STREQ(iop_token_country_seller_id(fresh, 0), iop_token_country_seller_id(t, 0));
    iop_token_free(fresh);
    iop_token_free(t);
    iop_client_free(c);
}

static void test_token_tw(void) {
    IopClient *c = sandbox_client("/tw/rest", APP1_KEY, APP1_SECRET);
    REQUIRE(c != NULL);
    int64_t before = now_ms();
    IopToken *t = new_token(c, APP1_KEY);
    int64_t after = now_ms();
    REQUIRE(t != NULL);
    check_fresh_token(t, before, after); /* lifetimes arrive as strings */
    CHECK(iop_token_user_id(t) != NULL);
    CHECK(iop_token_seller_id(t) != NULL);
    CHECK(iop_token_short_code(t) != NULL);
    CHECK(iop_token_account_id(t) != NULL);
    CHECK(iop_token_country_count(t) == 0);
    IopToken *fresh = check_rotation(c, t);
    REQUIRE(fresh != NULL);
    /* The refresh answer spells them user_Id / seller_Id. */
    CHECK_HAS_QUIETLY(iop_token_raw_json(fresh), "\"user_Id\"");
    CHECK_STREQ(iop_token_user_id(fresh), iop_token_user_id(t));
    CHECK_STREQ(iop_token_seller_id(fresh), iop_token_seller_id(t));
    iop_token_free(fresh);
    iop_token_free(t);
    iop_client_free(c);
}

static void test_token_aliexpress(void) {
    /* Bare host: the client appends /rest for GOP. */
    IopClient *c = sandbox_client("/aliexpress", APP1_KEY, APP1_SECRET);
    REQUIRE(c != NULL);
    int64_t before = now_ms();
    IopToken *t = new_token(c, APP1_KEY);
    int64_t after = now_ms();
    REQUIRE(t != NULL);
    check_fresh_token(t, before, after);
    CHECK(iop_token_havana_id(t) != NULL);
    CHECK(iop_token_user_nick(t) != NULL);
    CHECK_STREQ(iop_token_locale(t), "zh_CN");
    CHECK_STREQ(iop_token_sp(t), "ae");
    CHECK(iop_token_user_id(t) != NULL && iop_token_seller_id(t) != NULL);
    CHECK_HAS_QUIETLY(iop_token_raw_json(t), "\"expire_time\"");
    IopToken *fresh = check_rotation(c, t);
    REQUIRE(fresh != NULL);
    /* A refresh does not extend the grant: the absolute refresh expiry stays. */
    CHECK(iop_token_refresh_expires_at_ms(fresh) == iop_token_refresh_expires_at_ms(t));
    CHECK_STREQ(iop_token_havana_id(fresh), iop_token_havana_id(t));
    iop_token_free(fresh);
    iop_token_free(t);
    iop_client_free(c);
}

static void test_token_unprefixed_rest_is_lazada(void) {
    IopClient *c = sandbox_client("/rest", APP1_KEY, APP1_SECRET);
    REQUIRE(c != NULL);
    IopToken *t = new_token(c, APP1_KEY);
    REQUIRE(t != NULL);
    CHECK_STREQ(iop_token_country(t), "sg");
    CHECK(iop_token_country_count(t) == 1);
    iop_token_free(t);
    iop_client_free(c);
}

static void test_token_errors(void) {
    IopToken *t = NULL;
    IopClient *c = sandbox_client("/lazada/rest", APP1_KEY, APP1_SECRET);
    REQUIRE(c != NULL);
    char *code = issue_code(APP1_KEY);
    REQUIRE(code != NULL);

    /* Wrong secret: IncompleteSignature, and the code is not consumed. */
    IopClient *wrong = sandbox_client("/lazada/rest", APP1_KEY, "not-the-secret");
    if (wrong != NULL) check_platform_error(iop_token_create(wrong, code, &t), "IncompleteSignature", code);
    iop_client_free(wrong);
    /* Unknown app key. */
    IopClient *unknown = sandbox_client("/lazada/rest", "999999", APP1_SECRET);
    if (unknown != NULL) check_platform_error(iop_token_create(unknown, code, &t), "InvalidAppKey", code);
    iop_client_free(unknown);
    /* A code issued to another app. */
    IopClient *other = sandbox_client("/lazada/rest", APP2_KEY, APP2_SECRET);
    if (other != NULL) check_platform_error(iop_token_create(other, code, &t), "InvalidCode", code);
    iop_client_free(other);

    CHECK_STATUS(iop_token_create(c, code, &t), IOP_OK);
    iop_token_free(t);
    t = NULL;
    /* Reuse. */
    check_platform_error(iop_token_create(c, code, &t), "InvalidCode", code);
    /* Unknown code. */
    check_platform_error(iop_token_create(c, "0_100001_unknownCode", &t), "InvalidCode", NULL);
    CHECK(t == NULL);
    iop_sandbox_string_free(code);
    iop_client_free(c);
}

static void test_token_non_refreshable(void) {
    IopClient *c = sandbox_client("/lazada/rest", APP2_KEY, APP2_SECRET);
    REQUIRE(c != NULL);
    IopToken *t = new_token(c, APP2_KEY), *fresh = NULL;
    REQUIRE(t != NULL);
    CHECK(!iop_token_can_refresh(t));
    CHECK(iop_token_refresh_expires_at_ms(t) == 0);
    CHECK(iop_token_expires_at_ms(t) > now_ms());
    const char *rt = iop_token_refresh_token(t);
    if (rt != NULL && rt[0] != '\0') {
        check_platform_error(iop_token_refresh(c, rt, &fresh), "AUTH_TYPE_UNSUPPORTED", rt);
    } else {
        CHECK_STATUS(iop_token_refresh(c, "0_100002_anyRefreshToken", &fresh), IOP_ERR_PLATFORM);
        CHECK_STREQ(iop_last_error_code(), "AUTH_TYPE_UNSUPPORTED");
    }
    CHECK(fresh == NULL);
    iop_token_free(t);
    iop_client_free(c);
}

static void test_execute_seller_get(void) {
    IopClient *c = sandbox_client("/lazada/rest", APP1_KEY, APP1_SECRET);
    REQUIRE(c != NULL);
    IopToken *t = new_token(c, APP1_KEY);
    REQUIRE(t != NULL);
    const char *at = iop_token_access_token(t);

    IopResponse *post = seller_get(c, at, IOP_HTTP_POST);
    check_success_response(post);
    CHECK_CONTAINS(iop_response_body(post), "\"seller_id\"");
    IopResponse *get = seller_get(c, at, IOP_HTTP_GET);
    check_success_response(get);
    CHECK(iop_response_body_len(get) == iop_response_body_len(post));
    iop_response_free(post);
    iop_response_free(get);

    /* set_api_name turns an unknown API into /seller/get. */
    IopRequest *r = NULL;
    IopResponse *resp = NULL;
    REQUIRE_OK(iop_request_new("/seller/nope", &r));
    REQUIRE_OK(iop_client_execute(c, r, at, IOP_PROTOCOL_AUTO, &resp));
    CHECK(!iop_response_is_success(resp));
    CHECK_STREQ(iop_response_code(resp), "InvalidApiPath");
    iop_response_free(resp);
    resp = NULL;
    REQUIRE_OK(iop_request_set_api_name(r, "/seller/get"));
    REQUIRE_OK(iop_client_execute(c, r, at, IOP_PROTOCOL_AUTO, &resp));
    check_success_response(resp);
    iop_response_free(resp);
    resp = NULL;

    /* No token: MissingParameter, still IOP_OK. */
    REQUIRE_OK(iop_client_execute(c, r, NULL, IOP_PROTOCOL_GOP, &resp));
    CHECK(!iop_response_is_success(resp));
    CHECK_STREQ(iop_response_code(resp), "MissingParameter");
    CHECK(iop_response_http_status(resp) == 200); /* API errors but OAuth's come with HTTP 200 */
    iop_response_free(resp);
    iop_request_free(r);
    iop_token_free(t);
    iop_client_free(c);
}

static void test_execute_bad_access_token(void) {
    IopClient *c = sandbox_client("/lazada/rest", APP1_KEY, APP1_SECRET);
    REQUIRE(c != NULL);
    IopResponse *resp = seller_get(c, "50000not-a-token", IOP_HTTP_POST);
    REQUIRE(resp != NULL);
    CHECK(iop_last_error_status() == IOP_OK);
    CHECK(!iop_response_is_success(resp));
    CHECK(iop_response_http_status(resp) == 200);
    CHECK_STREQ(iop_response_code(resp), "IllegalAccessToken");
    CHECK_STREQ(iop_response_type(resp), "ISV");
    CHECK(iop_response_message(resp) != NULL);
    CHECK(iop_response_request_id(resp) != NULL);
    CHECK_CONTAINS(iop_response_body(resp), "IllegalAccessToken");
    iop_response_free(resp);
    iop_client_free(c);
}

static void test_execute_top(void) {
    IopClient *gop = sandbox_client("/aliexpress/rest", APP1_KEY, APP1_SECRET);
    IopClient *bare = sandbox_client("/aliexpress", APP1_KEY, APP1_SECRET);
    REQUIRE(gop != NULL && bare != NULL);
    IopToken *t = new_token(gop, APP1_KEY);
    REQUIRE(t != NULL);
    IopRequest *r = NULL;
    REQUIRE_OK(iop_request_new("aliexpress.ds.category.get", &r));
    const IopClient *clients[2] = {gop, bare};
    const int32_t protocols[2] = {IOP_PROTOCOL_TOP, IOP_PROTOCOL_AUTO};
    for (int i = 0; i < 2; i++) {
        for (int p = 0; p < 2; p++) {
            IopResponse *resp = NULL;
            CHECK_STATUS(iop_client_execute(clients[i], r, iop_token_access_token(t), protocols[p], &resp), IOP_OK);
            CHECK(iop_response_is_success(resp));
            CHECK(iop_response_http_status(resp) == 200);
            CHECK(iop_response_request_id(resp) != NULL);
            CHECK_CONTAINS(iop_response_body(resp), "aliexpress_ds_category_get_response");
            iop_response_free(resp);
        }
    }
    IopResponse *resp = NULL;
    REQUIRE_OK(iop_request_add_param(r, "category_id", "44"));
    REQUIRE_OK(iop_client_execute(bare, r, iop_token_access_token(t), IOP_PROTOCOL_TOP, &resp));
    CHECK(iop_response_is_success(resp));
    CHECK_CONTAINS(iop_response_body(resp), "Earphones");
    iop_response_free(resp);

    /* A bad session: the wrapped error_response, message from `msg`. */
    resp = NULL;
    REQUIRE_OK(iop_client_execute(bare, r, "50000bad-session", IOP_PROTOCOL_TOP, &resp));
    CHECK(!iop_response_is_success(resp));
    CHECK_CONTAINS(iop_response_body(resp), "\"error_response\"");
    CHECK_STREQ(iop_response_code(resp), "IllegalAccessToken");
    CHECK_STREQ(iop_response_type(resp), "ISV");
    CHECK_STREQ(iop_response_message(resp), "Illegal access token");
    CHECK_STREQ(iop_response_sub_code(resp), "isv.illegal-access-token");
    CHECK(iop_response_sub_message(resp) != NULL);
    CHECK(iop_response_request_id(resp) != NULL);
    iop_response_free(resp);

    iop_request_free(r);
    iop_token_free(t);
    iop_client_free(gop);
    iop_client_free(bare);
}

static void test_execute_files_and_headers(void) {
    IopClient *c = sandbox_client("/lazada/rest", APP1_KEY, APP1_SECRET);
    REQUIRE(c != NULL);
    IopToken *t = new_token(c, APP1_KEY);
    REQUIRE(t != NULL);
    IopRequest *r = NULL;
    IopResponse *resp = NULL;
    static const uint8_t image[] = {0x89, 'P', 'N', 'G', 0x0d, 0x0a, 0x1a, 0x0a, 0x00, 0x00, 0xff, 0xfe};
    REQUIRE_OK(iop_request_new("/seller/get", &r));
    REQUIRE_OK(iop_request_add_param(r, "note", "multipart"));
    REQUIRE_OK(iop_request_add_file(r, "image", "image.png", "image/png", image, sizeof image));
    REQUIRE_OK(iop_request_add_file(r, "empty", "empty.txt", NULL, NULL, 0));
    REQUIRE_OK(iop_request_add_header(r, "X-Iopkit-Test", "c"));
    /* Files are not signed: the multipart call verifies. */
    REQUIRE_OK(iop_client_execute(c, r, iop_token_access_token(t), IOP_PROTOCOL_GOP, &resp));
    check_success_response(resp);
    iop_response_free(resp);
    resp = NULL;
    /* Files need POST. */
    REQUIRE_OK(iop_request_set_http_method(r, IOP_HTTP_GET));
    CHECK_INVALID(iop_client_execute(c, r, iop_token_access_token(t), IOP_PROTOCOL_GOP, &resp), "request");
    CHECK(resp == NULL);
    iop_request_free(r);

    /* A header alone, with GET. */
    REQUIRE_OK(iop_request_new("/seller/get", &r));
    REQUIRE_OK(iop_request_add_header(r, "Accept-Language", "en"));
    REQUIRE_OK(iop_request_set_http_method(r, IOP_HTTP_GET));
    REQUIRE_OK(iop_client_execute(c, r, iop_token_access_token(t), IOP_PROTOCOL_GOP, &resp));
    check_success_response(resp);
    iop_response_free(resp);
    iop_request_free(r);
    iop_token_free(t);
    iop_client_free(c);
}

static void test_execute_settings(void) {
    IopClient *c = sandbox_client("/lazada/rest", APP1_KEY, APP1_SECRET);
    REQUIRE(c != NULL);
    IopToken *t = new_token(c, APP1_KEY);
    REQUIRE(t != NULL);
    const char *at = iop_token_access_token(t);
    IopRequest *r = NULL;
    IopResponse *resp = NULL;
    REQUIRE_OK(iop_request_new("/seller/get", &r));

    /* Any partner_id is signed and accepted; insecure HTTP changes nothing on loopback. */
    struct settings s = DEFAULTS;
    s.partner_id = "c-test-partner";
    s.insecure = true;
    s.connect_ms = 5000;
    s.read_ms = 10000;
    REQUIRE_OK(configure(c, &s));
    REQUIRE_OK(iop_client_execute(c, r, at, IOP_PROTOCOL_GOP, &resp));
    check_success_response(resp);
    iop_response_free(resp);
    resp = NULL;

    /* A 10-byte cap: the body is too big. */
    s.max_bytes = 10;
    REQUIRE_OK(configure(c, &s));
    CHECK_STATUS(iop_client_execute(c, r, at, IOP_PROTOCOL_GOP, &resp), IOP_ERR_MALFORMED_RESPONSE);
    CHECK(iop_last_error_message() != NULL);
    CHECK(resp == NULL);
    IopToken *none = NULL;
    char *code = issue_code(APP1_KEY);
    CHECK_STATUS(iop_token_create(c, code, &none), IOP_ERR_MALFORMED_RESPONSE);
    CHECK(none == NULL);
    iop_sandbox_string_free(code);
    /* Raised again, calls work; so they do with the default cap. */
    s.max_bytes = 1 << 20;
    REQUIRE_OK(configure(c, &s));
    REQUIRE_OK(iop_client_execute(c, r, at, IOP_PROTOCOL_GOP, &resp));
    check_success_response(resp);
    iop_response_free(resp);
    resp = NULL;
    s.max_bytes = 10;
    REQUIRE_OK(configure(c, &s));
    REQUIRE_OK(iop_client_configure(c, NULL));
    REQUIRE_OK(iop_client_execute(c, r, at, IOP_PROTOCOL_GOP, &resp));
    check_success_response(resp);
    iop_response_free(resp);
    iop_request_free(r);
    iop_token_free(t);
    iop_client_free(c);
}

struct worker {
    const IopClient *client;
    const IopRequest *request;
    const char *access_token;
    int ok, failed;
};

/* The batch call: every outcome at its index, as iop_client_execute would give it; a failed
 * call leaves the others alone; outcomes are taken once; the pool keeps a connection per worker. */
static void test_execute_batch(void) {
    IopClient *c = sandbox_client("/lazada/rest", APP1_KEY, APP1_SECRET);
    REQUIRE(c != NULL);
    IopToken *t = new_token(c, APP1_KEY);
    REQUIRE(t != NULL);
    IopBatch *b = NULL;
    IopRequest *ok = NULL, *faulted = NULL, *dotted = NULL;
    IopResponse *resp = NULL;
    REQUIRE_OK(iop_batch_new(&b));
    CHECK(iop_batch_len(b) == 0 && iop_batch_len(NULL) == 0);
    /* An empty batch executes; nothing to take. */
    CHECK_STATUS(iop_client_execute_batch(c, b, IOP_USE_DEFAULT), IOP_OK);
    CHECK_INVALID(iop_batch_take_response(b, 0, &resp), "index");
    REQUIRE_OK(iop_request_new("/seller/get", &ok));
    REQUIRE_OK(iop_request_new("/seller/get", &faulted));
    REQUIRE_OK(iop_request_add_header(faulted, "X-Sandbox-Fault", "http-502"));
    REQUIRE_OK(iop_request_new("seller.get", &dotted));
    int64_t hits = route_hits("/seller/get");
    for (int i = 0; i < 48; i++) {
        const IopRequest *r = i == 9 ? faulted : i == 17 ? dotted : ok;
        const char *token = i == 5 ? "50000not-a-token" : i == 30 ? NULL : iop_token_access_token(t);
        CHECK_STATUS(iop_batch_add(b, r, token, i == 17 ? IOP_PROTOCOL_GOP : IOP_PROTOCOL_AUTO), IOP_OK);
    }
    /* The batch holds copies: changing or freeing a request afterwards changes nothing. */
    iop_request_free(ok);
    CHECK(iop_batch_len(b) == 48);
    CHECK_INVALID(iop_batch_take_response(b, 0, &resp), "batch"); /* not executed yet */
    CHECK_INVALID(iop_client_execute_batch(c, b, 0), "concurrency");
    CHECK_INVALID(iop_client_execute_batch(c, b, IOP_MAX_BATCH_CONCURRENCY + 1), "concurrency");
    CHECK_INVALID(iop_client_execute_batch(NULL, b, 4), "client");
    CHECK_INVALID(iop_client_execute_batch(c, NULL, 4), "batch");
    CHECK_INVALID(iop_batch_add(b, NULL, NULL, IOP_PROTOCOL_AUTO), "request");
    CHECK_INVALID(iop_batch_add(b, faulted, NULL, 7), "protocol");
    CHECK(iop_batch_len(b) == 48);
    REQUIRE_OK(iop_client_execute_batch(c, b, 8));
    for (size_t i = 0; i < 48; i++) {
        resp = NULL;
        IopStatus st = iop_batch_take_response(b, i, &resp);
        if (i == 9) {
            CHECK_STATUS(st, IOP_ERR_HTTP);
            CHECK(iop_last_error_http_status() == 502 && resp == NULL);
        } else if (i == 17) {
            CHECK_STATUS(st, IOP_ERR_INVALID_ARGUMENT);
            CHECK_CONTAINS(iop_last_error_message(), "GOP");
        } else {
            CHECK_STATUS(st, IOP_OK);
            if (resp == NULL) continue;
            if (i == 5)
                CHECK_STREQ(iop_response_code(resp), "IllegalAccessToken");
            else if (i == 30)
                CHECK_STREQ(iop_response_code(resp), "MissingParameter");
            else
                CHECK(iop_response_is_success(resp));
            iop_response_free(resp);
        }
    }
    /* Taken once; out of range; the dotted request never left the client. */
    CHECK_INVALID(iop_batch_take_response(b, 0, &resp), "index");
    CHECK_INVALID(iop_batch_take_response(b, 48, &resp), "index");
    CHECK_INVALID(iop_batch_take_response(b, 1, NULL), "out_response");
    CHECK(route_hits("/seller/get") - hits == 47);
    /* Executed again (outcomes not taken are freed by iop_batch_free or a new run). */
    REQUIRE_OK(iop_client_execute_batch(c, b, 1));
    CHECK_STATUS(iop_batch_take_response(b, 47, &resp), IOP_OK);
    iop_response_free(resp);
    iop_batch_free(b);
    iop_batch_free(NULL);
    iop_request_free(faulted);
    iop_request_free(dotted);
    iop_token_free(t);
    iop_client_free(c);
}

static void *call_many(void *arg) {
    struct worker *w = arg;
    for (int i = 0; i < g_calls; i++) {
        IopResponse *resp = NULL;
        IopStatus st = iop_client_execute(w->client, w->request, w->access_token, IOP_PROTOCOL_GOP, &resp);
        if (st == IOP_OK && iop_response_is_success(resp) && iop_response_http_status(resp) == 200)
            w->ok++;
        else
            w->failed++;
        iop_response_free(resp);
    }
    return NULL;
}

struct setter {
    IopClient *client;
    volatile int stop;
    int failed;
};

/* Keeps reconfiguring the shared client from its own IopConfig (configs are per thread). */
static void *change_settings(void *arg) {
    struct setter *s = arg;
    IopConfig *config = NULL;
    if (iop_config_new(&config) != IOP_OK) {
        s->failed++;
        return NULL;
    }
    for (int i = 0; !s->stop && i < 10000; i++) {
        if (iop_config_set_read_timeout_ms(config, 20000 + i % 7) != IOP_OK) s->failed++;
        if (iop_config_set_partner_id(config, i % 2 ? "partner-a" : "partner-b") != IOP_OK) s->failed++;
        if (iop_client_configure(s->client, config) != IOP_OK) s->failed++;
        usleep(2000);
    }
    iop_config_free(config);
    return NULL;
}

static void test_concurrent_calls(void) {
    enum { THREADS = 8 };
    IopClient *c = sandbox_client("/lazada/rest", APP1_KEY, APP1_SECRET);
    REQUIRE(c != NULL);
    IopToken *t = new_token(c, APP1_KEY);
    REQUIRE(t != NULL);
    IopRequest *r = NULL;
    REQUIRE_OK(iop_request_new("/seller/get", &r));
    pthread_t th[THREADS], st;
    struct worker w[THREADS];
    struct setter s = {c, 0, 0};
    REQUIRE(pthread_create(&st, NULL, change_settings, &s) == 0);
    int started = 0;
    for (int i = 0; i < THREADS; i++) {
        w[i] = (struct worker){c, r, iop_token_access_token(t), 0, 0};
        if (pthread_create(&th[i], NULL, call_many, &w[i]) == 0) started++;
    }
    CHECK(started == THREADS);
    int ok = 0, failed = 0;
    for (int i = 0; i < started; i++) {
        pthread_join(th[i], NULL);
        ok += w[i].ok;
        failed += w[i].failed;
    }
    s.stop = 1;
    pthread_join(st, NULL);
    printf("#   %d threads x %d calls: %d ok, %d failed\n", THREADS, g_calls, ok, failed);
    CHECK(ok == THREADS * g_calls);
    CHECK(failed == 0);
    CHECK(s.failed == 0);
    iop_request_free(r);
    iop_token_free(t);
    iop_client_free(c);
}

/* Faults armed in the sandbox: typed failures, a token call sent exactly once, throttling
 * waits (iop_last_error_retry_after_ms, iop_response_retry_after_ms), stalls bounded by the
 * read timeout. */
static void test_faults_and_throttling(void) {
    IopClient *c = sandbox_client("/lazada/rest", APP1_KEY, APP1_SECRET);
    REQUIRE(c != NULL);
    char *code = issue_code(APP1_KEY);
    REQUIRE(code != NULL);
    IopToken *t = NULL;
    const int64_t creates = route_hits("/auth/token/create");
    CHECK(creates >= 0);

    /* Throttled: a platform error with the ban's length; the code is not spent. */
    CHECK_SANDBOX(iop_sandbox_arm_fault(g_sandbox, "/auth/token/create", "throttle;seconds=3", 1), IOP_OK);
    CHECK_STATUS(iop_token_create(c, code, &t), IOP_ERR_PLATFORM);
    CHECK_STREQ(iop_last_error_code(), "ApiCallLimit");
    CHECK_STREQ(iop_last_error_type(), "ISP");
    CHECK(iop_last_error_sub_message() == NULL); /* a flat (GOP) envelope has no sub_msg */
    CHECK(iop_last_error_retry_after_ms() == 3000);
    CHECK(route_hits("/auth/token/create") == creates + 1);

    /* Reset after the code was consumed: a network error, sent once, never re-sent. */
    CHECK_SANDBOX(iop_sandbox_arm_fault(g_sandbox, "/auth/token/create", "reset", 1), IOP_OK);
    CHECK_STATUS(iop_token_create(c, code, &t), IOP_ERR_NETWORK);
    CHECK(iop_last_error_retry_after_ms() == -1);
    CHECK(route_hits("/auth/token/create") == creates + 2);
    /* A second try finds the code spent. */
    check_platform_error(iop_token_create(c, code, &t), "InvalidCode", code);
    CHECK(iop_last_error_retry_after_ms() == -1);
    CHECK(t == NULL);
    iop_sandbox_string_free(code);

    /* iop_client_execute: a throttled response carries the wait; others have none. */
    IopRequest *r = NULL;
    IopResponse *resp = NULL;
    REQUIRE_OK(iop_request_new("/seller/get", &r));
    REQUIRE_OK(iop_request_add_header(r, "X-Sandbox-Fault", "throttle;seconds=2;code=AppCallLimit"));
    REQUIRE_OK(iop_client_execute(c, r, "token", IOP_PROTOCOL_GOP, &resp));
    CHECK(!iop_response_is_success(resp));
    CHECK_STREQ(iop_response_code(resp), "AppCallLimit");
    CHECK(iop_response_retry_after_ms(resp) == 2000);
    CHECK(iop_last_error_retry_after_ms() == -1); /* the call succeeded */
    iop_response_free(resp);
    iop_request_free(r);
    resp = seller_get(c, "token", IOP_HTTP_POST);
    REQUIRE(resp != NULL);
    CHECK_STREQ(iop_response_code(resp), "IllegalAccessToken");
    CHECK(iop_response_retry_after_ms(resp) == -1);
    iop_response_free(resp);
    CHECK(iop_response_retry_after_ms(NULL) == -1);

    /* count 0: armed until cleared. */
    CHECK_SANDBOX(iop_sandbox_arm_fault(g_sandbox, "/seller/get", "http-503", 0), IOP_OK);
    REQUIRE_OK(iop_request_new("/seller/get", &r));
    for (int i = 0; i < 2; i++) {
        resp = NULL;
        CHECK_STATUS(iop_client_execute(c, r, "token", IOP_PROTOCOL_GOP, &resp), IOP_ERR_HTTP);
        CHECK(iop_last_error_http_status() == 503);
        CHECK(resp == NULL);
    }
    CHECK_SANDBOX(iop_sandbox_clear_faults(g_sandbox), IOP_OK);

    /* A stall mid-body ends at the read timeout. */
    const int64_t timeout = 300;
    REQUIRE_OK(set_read_timeout(c, timeout));
    CHECK_SANDBOX(iop_sandbox_arm_fault(g_sandbox, "/seller/get", "stall-body;ms=10000", 1), IOP_OK);
    int64_t start = mono_ms();
    CHECK_STATUS(iop_client_execute(c, r, "token", IOP_PROTOCOL_GOP, &resp), IOP_ERR_TIMEOUT);
    int64_t elapsed = mono_ms() - start;
    printf("#   stalled body: timed out after %" PRId64 " ms (read timeout %" PRId64 " ms)\n", elapsed, timeout);
    CHECK(elapsed >= timeout - 50 && elapsed <= 2 * timeout + g_slack_ms);
    iop_request_free(r);

    /* Bad arguments: IOP_ERR_INVALID_ARGUMENT and a message naming what is wrong. */
    int64_t before = route_hits("/seller/get");
    CHECK_SANDBOX_INVALID(iop_sandbox_arm_fault(NULL, "/seller/get", "reset", 1), "sandbox");
    CHECK_SANDBOX_INVALID(iop_sandbox_arm_fault(g_sandbox, NULL, "reset", 1), "route");
    CHECK_SANDBOX_INVALID(iop_sandbox_arm_fault(g_sandbox, "/seller/get", NULL, 1), "fault");
    CHECK_SANDBOX(iop_sandbox_arm_fault(g_sandbox, "", "reset", 1), IOP_ERR_INVALID_ARGUMENT);
    CHECK(iop_sandbox_last_error_message() != NULL);
    CHECK_SANDBOX_INVALID(iop_sandbox_arm_fault(g_sandbox, "/seller/get", "explode", 1), "fault");
    CHECK_SANDBOX_INVALID(iop_sandbox_clear_faults(NULL), "sandbox");
    /* Nothing was armed by the refused calls: a call goes through. */
    resp = seller_get(c, "token", IOP_HTTP_POST);
    CHECK(resp != NULL && iop_response_http_status(resp) == 200); /* IllegalAccessToken, not a fault */
    iop_response_free(resp);
    CHECK(route_hits("/seller/get") == before + 1);
    iop_client_free(c);
}

/* The sandbox's limits (iop_sandbox_set_limits, iop_sandbox_ban, iop_sandbox_request_log): the
 * platforms' throttling answers, and a log of what was sent. Leaves no limit or ban behind. */
static void test_sandbox_limits(void) {
    IopClient *c = sandbox_client("/lazada/rest", APP1_KEY, APP1_SECRET);
    REQUIRE(c != NULL);
    int64_t until = -1;
    /* One call per second to /seller/get: the second in a row is ApiCallLimit, HTTP 200. */
    CHECK_SANDBOX(iop_sandbox_set_limits(g_sandbox, "{\"apis\":{\"/seller/get\":{\"rate\":1}}}"), IOP_OK);
    IopResponse *resp = seller_get(c, "token", IOP_HTTP_POST);
    CHECK(resp != NULL && strcmp(iop_response_code(resp), "IllegalAccessToken") == 0);
    iop_response_free(resp);
    resp = seller_get(c, "token", IOP_HTTP_POST);
    REQUIRE(resp != NULL);
    CHECK_STREQ(iop_response_code(resp), "ApiCallLimit");
    CHECK(iop_response_http_status(resp) == 200);
    CHECK(iop_response_retry_after_ms(resp) == 1000);
    iop_response_free(resp);
    CHECK_SANDBOX(iop_sandbox_set_limits(g_sandbox, "{}"), IOP_OK);

    /* A 5 s ban of the app: AppCallLimit, "This ban will last 5 more seconds"; 0 lifts it. */
    CHECK_SANDBOX(iop_sandbox_ban(g_sandbox, APP1_KEY, NULL, 5, &until), IOP_OK);
    CHECK(until > 0);
    resp = seller_get(c, "token", IOP_HTTP_POST);
    REQUIRE(resp != NULL);
    CHECK_STREQ(iop_response_code(resp), "AppCallLimit");
    CHECK_STREQ(iop_response_message(resp), "This ban will last 5 more seconds");
    CHECK(iop_response_retry_after_ms(resp) == 5000);
    iop_response_free(resp);
    CHECK_SANDBOX(iop_sandbox_ban(g_sandbox, APP1_KEY, NULL, 0, &until), IOP_OK);
    CHECK_SANDBOX(iop_sandbox_ban(g_sandbox, APP1_KEY, "/seller/get", 0, &until), IOP_OK);

    /* The log: the three calls above, the last two throttled. */
    char *log = NULL;
    CHECK_SANDBOX(iop_sandbox_request_log(g_sandbox, &log), IOP_OK);
    REQUIRE(log != NULL && log[0] == '[');
    CHECK_CONTAINS(log, "\"limit\":\"api\",\"code\":\"ApiCallLimit\"");
    CHECK_CONTAINS(log, "\"limit\":\"app\",\"code\":\"AppCallLimit\"");
    CHECK_CONTAINS(log, "\"api\":\"/seller/get\"");
    iop_sandbox_string_free(log);

    /* Bad arguments name what is wrong and leave out-parameters alone. */
    until = -7;
    char *sentinel = (char *)&sentinel;
    log = sentinel;
    CHECK_SANDBOX_INVALID(iop_sandbox_set_limits(g_sandbox, "{\"app\":{\"rate\":0}}"), "limits_json");
    CHECK_SANDBOX_INVALID(iop_sandbox_set_limits(g_sandbox, NULL), "limits_json");
    CHECK_SANDBOX_INVALID(iop_sandbox_set_limits(NULL, "{}"), "sandbox");
    CHECK_SANDBOX_INVALID(iop_sandbox_ban(g_sandbox, "999999", NULL, 1, &until), "app_key");
    CHECK_SANDBOX_INVALID(iop_sandbox_ban(g_sandbox, APP1_KEY, NULL, 86401, &until), "seconds");
    CHECK_SANDBOX_INVALID(iop_sandbox_ban(g_sandbox, APP1_KEY, NULL, 1, NULL), "out_until_ms");
    CHECK(until == -7);
    CHECK_SANDBOX_INVALID(iop_sandbox_request_log(NULL, &log), "sandbox");
    CHECK_SANDBOX_INVALID(iop_sandbox_request_log(g_sandbox, NULL), "out_json");
    CHECK(log == sentinel);
    /* Nothing is left limited. */
    resp = seller_get(c, "token", IOP_HTTP_POST);
    CHECK(resp != NULL && strcmp(iop_response_code(resp), "IllegalAccessToken") == 0);
    iop_response_free(resp);
    iop_client_free(c);
}

/* ------------------------------------------------------------------------------------------ */
/* Clock: a sandbox with short lifetimes                                                      */

static const char clock_config[] =
    "{\"apps\":[{\"app_key\":\"" APP1_KEY "\",\"app_secret\":\"" APP1_SECRET "\","
    "\"access_ttl_secs\":60,\"refresh_ttl_secs\":300,\"can_refresh\":true}],\"code_ttl_secs\":120}";

static void test_access_token_expiry(void) {
    IopClient *c = sandbox_client("/lazada/rest", APP1_KEY, APP1_SECRET);
    REQUIRE(c != NULL);
    int64_t before = now_ms();
    IopToken *t = new_token(c, APP1_KEY);
    REQUIRE(t != NULL);
    CHECK(iop_token_expires_at_ms(t) >= before + 58000 && iop_token_expires_at_ms(t) <= now_ms() + 62000);
    CHECK(iop_token_refresh_expires_at_ms(t) >= before + 298000 && iop_token_refresh_expires_at_ms(t) <= now_ms() + 302000);
    IopResponse *resp = seller_get(c, iop_token_access_token(t), IOP_HTTP_POST);
    check_success_response(resp);
    iop_response_free(resp);

    /* Past the access lifetime: a platform error in an IOP_OK response. */
    REQUIRE_SANDBOX_OK(iop_sandbox_advance_clock_ms(g_sandbox, 61 * 1000));
    resp = seller_get(c, iop_token_access_token(t), IOP_HTTP_POST);
    REQUIRE(resp != NULL);
    CHECK(!iop_response_is_success(resp));
    CHECK_STREQ(iop_response_code(resp), "IllegalAccessToken");
    CHECK(iop_response_http_status(resp) == 200);
    iop_response_free(resp);

    /* The refresh token still works and gives a working access token... */
    IopToken *fresh = NULL;
    REQUIRE_OK(iop_token_refresh(c, iop_token_refresh_token(t), &fresh));
    resp = seller_get(c, iop_token_access_token(fresh), IOP_HTTP_GET);
    check_success_response(resp);
    iop_response_free(resp);
    /* ...until the grant's refresh lifetime is over. */
    REQUIRE_SANDBOX_OK(iop_sandbox_advance_clock_ms(g_sandbox, 300 * 1000));
    IopToken *dead = NULL;
    check_platform_error(iop_token_refresh(c, iop_token_refresh_token(fresh), &dead), "IllegalRefreshToken",
                         iop_token_refresh_token(fresh));
    CHECK(dead == NULL);
    iop_token_free(fresh);
    iop_token_free(t);
    iop_client_free(c);
}

static void test_code_expiry(void) {
    IopClient *c = sandbox_client("/tw/rest", APP1_KEY, APP1_SECRET);
    REQUIRE(c != NULL);
    char *code = issue_code(APP1_KEY), *late = issue_code(APP1_KEY);
    REQUIRE(code != NULL && late != NULL);
    /* The clock moves in milliseconds: 115 s on, a code (120 s) still works; 6 s more, not. */
    REQUIRE_SANDBOX_OK(iop_sandbox_advance_clock_ms(g_sandbox, 115000));
    IopToken *t = NULL;
    CHECK_STATUS(iop_token_create(c, late, &t), IOP_OK);
    iop_token_free(t);
    t = NULL;
    REQUIRE_SANDBOX_OK(iop_sandbox_advance_clock_ms(g_sandbox, 6000));
    check_platform_error(iop_token_create(c, code, &t), "InvalidCode", code);
    CHECK(t == NULL);
    iop_sandbox_string_free(late);
    iop_sandbox_string_free(code);
    iop_client_free(c);
}

/* ------------------------------------------------------------------------------------------ */
/* Transport: refused, stalled and canned connections on loopback                             */

/* A listening socket on 127.0.0.1 with an ephemeral port; -1 on failure. */
static int listen_loopback(int *port) {
    struct sockaddr_in addr;
    socklen_t len = sizeof addr;
    int fd = socket(AF_INET, SOCK_STREAM, 0);
    if (fd < 0) return -1;
    memset(&addr, 0, sizeof addr);
    addr.sin_family = AF_INET;
    addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    if (bind(fd, (struct sockaddr *)&addr, sizeof addr) != 0 || listen(fd, 8) != 0 ||
        getsockname(fd, (struct sockaddr *)&addr, &len) != 0) {
        close(fd);
        return -1;
    }
    *port = ntohs(addr.sin_port);
    return fd;
}

/* A one-connection server: accepts, then either holds the connection without answering
 * (reply == NULL) or reads the request and answers `reply`. */
struct fake_server {
    int listen_fd, port;
    const char *reply; /* points into buf, or NULL to stall */
    volatile int stop;
    int accepted;
    pthread_t thread;
    char buf[1024];
};

static void *fake_serve(void *arg) {
    struct fake_server *s = arg;
    struct pollfd pl = {s->listen_fd, POLLIN, 0};
    for (int waited = 0; !s->stop && waited < 10000; waited += 100) {
        if (poll(&pl, 1, 100) == 1) break;
    }
    if (s->stop) return NULL;
    int fd = accept(s->listen_fd, NULL, NULL);
    if (fd < 0) return NULL;
    s->accepted = 1;
    char buf[8192];
    size_t got = 0;
    long content_length = -1;
    char *head_end = NULL;
    struct pollfd pc = {fd, POLLIN, 0};
    for (int idle = 0; !s->stop && idle < 10000;) {
        if (poll(&pc, 1, 100) != 1) { idle += 100; continue; }
        ssize_t n = recv(fd, buf + got, sizeof buf - 1 - got, 0);
        if (n <= 0) break; /* the client gave up */
        got += (size_t)n;
        buf[got] = '\0';
        if (got >= sizeof buf - 1) got = 0; /* only the head matters; keep reading */
        if (s->reply == NULL) continue; /* stall: read and never answer */
        if (head_end == NULL && (head_end = strstr(buf, "\r\n\r\n")) != NULL) {
            const char *cl = strcasestr(buf, "content-length:");
            content_length = cl ? strtol(cl + 15, NULL, 10) : 0;
        }
        if (head_end != NULL && (long)(got - (size_t)(head_end + 4 - buf)) >= content_length) {
            size_t len = strlen(s->reply);
            if (send(fd, s->reply, len, MSG_NOSIGNAL) != (ssize_t)len) break;
            shutdown(fd, SHUT_WR);
            s->reply = NULL; /* then drain until the client closes */
        }
    }
    close(fd);
    return NULL;
}

/* status_line "502 Bad Gateway" and a body to answer, or NULL to stall. */
static bool fake_start(struct fake_server *s, const char *status_line, const char *content_type, const char *body) {
    memset(s, 0, sizeof *s);
    if (status_line != NULL) {
        snprintf(s->buf, sizeof s->buf,
                 "HTTP/1.1 %s\r\nContent-Type: %s\r\nContent-Length: %zu\r\nConnection: close\r\n\r\n%s",
                 status_line, content_type, strlen(body), body);
        s->reply = s->buf;
    }
    s->listen_fd = listen_loopback(&s->port);
    if (s->listen_fd < 0) return false;
    if (pthread_create(&s->thread, NULL, fake_serve, s) != 0) {
        close(s->listen_fd);
        return false;
    }
    return true;
}

static void fake_stop(struct fake_server *s) {
    s->stop = 1;
    pthread_join(s->thread, NULL);
    close(s->listen_fd);
}

/* A client for http://127.0.0.1:port/rest with settings `s` (NULL: no config). */
static IopClient *port_client(int port, const struct settings *s) {
    char url[64];
    snprintf(url, sizeof url, "http://127.0.0.1:%d/rest", port);
    return make_client(url, APP1_KEY, APP1_SECRET, s);
}

static void test_connect_refused(void) {
    int port = 0;
    int fd = listen_loopback(&port);
    REQUIRE(fd >= 0);
    close(fd); /* nobody listens there now */
    IopClient *c = port_client(port, NULL);
    REQUIRE(c != NULL);
    IopRequest *r = NULL;
    IopResponse *resp = NULL;
    IopToken *t = NULL;
    REQUIRE_OK(iop_request_new("/seller/get", &r));
    CHECK_STATUS(iop_client_execute(c, r, "token", IOP_PROTOCOL_GOP, &resp), IOP_ERR_CONNECT);
    CHECK(iop_last_error_message() != NULL);
    CHECK(iop_last_error_http_status() == 0);
    CHECK_STATUS(iop_token_create(c, "some-code", &t), IOP_ERR_CONNECT);
    CHECK(resp == NULL && t == NULL);
    CHECK(iop_last_error_retry_after_ms() == -1);
    /* Connect failures are retried (the request never left): IOP_DEFAULT_MAX_CONNECT_RETRIES + 1
     * attempts by default; with 3 retries, waits of at least 50 + 100 + 200 ms; with none, at
     * once; IOP_USE_DEFAULT brings the default back. */
    char attempts[32];
    snprintf(attempts, sizeof attempts, "(%d attempts)", IOP_DEFAULT_MAX_CONNECT_RETRIES + 1);
    CHECK_CONTAINS(iop_last_error_message(), attempts);
    struct settings s = DEFAULTS;
    s.retries = IOP_MAX_CONNECT_RETRIES_LIMIT + 1;
    CHECK_INVALID(configure(c, &s), "retries");
    s.retries = 3;
    REQUIRE_OK(configure(c, &s));
    int64_t start = mono_ms();
    CHECK_STATUS(iop_token_create(c, "some-code", &t), IOP_ERR_CONNECT);
    int64_t elapsed = mono_ms() - start;
    CHECK_CONTAINS(iop_last_error_message(), "(4 attempts)");
    CHECK(elapsed >= 350 && elapsed <= 700 + 500 + g_slack_ms);
    s.retries = 0;
    REQUIRE_OK(configure(c, &s));
    start = mono_ms();
    CHECK_STATUS(iop_token_create(c, "some-code", &t), IOP_ERR_CONNECT);
    CHECK(strstr(msg_or_null(), "attempts") == NULL);
    CHECK(mono_ms() - start < 200 + g_slack_ms);
    s.retries = IOP_USE_DEFAULT;
    REQUIRE_OK(configure(c, &s));
    CHECK_STATUS(iop_client_execute(c, r, "token", IOP_PROTOCOL_GOP, &resp), IOP_ERR_CONNECT);
    CHECK_CONTAINS(iop_last_error_message(), attempts);
    printf("#   4 connect attempts took %" PRId64 " ms\n", elapsed);
    iop_request_free(r);
    iop_client_free(c);
}

static void test_read_timeout(void) {
    struct fake_server s;
    REQUIRE(fake_start(&s, NULL, NULL, NULL));
    IopClient *c = port_client(s.port, NULL);
    IopRequest *r = NULL;
    IopResponse *resp = NULL;
    if (c != NULL && iop_request_new("/seller/get", &r) == IOP_OK) {
        const int64_t timeout = 500;
        CHECK_STATUS(set_read_timeout(c, timeout), IOP_OK);
        int64_t start = mono_ms();
        CHECK_STATUS(iop_client_execute(c, r, "token", IOP_PROTOCOL_GOP, &resp), IOP_ERR_TIMEOUT);
        int64_t elapsed = mono_ms() - start;
        printf("#   timed out after %" PRId64 " ms (read timeout %" PRId64 " ms)\n", elapsed, timeout);
        CHECK(elapsed >= timeout - 50);
        CHECK(elapsed <= 2 * timeout + g_slack_ms);
        CHECK(s.accepted);
        CHECK(resp == NULL);
    }
    iop_request_free(r);
    iop_client_free(c);
    fake_stop(&s);
}

static void test_http_error_and_garbage(void) {
    static const struct {
        const char *status_line, *content_type, *body;
        IopStatus expected;
        int32_t http_status;
    } cases[] = {
        {"502 Bad Gateway", "text/html", "<html>bad gateway</html>", IOP_ERR_HTTP, 502},
        {"200 OK", "application/json", "not json", IOP_ERR_MALFORMED_RESPONSE, 0},
        {"200 OK", "application/json", "{\"code\":\"0\",\"access_token\":null,\"expires_in\":10}", IOP_ERR_MALFORMED_RESPONSE, 0},
    };
    for (size_t i = 0; i < COUNT(cases); i++) {
        struct fake_server s;
        REQUIRE(fake_start(&s, cases[i].status_line, cases[i].content_type, cases[i].body));
        IopClient *c = port_client(s.port, &DEFAULTS);
        if (c != NULL) {
            IopToken *t = NULL;
            CHECK_STATUS(iop_token_create(c, "some-code", &t), cases[i].expected);
            if (cases[i].http_status != 0) CHECK(iop_last_error_http_status() == cases[i].http_status);
            CHECK(t == NULL);
        }
        iop_client_free(c);
        fake_stop(&s);
    }
}

/* A wrapped (TOP-style) error envelope answering a token call: IOP_ERR_PLATFORM with every
 * field, sub_code and sub_msg included (the sandbox's token routes answer flat envelopes). */
static void test_platform_error_sub_message(void) {
    struct fake_server s;
    REQUIRE(fake_start(&s, "400 Bad Request", "application/json",
                       "{\"error_response\":{\"type\":\"ISV\",\"code\":\"InvalidCode\",\"msg\":\"Invalid code\","
                       "\"sub_code\":\"isv.invalid-code\",\"sub_msg\":\"The code has expired\","
                       "\"request_id\":\"0b1234\"}}"));
    IopClient *c = port_client(s.port, NULL);
    if (c != NULL) {
        IopToken *t = NULL;
        CHECK_STATUS(iop_token_create(c, "code-c-test-1", &t), IOP_ERR_PLATFORM);
        CHECK_STREQ(iop_last_error_code(), "InvalidCode");
        CHECK_STREQ(iop_last_error_type(), "ISV");
        CHECK_STREQ(iop_last_error_sub_code(), "isv.invalid-code");
        CHECK_STREQ(iop_last_error_sub_message(), "The code has expired");
        CHECK_STREQ(iop_last_error_request_id(), "0b1234");
        CHECK(iop_last_error_http_status() == 400);
        CHECK(strstr(msg_or_null(), "code-c-test-1") == NULL);
        CHECK(t == NULL);
        /* The next call's status replaces it: a success leaves no sub message. */
        IopRequest *r = NULL;
        CHECK_STATUS(iop_request_new("/seller/get", &r), IOP_OK);
        CHECK(iop_last_error_sub_message() == NULL && iop_last_error_sub_code() == NULL);
        iop_request_free(r);
    }
    iop_client_free(c);
    fake_stop(&s);
}

static void test_insecure_remote_refused(void) {
    /* TEST-NET-1: must be refused before any connection is attempted. */
    IopClient *c = NULL;
    IopRequest *r = NULL;
    IopResponse *resp = NULL;
    IopToken *t = NULL;
    struct settings s = DEFAULTS;
    s.connect_ms = 10000;
    s.insecure = false;
    REQUIRE((c = make_client("http://192.0.2.1/rest", APP1_KEY, APP1_SECRET, &s)) != NULL);
    REQUIRE_OK(iop_request_new("/seller/get", &r));
    int64_t start = mono_ms();
    CHECK_INVALID(iop_client_execute(c, r, "token", IOP_PROTOCOL_GOP, &resp), "server_url");
    CHECK_CONTAINS(iop_last_error_message(), "http://");
    CHECK_INVALID(iop_token_create(c, "code", &t), "server_url");
    CHECK_INVALID(iop_token_refresh(c, "refresh", &t), "server_url");
    CHECK(mono_ms() - start < 1000 + g_slack_ms); /* no connect attempt (that would hang) */
    CHECK(resp == NULL && t == NULL);
    iop_request_free(r);
    iop_client_free(c);
}

/* ------------------------------------------------------------------------------------------ */
/* Authorization page: URL builder, state generator, constant-time state check                */

static void test_authorize_url_and_state(void) {
    char *state = NULL, *other = NULL, *url = NULL, *untouched = NULL;
    REQUIRE_OK(iop_authorize_new_state(&state));
    REQUIRE_OK(iop_authorize_new_state(&other));
    CHECK(strlen(state) == 32 && strcmp(state, other) != 0);
    for (const char *p = state; *p; p++) CHECK(isalnum((unsigned char)*p) || *p == '-' || *p == '_');

    REQUIRE_OK(iop_authorize_build_url(IOP_PLATFORM_LAZADA, NULL, APP1_KEY, "https://example.com/cb?a=1", "SG", state, &url));
    CHECK_CONTAINS(url, "https://auth.lazada.com/oauth/authorize?response_type=code&force_auth=true"
                        "&redirect_uri=https%3A%2F%2Fexample.com%2Fcb%3Fa%3D1&client_id=" APP1_KEY "&state=");
    CHECK_HAS_QUIETLY(url, state);
    CHECK_CONTAINS(url, "&country=sg");
    iop_string_free(url);
    url = NULL;
    REQUIRE_OK(iop_authorize_build_url(IOP_PLATFORM_ALIEXPRESS, NULL, APP1_KEY, "https://example.com/cb", NULL, NULL, &url));
    CHECK_STREQ(url, "https://api-sg.aliexpress.com/oauth/authorize?response_type=code&force_auth=true"
                     "&redirect_uri=https%3A%2F%2Fexample.com%2Fcb&client_id=" APP1_KEY);
    iop_string_free(url);
    url = NULL;
    REQUIRE_OK(iop_authorize_build_url(IOP_PLATFORM_LAZADA, "http://127.0.0.1:9/lazada/oauth/authorize", APP1_KEY,
                                 "http://localhost/cb", NULL, "s1", &url));
    CHECK_STREQ(url, "http://127.0.0.1:9/lazada/oauth/authorize?response_type=code&force_auth=true"
                     "&redirect_uri=http%3A%2F%2Flocalhost%2Fcb&client_id=" APP1_KEY "&state=s1");
    iop_string_free(url);

    /* Errors name the argument and leave the out-parameter alone. */
    CHECK_INVALID(iop_authorize_build_url(IOP_PLATFORM_ALIEXPRESS, NULL, APP1_KEY, "https://h/cb", "sg", NULL, &untouched),
                  "country");
    CHECK_INVALID(iop_authorize_build_url(7, NULL, APP1_KEY, "https://h/cb", NULL, NULL, &untouched), "platform");
    CHECK_INVALID(iop_authorize_build_url(IOP_PLATFORM_LAZADA, NULL, NULL, "https://h/cb", NULL, NULL, &untouched),
                  "client_id");
    CHECK_INVALID(iop_authorize_build_url(IOP_PLATFORM_LAZADA, NULL, APP1_KEY, "not a url", NULL, NULL, &untouched),
                  "redirect_uri");
    CHECK_INVALID(iop_authorize_build_url(IOP_PLATFORM_LAZADA, "http://example.com/oauth", APP1_KEY, "https://h/cb", NULL,
                                    NULL, &untouched), "base_url");
    CHECK_INVALID(iop_authorize_build_url(IOP_PLATFORM_LAZADA, NULL, APP1_KEY, "https://h/cb", NULL, NULL, NULL), "out_url");
    CHECK_INVALID(iop_authorize_new_state(NULL), "out_state");
    CHECK(untouched == NULL);

    /* The check: equal only when identical; NULL, empty or different never verify. */
    CHECK(iop_authorize_verify_state(state, state));
    char copy[64];
    snprintf(copy, sizeof copy, "%s", state);
    CHECK(iop_authorize_verify_state(state, copy));
    copy[5] = copy[5] == 'A' ? 'B' : 'A';
    CHECK(!iop_authorize_verify_state(state, copy));
    CHECK(!iop_authorize_verify_state(state, other));
    CHECK(!iop_authorize_verify_state(state, NULL) && !iop_authorize_verify_state(NULL, state) && !iop_authorize_verify_state(NULL, NULL));
    CHECK(!iop_authorize_verify_state("", ""));
    CHECK(!iop_authorize_verify_state("\xff", "\xff"));
    iop_string_free(state);
    iop_string_free(other);
}

/* ------------------------------------------------------------------------------------------ */

struct test {
    const char *name;
    void (*fn)(void);
};

#define T(f) {#f, f}

/* ---- Push messages */

#define PUSH_KEY "115527"
#define PUSH_SECRET "pushSecret-0123456789abcdef"
static const char push_alert[] =
    "{\"seller_id\":\"null\",\"message_type\":8,\"data\":{\"app_key\":\"115527\",\"auth_expiry_time\":1627542238,"
    "\"seller_id\":\"1000165972\"},\"timestamp\":1627416758,\"site\":\"lazada_ph\"}";
/* hex HMAC-SHA256(PUSH_SECRET, PUSH_KEY + push_alert), computed with Python's hmac module. */
#define PUSH_ALERT_SIGNATURE "79ae71b23cafc75e7018f2237f69dacaaf92c3bf7ebb8bad8066e058dcb23dc7"

/* Verifies `body` with `auth`: IOP_ERR_PUSH_REJECTED with `code`, never quoting the secret. */
static void check_push_refused(const IopPushReceiver *r, const char *auth, const char *body, const char *code) {
    IopPushMessage *m = NULL;
    CHECK_STATUS(iop_push_receiver_verify(r, auth, (const uint8_t *)body, strlen(body), &m), IOP_ERR_PUSH_REJECTED);
    CHECK_STREQ(iop_last_error_code(), code);
    CHECK(strstr(msg_or_null(), PUSH_SECRET) == NULL && m == NULL);
}

static void test_push_verify(void) {
    IopPushReceiver *r = NULL, *other = NULL;
    CHECK_INVALID(iop_push_receiver_new(PUSH_KEY, PUSH_SECRET, -2, &r), "remember");
    CHECK_INVALID(iop_push_receiver_new(NULL, PUSH_SECRET, IOP_USE_DEFAULT, &r), "app_key");
    REQUIRE_OK(iop_push_receiver_new(PUSH_KEY, PUSH_SECRET, IOP_USE_DEFAULT, &r));
    REQUIRE_OK(iop_push_receiver_new("115528", PUSH_SECRET, IOP_USE_DEFAULT, &other));
    const uint8_t *body = (const uint8_t *)push_alert;
    size_t len = strlen(push_alert);
    char *auth = NULL;
    REQUIRE_OK(iop_push_receiver_sign(r, body, len, &auth));
    CHECK_STREQ(auth, PUSH_ALERT_SIGNATURE);
    iop_string_free(auth);

    IopPushMessage *m = NULL, *again = NULL;
    REQUIRE_OK(iop_push_receiver_verify(r, PUSH_ALERT_SIGNATURE, body, len, &m));
    CHECK(iop_push_message_type(m) == IOP_PUSH_TOKEN_EXPIRY_ALERT);
    CHECK_STREQ(iop_push_message_seller_id(m), "1000165972"); /* from data: the top level says "null" */
    CHECK_STREQ(iop_push_message_site(m), "lazada_ph");
    CHECK(iop_push_message_timestamp_ms(m) == 1627416758000LL); /* seconds, normalized */
    CHECK(iop_push_message_auth_expires_at_ms(m) == 1627542238000LL);
    CHECK_CONTAINS(iop_push_message_data_json(m), "\"auth_expiry_time\":1627542238");
    CHECK_STREQ(iop_push_message_body(m), push_alert);
    CHECK(!iop_push_message_is_duplicate(m));
    /* The platform retries: the same delivery again is recognised; upper-case hex verifies. */
    REQUIRE_OK(iop_push_receiver_verify(r, "79AE71B23CAFC75E7018F2237F69DACAAF92C3BF7EBB8BAD8066E058DCB23DC7", body, len,
                                        &again));
    CHECK(iop_push_message_is_duplicate(again));
    iop_push_message_free(again);

    /* Tampering, another app, a truncated or missing header, a re-serialized body. */
    char *changed = replaced(push_alert, "lazada_ph", "lazada_pH");
    REQUIRE(changed != NULL);
    check_push_refused(r, PUSH_ALERT_SIGNATURE, changed, "SignatureMismatch");
    free(changed);
    check_push_refused(other, PUSH_ALERT_SIGNATURE, push_alert, "SignatureMismatch");
    check_push_refused(r, "79ae71b23cafc75e7018f2237f69dacaaf92c3bf", push_alert, "MalformedAuthorization");
    check_push_refused(r, NULL, push_alert, "MissingAuthorization");
    char *spaced = replaced(push_alert, "\"message_type\":8", "\"message_type\": 8");
    REQUIRE(spaced != NULL);
    check_push_refused(r, PUSH_ALERT_SIGNATURE, spaced, "SignatureMismatch");
    free(spaced);
    /* Signed but not a push message. */
    REQUIRE_OK(iop_push_receiver_sign(r, (const uint8_t *)"[1]", 3, &auth));
    check_push_refused(r, auth, "[1]", "MalformedBody");
    iop_string_free(auth);
    /* Arguments and accessors. */
    CHECK_INVALID(iop_push_receiver_verify(r, PUSH_ALERT_SIGNATURE, NULL, 3, &again), "body");
    CHECK_INVALID(iop_push_receiver_verify(r, PUSH_ALERT_SIGNATURE, body, len, NULL), "out_message");
    CHECK_INVALID(iop_push_receiver_sign(NULL, body, len, &auth), "receiver");
    CHECK(iop_push_message_type(NULL) == -1 && iop_push_message_seller_id(NULL) == NULL);
    CHECK(iop_push_message_site(NULL) == NULL && iop_push_message_body(NULL) == NULL);
    CHECK(iop_push_message_data_json(NULL) == NULL && !iop_push_message_is_duplicate(NULL));
    CHECK(iop_push_message_timestamp_ms(NULL) == -1 && iop_push_message_auth_expires_at_ms(NULL) == -1);
    iop_push_message_free(m);
    iop_push_message_free(NULL);
    iop_push_receiver_free(other);
    iop_push_receiver_free(r);
    iop_push_receiver_free(NULL);
}

static const struct test offline_tests[] = {
    T(test_version), T(test_linked_library), T(test_status_names), T(test_free_null),
    T(test_null_client_args), T(test_null_request_args), T(test_null_execute_sign_args),
    T(test_null_token_args), T(test_invalid_utf8), T(test_bad_enums), T(test_bad_values), T(test_pool_settings),
    T(test_null_accessors), T(test_wrong_handle_type), T(test_config_setters),
    T(test_last_error_cleared), T(test_last_error_per_thread), T(test_sign_vectors),
    T(test_sign_published_example), T(test_token_parse_tw), T(test_token_parse_aliexpress),
    T(test_token_parse_lazada_and_errors), T(test_token_from_json), T(test_header_constants),
    T(test_authorize_url_and_state), T(test_push_verify),
};

static const struct test gateway_tests[] = {
    T(test_sandbox_abi), T(test_token_lazada), T(test_token_tw), T(test_token_aliexpress),
    T(test_token_unprefixed_rest_is_lazada), T(test_token_errors), T(test_token_non_refreshable),
    T(test_execute_seller_get), T(test_execute_bad_access_token), T(test_execute_top),
    T(test_execute_files_and_headers), T(test_execute_settings), T(test_execute_batch), T(test_concurrent_calls),
    T(test_faults_and_throttling), T(test_sandbox_limits),
};

static const struct test clock_tests[] = {
    T(test_access_token_expiry), T(test_code_expiry),
};

static const struct test transport_tests[] = {
    T(test_connect_refused), T(test_read_timeout), T(test_http_error_and_garbage),
    T(test_platform_error_sub_message), T(test_insecure_remote_refused),
};

/* ------------------------------------------------------------------------------------------ */
/* Token manager and stores (gateway group)                                                   */

/* Margin longer than the sandbox's 7-day access tokens: every access_token call refreshes. */
#define ALWAYS_REFRESH_MS (8 * 86400 * 1000LL)
#define DAYS_MS(n) ((n) * 86400 * 1000LL)

/* An application store for one process: records in memory, a pthread mutex as the lock. */
struct app_store {
    pthread_mutex_t mu, lock;
    char account[64];
    char *json;
    uint64_t version;
    int loads, swaps, locks, unlocks;
};

static int32_t app_load(void *ud, const char *account, IopTokenStoreValue *value) {
    struct app_store *s = ud;
    pthread_mutex_lock(&s->mu);
    s->loads++;
    int32_t rc = 0;
    if (s->json != NULL && strcmp(account, s->account) == 0) rc = iop_token_store_value_set(value, s->json) == IOP_OK ? 0 : -1;
    pthread_mutex_unlock(&s->mu);
    return rc;
}

static int32_t app_cas(void *ud, const char *account, uint64_t expected, const char *json) {
    struct app_store *s = ud;
    pthread_mutex_lock(&s->mu);
    int32_t rc = 1;
    if (s->version == expected) {
        free(s->json);
        s->json = strdup(json);
        snprintf(s->account, sizeof s->account, "%s", account);
        s->version = expected + 1;
        s->swaps++;
        rc = 0;
    }
    pthread_mutex_unlock(&s->mu);
    return rc;
}

static int32_t app_lock(void *ud, const char *account, int64_t timeout_ms) {
    struct app_store *s = ud;
    (void)account;
    if (timeout_ms <= 0) return 2; /* the manager always waits a positive time */
    pthread_mutex_lock(&s->lock);
    __atomic_add_fetch(&s->locks, 1, __ATOMIC_SEQ_CST);
    return 0;
}

static void app_unlock(void *ud, const char *account) {
    struct app_store *s = ud;
    (void)account;
    __atomic_add_fetch(&s->unlocks, 1, __ATOMIC_SEQ_CST);
    pthread_mutex_unlock(&s->lock);
}

static int32_t app_accounts(void *ud, IopTokenStoreValue *value) {
    struct app_store *s = ud;
    char list[96];
    snprintf(list, sizeof list, "[\"%s\"]", s->account);
    return iop_token_store_value_set(value, list) == IOP_OK ? 0 : -1;
}

/* Runs the manager flow on `store`: grant, stable token, forced refreshes, record JSON. */
static void check_manager_flow(IopTokenStore *store) {
    IopClient *c = sandbox_client("/lazada/rest", APP1_KEY, APP1_SECRET);
    REQUIRE(c != NULL);
    IopTokenManager *m = NULL, *always = NULL;
    CHECK_STATUS(iop_token_manager_new(c, store, "seller-c", IOP_USE_DEFAULT, &m), IOP_OK);
    CHECK_STATUS(iop_token_manager_new(c, store, "seller-c", ALWAYS_REFRESH_MS, &always), IOP_OK);
    REQUIRE(m != NULL && always != NULL);
    char *t1 = NULL, *t2 = NULL, *t3 = NULL, *record = NULL;
    CHECK_STATUS(iop_token_manager_get_access_token(m, &t1), IOP_ERR_REAUTHORIZATION_REQUIRED);
    CHECK_CONTAINS(iop_last_error_message(), "seller-c");
    char *code = issue_code(APP1_KEY);
    CHECK_STATUS(iop_token_manager_create_token(m, code), IOP_OK);
    iop_sandbox_string_free(code);
    CHECK_STATUS(iop_token_manager_get_access_token(m, &t1), IOP_OK);
    CHECK_STATUS(iop_token_manager_get_access_token(m, &t2), IOP_OK);
    if (t1 && t2) CHECK(strcmp(t1, t2) == 0); /* fresh: no refresh */
    CHECK_STATUS(iop_token_manager_get_access_token(always, &t3), IOP_OK); /* refreshes */
    if (t1 && t3) CHECK(strcmp(t1, t3) != 0);
    IopResponse *resp = t3 ? seller_get(c, t3, IOP_HTTP_POST) : NULL;
    check_success_response(resp);
    iop_response_free(resp);
    CHECK_STATUS(iop_token_manager_load_record(m, &record), IOP_OK);
    CHECK_CONTAINS(record, "\"version\":3");
    CHECK_CONTAINS(record, "\"reauthorize_by_ms\":");
    iop_string_free(record);
    iop_string_free(t1);
    iop_string_free(t2);
    iop_string_free(t3);
    /* A grant stored from a token made elsewhere replaces the chain. */
    IopToken *tok = new_token(c, APP1_KEY);
    if (tok != NULL) {
        CHECK_STATUS(iop_token_manager_store_grant(m, tok), IOP_OK);
        char *t4 = NULL;
        CHECK_STATUS(iop_token_manager_get_access_token(m, &t4), IOP_OK);
        if (t4) CHECK(strcmp(t4, iop_token_access_token(tok)) == 0);
        iop_string_free(t4);
    }
    iop_token_free(tok);
    iop_token_manager_free(always);
    iop_token_manager_free(m);
    iop_client_free(c);
}

static void test_manager_memory_store(void) {
    IopTokenStore *store = NULL;
    REQUIRE(iop_token_store_new_memory(&store) == IOP_OK);
    check_manager_flow(store);
    char *due = NULL;
    CHECK_STATUS(iop_token_store_list_due(store, DAYS_MS(40), &due), IOP_OK);
    CHECK_CONTAINS(due, "\"account\":\"seller-c\"");
    iop_string_free(due);
    due = NULL;
    CHECK_STATUS(iop_token_store_list_due(store, 0, &due), IOP_OK);
    CHECK_STREQ(due, "[]");
    iop_string_free(due);
    /* Milliseconds: the grant (30 days) is not due within 29 days, but within 30 days + 1 min. */
    due = NULL;
    CHECK_STATUS(iop_token_store_list_due(store, DAYS_MS(29), &due), IOP_OK);
    CHECK_STREQ(due, "[]");
    iop_string_free(due);
    due = NULL;
    CHECK_STATUS(iop_token_store_list_due(store, DAYS_MS(30) + 60000, &due), IOP_OK);
    CHECK_CONTAINS(due, "\"account\":\"seller-c\"");
    iop_string_free(due);
    iop_token_store_free(store);
}

static void test_manager_file_store(void) {
    char dir[] = "/tmp/iop-c-store-XXXXXX", path[128], lock[160];
    REQUIRE(mkdtemp(dir) != NULL);
    snprintf(path, sizeof path, "%s/tokens.json", dir);
    snprintf(lock, sizeof lock, "%s.lock", path);
    IopTokenStore *store = NULL;
    REQUIRE(iop_token_store_new_file(path, &store) == IOP_OK);
    check_manager_flow(store);
    struct stat st;
    CHECK(stat(path, &st) == 0 && (st.st_mode & 0777) == 0600);
    FILE *f = fopen(path, "r");
    char text[8192] = {0};
    if (f) {
        size_t n = fread(text, 1, sizeof text - 1, f);
        text[n] = '\0';
        fclose(f);
    }
    CHECK_CONTAINS(text, "iopkit-tokens/1");
    CHECK(strstr(text, APP1_SECRET) == NULL);
    iop_token_store_free(store);
    unlink(path);
    unlink(lock);
    rmdir(dir);
}

static void test_manager_callback_store(void) {
    struct app_store s = {.mu = PTHREAD_MUTEX_INITIALIZER, .lock = PTHREAD_MUTEX_INITIALIZER};
    IopTokenStoreCallbacks cb = {&s, app_load, app_cas, app_lock, app_unlock, app_accounts};
    IopTokenStore *store = NULL;
    REQUIRE(iop_token_store_new_callback(&cb, &store) == IOP_OK);
    check_manager_flow(store);
    CHECK(s.swaps == 4 && s.version == 4); /* grant, marker + pair, grant again */
    CHECK(s.locks == s.unlocks && s.locks >= 3);
    CHECK(s.loads > 0);
    char *due = NULL;
    CHECK_STATUS(iop_token_store_list_due(store, DAYS_MS(40), &due), IOP_OK);
    CHECK_CONTAINS(due, "seller-c");
    iop_string_free(due);
    iop_token_store_free(store);
    free(s.json);
}

/* A redis-server of our own on 127.0.0.1 and a free port (Debian's package; scripts/test
 * installs it), for the Redis store. */
struct redis_server {
    pid_t pid;
    int port;
    char url[64];
};

/* Whether something on 127.0.0.1:port answers PING with +PONG. */
static bool redis_answers(int port) {
    struct sockaddr_in addr;
    memset(&addr, 0, sizeof addr);
    addr.sin_family = AF_INET;
    addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    addr.sin_port = htons((uint16_t)port);
    int fd = socket(AF_INET, SOCK_STREAM, 0);
    if (fd < 0) return false;
    char buf[16] = {0};
    bool ok = connect(fd, (struct sockaddr *)&addr, sizeof addr) == 0 && send(fd, "PING\r\n", 6, 0) == 6 &&
              recv(fd, buf, sizeof buf - 1, 0) >= 5 && strncmp(buf, "+PONG", 5) == 0;
    close(fd);
    return ok;
}

static bool redis_start(struct redis_server *r) {
    int fd = listen_loopback(&r->port);
    if (fd < 0) return false;
    close(fd);
    char port[16];
    snprintf(port, sizeof port, "%d", r->port);
    snprintf(r->url, sizeof r->url, "redis://127.0.0.1:%d", r->port);
    char *argv[] = {"redis-server", "--port", port, "--bind", "127.0.0.1", "--save", "", "--appendonly", "no",
                    "--dir", "/tmp", "--logfile", "", NULL};
    r->pid = fork();
    if (r->pid < 0) return false;
    if (r->pid == 0) {
        int devnull = open("/dev/null", O_WRONLY);
        if (devnull >= 0) {
            dup2(devnull, 1);
            dup2(devnull, 2);
        }
        execvp(argv[0], argv);
        _exit(127);
    }
    for (int i = 0; i < 500; i++) {
        if (redis_answers(r->port)) return true;
        if (waitpid(r->pid, NULL, WNOHANG) == r->pid) return false; /* not installed, or failed */
        usleep(10000);
    }
    kill(r->pid, SIGKILL);
    waitpid(r->pid, NULL, 0);
    return false;
}

static void redis_stop(struct redis_server *r) {
    kill(r->pid, SIGKILL);
    waitpid(r->pid, NULL, 0);
}

/* access_token of "seller-c" through a new manager on `store`. */
static IopStatus seller_c_token(IopTokenStore *store) {
    IopClient *c = sandbox_client("/lazada/rest", APP1_KEY, APP1_SECRET);
    IopTokenManager *m = NULL;
    char *token = NULL;
    IopStatus st = c ? iop_token_manager_new(c, store, "seller-c", IOP_USE_DEFAULT, &m) : IOP_ERR_INTERNAL;
    if (st == IOP_OK) st = iop_token_manager_get_access_token(m, &token);
    iop_string_free(token);
    iop_token_manager_free(m);
    iop_client_free(c);
    return st;
}

/* iop_token_store_new_redis with the default lease and timeout. */
static IopStatus redis_store(const char *url, const char *key_namespace, const char *app_key, const uint8_t *key,
                             size_t key_len, IopTokenStore **out) {
    return iop_token_store_new_redis(url, key_namespace, app_key, key, key_len, IOP_USE_DEFAULT, IOP_USE_DEFAULT, out);
}

static void test_manager_redis_store(void) {
    static const uint8_t key[32] = {7, 7, 7, 7, 7, 7, 7, 7, 7, 7, 7, 7, 7, 7, 7, 7,
                                    7, 7, 7, 7, 7, 7, 7, 7, 7, 7, 7, 7, 7, 7, 7, 7};
    IopTokenStore *store = NULL, *sentinel = (IopTokenStore *)&sentinel;
    const char *nowhere = "redis://127.0.0.1:1";
    /* Arguments are checked before anything connects. */
    CHECK_INVALID(redis_store(NULL, NULL, APP1_KEY, NULL, 0, &store), "url");
    CHECK_INVALID(redis_store(nowhere, NULL, NULL, NULL, 0, &store), "app_key");
    CHECK_INVALID(redis_store(nowhere, NULL, APP1_KEY, key, 16, &store), "key_len");
    CHECK_STATUS(redis_store(nowhere, NULL, APP1_KEY, NULL, 32, &store), IOP_ERR_INVALID_ARGUMENT);
    CHECK_STATUS(redis_store("http://u:pw-c-9@127.0.0.1:1", NULL, APP1_KEY, NULL, 0, &store), IOP_ERR_INVALID_ARGUMENT);
    CHECK(strstr(msg_or_null(), "pw-c-9") == NULL);
    CHECK_INVALID(redis_store(nowhere, "a:b", APP1_KEY, NULL, 0, &store), "key_namespace");
    CHECK_INVALID(redis_store(nowhere, NULL, APP1_KEY, NULL, 0, NULL), "out_store");
    store = sentinel;
    CHECK_STATUS(redis_store("rediss://127.0.0.1:1/#insecure", NULL, APP1_KEY, NULL, 0, &store),
                 IOP_ERR_INVALID_ARGUMENT);
    /* lease_ms and timeout_ms: at least 1 ms, or IOP_USE_DEFAULT. */
    CHECK_INVALID(iop_token_store_new_redis(nowhere, NULL, APP1_KEY, NULL, 0, 0, IOP_USE_DEFAULT, &store), "lease_ms");
    CHECK_INVALID(iop_token_store_new_redis(nowhere, NULL, APP1_KEY, NULL, 0, -2, IOP_USE_DEFAULT, &store), "lease_ms");
    CHECK_INVALID(iop_token_store_new_redis(nowhere, NULL, APP1_KEY, NULL, 0, IOP_USE_DEFAULT, 0, &store), "timeout_ms");
    CHECK_INVALID(iop_token_store_new_redis(nowhere, NULL, APP1_KEY, NULL, 0, 1, INT64_MIN, &store), "timeout_ms");
    CHECK(store == sentinel);

    struct redis_server r;
    if (!redis_start(&r)) {
        check_fail(__FILE__, __LINE__, "redis-server starts (install Debian's redis-server; scripts/test does)");
        return;
    }
    /* Records as JSON, then encrypted at rest (another namespace), through the whole flow. */
    store = NULL;
    CHECK_STATUS(redis_store(r.url, "c-plain", APP1_KEY, NULL, 0, &store), IOP_OK);
    if (store != NULL) {
        check_manager_flow(store);
        char *due = NULL;
        CHECK_STATUS(iop_token_store_list_due(store, DAYS_MS(40), &due), IOP_OK);
        CHECK_CONTAINS(due, "\"account\":\"seller-c\"");
        iop_string_free(due);
        iop_token_store_free(store);
    }
    store = NULL;
    CHECK_STATUS(iop_token_store_new_redis(r.url, NULL, APP1_KEY, key, 32, 5000, 2000, &store), IOP_OK);
    if (store != NULL) {
        check_manager_flow(store);
        iop_token_store_free(store);
    }
    /* The same keys without the encryption key: a clear error, not garbage. */
    store = NULL;
    CHECK_STATUS(iop_token_store_new_redis(r.url, NULL, APP1_KEY, NULL, 0, IOP_USE_DEFAULT, 2000, &store), IOP_OK);
    if (store != NULL) {
        CHECK_STATUS(seller_c_token(store), IOP_ERR_INVALID_ARGUMENT);
        CHECK_CONTAINS(iop_last_error_message(), "encrypted");
        /* Redis gone: a typed error naming the store. */
        redis_stop(&r);
        CHECK_STATUS(seller_c_token(store), IOP_ERR_CONNECT);
        CHECK_CONTAINS(iop_last_error_message(), "token store (redis");
        iop_token_store_free(store);
    } else {
        redis_stop(&r);
    }
}

/* IOP_USE_DEFAULT is IOP_DEFAULT_REFRESH_MARGIN_MS: a stored grant whose access token has 29
 * minutes left is refreshed, one with 31 minutes left is not. The grants are sandbox tokens
 * handed back through iop_token_to_json / iop_token_from_json with another expiry. */
static void test_manager_default_margin(void) {
    static const struct {
        int64_t left_ms, margin_ms;
        bool refreshes;
    } cases[] = {
        {29 * 60000, IOP_USE_DEFAULT, true},
        {31 * 60000, IOP_USE_DEFAULT, false},
        {29 * 60000, IOP_DEFAULT_REFRESH_MARGIN_MS, true},
        {31 * 60000, IOP_DEFAULT_REFRESH_MARGIN_MS, false},
        {29 * 60000, 28 * 60000, false},
    };
    IopClient *c = sandbox_client("/lazada/rest", APP1_KEY, APP1_SECRET);
    REQUIRE(c != NULL);
    for (size_t i = 0; i < COUNT(cases); i++) {
        IopToken *real = new_token(c, APP1_KEY), *grant = NULL;
        IopTokenStore *store = NULL;
        IopTokenManager *m = NULL;
        char *json = NULL, *edited = NULL, *access = NULL, from[64], to[64];
        if (real != NULL && iop_token_to_json(real, &json) == IOP_OK) {
            int64_t expires_at = now_ms() + cases[i].left_ms;
            snprintf(from, sizeof from, "\"expires_at\":%" PRId64, iop_token_expires_at_ms(real));
            snprintf(to, sizeof to, "\"expires_at\":%" PRId64, expires_at);
            edited = replaced(json, from, to);
            CHECK(edited != NULL);
            CHECK_STATUS(iop_token_from_json(edited, &grant), IOP_OK);
            CHECK(iop_token_expires_at_ms(grant) == expires_at);
        }
        CHECK_STATUS(iop_token_store_new_memory(&store), IOP_OK);
        CHECK_STATUS(iop_token_manager_new(c, store, "margin", cases[i].margin_ms, &m), IOP_OK);
        CHECK_STATUS(iop_token_manager_store_grant(m, grant), IOP_OK);
        CHECK_STATUS(iop_token_manager_get_access_token(m, &access), IOP_OK);
        if (access != NULL && real != NULL) {
            bool refreshed = strcmp(access, iop_token_access_token(real)) != 0;
            printf("#   %" PRId64 " min left, margin %" PRId64 ": %s\n", cases[i].left_ms / 60000,
                   cases[i].margin_ms, refreshed ? "refreshed" : "kept");
            CHECK(refreshed == cases[i].refreshes);
        }
        iop_string_free(access);
        iop_token_manager_free(m);
        iop_token_store_free(store);
        iop_token_free(grant);
        free(edited);
        iop_string_free(json);
        iop_token_free(real);
    }
    iop_client_free(c);
}

static void test_manager_enos(void) {
    IopEnosClient *c = NULL;
    REQUIRE(iop_enos_client_new(g_url, "5acb82e7-a11e-4300-9164-c8b20b638e8b",
                                "sandboxEnosSecret-5acb82e7-0123456789abcdef", NULL, &c) == IOP_OK);
    IopTokenStore *store = NULL;
    REQUIRE(iop_token_store_new_memory(&store) == IOP_OK);
    IopTokenManager *m = NULL;
    CHECK_STATUS(iop_token_manager_new_enos(c, store, "enos-app", 7300 * 1000LL, &m), IOP_OK);
    char *a = NULL, *b = NULL;
    CHECK_STATUS(iop_token_manager_get_access_token(m, &a), IOP_OK); /* gets the first token */
    CHECK_STATUS(iop_token_manager_get_access_token(m, &b), IOP_OK); /* margin > 7200 s: refreshes */
    if (a && b) CHECK(strcmp(a, b) != 0);
    CHECK_STATUS(iop_token_manager_create_token(m, "code"), IOP_ERR_INVALID_ARGUMENT);
    iop_string_free(a);
    iop_string_free(b);
    iop_token_manager_free(m);
    iop_token_store_free(store);
    iop_enos_client_free(c);
}

static void test_manager_bad_arguments(void) {
    IopTokenStore *store = NULL, *sentinel = (IopTokenStore *)&sentinel;
    IopTokenManager *m = NULL;
    IopClient *c = NULL;
    char *out = NULL;
    REQUIRE(iop_client_new("https://api.taobao.tw/rest", "k", "s", NULL, &c) == IOP_OK);
    CHECK_STATUS(iop_token_store_new_memory(NULL), IOP_ERR_INVALID_ARGUMENT);
    CHECK_STATUS(iop_token_store_new_file(NULL, &store), IOP_ERR_INVALID_ARGUMENT);
    CHECK_STATUS(iop_token_store_new_callback(NULL, &store), IOP_ERR_INVALID_ARGUMENT);
    IopTokenStoreCallbacks partial = {NULL, app_load, NULL, app_lock, app_unlock, NULL};
    store = sentinel;
    CHECK_STATUS(iop_token_store_new_callback(&partial, &store), IOP_ERR_INVALID_ARGUMENT);
    CHECK_CONTAINS(iop_last_error_message(), "compare_and_swap");
    CHECK(store == sentinel);
    store = NULL;
    REQUIRE(iop_token_store_new_memory(&store) == IOP_OK);
    CHECK_INVALID(iop_token_manager_new(NULL, store, "a", IOP_USE_DEFAULT, &m), "client");
    CHECK_INVALID(iop_token_manager_new(c, NULL, "a", IOP_USE_DEFAULT, &m), "store");
    CHECK_INVALID(iop_token_manager_new(c, store, "", IOP_USE_DEFAULT, &m), "account");
    CHECK_INVALID(iop_token_manager_new(c, store, "a", -7, &m), "refresh_margin_ms");
    CHECK_INVALID(iop_token_manager_new(c, store, "a", -2, &m), "refresh_margin_ms");
    CHECK_INVALID(iop_token_manager_new_enos(NULL, store, "a", -2, &m), "refresh_margin_ms");
    CHECK_INVALID(iop_token_manager_new((const IopClient *)store, store, "a", IOP_USE_DEFAULT, &m), "client");
    CHECK_INVALID(iop_token_manager_new_enos(NULL, store, "a", IOP_USE_DEFAULT, &m), "client");
    CHECK_INVALID(iop_token_manager_new(c, store, "a", IOP_USE_DEFAULT, NULL), "out_manager");
    CHECK(m == NULL);
    REQUIRE(iop_token_manager_new(c, store, "a", 0, &m) == IOP_OK); /* 0: refresh only when expired */
    iop_token_manager_free(m);
    m = NULL;
    REQUIRE(iop_token_manager_new(c, store, "a", IOP_USE_DEFAULT, &m) == IOP_OK);
    CHECK_STATUS(iop_token_manager_get_access_token(m, NULL), IOP_ERR_INVALID_ARGUMENT);
    CHECK_STATUS(iop_token_manager_get_access_token(NULL, &out), IOP_ERR_INVALID_ARGUMENT);
    CHECK_STATUS(iop_token_manager_create_token(m, NULL), IOP_ERR_INVALID_ARGUMENT);
    CHECK_STATUS(iop_token_manager_store_grant(m, NULL), IOP_ERR_INVALID_ARGUMENT);
    CHECK_STATUS(iop_token_manager_load_record(m, &out), IOP_OK);
    CHECK_STREQ(out, "null");
    iop_string_free(out);
    CHECK_INVALID(iop_token_store_list_due(store, -1, &out), "within_ms");
    CHECK_INVALID(iop_token_store_list_due(store, INT64_MIN, &out), "within_ms");
    CHECK_INVALID(iop_token_store_list_due(NULL, 0, &out), "store");
    CHECK_INVALID(iop_token_store_list_due(store, 0, NULL), "out_json");
    CHECK_INVALID(iop_token_manager_load_record(m, NULL), "out_json");
    CHECK_STATUS(iop_token_store_value_set(NULL, "x"), IOP_ERR_INVALID_ARGUMENT);
    iop_token_manager_free(NULL);
    iop_token_store_free(NULL);
    iop_token_manager_free(m);
    iop_token_store_free(store);
    iop_client_free(c);
}

/* ------------------------------------------------------------------------------------------ */
/* EnOS: token service and apim-* signed calls (group "enos", its own sandbox)                */

#define ENOS_KEY "5acb82e7-a11e-4300-9164-c8b20b638e8b"
#define ENOS_SECRET "sandboxEnosSecret-5acb82e7-0123456789abcdef"
#define ENOS_SEED_TOKEN "adsfwerasdfsdfasggaaf"
#define ENOS_API "/connect-service/v2.1/devices"

static const char enos_config[] =
    "{\"preset_enos_tokens\":[{\"app_key\":\"" ENOS_KEY "\",\"value\":\"" ENOS_SEED_TOKEN "\"}]}";

static IopEnosClient *enos_client(const char *key, const char *secret) {
    IopEnosClient *c = NULL;
    IopStatus st = iop_enos_client_new(g_url, key, secret, NULL, &c);
    CHECK_STATUS(st, IOP_OK);
    return st == IOP_OK ? c : NULL;
}

/* POSTs `json` to the sandbox at `path` over a raw socket; the reply (head and body) goes to
   `reply`. Returns false when the exchange failed. */
static bool raw_post(const char *path, const char *json, char *reply, size_t cap) {
    int port = atoi(strrchr(g_url, ':') + 1);
    int fd = socket(AF_INET, SOCK_STREAM, 0);
    if (fd < 0) return false;
    struct sockaddr_in addr = {0};
    addr.sin_family = AF_INET;
    addr.sin_port = htons((uint16_t)port);
    addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    char head[512];
    int n = snprintf(head, sizeof head,
                     "POST %s HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n"
                     "Content-Type: application/json\r\nContent-Length: %zu\r\n\r\n",
                     path, strlen(json));
    bool ok = connect(fd, (struct sockaddr *)&addr, sizeof addr) == 0 && write(fd, head, (size_t)n) == n &&
              write(fd, json, strlen(json)) == (ssize_t)strlen(json);
    size_t used = 0;
    ssize_t got;
    while (ok && used + 1 < cap && (got = read(fd, reply + used, cap - 1 - used)) > 0) used += (size_t)got;
    reply[used] = '\0';
    close(fd);
    return ok && used > 0;
}

/* POSTs a raw token-get body and checks the answer carries `expected_status`. */
static void enos_status_of_raw(const char *json, const char *expected_status) {
    char reply[4096];
    REQUIRE(raw_post("/apim-token-service/v2.0/token/get", json, reply, sizeof reply));
    CHECK_CONTAINS(reply, "HTTP/1.1 200");
    CHECK_CONTAINS(reply, expected_status);
}

/* encryption = lower-hex sha256(ENOS_KEY + ts + ENOS_SECRET), computed by coreutils' sha256sum
   so that the test does not trust the library for the value it checks. */
static bool sha256_hex_of_key_ts_secret(int64_t ts, char out[65]) {
    char cmd[256];
    snprintf(cmd, sizeof cmd, "printf '%%s' '" ENOS_KEY "%" PRId64 ENOS_SECRET "' | sha256sum", ts);
    FILE *p = popen(cmd, "r");
    if (p == NULL) return false;
    bool ok = fscanf(p, "%64s", out) == 1 && strlen(out) == 64;
    return pclose(p) == 0 && ok;
}

static void check_enos_error(IopStatus st, IopStatus expected, const char *code) {
    CHECK_STATUS(st, expected);
    CHECK_STREQ(iop_last_error_code(), code);
    CHECK(iop_last_error_http_status() == 200);
    CHECK_CONTAINS(iop_last_error_message(), code);
    if (iop_last_error_message() != NULL) CHECK(strstr(iop_last_error_message(), ENOS_SECRET) == NULL);
}

static void test_enos_seed_refresh(void) {
    IopEnosClient *c = enos_client(ENOS_KEY, ENOS_SECRET);
    REQUIRE(c != NULL);
    IopEnosToken *t = NULL;
    int64_t before = now_ms();
    CHECK_STATUS(iop_enos_token_refresh(c, ENOS_SEED_TOKEN, &t), IOP_OK);
    REQUIRE(t != NULL);
    const char *tok = iop_enos_token_access_token(t);
    CHECK(tok != NULL && strlen(tok) > 0 && strcmp(tok, ENOS_SEED_TOKEN) != 0);
    CHECK(iop_enos_token_expires_at_ms(t) >= before + 7200000 && iop_enos_token_expires_at_ms(t) <= now_ms() + 7200000);
    IopEnosToken *g = NULL;
    CHECK_STATUS(iop_enos_token_get(c, &g), IOP_OK);
    if (g != NULL && tok != NULL) CHECK(strcmp(iop_enos_token_access_token(g), tok) == 0); /* get: the current token */
    iop_enos_token_free(g);
    iop_enos_token_free(t);
    iop_enos_client_free(c);
}

static void test_enos_sign_vectors(void) {
    IopEnosClient *c = NULL;
    REQUIRE(iop_enos_client_new("https://apigw.example.com", "any", "0f1e2d3c-4b5a-6978-8796-a5b4c3d2e1f0", NULL, &c) == IOP_OK);
    int64_t ts = 0;
    char *sig = NULL;
    CHECK_STATUS(iop_enos_client_sign(c, "APP_TOKEN_1a2b3c4d5e6f",
                               "https://apigw.example.com/connect-service/v2.1/devices?productKey=pk123&action=get"
                               "&orgId=o15589290474951&deviceKey=dev001",
                               NULL, 0, 1700000000123LL, &ts, &sig), IOP_OK);
    CHECK(ts == 1700000000123LL);
    CHECK_STREQ(sig, "794dd5d53820b1de07d78ff0dfab551758e08d085c25090edd78dcafbc6a10d9");
    iop_string_free(sig);
    static const char body[] = "{\"productKey\":\"pk123\",\"deviceKey\":\"dev001\",\"timezone\":\"+08:00\","
                               "\"deviceName\":{\"defaultValue\":\"d1\"}}";
    sig = NULL;
    CHECK_STATUS(iop_enos_client_sign(c, "APP_TOKEN_1a2b3c4d5e6f", ENOS_API "?action=create&orgId=o15589290474951",
                               (const uint8_t *)body, strlen(body), 1700000000789LL, &ts, &sig), IOP_OK);
    CHECK_STREQ(sig, "e7228fd096aac94d72b33f0774ead8f4a4dd6c77916eff566b81a7c6eb900801");
    iop_string_free(sig);
    /* IOP_USE_DEFAULT: a fresh timestamp, strictly increasing. */
    int64_t a = 0, b = 0;
    char *s1 = NULL, *s2 = NULL;
    CHECK_STATUS(iop_enos_client_sign(c, "t", "/p", NULL, 0, IOP_USE_DEFAULT, &a, &s1), IOP_OK);
    CHECK_STATUS(iop_enos_client_sign(c, "t", "/p", NULL, 0, IOP_USE_DEFAULT, &b, &s2), IOP_OK);
    CHECK(a > 0 && b > a && s1 != NULL && s2 != NULL && strcmp(s1, s2) != 0);
    iop_string_free(s1);
    iop_string_free(s2);
    iop_enos_client_free(c);
}

static void test_enos_calls(void) {
    IopEnosClient *c = enos_client(ENOS_KEY, ENOS_SECRET);
    REQUIRE(c != NULL);
    /* Settings from a config; a refused setting leaves the config (and the client) as it was. */
    IopConfig *cfg = NULL;
    REQUIRE_OK(iop_config_new(&cfg));
    CHECK_STATUS(iop_config_set_connect_timeout_ms(cfg, 2000), IOP_OK);
    CHECK_STATUS(iop_config_set_read_timeout_ms(cfg, 5000), IOP_OK);
    CHECK_INVALID(iop_config_set_read_timeout_ms(cfg, 0), "timeout_ms");
    CHECK_STATUS(iop_enos_client_configure(c, cfg), IOP_OK);
    iop_config_free(cfg);
    IopEnosToken *t = NULL;
    REQUIRE(iop_enos_token_get(c, &t) == IOP_OK);
    const char *tok = iop_enos_token_access_token(t);
    IopResponse *r = NULL;
    CHECK_STATUS(iop_enos_client_execute(c, tok, "GET", ENOS_API "?action=get&deviceKey=d%201", NULL, 0, &r), IOP_OK);
    if (r != NULL) {
        CHECK(iop_response_is_success(r) && iop_response_http_status(r) == 200);
        CHECK_CONTAINS(iop_response_body(r), "\"deviceKey\":\"d 1\"");
        CHECK(iop_response_request_id(r) != NULL);
    }
    iop_response_free(r);
    static const char body[] = "{\"productKey\":\"pk123\"}";
    r = NULL;
    CHECK_STATUS(iop_enos_client_execute(c, tok, "POST", ENOS_API "?action=create", (const uint8_t *)body, strlen(body), &r),
                 IOP_OK);
    if (r != NULL) CHECK_CONTAINS(iop_response_body(r), "\"productKey\":\"pk123\"");
    iop_response_free(r);
    /* A wrong secret: the service answers 401 code 1003, returned as a response. */
    IopEnosClient *bad = enos_client(ENOS_KEY, "wrong-secret");
    r = NULL;
    if (bad != NULL) CHECK_STATUS(iop_enos_client_execute(bad, tok, "GET", ENOS_API, NULL, 0, &r), IOP_OK);
    if (r != NULL) {
        CHECK(!iop_response_is_success(r) && iop_response_http_status(r) == 401);
        CHECK_STREQ(iop_response_code(r), "1003");
    }
    iop_response_free(r);
    iop_enos_client_free(bad);
    iop_enos_token_free(t);
    iop_enos_client_free(c);
}

static void test_enos_errors(void) {
    IopEnosClient *unknown = enos_client("no-such-app", "s"), *wrong = enos_client(ENOS_KEY, "wrong-secret");
    IopEnosClient *c = enos_client(ENOS_KEY, ENOS_SECRET);
    REQUIRE(unknown != NULL && wrong != NULL && c != NULL);
    IopEnosToken *t = NULL;
    check_enos_error(iop_enos_token_get(unknown, &t), IOP_ERR_PLATFORM, "1002");
    check_enos_error(iop_enos_token_get(wrong, &t), IOP_ERR_PLATFORM, "1003");
    check_enos_error(iop_enos_token_refresh(c, "never-issued", &t), IOP_ERR_PLATFORM, "1204");
    CHECK(t == NULL);
    /* 1202 empty parameter, 1004 stale timestamp, 1001 replayed encryption: raw requests. */
    enos_status_of_raw("{\"appKey\":\"" ENOS_KEY "\"}", "\"status\":1202");
    enos_status_of_raw("{\"appKey\":\"" ENOS_KEY "\",\"timestamp\":1572574909697,\"encryption\":\"00\"}",
                       "\"status\":1004");
    IopEnosToken *fresh = NULL;
    REQUIRE(iop_enos_token_get(c, &fresh) == IOP_OK);
    char get_body[512], enc[65];
    int64_t ts = now_ms() + 1000; /* not a value the library has handed out */
    REQUIRE(sha256_hex_of_key_ts_secret(ts, enc));
    snprintf(get_body, sizeof get_body,
             "{\"appKey\":\"" ENOS_KEY "\",\"timestamp\":%" PRId64 ",\"encryption\":\"%s\"}", ts, enc);
    enos_status_of_raw(get_body, "\"status\":0");
    enos_status_of_raw(get_body, "\"status\":1001");
    snprintf(get_body, sizeof get_body,
             "{\"appKey\":\"" ENOS_KEY "\",\"timestamp\":%" PRId64 ",\"encryption\":\"%064d\"}", ts + 1, 0);
    enos_status_of_raw(get_body, "\"status\":1003");
    /* 1203: the token expires on the sandbox's clock; a refresh is then IOP_ERR_TOKEN_EXPIRED. */
    REQUIRE_SANDBOX_OK(iop_sandbox_advance_clock_ms(g_sandbox, 7201 * 1000LL));
    check_enos_error(iop_enos_token_refresh(c, iop_enos_token_access_token(fresh), &t), IOP_ERR_TOKEN_EXPIRED, "1203");
    IopResponse *r = NULL;
    CHECK_STATUS(iop_enos_client_execute(c, iop_enos_token_access_token(fresh), "GET", ENOS_API, NULL, 0, &r), IOP_OK);
    if (r != NULL) CHECK_STREQ(iop_response_code(r), "1203");
    iop_response_free(r);
    iop_enos_token_free(fresh);
    iop_enos_client_free(unknown);
    iop_enos_client_free(wrong);
    iop_enos_client_free(c);
}

static void test_enos_bad_arguments(void) {
    IopEnosClient *c = NULL, *sentinel = (IopEnosClient *)&sentinel;
    IopEnosToken *t = NULL;
    IopResponse *r = NULL;
    char *sig = NULL;
    int64_t ts = 0;
    CHECK_STATUS(iop_enos_client_new(NULL, "k", "s", NULL, &c), IOP_ERR_INVALID_ARGUMENT);
    CHECK_CONTAINS(iop_last_error_message(), "`gateway_url`");
    CHECK_STATUS(iop_enos_client_new("https://apigw.example.com", "", "s", NULL, &c), IOP_ERR_INVALID_ARGUMENT);
    CHECK_STATUS(iop_enos_client_new("https://apigw.example.com", "k", "s", NULL, NULL), IOP_ERR_INVALID_ARGUMENT);
    c = sentinel;
    CHECK_STATUS(iop_enos_client_new("ftp://x", "k", "s", NULL, &c), IOP_ERR_INVALID_ARGUMENT);
    CHECK(c == sentinel);
    c = NULL;
    REQUIRE(iop_enos_client_new("https://apigw.example.com", "k", "s", NULL, &c) == IOP_OK);
    CHECK_STATUS(iop_enos_token_get(NULL, &t), IOP_ERR_INVALID_ARGUMENT);
    CHECK_STATUS(iop_enos_token_get(c, NULL), IOP_ERR_INVALID_ARGUMENT);
    CHECK_STATUS(iop_enos_token_refresh(c, NULL, &t), IOP_ERR_INVALID_ARGUMENT);
    CHECK_STATUS(iop_enos_token_refresh(c, "", &t), IOP_ERR_INVALID_ARGUMENT);
    CHECK_STATUS(iop_enos_client_sign(c, NULL, "/p", NULL, 0, 0, &ts, &sig), IOP_ERR_INVALID_ARGUMENT);
    CHECK_STATUS(iop_enos_client_sign(c, "t", "/p", NULL, 5, 0, &ts, &sig), IOP_ERR_INVALID_ARGUMENT);
    CHECK_CONTAINS(iop_last_error_message(), "`body`");
    CHECK_STATUS(iop_enos_client_sign(c, "t", "/p", NULL, 0, 0, NULL, &sig), IOP_ERR_INVALID_ARGUMENT);
    CHECK_STATUS(iop_enos_client_sign(c, "t", "/p", NULL, 0, -5, &ts, &sig), IOP_ERR_INVALID_ARGUMENT);
    CHECK_STATUS(iop_enos_client_execute(c, "t", NULL, "/p", NULL, 0, &r), IOP_ERR_INVALID_ARGUMENT);
    CHECK_STATUS(iop_enos_client_execute(c, "t", "TRACE", "/p", NULL, 0, &r), IOP_ERR_INVALID_ARGUMENT);
    CHECK_STATUS(iop_enos_client_execute(c, "t", "GET", "/p", (const uint8_t *)"{}", 2, &r), IOP_ERR_INVALID_ARGUMENT);
    CHECK(t == NULL && r == NULL && sig == NULL);
    /* Wrong handle types are refused, never dereferenced as the wrong object. */
    IopClient *iop = NULL;
    REQUIRE(iop_client_new("https://api.taobao.tw/rest", "k", "s", NULL, &iop) == IOP_OK);
    CHECK_STATUS(iop_enos_token_get((const IopEnosClient *)iop, &t), IOP_ERR_INVALID_ARGUMENT);
    CHECK(iop_enos_token_access_token(NULL) == NULL && iop_enos_token_expires_at_ms(NULL) == -1);
    CHECK(iop_enos_token_access_token((const IopEnosToken *)iop) == NULL);
    /* Configs: NULL is every default; a config of the wrong type is refused; a bad CA bundle
     * is refused when it is set. */
    CHECK_INVALID(iop_enos_client_configure(NULL, NULL), "client");
    CHECK_INVALID(iop_enos_client_configure((const IopEnosClient *)iop, NULL), "client");
    CHECK_STATUS(iop_enos_client_configure(c, NULL), IOP_OK);
    CHECK_INVALID(iop_enos_client_configure(c, (const IopConfig *)iop), "config");
    IopConfig *cfg = NULL;
    char path[64];
    REQUIRE_OK(iop_config_new(&cfg));
    REQUIRE(write_temp(path, sizeof path, "not a certificate\n"));
    CHECK_INVALID(iop_config_set_ca_bundle(cfg, path), "pem_path");
    unlink(path);
    IopEnosClient *never = NULL;
    CHECK_STATUS(iop_enos_client_new("https://apigw.example.com", "k", "s", (const IopConfig *)iop, &never),
                 IOP_ERR_INVALID_ARGUMENT);
    CHECK(never == NULL);
    REQUIRE(write_temp(path, sizeof path, test_ca_pem));
    CHECK_STATUS(iop_config_set_ca_bundle(cfg, path), IOP_OK);
    unlink(path);
    CHECK_STATUS(iop_enos_client_configure(c, cfg), IOP_OK);
    CHECK_STATUS(iop_enos_client_new("https://apigw.example.com", "k", "s", cfg, &never), IOP_OK);
    iop_enos_client_free(never);
    iop_config_free(cfg);
    iop_enos_token_free(NULL);
    iop_enos_client_free(NULL);
    iop_client_free(iop);
    iop_enos_client_free(c);
}

/* A token-expiry alert (push type 8) moves the seller's re-authorization deadline in the store,
 * so the due list names the seller at once. */
static void test_manager_push_alert(void) {
    IopClient *c = sandbox_client("/lazada/rest", APP1_KEY, APP1_SECRET);
    IopTokenStore *store = NULL;
    IopTokenManager *m = NULL;
    IopPushReceiver *r = NULL;
    REQUIRE(c != NULL);
    REQUIRE_OK(iop_token_store_new_memory(&store));
    REQUIRE_OK(iop_token_manager_new(c, store, "seller-p", IOP_USE_DEFAULT, &m));
    char *code = issue_code(APP1_KEY), *record = NULL, *due = NULL;
    CHECK_STATUS(iop_token_manager_create_token(m, code), IOP_OK);
    iop_sandbox_string_free(code);
    REQUIRE_OK(iop_token_manager_load_record(m, &record));
    const char *at = strstr(record, "\"seller_id\":\"");
    char seller[64] = {0};
    if (at) sscanf(at + strlen("\"seller_id\":\""), "%63[^\"]", seller);
    iop_string_free(record);
    REQUIRE(seller[0] != '\0');
    CHECK_STATUS(iop_token_store_list_due(store, DAYS_MS(2), &due), IOP_OK);
    CHECK_STREQ(due, "[]"); /* the grant lasts 30 days */
    iop_string_free(due);

    char body[512];
    long long expiry_s = (now_ms() / 1000) + 47 * 3600;
    snprintf(body, sizeof body,
             "{\"seller_id\":\"null\",\"message_type\":8,\"data\":{\"app_key\":\"%s\",\"auth_expiry_time\":%lld,"
             "\"seller_id\":\"%s\"},\"timestamp\":%lld,\"site\":\"lazada_sg\"}",
             APP1_KEY, expiry_s, seller, (long long)(now_ms() / 1000));
    REQUIRE_OK(iop_push_receiver_new(APP1_KEY, APP1_SECRET, IOP_USE_DEFAULT, &r));
    char *auth = NULL;
    IopPushMessage *msg = NULL;
    REQUIRE_OK(iop_push_receiver_sign(r, (const uint8_t *)body, strlen(body), &auth));
    REQUIRE_OK(iop_push_receiver_verify(r, auth, (const uint8_t *)body, strlen(body), &msg));
    int64_t updated = -1;
    CHECK_STATUS(iop_token_store_apply_push(store, msg, &updated), IOP_OK);
    CHECK(updated == 1);
    due = NULL;
    CHECK_STATUS(iop_token_store_list_due(store, DAYS_MS(2), &due), IOP_OK);
    CHECK_CONTAINS(due, "\"account\":\"seller-p\"");
    iop_string_free(due);
    /* Applied again: nothing earlier to move. Arguments are checked. */
    CHECK_STATUS(iop_token_store_apply_push(store, msg, &updated), IOP_OK);
    CHECK(updated == 0);
    CHECK_INVALID(iop_token_store_apply_push(store, NULL, &updated), "message");
    CHECK_INVALID(iop_token_store_apply_push(store, msg, NULL), "out_updated");
    iop_push_message_free(msg);
    iop_string_free(auth);
    iop_push_receiver_free(r);
    iop_token_manager_free(m);
    iop_token_store_free(store);
    iop_client_free(c);
}

static const struct test manager_tests[] = {
    T(test_manager_memory_store), T(test_manager_file_store), T(test_manager_callback_store),
    T(test_manager_redis_store), T(test_manager_default_margin), T(test_manager_enos),
    T(test_manager_bad_arguments), T(test_manager_push_alert),
};

static const struct test enos_tests[] = {
    T(test_enos_seed_refresh), T(test_enos_sign_vectors), T(test_enos_calls), T(test_enos_errors),
    T(test_enos_bad_arguments),
};

/* ---- Logging and proxies (issue 18) ---- */

#define LOG_MAX 64
static struct { int32_t level; char event[32]; char text[1024]; } g_log[LOG_MAX];
static int g_log_count;
static pthread_mutex_t g_log_lock = PTHREAD_MUTEX_INITIALIZER;

static void log_callback(void *user_data, int32_t level, const char *event, const char *message,
                         const char *fields_json) {
    int *calls = (int *)user_data;
    pthread_mutex_lock(&g_log_lock);
    (*calls)++;
    if (g_log_count < LOG_MAX) {
        g_log[g_log_count].level = level;
        snprintf(g_log[g_log_count].event, sizeof g_log[0].event, "%s", event);
        snprintf(g_log[g_log_count].text, sizeof g_log[0].text, "%s %s", message, fields_json);
        g_log_count++;
    }
    pthread_mutex_unlock(&g_log_lock);
}

/* The index of the first record named `event` whose text holds `needle`, or -1. */
static int log_find(const char *event, const char *needle) {
    for (int i = 0; i < g_log_count; i++)
        if (strcmp(g_log[i].event, event) == 0 && strstr(g_log[i].text, needle) != NULL) return i;
    return -1;
}

static void test_log_callback(void) {
    IopClient *c = sandbox_client("/lazada/rest", APP1_KEY, APP1_SECRET);
    REQUIRE(c != NULL);
    int calls = 0;
    g_log_count = 0;
    REQUIRE_OK(iop_log_set_callback(log_callback, &calls, IOP_LOG_DEBUG));
    char *code = issue_code(APP1_KEY);
    IopToken *t = NULL;
    CHECK_STATUS(iop_token_create(c, code, &t), IOP_OK);
    IopRequest *r = NULL;
    IopResponse *resp = NULL;
    REQUIRE_OK(iop_request_new("/seller/get", &r));
    CHECK_STATUS(iop_client_execute(c, r, t ? iop_token_access_token(t) : "x", IOP_PROTOCOL_AUTO, &resp), IOP_OK);
    iop_response_free(resp);
    CHECK_STATUS(iop_client_execute(c, r, "not-a-valid-token", IOP_PROTOCOL_AUTO, &resp), IOP_OK);
    iop_response_free(resp);
    int start = log_find("call.start", "\"api\":\"/auth/token/create\"");
    CHECK(start >= 0 && g_log[start].level == IOP_LOG_DEBUG);
    int ok = log_find("call.end", "\"outcome\":\"ok\"");
    CHECK(ok >= 0 && g_log[ok].level == IOP_LOG_INFO);
    CHECK(log_find("call.end", "\"api\":\"/seller/get\"") >= 0);
    int bad = log_find("call.end", "\"outcome\":\"platform_error\"");
    CHECK(bad >= 0 && g_log[bad].level == IOP_LOG_WARN);
    CHECK(log_find("call.end", "\"code\":\"IllegalAccessToken\"") >= 0);
    CHECK(calls == g_log_count && calls >= 6);
    for (int i = 0; i < g_log_count; i++) {
        CHECK(strstr(g_log[i].text, APP1_SECRET) == NULL && strstr(g_log[i].text, code) == NULL);
        CHECK(t == NULL || strstr(g_log[i].text, iop_token_access_token(t)) == NULL);
        CHECK(strstr(g_log[i].text, "not-a-valid-token") == NULL);
    }
    /* Levels filter; OFF silences; a NULL callback turns logging off. */
    REQUIRE_OK(iop_log_set_level(IOP_LOG_WARN));
    int before = calls;
    CHECK_STATUS(iop_client_execute(c, r, t ? iop_token_access_token(t) : "x", IOP_PROTOCOL_AUTO, &resp), IOP_OK);
    iop_response_free(resp);
    CHECK(calls == before);
    CHECK_STATUS(iop_client_execute(c, r, "not-a-valid-token", IOP_PROTOCOL_AUTO, &resp), IOP_OK);
    iop_response_free(resp);
    CHECK(calls == before + 1);
    REQUIRE_OK(iop_log_set_level(IOP_LOG_OFF));
    CHECK_STATUS(iop_client_execute(c, r, "not-a-valid-token", IOP_PROTOCOL_AUTO, &resp), IOP_OK);
    iop_response_free(resp);
    CHECK(calls == before + 1);
    CHECK_INVALID(iop_log_set_level(6), "max_level");
    CHECK_INVALID(iop_log_set_level(-1), "max_level");
    CHECK_INVALID(iop_log_set_callback(log_callback, &calls, 99), "max_level");
    REQUIRE_OK(iop_log_set_callback(NULL, NULL, IOP_LOG_TRACE));
    REQUIRE_OK(iop_log_set_level(IOP_LOG_TRACE));
    CHECK_STATUS(iop_client_execute(c, r, "not-a-valid-token", IOP_PROTOCOL_AUTO, &resp), IOP_OK);
    iop_response_free(resp);
    CHECK(calls == before + 1);
    iop_sandbox_string_free(code);
    iop_request_free(r);
    iop_token_free(t);
    iop_client_free(c);
}

static void test_proxy_setting(void) {
    IopConfig *config = NULL;
    REQUIRE_OK(iop_config_new(&config));
    CHECK_INVALID(iop_config_set_proxy(config, "socks5://127.0.0.1:1080"), "proxy_url");
    CHECK_INVALID(iop_config_set_proxy(config, "http://user:hunter22@"), "proxy_url");
    CHECK(strstr(msg_or_null(), "hunter22") == NULL);
    CHECK_INVALID(iop_config_set_proxy(NULL, ""), "config");
    /* A proxy where nothing listens: a connect error naming it, credentials left out. */
    int port = 0;
    int fd = listen_loopback(&port);
    REQUIRE(fd >= 0);
    close(fd);
    char proxy[96], named[64];
    snprintf(proxy, sizeof proxy, "http://user:hunter22@127.0.0.1:%d", port);
    snprintf(named, sizeof named, "proxy http://127.0.0.1:%d: connection refused", port);
    REQUIRE_OK(iop_config_set_proxy(config, proxy));
    REQUIRE_OK(iop_config_set_max_connect_retries(config, 0));
    char url[128];
    snprintf(url, sizeof url, "%s/lazada/rest", g_url);
    IopClient *c = NULL;
    REQUIRE_OK(iop_client_new(url, APP1_KEY, APP1_SECRET, config, &c));
    IopToken *t = NULL;
    CHECK_STATUS(iop_token_create(c, "some-code", &t), IOP_ERR_CONNECT);
    CHECK(strncmp(msg_or_null(), named, strlen(named)) == 0);
    CHECK(strstr(msg_or_null(), "hunter22") == NULL);
    /* "" connects directly; NULL goes back to the environment (none is set here). */
    char *code = issue_code(APP1_KEY);
    REQUIRE_OK(iop_config_set_proxy(config, ""));
    REQUIRE_OK(iop_client_configure(c, config));
    CHECK_STATUS(iop_token_create(c, code, &t), IOP_OK);
    iop_token_free(t);
    t = NULL;
    iop_sandbox_string_free(code);
    code = issue_code(APP1_KEY);
    REQUIRE_OK(iop_config_set_proxy(config, NULL));
    REQUIRE_OK(iop_client_configure(c, config));
    if (getenv("HTTPS_PROXY") == NULL && getenv("https_proxy") == NULL && getenv("ALL_PROXY") == NULL &&
        getenv("all_proxy") == NULL) {
        CHECK_STATUS(iop_token_create(c, code, &t), IOP_OK);
    }
    iop_token_free(t);
    iop_sandbox_string_free(code);
    iop_client_free(c);
    iop_config_free(config);
}

static const struct test obs_tests[] = {
    T(test_log_callback), T(test_proxy_setting),
};

/* ------------------------------------------------------------------------------------------ */
/* Rate limits (issue 20): budgets, bans learned from the sandbox, the daily quota            */

/* Sends api with token through c: the status of iop_client_execute; *code_out gets the
   response's code (or "" when the call failed). */
static IopStatus limited_call(const IopClient *c, const char *api, const char *token, char *code_out, size_t n) {
    IopRequest *req = NULL;
    IopResponse *resp = NULL;
    code_out[0] = '\0';
    if (iop_request_new(api, &req) != IOP_OK) return IOP_ERR_INTERNAL;
    IopStatus st = iop_client_execute(c, req, token, IOP_PROTOCOL_AUTO, &resp);
    if (st == IOP_OK) {
        snprintf(code_out, n, "%s", iop_response_code(resp) ? iop_response_code(resp) : "");
        iop_response_free(resp);
    }
    iop_request_free(req);
    return st;
}

static void test_rate_limiter(void) {
    IopTokenStore *memory = NULL, *file = NULL;
    IopRateLimiter *limiter = NULL;
    IopConfig *config = NULL;
    REQUIRE_OK(iop_token_store_new_memory(&memory));
    REQUIRE_OK(iop_token_store_new_file("/tmp/iop-c-limits-never-written.json", &file));

    /* Bad arguments. */
    CHECK_INVALID(iop_rate_limiter_new(NULL, &limiter), "store");
    CHECK_INVALID(iop_rate_limiter_new(memory, NULL), "out_limiter");
    CHECK_STATUS(iop_rate_limiter_new(file, &limiter), IOP_ERR_INVALID_ARGUMENT);
    CHECK(limiter == NULL);
    REQUIRE_OK(iop_rate_limiter_new(memory, &limiter));
    CHECK_INVALID(iop_rate_limiter_set_budget(NULL, IOP_LIMIT_APP, NULL, 1.0, 1), "limiter");
    CHECK_INVALID(iop_rate_limiter_set_budget(limiter, 7, NULL, 1.0, 1), "scope");
    CHECK_INVALID(iop_rate_limiter_set_budget(limiter, IOP_LIMIT_APP, "x", 1.0, 1), "name");
    CHECK_INVALID(iop_rate_limiter_set_budget(limiter, IOP_LIMIT_API, "", 1.0, 1), "name");
    CHECK_INVALID(iop_rate_limiter_set_budget(limiter, IOP_LIMIT_APP, NULL, -1.0, 1), "rate_per_second");
    CHECK_INVALID(iop_rate_limiter_set_budget(limiter, IOP_LIMIT_APP, NULL, 1.0, 0), "burst");
    CHECK_INVALID(iop_rate_limiter_set_max_wait_ms(limiter, -2), "max_wait_ms");
    CHECK_INVALID(iop_rate_limiter_set_max_wait_ms(NULL, 0), "limiter");
    char *json = NULL;
    CHECK_INVALID(iop_rate_limiter_status_json(limiter, NULL, &json), "app_key");
    CHECK_INVALID(iop_rate_limiter_status_json(limiter, APP1_KEY, NULL), "out_json");
    CHECK_INVALID(iop_config_set_rate_limiter(NULL, limiter), "config");
    iop_rate_limiter_free(NULL);
    CHECK_STREQ(iop_status_name(IOP_ERR_RATE_LIMITED), "IOP_ERR_RATE_LIMITED");
    CHECK_STREQ(iop_status_name(IOP_ERR_QUOTA_EXCEEDED), "IOP_ERR_QUOTA_EXCEEDED");

    /* A client configured with the limiter: fail fast, one call per ~1000 s on /seller/get. */
    REQUIRE_OK(iop_rate_limiter_set_max_wait_ms(limiter, IOP_USE_DEFAULT));
    REQUIRE_OK(iop_rate_limiter_set_max_wait_ms(limiter, 0));
    REQUIRE_OK(iop_rate_limiter_set_budget(limiter, IOP_LIMIT_API, "/seller/get", 0.001, IOP_USE_DEFAULT));
    REQUIRE_OK(iop_rate_limiter_set_budget(limiter, IOP_LIMIT_SELLER, NULL, 1000.0, IOP_USE_DEFAULT));
    REQUIRE_OK(iop_config_new(&config));
    REQUIRE_OK(iop_config_set_rate_limiter(config, limiter));
    char url[256];
    snprintf(url, sizeof url, "%s/lazada/rest", g_url);
    IopClient *c = NULL;
    REQUIRE_OK(iop_client_new(url, APP1_KEY, APP1_SECRET, config, &c));
    IopToken *t = new_token(c, APP1_KEY);
    REQUIRE(t != NULL);
    const char *token = iop_token_access_token(t);
    char code[64];
    CHECK_STATUS(limited_call(c, "/seller/get", token, code, sizeof code), IOP_OK);
    CHECK_STREQ(code, "0");
    int64_t hits = route_hits("/seller/get");
    CHECK_STATUS(limited_call(c, "/seller/get", token, code, sizeof code), IOP_ERR_RATE_LIMITED);
    CHECK_STREQ(iop_last_error_code(), "RateLimited");
    CHECK(iop_last_error_retry_after_ms() > 0);
    CHECK_CONTAINS(iop_last_error_message(), "/seller/get");
    CHECK(route_hits("/seller/get") == hits); /* not sent */

    /* A ban learned from the sandbox holds the API: the teaching answer is a response. */
    int64_t until = 0;
    CHECK_SANDBOX(iop_sandbox_ban(g_sandbox, APP1_KEY, "/order/get", 3, &until), IOP_OK);
    CHECK_STATUS(limited_call(c, "/order/get", token, code, sizeof code), IOP_OK);
    CHECK_STREQ(code, "ApiCallLimit");
    hits = route_hits("/order/get");
    CHECK_STATUS(limited_call(c, "/order/get", token, code, sizeof code), IOP_ERR_RATE_LIMITED);
    CHECK_STREQ(iop_last_error_code(), "ApiCallLimit");
    CHECK(iop_last_error_retry_after_ms() > 1000 && iop_last_error_retry_after_ms() <= 3000);
    CHECK(route_hits("/order/get") == hits);
    REQUIRE_OK(iop_rate_limiter_status_json(limiter, APP1_KEY, &json));
    CHECK_CONTAINS(json, "\"name\":\"/order/get\"");
    CHECK_CONTAINS(json, "\"code\":\"ApiCallLimit\"");
    CHECK_CONTAINS(json, "\"rate_per_second\":0.001");
    CHECK(strstr(json, token) == NULL); /* seller buckets are keyed by a hash */
    iop_string_free(json);

    /* The daily quota: a typed error naming the reset (midnight GMT+8), nothing sent after. */
    REQUIRE_OK(iop_rate_limiter_set_budget(limiter, IOP_LIMIT_API, "/seller/get", 0.0, IOP_USE_DEFAULT));
    CHECK_SANDBOX(iop_sandbox_set_limits(g_sandbox, "{\"daily\":1}"), IOP_OK);
    CHECK_STATUS(limited_call(c, "/seller/get", token, code, sizeof code), IOP_OK);
    CHECK_STREQ(code, "0"); /* the day's one call */
    CHECK_STATUS(limited_call(c, "/seller/get", token, code, sizeof code), IOP_OK);
    CHECK_STREQ(code, "AppCallLimit");
    hits = route_hits("/seller/get");
    CHECK_STATUS(limited_call(c, "/seller/get", token, code, sizeof code), IOP_ERR_QUOTA_EXCEEDED);
    CHECK_CONTAINS(iop_last_error_message(), "T00:00:00+08:00");
    CHECK(iop_last_error_retry_after_ms() > 0 && iop_last_error_retry_after_ms() <= 86400000);
    CHECK(route_hits("/seller/get") == hits);
    CHECK_SANDBOX(iop_sandbox_set_limits(g_sandbox, "{}"), IOP_OK);

    /* The client keeps the limiter alive after its free; NULL removes it from a config. */
    iop_rate_limiter_free(limiter);
    CHECK_STATUS(limited_call(c, "/seller/get", token, code, sizeof code), IOP_ERR_QUOTA_EXCEEDED);
    REQUIRE_OK(iop_config_set_rate_limiter(config, NULL));
    REQUIRE_OK(iop_client_configure(c, config));
    CHECK_STATUS(limited_call(c, "/seller/get", token, code, sizeof code), IOP_OK);
    CHECK_STREQ(code, "0");
    iop_token_free(t);
    iop_client_free(c);
    iop_config_free(config);
    iop_token_store_free(file);
    iop_token_store_free(memory);
}

static const struct test limits_tests[] = {
    T(test_rate_limiter),
};

static const char *g_filter;

static bool selected(const struct test *tests, size_t n) {
    for (size_t i = 0; i < n; i++)
        if (g_filter == NULL || strstr(tests[i].name, g_filter)) return true;
    return false;
}

/* Runs a group; with config != NULL or sandbox set, inside its own sandbox. */
static void run_group(const char *group, const struct test *tests, size_t n, bool sandbox, const char *config) {
    if (!selected(tests, n)) return;
    printf("# group %s\n", group);
    if (sandbox) {
        IopStatus st = iop_sandbox_start(config, &g_sandbox);
        if (st != IOP_OK || (g_url = iop_sandbox_url(g_sandbox)) == NULL) {
            printf("#   could not start the sandbox: %s: %s\n", iop_status_name((int32_t)st), sandbox_msg_or_null());
            for (size_t i = 0; i < n; i++) {
                if (g_filter != NULL && !strstr(tests[i].name, g_filter)) continue;
                check_failed++;
                printf("not ok - %s\n", tests[i].name);
            }
            return;
        }
    }
    for (size_t i = 0; i < n; i++)
        if (g_filter == NULL || strstr(tests[i].name, g_filter)) run_test(tests[i].name, tests[i].fn);
    if (sandbox) {
        iop_sandbox_free(g_sandbox);
        g_sandbox = NULL;
        g_url = NULL;
    }
}

int main(int argc, char **argv) {
    const char *slack = getenv("IOP_C_TEST_SLACK_MS");
    const char *calls = getenv("IOP_C_TEST_CALLS");
    g_slack_ms = slack ? strtol(slack, NULL, 10) : 300;
    if (calls != NULL && atoi(calls) > 0) g_calls = atoi(calls);
    g_filter = argc > 1 ? argv[1] : NULL;
    setvbuf(stdout, NULL, _IOLBF, 0);

    run_group("offline", offline_tests, COUNT(offline_tests), false, NULL);
    run_group("gateway", gateway_tests, COUNT(gateway_tests), true, NULL);
    run_group("clock", clock_tests, COUNT(clock_tests), true, clock_config);
    run_group("transport", transport_tests, COUNT(transport_tests), false, NULL);
    run_group("manager", manager_tests, COUNT(manager_tests), true, NULL);
    run_group("enos", enos_tests, COUNT(enos_tests), true, enos_config);
    run_group("obs", obs_tests, COUNT(obs_tests), true, NULL);
    run_group("limits", limits_tests, COUNT(limits_tests), true, NULL);
    return check_summary();
}
