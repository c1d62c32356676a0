/*
 * stress.c: a thread stress test of the C ABI in include/iop.h, run by tests/c/run.sh (plain,
 * built with clang ASan + UBSan, and under valgrind with fewer calls).
 *
 * One workload, run once against an in-process sandbox, then checked from three sides:
 *   - 8 worker threads each make IOP_C_STRESS_CALLS (default 10,000) iop_client_execute calls
 *     on ONE shared IopClient with one shared IopToken, every answer verified;
 *   - meanwhile 2 churn threads create (from an IopConfig of their own), reconfigure, use and
 *     free clients of their own, and a setter thread keeps reconfiguring the shared client
 *     (iop_client_configure) from its own IopConfig;
 *   - every 100th call (every calls/2-th in runs shorter than 200 calls, as under valgrind),
 *     each worker also provokes a failure of its own kind (a platform error with its own
 *     request id, or an invalid argument naming a different argument: `key`, `access_token`,
 *     or `max_bytes` from its own IopConfig), lets the other threads run, and checks that its
 *     thread-local last error is still exactly its own; the next successful call must clear it.
 * Never prints a token or secret. Prints "N passed, M failed" last.
 */
#define _POSIX_C_SOURCE 200809L
#include <pthread.h>
#include <sched.h>
#include <stdatomic.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "iop.h"
#include "iop_sandbox.h"

#include "check.h"

#define APP_KEY "100001"
#define APP_SECRET "sandboxSecret-100001-0123456789abcdef"
#define WORKERS 8
#define CHURNERS 2

static IopSandbox *g_sandbox;
static char g_url[256];
static int g_calls = 10000;
/* Each worker provokes a failure every g_error_every calls: every 100th, or more often when
 * there are fewer than 200 calls (under valgrind), so that at least 2 are provoked. */
static int g_error_every = 100;

/* ------------------------------------------------------------------------------------------ */
/* The workload                                                                               */

/* What a worker saw. */
struct worker {
    int index;
    IopClient *client;
    IopConfig *config; /* its own: configs are not shared between threads */
    const IopToken *token;
    int ok, bad_answer, failed_status;
    int errors_provoked, errors_wrong, errors_changed, errors_not_cleared;
    char **request_ids; /* of its platform errors, owned */
    int request_id_count;
};

struct churner {
    const IopToken *token;
    int created, used, failed;
};

struct setter {
    IopClient *client;
    int changes, failed;
};

static atomic_int g_workers_running;

static char *dup_or_empty(const char *s) {
    return strdup(s ? s : "");
}

static bool eq(const char *a, const char *b) {
    return (a == NULL && b == NULL) || (a != NULL && b != NULL && strcmp(a, b) == 0);
}

/* Provokes this worker's kind of failure on call `i`; records whether the last error was right,
 * stayed the same while other threads ran, and is cleared by the next success. */
static void provoke(struct worker *w, IopRequest *req, int i) {
    IopStatus expected;
    const char *names = NULL; /* what the message must contain */
    IopStatus st;
    IopToken *t = NULL;
    IopResponse *resp = NULL;
    char code[64];
    switch (w->index % 4) {
    case 0: /* a platform error from the sandbox: code InvalidCode and a fresh request id */
        snprintf(code, sizeof code, "not-a-code-%d-%d", w->index, i);
        st = iop_token_create(w->client, code, &t);
        expected = IOP_ERR_PLATFORM;
        names = "InvalidCode";
        break;
    case 1:
        st = iop_request_add_param(req, "", "value");
        expected = IOP_ERR_INVALID_ARGUMENT;
        names = "`key`";
        break;
    case 2:
        st = iop_client_execute(w->client, req, "", IOP_PROTOCOL_GOP, &resp);
        expected = IOP_ERR_INVALID_ARGUMENT;
        names = "`access_token`";
        break;
    default:
        st = iop_config_set_max_response_bytes(w->config, 0);
        expected = IOP_ERR_INVALID_ARGUMENT;
        names = "`max_bytes`";
        break;
    }
    w->errors_provoked++;
    const char *message = iop_last_error_message();
    if (st != expected || t != NULL || resp != NULL || iop_last_error_status() != expected || message == NULL ||
        strstr(message, names) == NULL) {
        w->errors_wrong++;
        return;
    }
    /* Snapshot, let the other threads make calls (and fail their own ways), look again. */
    char *msg = dup_or_empty(message), *err_code = dup_or_empty(iop_last_error_code()),
         *request_id = dup_or_empty(iop_last_error_request_id());
    for (int k = 0; k < 3; k++) {
        struct timespec pause = {0, 200000};
        nanosleep(&pause, NULL);
        sched_yield();
    }
    if (iop_last_error_status() != expected || iop_last_error_message() != message ||
        !eq(iop_last_error_message(), msg) || !eq(iop_last_error_code() ? iop_last_error_code() : "", err_code) ||
        !eq(iop_last_error_request_id() ? iop_last_error_request_id() : "", request_id))
        w->errors_changed++;
    if (expected == IOP_ERR_PLATFORM) {
        if (strcmp(err_code, "InvalidCode") != 0 || request_id[0] == '\0') w->errors_wrong++;
        w->request_ids[w->request_id_count++] = request_id;
    } else {
        free(request_id);
    }
    free(msg);
    free(err_code);
}

static void *work(void *arg) {
    struct worker *w = arg;
    IopRequest *req = NULL;
    if (iop_request_new("/seller/get", &req) != IOP_OK || iop_config_new(&w->config) != IOP_OK) {
        w->failed_status = g_calls;
        iop_request_free(req);
        atomic_fetch_sub(&g_workers_running, 1);
        return NULL;
    }
    const char *access_token = iop_token_access_token(w->token);
    for (int i = 0; i < g_calls; i++) {
        /* Half GET, half POST: both encodings under load. */
        iop_request_set_http_method(req, (i + w->index) % 2 ? IOP_HTTP_GET : IOP_HTTP_POST);
        IopResponse *resp = NULL;
        IopStatus st = iop_client_execute(w->client, req, access_token, IOP_PROTOCOL_GOP, &resp);
        if (st != IOP_OK) {
            w->failed_status++;
        } else if (iop_response_is_success(resp) && iop_response_http_status(resp) == 200 &&
                   strstr(iop_response_body(resp), "\"seller_id\"") != NULL && iop_response_request_id(resp) != NULL) {
            w->ok++;
        } else {
            w->bad_answer++;
        }
        iop_response_free(resp);
        if (st == IOP_OK && iop_last_error_status() != IOP_OK) w->errors_not_cleared++;
        if (i % g_error_every == g_error_every / 2) provoke(w, req, i);
    }
    iop_request_free(req);
    iop_config_free(w->config);
    w->config = NULL;
    atomic_fetch_sub(&g_workers_running, 1);
    return NULL;
}

static bool is_upper_hex64(const char *s) {
    if (s == NULL || strlen(s) != 64) return false;
    for (; *s; s++)
        if (!((*s >= '0' && *s <= '9') || (*s >= 'A' && *s <= 'F'))) return false;
    return true;
}

/* Creates, configures, uses and frees clients until the workers are done (at least 50). */
static void *churn(void *arg) {
    struct churner *c = arg;
    const char *access_token = iop_token_access_token(c->token);
    IopConfig *config = NULL;
    if (iop_config_new(&config) != IOP_OK || iop_config_set_read_timeout_ms(config, 20000) != IOP_OK) {
        c->failed++;
        iop_config_free(config);
        return NULL;
    }
    while (atomic_load(&g_workers_running) > 0 || c->created < 50) {
        IopClient *client = NULL;
        IopRequest *req = NULL;
        char *sign_string = NULL, *sign = NULL;
        if (iop_config_set_partner_id(config, c->created % 2 ? "churn-a" : "churn-b") != IOP_OK ||
            iop_client_new(g_url, APP_KEY, APP_SECRET, config, &client) != IOP_OK) {
            c->failed++;
            continue;
        }
        c->created++;
        /* Every other client is reconfigured once made (the default partner id back). */
        if ((c->created % 2 == 0 && iop_client_configure(client, NULL) != IOP_OK) ||
            iop_request_new("/seller/get", &req) != IOP_OK)
            c->failed++;
        if (req != NULL && iop_client_sign(client, req, access_token, IOP_PROTOCOL_GOP, 1700000000000, &sign_string,
                                           &sign) == IOP_OK) {
            if (!is_upper_hex64(sign) || strstr(sign_string, "/seller/get") != sign_string) c->failed++;
        } else {
            c->failed++;
        }
        if (req != NULL && c->created % 10 == 0) {
            IopResponse *resp = NULL;
            if (iop_client_execute(client, req, access_token, IOP_PROTOCOL_GOP, &resp) == IOP_OK &&
                iop_response_is_success(resp))
                c->used++;
            else
                c->failed++;
            iop_response_free(resp);
        }
        iop_string_free(sign_string);
        iop_string_free(sign);
        iop_request_free(req);
        iop_client_free(client);
        struct timespec pause = {0, 25000000}; /* a new client builds its TLS roots: keep the pace modest */
        nanosleep(&pause, NULL);
    }
    iop_config_free(config);
    return NULL;
}

static void *change_settings(void *arg) {
    struct setter *s = arg;
    IopConfig *config = NULL;
    if (iop_config_new(&config) != IOP_OK) {
        s->failed++;
        return NULL;
    }
    while (atomic_load(&g_workers_running) > 0) {
        if (iop_config_set_read_timeout_ms(config, 20000 + s->changes % 7) != IOP_OK) s->failed++;
        if (iop_config_set_partner_id(config, s->changes % 2 ? "partner-a" : "partner-b") != IOP_OK) s->failed++;
        if (iop_client_configure(s->client, config) != IOP_OK) s->failed++;
        s->changes++;
        struct timespec pause = {0, 50000000}; /* each change swaps the connection pool */
        nanosleep(&pause, NULL);
    }
    iop_config_free(config);
    return NULL;
}

static struct worker g_workers[WORKERS];
static struct churner g_churners[CHURNERS];
static struct setter g_setter;
static bool g_ran;
static double g_seconds;

static int cmp_str(const void *a, const void *b) {
    return strcmp(*(char *const *)a, *(char *const *)b);
}

/* ------------------------------------------------------------------------------------------ */
/* Tests: the first runs the workload, the others check it from their side.                   */

static void test_shared_client_stress(void) {
    IopClient *shared = NULL;
    IopToken *token = NULL;
    REQUIRE(iop_client_new(g_url, APP_KEY, APP_SECRET, NULL, &shared) == IOP_OK);
    char *code = NULL;
    REQUIRE(iop_sandbox_issue_code(g_sandbox, APP_KEY, &code) == IOP_OK);
    CHECK(iop_token_create(shared, code, &token) == IOP_OK);
    iop_sandbox_string_free(code);
    if (token == NULL) {
        iop_client_free(shared);
        return;
    }
    pthread_t workers[WORKERS], churners[CHURNERS], setter;
    struct timespec start, end;
    clock_gettime(CLOCK_MONOTONIC, &start);
    atomic_store(&g_workers_running, WORKERS);
    g_setter = (struct setter){shared, 0, 0};
    REQUIRE(pthread_create(&setter, NULL, change_settings, &g_setter) == 0);
    for (int i = 0; i < CHURNERS; i++) {
        g_churners[i] = (struct churner){token, 0, 0, 0};
        REQUIRE(pthread_create(&churners[i], NULL, churn, &g_churners[i]) == 0);
    }
    for (int i = 0; i < WORKERS; i++) {
        g_workers[i] = (struct worker){.index = i, .client = shared, .token = token};
        g_workers[i].request_ids = calloc((size_t)(g_calls / g_error_every) + 1, sizeof(char *));
        REQUIRE(pthread_create(&workers[i], NULL, work, &g_workers[i]) == 0);
    }
    for (int i = 0; i < WORKERS; i++) pthread_join(workers[i], NULL);
    for (int i = 0; i < CHURNERS; i++) pthread_join(churners[i], NULL);
    pthread_join(setter, NULL);
    clock_gettime(CLOCK_MONOTONIC, &end);
    g_seconds = (double)(end.tv_sec - start.tv_sec) + (double)(end.tv_nsec - start.tv_nsec) / 1e9;
    g_ran = true;

    int ok = 0, failed = 0, bad = 0;
    for (int i = 0; i < WORKERS; i++) {
        ok += g_workers[i].ok;
        failed += g_workers[i].failed_status;
        bad += g_workers[i].bad_answer;
    }
    printf("#   %d threads x %d calls on one client: %d ok, %d failed, %d wrong answers in %.1f s (%.0f calls/s)\n",
           WORKERS, g_calls, ok, failed, bad, g_seconds, ok / (g_seconds > 0 ? g_seconds : 1));
    printf("#   setter: %d settings changes, %d failed\n", g_setter.changes, g_setter.failed);
    CHECK(ok == WORKERS * g_calls);
    CHECK(failed == 0);
    CHECK(bad == 0);
    CHECK(g_setter.failed == 0);
    CHECK(g_setter.changes > 0);
    iop_token_free(token);
    iop_client_free(shared);
}

static void test_clients_created_and_freed_concurrently(void) {
    REQUIRE(g_ran);
    int created = 0, used = 0, failed = 0;
    for (int i = 0; i < CHURNERS; i++) {
        created += g_churners[i].created;
        used += g_churners[i].used;
        failed += g_churners[i].failed;
        CHECK(g_churners[i].used == g_churners[i].created / 10); /* every tenth client made a call */
    }
    printf("#   %d churn threads: %d clients created, used and freed (%d made calls), %d failures\n", CHURNERS,
           created, used, failed);
    CHECK(created >= CHURNERS * 50);
    CHECK(failed == 0);
}

static void test_last_error_stays_per_thread(void) {
    REQUIRE(g_ran);
    int provoked = 0, wrong = 0, changed = 0, not_cleared = 0, ids = 0;
    char **all = calloc((size_t)WORKERS * ((size_t)(g_calls / g_error_every) + 1), sizeof(char *));
    REQUIRE(all != NULL);
    for (int i = 0; i < WORKERS; i++) {
        struct worker *w = &g_workers[i];
        provoked += w->errors_provoked;
        wrong += w->errors_wrong;
        changed += w->errors_changed;
        not_cleared += w->errors_not_cleared;
        for (int k = 0; k < w->request_id_count; k++) all[ids++] = w->request_ids[k];
    }
    qsort(all, (size_t)ids, sizeof(char *), cmp_str);
    int duplicates = 0;
    for (int k = 1; k < ids; k++)
        if (strcmp(all[k - 1], all[k]) == 0) duplicates++;
    printf("#   %d failures provoked across %d threads (%d platform errors with distinct request ids): "
           "%d wrong, %d changed by other threads, %d not cleared by the next success, %d duplicate ids\n",
           provoked, WORKERS, ids, wrong, changed, not_cleared, duplicates);
    CHECK(provoked == WORKERS * (g_calls / g_error_every));
    CHECK(provoked > 0);
    CHECK(ids == (WORKERS / 4) * (g_calls / g_error_every));
    CHECK(wrong == 0);
    CHECK(changed == 0);
    CHECK(not_cleared == 0);
    CHECK(duplicates == 0);
    for (int k = 0; k < ids; k++) free(all[k]);
    free(all);
    for (int i = 0; i < WORKERS; i++) free(g_workers[i].request_ids);
}

int main(void) {
    const char *calls = getenv("IOP_C_STRESS_CALLS");
    if (calls != NULL && atoi(calls) > 0) g_calls = atoi(calls);
    if (g_calls < 2 * g_error_every) g_error_every = g_calls >= 4 ? g_calls / 2 : 1;
    setvbuf(stdout, NULL, _IOLBF, 0);
    IopStatus st = iop_sandbox_start(NULL, &g_sandbox);
    if (st != IOP_OK || iop_sandbox_url(g_sandbox) == NULL) {
        const char *message = iop_sandbox_last_error_message();
        printf("#   could not start the sandbox: %s: %s\n", iop_status_name((int32_t)st), message ? message : "");
        check_failed = 3;
        return check_summary();
    }
    snprintf(g_url, sizeof g_url, "%s/lazada/rest", iop_sandbox_url(g_sandbox));
    run_test("test_shared_client_stress", test_shared_client_stress);
    run_test("test_clients_created_and_freed_concurrently", test_clients_created_and_freed_concurrently);
    run_test("test_last_error_stays_per_thread", test_last_error_stays_per_thread);
    iop_sandbox_free(g_sandbox);
    return check_summary();
}
