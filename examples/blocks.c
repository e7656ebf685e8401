/*
 * blocks.c — HOTPATH_BLOCK: measure a part of a function under a label of
 * your own. Here a small access-log analyser: generate a log, parse it line
 * by line, sort by latency, find the first server error. Blocks nest, sit in
 * loops (one call per iteration) and live in measured functions too.
 *
 *   gcc -O2 -fplugin=build/plugin-gcc/hotpath.so -Iruntime/include \
 *       examples/blocks.c build/runtime/libhotpath.a -lpthread -lm -o blocks
 *   ./blocks
 *
 * In C, do not write break or continue directly inside a HOTPATH_BLOCK to
 * leave a loop around it: the block is a one-pass for loop, so they would end
 * the block instead (see docs/usage.md, "Blocks"). find_first_error below
 * shows the way round it. C++ blocks have no such limit.
 */
#define _POSIX_C_SOURCE 200809L /* strtok_r */
#include <hotpath/hotpath.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define LINES 500

struct request {
    char method[8];
    char path[32];
    int status;
    int ms;
};

static const char *const paths[] = {"/", "/login/", "/api/items/", "/static/app.js"};

/* A deterministic log: every 97th request fails with 503, every 10th
 * (counting from 3) is a 404, latencies come from a small LCG. */
static size_t make_log(char *buf, size_t cap) {
    unsigned seed = 12345;
    size_t len = 0;
    for (int i = 0; i < LINES; i++) {
        seed = seed * 1103515245u + 12345u;
        int status = i % 97 == 96 ? 503 : i % 10 == 3 ? 404 : 200;
        len += (size_t)snprintf(buf + len, cap - len, "%s %s %d %ums\n", i % 5 ? "GET" : "POST",
                                paths[i % 4], status, 1 + (seed >> 16) % 250);
    }
    return len;
}

/* Measured function: one row of its own, with a block inside it. */
HOTPATH_MEASURE static int parse_request(const char *line, struct request *r) {
    int n = sscanf(line, "%7s %31s %d %dms", r->method, r->path, &r->status, &r->ms);
    if (n != 4)
        return -1;
    /* A block inside a measured function: its time is part of the function's
     * Total, and the function's Self leaves it out. */
    HOTPATH_BLOCK("normalise_path") {
        size_t len = strlen(r->path);
        while (len > 1 && r->path[len - 1] == '/')
            r->path[--len] = '\0';
    }
    return 0;
}

static int by_latency(const void *a, const void *b) {
    const struct request *x = a, *y = b;
    return (x->ms > y->ms) - (x->ms < y->ms);
}

/* Index of the first 5xx response, or -1. The block computes a flag; the
 * break that leaves the loop comes after the block, not inside it. */
HOTPATH_MEASURE static int find_first_error(const struct request *reqs, int n) {
    for (int i = 0; i < n; i++) {
        int failed = 0;
        HOTPATH_BLOCK("check_status") {
            failed = reqs[i].status >= 500;
            /* no break here: it would only end the block */
        }
        if (failed)
            return i; /* return (like goto) may leave a block too */
    }
    return -1;
}

HOTPATH_MAIN(50, 95) int main(void) {
    static char log_text[LINES * 64];
    static struct request reqs[LINES];
    int n = 0;

    HOTPATH_BLOCK("generate_log") {
        make_log(log_text, sizeof log_text);
    }

    /* Nested blocks: the outer one is measured once, the inner one once per
     * line (LINES calls). The outer block's Self is the time outside the
     * inner block: here, strtok_r. */
    HOTPATH_BLOCK("parse_log") {
        char *save = NULL;
        for (char *line = strtok_r(log_text, "\n", &save); line;
             line = strtok_r(NULL, "\n", &save)) {
            HOTPATH_BLOCK("parse_line") {
                if (parse_request(line, &reqs[n]) == 0)
                    n++;
            }
        }
    }

    int first_error = find_first_error(reqs, n);

    HOTPATH_BLOCK("sort_by_latency") {
        qsort(reqs, (size_t)n, sizeof reqs[0], by_latency);
    }

    int not_found = 0;
    for (int i = 0; i < n; i++)
        not_found += reqs[i].status == 404;
    printf("%d requests, median %dms, slowest %dms, %d not found, first server error at line %d\n",
           n, reqs[n / 2].ms, reqs[n - 1].ms, not_found, first_error + 1);
    return 0;
}

/* What the report shows (checked by tests/e2e/check_example.py):
 * every line parses, the first 503 is request 96, so check_status runs 97
 * times; the window is main, which is not a row of its own.
 */
// EXPECT main blocks::main
// EXPECT percentiles 50,95
// EXPECT rows 8
// EXPECT row generate_log calls=1
// EXPECT row parse_log calls=1
// EXPECT row parse_line calls=500
// EXPECT row blocks::parse_request calls=500
// EXPECT row normalise_path calls=500
// EXPECT row blocks::find_first_error calls=1
// EXPECT row check_status calls=97
// EXPECT row sort_by_latency calls=1
// EXPECT row parse_log total_ns>=parse_line.total_ns
// EXPECT row parse_line total_ns>=blocks::parse_request.total_ns
// EXPECT row blocks::parse_request self_ns<blocks::parse_request.total_ns
