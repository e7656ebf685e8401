/* HOTPATH_METRICS: its address, and the Prometheus text it serves. */
#include <arpa/inet.h>
#include <criterion/criterion.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "metrics.h"
#include "testing.h"

static struct hp_metrics_addr parsed(const char *v) {
    struct hp_metrics_addr a;
    memset(&a, 0xAA, sizeof a);
    const char *why = hp_metrics_parse(v, &a);
    cr_assert_null(why, "\"%s\" refused: %s", v, why);
    return a;
}

Test(metrics, a_port_alone_listens_on_loopback) {
    const char *forms[] = {"9464", ":9464", "localhost:9464", "127.0.0.1:9464"};
    for (size_t i = 0; i < sizeof forms / sizeof *forms; i++) {
        struct hp_metrics_addr a = parsed(forms[i]);
        cr_assert(a.on && a.loopback && a.family == AF_INET && a.port == 9464, "%s", forms[i]);
        cr_assert_eq(memcmp(a.ip, "\x7f\0\0\x01", 4), 0, "%s", forms[i]);
        cr_assert_str_eq(a.text, "127.0.0.1:9464");
    }
}

Test(metrics, other_addresses_only_when_given) {
    struct hp_metrics_addr a = parsed("0.0.0.0:80");
    cr_assert(a.on && !a.loopback && a.port == 80);
    cr_assert_str_eq(a.text, "0.0.0.0:80");
    a = parsed("[::1]:65535");
    cr_assert(a.on && a.loopback && a.family == AF_INET6 && a.port == 65535);
    cr_assert_str_eq(a.text, "[::1]:65535");
    a = parsed("[::]:9464");
    cr_assert(a.on && !a.loopback && a.family == AF_INET6);
    a = parsed("127.0.0.2:1");
    cr_assert(a.loopback);
    a = parsed("");
    cr_assert(!a.on);
}

Test(metrics, malformed_addresses_are_refused_with_a_reason) {
    const char *bad[] = {"0",          "65536",        "99999",      "-1",         "+80",
                         "9464x",      ":",            "1.2.3:80",   "300.1.1.1:80", "host:80",
                         "[::1]9464",  "[::1]:",       "[nope]:80",  "::1:9464",   " 9464",
                         "127.0.0.1:", "127.0.0.1:0", "1.2.3.4:123456"};
    for (size_t i = 0; i < sizeof bad / sizeof *bad; i++) {
        struct hp_metrics_addr a;
        memset(&a, 0x55, sizeof a);
        const char *why = hp_metrics_parse(bad[i], &a);
        cr_assert_not_null(why, "\"%s\" accepted", bad[i]);
        cr_assert(why[0] == ' ' && why[1] == '(', "\"%s\": reason \"%s\"", bad[i], why);
        cr_assert_eq(a.port, 0x5555, "\"%s\": the output was changed", bad[i]);
    }
}

static char *render(const struct hp_report *r, double start) {
    static char *buf;
    static size_t len;
    buf = NULL;
    FILE *m = open_memstream(&buf, &len);
    hp_metrics_write(m, r, start);
    fclose(m);
    return buf;
}

/* A line of text that begins with `prefix`, or NULL. */
static const char *line_of(const char *text, const char *prefix) {
    size_t n = strlen(prefix);
    for (const char *p = text; p && *p; p = strchr(p, '\n') ? strchr(p, '\n') + 1 : NULL)
        if (strncmp(p, prefix, n) == 0)
            return p;
    return NULL;
}

static void assert_line(const char *text, const char *line) {
    char want[512];
    snprintf(want, sizeof want, "%s\n", line);
    cr_assert_not_null(line_of(text, want), "no line \"%s\" in:\n%s", line, text);
}

static struct hp_bucket buckets[8];
static struct hp_row rows[2];
static struct hp_report known(void) {
    /* durations in ticks of 1 ns: 3 calls of 100 ns, 2 of 1000 ns, 1 of 5 s */
    buckets[0] = (struct hp_bucket){hp_hist_index(100), 3};
    buckets[1] = (struct hp_bucket){hp_hist_index(1000), 2};
    buckets[2] = (struct hp_bucket){hp_hist_index(5000000000u), 1};
    rows[0] = (struct hp_row){.name = "a::f", .file = "a.c", .calls = 6, .timed = 6,
                              .total = 5000002300u, .self = 5000000000u, .sum = 5000002300u,
                              .hist = {0, 3}};
    /* sampled: 4 of 40 calls timed (800 ns in all), sum and total
     * estimated at 10 times that */
    buckets[3] = (struct hp_bucket){hp_hist_index(200), 4};
    rows[1] = (struct hp_row){.name = "we\"ird\\name\nx\xE9", .file = "b.c", .calls = 40,
                              .timed = 4, .sampled = true, .total = 8000, .self = 8000,
                              .sum = 8000, .timed_sum = 800, .hist = {3, 1}};
    struct hp_report r = {.program = "prog", .ns_per_tick = 1.0, .rows = rows, .nrows = 2,
                          .buckets = buckets, .nbuckets = 4};
    return r;
}

Test(metrics, counters_and_times_of_each_row) {
    struct hp_report r = known();
    char *t = render(&r, 1700000000.25);
    assert_line(t, "# TYPE hotpath_calls_total counter");
    assert_line(t, "hotpath_calls_total{function=\"a::f\",file=\"a.c\",program=\"prog\"} 6");
    assert_line(t, "hotpath_time_seconds_total{function=\"a::f\",file=\"a.c\",program=\"prog\","
                   "kind=\"total\"} 5.000002300");
    assert_line(t, "hotpath_time_seconds_total{function=\"a::f\",file=\"a.c\",program=\"prog\","
                   "kind=\"self\"} 5.000000000");
    assert_line(t, "# TYPE process_start_time_seconds gauge");
    assert_line(t, "process_start_time_seconds 1700000000.25");
    cr_assert_null(line_of(t, "# TYPE hotpath_alloc_bytes_total"), "allocation families with tracking off");
    free(t);
}

Test(metrics, label_values_are_escaped_and_utf8) {
    struct hp_report r = known();
    char *t = render(&r, -1);
    /* backslash, quote and line feed escaped; 0xE9 (not UTF-8) as its Latin-1 reading */
    assert_line(t, "hotpath_calls_total{function=\"we\\\"ird\\\\name\\nx\xC3\xA9\",file=\"b.c\","
                   "program=\"prog\"} 40");
    cr_assert_null(line_of(t, "process_start_time_seconds"), "a start time when unknown");
    free(t);
}

Test(metrics, histogram_is_cumulative_from_the_runtime_buckets) {
    struct hp_report r = known();
    char *t = render(&r, -1);
    const char *p = "hotpath_call_duration_seconds_bucket{function=\"a::f\",file=\"a.c\",program=\"prog\",le=";
    char want[256];
    struct {
        const char *le;
        int count;
    } expect[] = {{"0.000000064", 0}, {"0.000000128", 3}, {"0.000000512", 3}, {"0.000001024", 5},
                  {"4.294967296", 5}, {"8.589934592", 6}, {"34.359738368", 6}, {"+Inf", 6}};
    for (size_t i = 0; i < sizeof expect / sizeof *expect; i++) {
        snprintf(want, sizeof want, "%s\"%s\"} %d", p, expect[i].le, expect[i].count);
        assert_line(t, want);
    }
    int n = 0;
    for (const char *q = t; (q = strstr(q, p)); q++)
        n++;
    cr_assert_eq(n, 31, "%d buckets for a::f: 30 powers of two and +Inf", n);
    assert_line(t, "hotpath_call_duration_seconds_count{function=\"a::f\",file=\"a.c\",program=\"prog\"} 6");
    assert_line(t, "hotpath_call_duration_seconds_sum{function=\"a::f\",file=\"a.c\",program=\"prog\"} 5.000002300");
    free(t);
}

Test(metrics, a_sampled_histogram_holds_the_timed_calls) {
    struct hp_report r = known();
    char *t = render(&r, -1);
    const char *lab = "{function=\"we\\\"ird\\\\name\\nx\xC3\xA9\",file=\"b.c\",program=\"prog\"}";
    char want[256];
    snprintf(want, sizeof want, "hotpath_call_duration_seconds_count%s 4", lab);
    assert_line(t, want);
    snprintf(want, sizeof want, "hotpath_call_duration_seconds_sum%s 0.000000800", lab);
    assert_line(t, want);
    snprintf(want, sizeof want, "hotpath_calls_total%s 40", lab);
    assert_line(t, want);
    free(t);
}

Test(metrics, allocation_counters_with_tracking_on) {
    struct hp_report r = known();
    struct hp_alloc_row arow = {.name = rows[0].name, .calls = 6, .bytes_total = 4096, .allocs = 3};
    r.alloc = true;
    r.arows = &arow;
    r.narows = 1;
    char *t = render(&r, -1);
    assert_line(t, "# TYPE hotpath_alloc_bytes_total counter");
    assert_line(t, "hotpath_alloc_bytes_total{function=\"a::f\",file=\"a.c\",program=\"prog\"} 4096");
    assert_line(t, "# TYPE hotpath_allocations_total counter");
    assert_line(t, "hotpath_allocations_total{function=\"a::f\",file=\"a.c\",program=\"prog\"} 3");
    free(t);
}
