/* The C ABI benchmark: iop_client_execute against the canned-response server.
 *
 *   call URL OUT FLOOR_OUT  warmed-up timing loop of the C ABI and, interleaved sample by sample
 *                           (so that both see the same machine load), of a floor client: one
 *                           keep-alive socket replaying the bytes iopkit sent (the server keeps
 *                           them for GET /_bench/request) and reading each response; writes one
 *                           sample (µs per call) a line to OUT and FLOOR_OUT
 *   call-tls URL CA OUT FLOOR_OUT
 *                           the same over HTTPS (URL https://127.0.0.1:PORT/...): the client
 *                           trusts the CA certificate in the PEM file CA (iop_config_set_ca_bundle)
 *                           and the floor is one OpenSSL session over its keep-alive socket
 *                           (one handshake, verified against CA for 127.0.0.1). Built without
 *                           IOP_BENCH_OPENSSL, FLOOR_OUT gets no samples.
 *   memory URL OUT          100,000 C ABI calls; writes resident memory after 10k, 50k and 100k
 *                           calls and the peak (VmRSS, VmHWM from /proc/self/status, KiB) as
 *                           key=value lines to OUT
 *   latency URL SEQ_OUT THREADS_OUT BATCH_OUT
 *                           against a server answering each request 20 ms after reading it
 *                           (iop-bench serve --delay-ms 20), one client: IOP_BENCH_LATENCY_SEQ_CALLS
 *                           calls one after another (default 2000), then IOP_BENCH_LATENCY_SAMPLES
 *                           runs (3) of 2,000 calls from 16 threads sharing the client and of
 *                           one batch of 2,000 (iop_client_execute_batch) at concurrency 16;
 *                           writes calls per second, one sample a line, to each file
 *
 * The loop: IOP_BENCH_WARMUP_MS of calls (default 1000), then IOP_BENCH_SAMPLES samples (30)
 * of IOP_BENCH_CALLS calls each (400). The workload is bench/src/workload.rs's: a
 * /auth/token/create request with a code, the same app key and secret. Every call must return
 * IOP_OK with a successful response, or the program stops with the last error. */
#define _POSIX_C_SOURCE 200809L
#include <arpa/inet.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

#ifdef IOP_BENCH_OPENSSL
#include <openssl/err.h>
#include <openssl/ssl.h>
#include <openssl/x509_vfy.h>
#endif

#include "iop.h"

#define APP_KEY "100001"
#define APP_SECRET "benchSecret-100001-0123456789abcdef"
#define API "/auth/token/create"
#define CODE "0_100001_bench_code_4fQjXa9kD2LrTzWc"

static IopClient *client;
static IopRequest *request;

static double now_us(void) {
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return ts.tv_sec * 1e6 + ts.tv_nsec / 1e3;
}

static long env_long(const char *name, long fallback) {
    const char *v = getenv(name);
    long n = v ? strtol(v, NULL, 10) : 0;
    return n > 0 ? n : fallback;
}

static void die(const char *what) {
    fprintf(stderr, "%s: %s (%s)\n", what, iop_last_error_message(), iop_status_name(iop_last_error_status()));
    exit(1);
}

/* Checks and frees a response. */
static void check(IopResponse *response) {
    if (!iop_response_is_success(response)) {
        fprintf(stderr, "the canned server's answer is not a success (code %s)\n", iop_response_code(response));
        exit(1);
    }
    iop_response_free(response);
}

/* One full call: sign, send, receive, parse, check, free. */
static void call(void) {
    IopResponse *response = NULL;
    if (iop_client_execute(client, request, NULL, IOP_PROTOCOL_AUTO, &response) != IOP_OK) die("iop_client_execute");
    check(response);
}

/* --- the floor client ------------------------------------------------------------------------ */

static int floor_fd = -1;
static char *floor_request; /* the captured request bytes */
static size_t floor_request_len;
static char floor_buf[65536];
#ifdef IOP_BENCH_OPENSSL
static SSL_CTX *floor_ctx;
static SSL *floor_ssl; /* NULL: plain HTTP */
#endif

static void floor_die(const char *what) {
    perror(what);
    exit(1);
}

#ifdef IOP_BENCH_OPENSSL
static void floor_tls_die(const char *what) {
    fprintf(stderr, "%s:\n", what);
    ERR_print_errors_fp(stderr);
    exit(1);
}
#endif

/* write(2) or SSL_write_ex: bytes written, or -1. */
static ssize_t floor_send(const char *data, size_t len) {
#ifdef IOP_BENCH_OPENSSL
    if (floor_ssl) {
        size_t n = 0;
        return SSL_write_ex(floor_ssl, data, len, &n) == 1 ? (ssize_t)n : -1;
    }
#endif
    return write(floor_fd, data, len);
}

/* read(2) or SSL_read_ex: bytes read, 0 at the end, or -1. */
static ssize_t floor_recv(char *buf, size_t len) {
#ifdef IOP_BENCH_OPENSSL
    if (floor_ssl) {
        size_t n = 0;
        if (SSL_read_ex(floor_ssl, buf, len, &n) == 1) return (ssize_t)n;
        return SSL_get_error(floor_ssl, 0) == SSL_ERROR_ZERO_RETURN ? 0 : -1;
    }
#endif
    return read(floor_fd, buf, len);
}

/* Writes `len` bytes of `data`, then reads one response; returns where its body starts in
 * floor_buf and writes its length. Stops the program on any error. */
static const char *floor_exchange(const char *data, size_t len, size_t *body_len) {
    for (size_t done = 0; done < len;) {
        ssize_t n = floor_send(data + done, len - done);
        if (n <= 0) floor_die("floor write");
        done += (size_t)n;
    }
    size_t have = 0;
    char *head_end = NULL;
    long content_length = -1;
    for (;;) {
        if (!head_end) {
            floor_buf[have] = '\0';
            head_end = strstr(floor_buf, "\r\n\r\n");
            if (head_end) {
                const char *cl = strstr(floor_buf, "Content-Length:");
                if (!cl || cl > head_end) {
                    fprintf(stderr, "floor: response without Content-Length\n");
                    exit(1);
                }
                content_length = strtol(cl + 15, NULL, 10);
                head_end += 4;
            }
        }
        if (head_end && have >= (size_t)(head_end - floor_buf) + (size_t)content_length) break;
        if (have + 1 >= sizeof floor_buf) {
            fprintf(stderr, "floor: response too large\n");
            exit(1);
        }
        ssize_t n = floor_recv(floor_buf + have, sizeof floor_buf - 1 - have);
        if (n <= 0) floor_die("floor read");
        have += (size_t)n;
    }
    *body_len = (size_t)content_length;
    return head_end;
}

/* Connects to http://127.0.0.1:PORT/... (or https://, trusting the CA in the PEM file
 * ca_path) and fetches the captured request. */
static void floor_connect(const char *url, const char *ca_path) {
    unsigned port = 0;
    int tls = strncmp(url, "https://", 8) == 0;
    if (sscanf(url, tls ? "https://127.0.0.1:%u" : "http://127.0.0.1:%u", &port) != 1 || port == 0 || port > 65535) {
        fprintf(stderr, "floor: expected http[s]://127.0.0.1:PORT/..., got %s\n", url);
        exit(1);
    }
    struct sockaddr_in addr = {.sin_family = AF_INET, .sin_port = htons((uint16_t)port)};
    addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    floor_fd = socket(AF_INET, SOCK_STREAM, 0);
    int one = 1;
    if (floor_fd < 0 || connect(floor_fd, (struct sockaddr *)&addr, sizeof addr) != 0) floor_die("floor connect");
    if (setsockopt(floor_fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof one) != 0) floor_die("floor TCP_NODELAY");
    if (tls) {
#ifdef IOP_BENCH_OPENSSL
        /* Verification on: the run's CA only, and the certificate must be for 127.0.0.1. */
        floor_ctx = SSL_CTX_new(TLS_client_method());
        if (!floor_ctx) floor_tls_die("floor SSL_CTX_new");
        SSL_CTX_set_verify(floor_ctx, SSL_VERIFY_PEER, NULL);
        if (SSL_CTX_load_verify_locations(floor_ctx, ca_path, NULL) != 1) floor_tls_die("floor: loading the CA");
        floor_ssl = SSL_new(floor_ctx);
        if (!floor_ssl || X509_VERIFY_PARAM_set1_ip_asc(SSL_get0_param(floor_ssl), "127.0.0.1") != 1 ||
            SSL_set_fd(floor_ssl, floor_fd) != 1)
            floor_tls_die("floor SSL_new");
        if (SSL_connect(floor_ssl) != 1) floor_tls_die("floor TLS handshake");
        if (SSL_get_verify_result(floor_ssl) != X509_V_OK) floor_tls_die("floor: the server's certificate");
#else
        (void)ca_path;
        fprintf(stderr, "floor: built without OpenSSL (IOP_BENCH_OPENSSL), no https\n");
        exit(1);
#endif
    }
    char fetch[128];
    int n = snprintf(fetch, sizeof fetch, "GET /_bench/request HTTP/1.1\r\nhost: 127.0.0.1:%u\r\n\r\n", port);
    size_t len;
    const char *body = floor_exchange(fetch, (size_t)n, &len);
    if (strncmp(floor_buf, "HTTP/1.1 200", 12) != 0 || len == 0) {
        fprintf(stderr, "floor: the server has no captured request\n");
        exit(1);
    }
    floor_request = malloc(len);
    if (!floor_request) floor_die("malloc");
    memcpy(floor_request, body, len);
    floor_request_len = len;
}

/* One floor round trip. */
static void floor_call(void) {
    size_t len;
    floor_exchange(floor_request, floor_request_len, &len);
    if (len == 0) {
        fprintf(stderr, "floor: empty body\n");
        exit(1);
    }
}

/* --- measuring ------------------------------------------------------------------------------ */

/* A field of /proc/self/status in KiB. */
static long status_kib(const char *field) {
    FILE *f = fopen("/proc/self/status", "r");
    char line[256];
    long kib = -1;
    size_t n = strlen(field);
    while (f && fgets(line, sizeof line, f)) {
        if (strncmp(line, field, n) == 0 && line[n] == ':') kib = strtol(line + n + 1, NULL, 10);
    }
    if (f) fclose(f);
    return kib;
}

/* µs per call of `calls` calls of f. */
static double sample(void (*f)(void), long calls) {
    double start = now_us();
    for (long i = 0; i < calls; i++) f();
    return (now_us() - start) / calls;
}

static void floor_close(void) {
#ifdef IOP_BENCH_OPENSSL
    if (floor_ssl) {
        SSL_shutdown(floor_ssl);
        SSL_free(floor_ssl);
        SSL_CTX_free(floor_ctx);
        floor_ssl = NULL;
    }
#endif
    close(floor_fd);
    free(floor_request);
}

static int timing(FILE *out, FILE *floor_out, const char *url, const char *ca_path) {
    double warmup_us = env_long("IOP_BENCH_WARMUP_MS", 1000) * 1e3;
    long samples = env_long("IOP_BENCH_SAMPLES", 30), calls = env_long("IOP_BENCH_CALLS", 400);
    const char *over = ca_path ? " over TLS" : "";
    call(); /* the server captures this request for the floor */
#ifndef IOP_BENCH_OPENSSL
    if (ca_path) {
        /* No floor: the C ABI alone. */
        for (double start = now_us(); now_us() - start < warmup_us;) call();
        fprintf(out, "# C ABI iop_client_execute over TLS: %ld samples of %ld calls, µs per call\n", samples, calls);
        fprintf(floor_out, "# no C floor over TLS: call.c was built without IOP_BENCH_OPENSSL\n");
        for (long s = 0; s < samples; s++) fprintf(out, "%.3f\n", sample(call, calls));
        return 0;
    }
#endif
    floor_connect(url, ca_path);
    for (double start = now_us(); now_us() - start < warmup_us;) {
        call();
        floor_call();
    }
    fprintf(out, "# C ABI iop_client_execute%s: %ld samples of %ld calls, µs per call\n", over, samples, calls);
    fprintf(floor_out, "# C floor client%s, interleaved with the C ABI: %ld samples of %ld calls, µs per call\n", over,
            samples, calls);
    for (long s = 0; s < samples; s++) {
        /* Alternates which goes first, so neither always follows the other. */
        double abi, floor_us;
        if (s % 2 == 0) {
            abi = sample(call, calls);
            floor_us = sample(floor_call, calls);
        } else {
            floor_us = sample(floor_call, calls);
            abi = sample(call, calls);
        }
        fprintf(out, "%.3f\n", abi);
        fprintf(floor_out, "%.3f\n", floor_us);
    }
    floor_close();
    return 0;
}

static int memory(FILE *out) {
    static const long marks[] = {10000, 50000, 100000};
    long done = 0;
    for (size_t m = 0; m < sizeof marks / sizeof marks[0]; m++) {
        for (; done < marks[m]; done++) call();
        fprintf(out, "rss_kb_%ld=%ld\n", marks[m], status_kib("VmRSS"));
    }
    fprintf(out, "calls=%ld\npeak_kb=%ld\n", done, status_kib("VmHWM"));
    return 0;
}

/* --- many calls at once (latency-bound server) ------------------------------------------- */

#define LATENCY_CALLS 2000
#define LATENCY_CONCURRENCY 16

static void *thread_calls(void *share) {
    for (long i = 0; i < *(const long *)share; i++) call();
    return NULL;
}

/* `total` calls shared by `threads` threads on the one client; calls per second. */
static double run_threads(int threads, long total) {
    pthread_t ids[LATENCY_CONCURRENCY];
    long shares[LATENCY_CONCURRENCY];
    double start = now_us();
    for (int t = 0; t < threads; t++) {
        shares[t] = total / threads + (t < total % threads);
        if (pthread_create(&ids[t], NULL, thread_calls, &shares[t]) != 0) floor_die("pthread_create");
    }
    for (int t = 0; t < threads; t++) pthread_join(ids[t], NULL);
    return total / ((now_us() - start) / 1e6);
}

/* One batch of `total` calls at `concurrency`, built, executed, every outcome taken and
 * checked; calls per second. */
static double run_batch(long total, int32_t concurrency) {
    double start = now_us();
    IopBatch *batch = NULL;
    if (iop_batch_new(&batch) != IOP_OK) die("iop_batch_new");
    for (long i = 0; i < total; i++) {
        if (iop_batch_add(batch, request, NULL, IOP_PROTOCOL_AUTO) != IOP_OK) die("iop_batch_add");
    }
    if (iop_client_execute_batch(client, batch, concurrency) != IOP_OK) die("iop_client_execute_batch");
    for (size_t i = 0; i < iop_batch_len(batch); i++) {
        IopResponse *response = NULL;
        if (iop_batch_take_response(batch, i, &response) != IOP_OK) die("a call of the batch");
        check(response);
    }
    iop_batch_free(batch);
    return total / ((now_us() - start) / 1e6);
}

static int latency(FILE *seq_out, FILE *threads_out, FILE *batch_out) {
    long samples = env_long("IOP_BENCH_LATENCY_SAMPLES", 3), seq_calls = env_long("IOP_BENCH_LATENCY_SEQ_CALLS", 2000);
    const char *head = "C ABI, one client, server answering each request 20 ms after reading it";
    call();
    double start = now_us();
    for (long i = 0; i < seq_calls; i++) call();
    fprintf(seq_out, "# %s: %ld calls one after another, calls per second\n%.3f\n", head, seq_calls,
            seq_calls / ((now_us() - start) / 1e6));
    fprintf(threads_out, "# %s: %d calls from %d threads, calls per second\n", head, LATENCY_CALLS, LATENCY_CONCURRENCY);
    fprintf(batch_out, "# %s: iop_client_execute_batch of %d at concurrency %d, calls per second\n", head, LATENCY_CALLS,
            LATENCY_CONCURRENCY);
    for (long s = 0; s < samples; s++) {
        /* Alternates which goes first, so neither always follows the other. */
        double threads, batched;
        if (s % 2 == 0) {
            threads = run_threads(LATENCY_CONCURRENCY, LATENCY_CALLS);
            batched = run_batch(LATENCY_CALLS, LATENCY_CONCURRENCY);
        } else {
            batched = run_batch(LATENCY_CALLS, LATENCY_CONCURRENCY);
            threads = run_threads(LATENCY_CONCURRENCY, LATENCY_CALLS);
        }
        fprintf(threads_out, "%.3f\n", threads);
        fprintf(batch_out, "%.3f\n", batched);
    }
    return 0;
}

int main(int argc, char **argv) {
    const char *mode = argc > 1 ? argv[1] : "";
    int is_call = argc == 5 && strcmp(mode, "call") == 0, is_tls = argc == 6 && strcmp(mode, "call-tls") == 0;
    int is_memory = argc == 4 && strcmp(mode, "memory") == 0, is_latency = argc == 6 && strcmp(mode, "latency") == 0;
    if (!is_call && !is_tls && !is_memory && !is_latency) {
        fprintf(stderr,
                "usage: %s call URL OUT FLOOR_OUT | call-tls URL CA OUT FLOOR_OUT | memory URL OUT\n"
                "       %s latency URL SEQ_OUT THREADS_OUT BATCH_OUT\n",
                argv[0], argv[0]);
        return 2;
    }
    IopConfig *config = NULL;
    if (is_tls) {
        /* The run's CA as the only trusted root: verification stays on. */
        if (iop_config_new(&config) != IOP_OK) die("iop_config_new");
        if (iop_config_set_ca_bundle(config, argv[3]) != IOP_OK) die("iop_config_set_ca_bundle");
    }
    if (iop_client_new(argv[2], APP_KEY, APP_SECRET, config, &client) != IOP_OK) die("iop_client_new");
    iop_config_free(config);
    if (iop_request_new(API, &request) != IOP_OK) die("iop_request_new");
    if (iop_request_add_param(request, "code", CODE) != IOP_OK) die("iop_request_add_param");
    /* The output files: argv[first] … argv[argc - 1]. */
    int first = is_tls ? 4 : 3, n = argc - first;
    FILE *files[3] = {NULL, NULL, NULL};
    for (int i = 0; i < n; i++) {
        files[i] = fopen(argv[first + i], "w");
        if (!files[i]) {
            perror(argv[first + i]);
            return 1;
        }
    }
    int rc = is_memory    ? memory(files[0])
             : is_latency ? latency(files[0], files[1], files[2])
                          : timing(files[0], files[1], argv[2], is_tls ? argv[3] : NULL);
    for (int i = 0; i < n; i++) {
        if (fclose(files[i]) != 0) rc = 1;
    }
    iop_request_free(request);
    iop_client_free(client);
    return rc;
}
