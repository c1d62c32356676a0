/* The C ABI benchmark: iop_client_execute against the canned-response server.
 *
 *   call URL OUT FLOOR_OUT  warmed-up timing loop of the C ABI and, interleaved sample by sample
 *                           (so that both see the same machine load), of a floor client: one
 *                           keep-alive socket replaying the bytes iopkit sent (the server keeps
 *                           them for GET /_bench/request) and reading each response; writes one
 *                           sample (µs per call) a line to OUT and FLOOR_OUT
 *   memory URL OUT          100,000 C ABI calls; writes resident memory after 10k, 50k and 100k
 *                           calls and the peak (VmRSS, VmHWM from /proc/self/status, KiB) as
 *                           key=value lines to OUT
 *
 * The loop: IOP_BENCH_WARMUP_MS of calls (default 1000), then IOP_BENCH_SAMPLES samples (30)
 * of IOP_BENCH_CALLS calls each (400). The workload is bench/src/workload.rs's: a
 * /auth/token/create request with a code, the same app key and secret. Every call must return
 * IOP_OK with a successful response, or the program stops with the last error. */
#define _POSIX_C_SOURCE 200809L
#include <arpa/inet.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

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

/* One full call: sign, send, receive, parse, check, free. */
static void call(void) {
    IopResponse *response = NULL;
    if (iop_client_execute(client, request, NULL, IOP_PROTOCOL_AUTO, &response) != IOP_OK) die("iop_client_execute");
    if (!iop_response_is_success(response)) {
        fprintf(stderr, "the canned server's answer is not a success (code %s)\n", iop_response_code(response));
        exit(1);
    }
    iop_response_free(response);
}

/* --- the floor client ------------------------------------------------------------------------ */

static int floor_fd = -1;
static char *floor_request; /* the captured request bytes */
static size_t floor_request_len;
static char floor_buf[65536];

static void floor_die(const char *what) {
    perror(what);
    exit(1);
}

/* Writes `len` bytes of `data`, then reads one response; returns where its body starts in
 * floor_buf and writes its length. Stops the program on any error. */
static const char *floor_exchange(const char *data, size_t len, size_t *body_len) {
    for (size_t done = 0; done < len;) {
        ssize_t n = write(floor_fd, data + done, len - done);
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
        ssize_t n = read(floor_fd, floor_buf + have, sizeof floor_buf - 1 - have);
        if (n <= 0) floor_die("floor read");
        have += (size_t)n;
    }
    *body_len = (size_t)content_length;
    return head_end;
}

/* Connects to http://127.0.0.1:PORT/... and fetches the captured request. */
static void floor_connect(const char *url) {
    unsigned port = 0;
    if (sscanf(url, "http://127.0.0.1:%u", &port) != 1 || port == 0 || port > 65535) {
        fprintf(stderr, "floor: expected http://127.0.0.1:PORT/..., got %s\n", url);
        exit(1);
    }
    struct sockaddr_in addr = {.sin_family = AF_INET, .sin_port = htons((uint16_t)port)};
    addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    floor_fd = socket(AF_INET, SOCK_STREAM, 0);
    int one = 1;
    if (floor_fd < 0 || connect(floor_fd, (struct sockaddr *)&addr, sizeof addr) != 0) floor_die("floor connect");
    if (setsockopt(floor_fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof one) != 0) floor_die("floor TCP_NODELAY");
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

static int timing(FILE *out, FILE *floor_out, const char *url) {
    double warmup_us = env_long("IOP_BENCH_WARMUP_MS", 1000) * 1e3;
    long samples = env_long("IOP_BENCH_SAMPLES", 30), calls = env_long("IOP_BENCH_CALLS", 400);
    call(); /* the server captures this request for the floor */
    floor_connect(url);
    for (double start = now_us(); now_us() - start < warmup_us;) {
        call();
        floor_call();
    }
    fprintf(out, "# C ABI iop_client_execute: %ld samples of %ld calls, µs per call\n", samples, calls);
    fprintf(floor_out, "# C floor client, interleaved with the C ABI: %ld samples of %ld calls, µs per call\n", samples,
            calls);
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
    close(floor_fd);
    free(floor_request);
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

int main(int argc, char **argv) {
    int is_call = argc == 5 && strcmp(argv[1], "call") == 0;
    if (!is_call && !(argc == 4 && strcmp(argv[1], "memory") == 0)) {
        fprintf(stderr, "usage: %s call URL OUT FLOOR_OUT | memory URL OUT\n", argv[0]);
        return 2;
    }
    if (iop_client_new(argv[2], APP_KEY, APP_SECRET, &client) != IOP_OK) die("iop_client_new");
    if (iop_request_new(API, &request) != IOP_OK) die("iop_request_new");
    if (iop_request_add_param(request, "code", CODE) != IOP_OK) die("iop_request_add_param");
    FILE *out = fopen(argv[3], "w");
    FILE *floor_out = is_call ? fopen(argv[4], "w") : NULL;
    if (!out || (is_call && !floor_out)) {
        perror(!out ? argv[3] : argv[4]);
        return 1;
    }
    int rc = is_call ? timing(out, floor_out, argv[2]) : memory(out);
    if (fclose(out) != 0) rc = 1;
    if (floor_out && fclose(floor_out) != 0) rc = 1;
    iop_request_free(request);
    iop_client_free(client);
    return rc;
}
