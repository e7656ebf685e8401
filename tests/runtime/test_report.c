/* The report: units, the table's alignment, JSON read back. */
#include <cJSON.h>
#include <criterion/criterion.h>
#include <locale.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include "testing.h"

TestSuite(report);

Test(report, units_are_chosen_per_value) {
    char b[32];
    cr_assert_str_eq(hp_format_duration(0, b), "0ns");
    cr_assert_str_eq(hp_format_duration(250, b), "250ns");
    cr_assert_str_eq(hp_format_duration(999, b), "999ns");
    cr_assert_str_eq(hp_format_duration(1000, b), "1.00µs");
    cr_assert_str_eq(hp_format_duration(44540, b), "44.54µs");
    cr_assert_str_eq(hp_format_duration(999994, b), "999.99µs");
    cr_assert_str_eq(hp_format_duration(999995, b), "1.00ms");
    cr_assert_str_eq(hp_format_duration(2090000, b), "2.09ms");
    cr_assert_str_eq(hp_format_duration(126860000, b), "126.86ms");
    cr_assert_str_eq(hp_format_duration(999999999, b), "1.00s");
    cr_assert_str_eq(hp_format_duration(61500000000ull, b), "61.50s");
}

Test(report, bytes_and_fixed_point_without_printf_f) {
    char b[32];
    cr_assert_str_eq(hp_format_bytes(1023, b), "1023B");
    cr_assert_str_eq(hp_format_bytes(1024, b), "1.00KiB");
    cr_assert_str_eq(hp_format_bytes(1536, b), "1.50KiB");
    cr_assert_str_eq(hp_format_bytes(1048570, b), "1023.99KiB");
    cr_assert_str_eq(hp_format_bytes(1048571, b), "1.00MiB", "would be 1024.00KiB");
    cr_assert_str_eq(hp_format_bytes(3ull << 30, b), "3.00GiB");
    cr_assert_str_eq(hp_format_bytes(UINT64_MAX, b), "16777216.00TiB");
    cr_assert_str_eq(hp_format_duration(1005, b), "1.01µs", "half up on the exact value");
    cr_assert_str_eq(hp_format_duration(UINT64_MAX, b), "18446744073.71s");
    cr_assert_str_eq(hp_format_fixed(1.65, 2, b), "1.65");
    cr_assert_str_eq(hp_format_fixed(1.8114, 4, b), "1.8114");
    cr_assert_str_eq(hp_format_fixed(2000, 2, b), "2000.00");
    cr_assert_str_eq(hp_format_fixed(0, 4, b), "0.0000");
    cr_assert_str_eq(hp_format_fixed(0.00005, 4, b), "0.0001");
}

/* The JSON's ns_per_tick without printf: the digits of glibc's "%.17g",
 * on decades, their neighbours, roundings to the next power of ten, and a
 * sweep of the range it computes itself (the rest goes to snprintf). */
Test(report, g17_is_printfs) {
    char want[64], got[32];
    double v[] = {1e-5, 9.9999999999999991e-6, 1e-4, 0.001, 0.1, 1, 10, 100, 1000, 10000,
                  99999.999999999985, 1e5, 1e-7, 123456.789, 0.5, 2.0 / 3, 0.47709465427164266,
                  1.0000000000000002, 0.99999999999999989, 9.9999999999999982,
                  0.00099999999999999991, 1.2345678901234567e-5, 12345.678901234567};
    for (size_t i = 0; i < sizeof v / sizeof *v; i++) {
        snprintf(want, sizeof want, "%.17g", v[i]);
        cr_assert_str_eq(hp_format_g17(v[i], got), want);
    }
    uint64_t x = 88172645463325252u;
    for (int i = 0; i < 200000; i++) {
        x ^= x << 13;
        x ^= x >> 7;
        x ^= x << 17;
        double d = 1e-5 * (1 + (double)(x >> 11) / 9007199254740992.0 * 9.999999);
        for (int k = 0; k < (int)(x & 7); k++)
            d *= 10;
        snprintf(want, sizeof want, "%.17g", d);
        cr_assert_str_eq(hp_format_g17(d, got), want);
    }
    char b[24];
    *hp_put_u64_width(b, 42, 5) = '\0';
    cr_assert_str_eq(b, "00042");
    *hp_put_u64(b, UINT64_MAX) = '\0';
    cr_assert_str_eq(b, "18446744073709551615");
}

Test(report, display_width_counts_code_points) {
    cr_assert_eq(hp_display_width("44.54µs"), 7);
    cr_assert_eq(hp_display_width(""), 0);
    cr_assert_eq(hp_display_width("naïve::größe"), 12);
}

/* A report with known figures. */
static struct hp_row known_rows[2];
static struct hp_report known(void) {
    memset(known_rows, 0, sizeof known_rows);
    known_rows[0] = (struct hp_row){.name = "basic::a_rather_long_function_name_for_the_table",
                                    .file = "basic.c", .line = 12, .kind = HOTPATH_KIND_FUNCTION,
                                    .calls = 100, .min = 250, .max = 44540, .avg = 20890,
                                    .total = 2089000, .self = 2000000, .percent_total = 1.65,
                                    .pct = {37670, 44000}};
    known_rows[1] = (struct hp_row){.name = "custom \"block\"", .file = "x.c", .line = 3,
                                    .kind = HOTPATH_KIND_BLOCK, .calls = 1, .min = 7, .max = 7,
                                    .avg = 7, .total = 7, .self = 7, .percent_total = 0.0,
                                    .pct = {7, 7}};
    struct hp_report r = {.main_name = "basic::main", .program = "basic", .total_ns = 126860000,
                          .clock = "tsc", .rows = known_rows, .nrows = 2, .nmeasured = 2, .measured = true,
                          .percentiles = {.n = 2, .p = {95, 99.9}}};
    return r;
}

static char *render(const struct hp_report *r, enum hp_format f) {
    static char *buf; /* static: open_memstream keeps their addresses until fclose */
    static size_t len;
    buf = NULL;
    FILE *m = open_memstream(&buf, &len);
    hp_report_write(m, r, f);
    fclose(m);
    return buf;
}

Test(report, json_reads_back_as_the_known_figures) {
    struct hp_report r = known();
    for (int pretty = 0; pretty < 2; pretty++) {
        char *text = render(&r, pretty ? HP_FORMAT_JSON_PRETTY : HP_FORMAT_JSON);
        cJSON *j = cJSON_Parse(text);
        cr_assert_not_null(j, "not JSON: %s", text);
        cr_assert_eq(cJSON_GetObjectItem(j, "schema")->valueint, 2);
        cr_assert_str_eq(cJSON_GetObjectItem(j, "main")->valuestring, "basic::main");
        cr_assert_eq(cJSON_GetObjectItem(j, "total_ns")->valuedouble, 126860000.0);
        cJSON *pc = cJSON_GetObjectItem(j, "percentiles");
        cr_assert_eq(cJSON_GetArraySize(pc), 2);
        cr_assert_eq(cJSON_GetArrayItem(pc, 1)->valuedouble, 99.9);
        cJSON *fns = cJSON_GetObjectItem(j, "functions");
        cr_assert_eq(cJSON_GetArraySize(fns), 2);
        cJSON *f0 = cJSON_GetArrayItem(fns, 0), *f1 = cJSON_GetArrayItem(fns, 1);
        cr_assert_str_eq(cJSON_GetObjectItem(f0, "name")->valuestring, known_rows[0].name);
        cr_assert_str_eq(cJSON_GetObjectItem(f0, "kind")->valuestring, "function");
        cr_assert_eq(cJSON_GetObjectItem(f0, "line")->valueint, 12);
#define NUM(obj, key) cJSON_GetObjectItem(obj, key)->valuedouble
        cr_assert_eq(NUM(f0, "calls"), 100);
        cr_assert_eq(NUM(f0, "min_ns"), 250);
        cr_assert_eq(NUM(f0, "max_ns"), 44540);
        cr_assert_eq(NUM(f0, "avg_ns"), 20890);
        cr_assert_eq(NUM(f0, "total_ns"), 2089000);
        cr_assert_eq(NUM(f0, "self_ns"), 2000000);
        cr_assert_float_eq(NUM(f0, "percent_total"), 1.65, 1e-9);
        cJSON *p0 = cJSON_GetObjectItem(f0, "percentiles_ns");
        cr_assert_eq(NUM(p0, "95"), 37670);
        cr_assert_eq(NUM(p0, "99.9"), 44000);
        cr_assert_str_eq(cJSON_GetObjectItem(f1, "name")->valuestring, "custom \"block\"");
        cr_assert_str_eq(cJSON_GetObjectItem(f1, "kind")->valuestring, "block");
#undef NUM
        cJSON_Delete(j);
        free(text);
    }
}

Test(report, table_lines_align_with_micro_signs_and_long_names) {
    struct hp_report r = known();
    char *text = render(&r, HP_FORMAT_TABLE);
    cr_assert(strstr(text, "[hotpath] Performance Summary from basic::main (Total time: 126.86ms):\n"),
              "%s", text);
    cr_assert(strstr(text, "| Function "));
    cr_assert(strstr(text, "| P95 ") && strstr(text, "| P99.9 ") && strstr(text, "| Self "));
    cr_assert(strstr(text, "| 44.54µs "), "%s", text);
    /* every line of the table has the same display width and its column
     * separators at the same positions */
    /* from the table's first line (the header's lines above it) */
    char *save, *line = strtok_r(strstr(text, "\n+") + 1, "\n", &save);
    size_t width = hp_display_width(line), lines = 0;
    while (line) {
        cr_assert_eq(hp_display_width(line), width, "misaligned: %s", line);
        lines++;
        line = strtok_r(NULL, "\n", &save);
    }
    cr_assert_eq(lines, 6); /* rule, header, rule, 2 rows, rule */
    free(text);
}

Test(report, none_prints_nothing) {
    struct hp_report r = known();
    char *text = render(&r, HP_FORMAT_NONE);
    cr_assert_str_eq(text, "");
    free(text);
}

static struct hotpath_site s_a = HOTPATH_SITE_INIT("rep::alpha", HOTPATH_KIND_FUNCTION);
static struct hotpath_site s_b = HOTPATH_SITE_INIT("rep::beta", HOTPATH_KIND_FUNCTION);
static struct hotpath_site s_c = HOTPATH_SITE_INIT("other::gamma", HOTPATH_KIND_FUNCTION);

static void measure(struct hotpath_site *s, int n) {
    for (int i = 0; i < n; i++)
        hotpath_exit(s, hotpath_enter(s));
}

Test(report, focus_and_limit_select_rows) {
    measure(&s_a, 10);
    measure(&s_b, 20);
    measure(&s_c, 30);
    cr_assert_eq(regcomp(&hp_config.focus, "^rep::", REG_EXTENDED | REG_NOSUB), 0);
    hp_config.has_focus = true;
    struct hp_report r;
    hp_report_collect(&r);
    cr_assert_eq(r.nrows, 2);
    for (size_t i = 0; i < r.nrows; i++)
        cr_assert(strncmp(r.rows[i].name, "rep::", 5) == 0);
    hp_report_free(&r);
    hp_config.limit = 1;
    hp_report_collect(&r);
    cr_assert_eq(r.nrows, 1);
    hp_report_free(&r);
}

/* Reads the JSON report at `path` (then removes it); NULL if there is none. */
static cJSON *read_report(const char *path) {
    FILE *f = fopen(path, "r");
    if (!f)
        return NULL;
    char buf[8192] = {0};
    fread(buf, 1, sizeof buf - 1, f);
    fclose(f);
    unlink(path);
    return cJSON_Parse(buf);
}

/* The report of a real run, through the public API, read back from JSON. */
Test(report, report_of_a_run_is_written_once_to_the_output_path) {
    char path[] = "/tmp/hotpath-report-XXXXXX";
    int fd = mkstemp(path);
    cr_assert_geq(fd, 0);
    close(fd);
    setenv("HOTPATH_OUTPUT_PATH", path, 1);
    setenv("HOTPATH_OUTPUT_FORMAT", "json", 1);
    setenv("HOTPATH_PERCENTILES", "50,100", 1);
    hp_config_load(stderr);
    static struct hotpath_site m = HOTPATH_MAIN_SITE_INIT("rep::main", "99");
    uint64_t t = hotpath_enter(&m);
    measure(&s_a, 7);
    hotpath_exit(&m, t); /* closes the window and prints */
    cr_assert_eq(hotpath_report(), -1, "a second report is refused");

    cJSON *j = read_report(path);
    cr_assert_not_null(j, "no JSON report at %s", path);
    cr_assert_str_eq(cJSON_GetObjectItem(j, "main")->valuestring, "rep::main");
    cJSON *pc = cJSON_GetObjectItem(j, "percentiles"); /* the environment wins */
    cr_assert_eq(cJSON_GetArraySize(pc), 2);
    cr_assert_eq(cJSON_GetArrayItem(pc, 1)->valuedouble, 100);
    cJSON *fns = cJSON_GetObjectItem(j, "functions");
    cr_assert_eq(cJSON_GetArraySize(fns), 1, "the main site is the window, not a row");
    cJSON *a = cJSON_GetArrayItem(fns, 0);
    cr_assert_str_eq(cJSON_GetObjectItem(a, "name")->valuestring, "rep::alpha");
    cr_assert_eq(cJSON_GetObjectItem(a, "calls")->valueint, 7);
    double total = cJSON_GetObjectItem(a, "total_ns")->valuedouble;
    cr_assert_leq(total, cJSON_GetObjectItem(j, "total_ns")->valuedouble);
    cr_assert_eq(cJSON_GetObjectItem(cJSON_GetObjectItem(a, "percentiles_ns"), "100")->valuedouble,
                 cJSON_GetObjectItem(a, "max_ns")->valuedouble);
    cJSON_Delete(j);
}

Test(report, main_percentiles_apply_without_the_environment) {
    unsetenv("HOTPATH_PERCENTILES");
    hp_config_load(stderr);
    static struct hotpath_site m = HOTPATH_MAIN_SITE_INIT("rep::main2", "50,99.5");
    uint64_t t = hotpath_enter(&m);
    measure(&s_b, 3);
    struct hp_report r;
    hp_report_collect(&r);
    cr_assert_str_eq(r.main_name, "rep::main2");
    cr_assert_eq(r.percentiles.n, 2);
    cr_assert_eq(r.percentiles.p[1], 99.5);
    hp_report_free(&r);
    hotpath_exit(&m, t);
}

static int calls_of(cJSON *report, const char *name) {
    cJSON *fn;
    cJSON_ArrayForEach(fn, cJSON_GetObjectItem(report, "functions")) {
        if (strcmp(cJSON_GetObjectItem(fn, "name")->valuestring, name) == 0)
            return cJSON_GetObjectItem(fn, "calls")->valueint;
    }
    return 0;
}

/* %p in HOTPATH_OUTPUT_PATH: a forked child's report goes to a file of its
 * own instead of being overwritten by the parent's, and holds only what
 * the child did after the fork. */
Test(report, each_process_of_a_fork_writes_its_own_report, .timeout = 20) {
    char pattern[64], mine[64], childs[64];
    snprintf(pattern, sizeof pattern, "/tmp/hotpath-fork-%ld.%%p.json", (long)getpid());
    setenv("HOTPATH_OUTPUT_PATH", pattern, 1);
    setenv("HOTPATH_OUTPUT_FORMAT", "json", 1);
    hp_config_load(stderr);
    measure(&s_a, 3);
    pid_t pid = fork();
    cr_assert_geq(pid, 0);
    if (pid == 0) {
        measure(&s_b, 5);
        _exit(hotpath_report() == 0 ? 0 : 1);
    }
    int status;
    cr_assert_eq(waitpid(pid, &status, 0), pid);
    cr_assert(WIFEXITED(status) && WEXITSTATUS(status) == 0, "child status %d", status);
    measure(&s_a, 1);
    cr_assert_eq(hotpath_report(), 0);

    snprintf(mine, sizeof mine, "/tmp/hotpath-fork-%ld.%ld.json", (long)getpid(), (long)getpid());
    snprintf(childs, sizeof childs, "/tmp/hotpath-fork-%ld.%ld.json", (long)getpid(), (long)pid);
    cJSON *parent = read_report(mine), *child = read_report(childs);
    cr_assert_not_null(parent, "no report at %s", mine);
    cr_assert_not_null(child, "no report at %s", childs);
    cr_assert_eq(calls_of(parent, "rep::alpha"), 4);
    cr_assert_eq(calls_of(parent, "rep::beta"), 0, "the child's calls are not the parent's");
    cr_assert_eq(calls_of(child, "rep::alpha"), 0, "the parent's calls before the fork are not the child's");
    cr_assert_eq(calls_of(child, "rep::beta"), 5);
    cJSON_Delete(parent);
    cJSON_Delete(child);
}

/* ---- schema 2: what a reader needs to merge reports exactly ---- */

static struct hotpath_site s_varied = HOTPATH_SITE_INIT("rep::varied", HOTPATH_KIND_FUNCTION);
static struct hotpath_site s_allocs = HOTPATH_SITE_INIT("rep::allocs", HOTPATH_KIND_FUNCTION);

/* Calls whose durations spread over many buckets: spin i*i iterations. */
static void varied_calls(int n) {
    for (int i = 0; i < n; i++) {
        uint64_t t = hotpath_enter(&s_varied);
        for (volatile int k = 0; k < i * i; k++) {
        }
        hotpath_exit(&s_varied, t);
    }
}

static double num(cJSON *obj, const char *key) {
    cJSON *v = cJSON_GetObjectItem(obj, key);
    cr_assert(cJSON_IsNumber(v), "no number \"%s\"", key);
    return v->valuedouble;
}

/* Checks one histogram against its row: counts add up to calls, indexes
 * ascend within the layout, and the bounds of the first and last buckets
 * (times scale) bracket min and max. */
static void check_histogram(cJSON *h, double calls, double min, double max, double scale) {
    cr_assert(cJSON_IsArray(h));
    double sum = 0, prev = -1, lo = 0, hi = 0;
    cJSON *b;
    cJSON_ArrayForEach(b, h) {
        cr_assert_eq(cJSON_GetArraySize(b), 2);
        double i = cJSON_GetArrayItem(b, 0)->valuedouble, c = cJSON_GetArrayItem(b, 1)->valuedouble;
        cr_assert(i > prev && i < HP_HIST_BUCKETS && c > 0, "bucket %g (after %g) count %g", i, prev, c);
        if (prev < 0)
            lo = (double)hp_hist_bucket_low((uint32_t)i) * scale;
        hi = (double)(hp_hist_bucket_low((uint32_t)i) + hp_hist_bucket_width((uint32_t)i)) * scale;
        prev = i;
        sum += c;
    }
    cr_assert_eq(sum, calls, "histogram counts %g, calls %g", sum, calls);
    cr_assert_leq(lo, min + 1, "first bucket from %g above min %g", lo, min);
    cr_assert_geq(hi, max - 1, "last bucket below %g under max %g", hi, max);
}

Test(report, schema_2_carries_sums_and_histograms_that_add_up) {
    hp_alloc_cumulative = false;
    hotpath_alloc_tracking(1);
    varied_calls(300);
    for (int i = 1; i <= 50; i++) {
        uint64_t t = hotpath_enter(&s_allocs);
        char *volatile p = malloc((size_t)i * 100);
        free(p);
        hotpath_exit(&s_allocs, t);
    }
    struct hp_report r;
    hp_report_collect(&r);
    char *text = render(&r, HP_FORMAT_JSON);
    hp_report_free(&r);
    cJSON *j = cJSON_Parse(text);
    cr_assert_not_null(j, "not JSON: %s", text);
    cr_assert_eq(num(j, "schema"), 2);
    cr_assert_eq(num(j, "pid"), (double)getpid());
    double k = num(j, "ns_per_tick");
    cr_assert_gt(k, 0);
    cJSON *layout = cJSON_GetObjectItem(j, "histogram_layout");
    cr_assert_eq(num(layout, "sub_bits"), 6);
    cr_assert_eq(num(layout, "max_exp"), 43);
    cr_assert_eq(num(layout, "buckets"), 2496);
    int seen = 0;
    cJSON *fn;
    cJSON_ArrayForEach(fn, cJSON_GetObjectItem(j, "functions")) {
        double calls = num(fn, "calls"), sum = num(fn, "sum_ns");
        cr_assert_eq(num(fn, "avg_ns"), (double)(uint64_t)(sum / calls + 0.5), "avg is sum_ns / calls");
        cr_assert_geq(sum, num(fn, "total_ns"));
        check_histogram(cJSON_GetObjectItem(fn, "histogram"), calls, num(fn, "min_ns"),
                        num(fn, "max_ns"), k);
        if (strcmp(cJSON_GetObjectItem(fn, "name")->valuestring, "rep::varied") == 0) {
            seen++;
            cr_assert_eq(calls, 300);
            cr_assert_gt(cJSON_GetArraySize(cJSON_GetObjectItem(fn, "histogram")), 10,
                         "durations over many buckets");
        }
    }
    cr_assert_eq(seen, 1);
    seen = 0;
    cJSON_ArrayForEach(fn, cJSON_GetObjectItem(j, "allocations")) {
        if (strcmp(cJSON_GetObjectItem(fn, "name")->valuestring, "rep::allocs") != 0)
            continue;
        seen++;
        double calls = num(fn, "calls");
        cr_assert_eq(calls, 50);
        cr_assert_geq(num(fn, "min_bytes"), 100);
        cr_assert_geq(num(fn, "max_bytes"), 5000);
        cr_assert_geq(num(fn, "bytes_sum"), 100.0 * 50 * 51 / 2);
        cr_assert_eq(num(fn, "bytes_avg"), (double)(uint64_t)(num(fn, "bytes_sum") / calls + 0.5));
        check_histogram(cJSON_GetObjectItem(fn, "bytes_histogram"), calls, num(fn, "min_bytes"),
                        num(fn, "max_bytes"), 1.0);
    }
#ifdef HOTPATH_TEST_SANITIZER /* tracking steps aside (test_alloc.c): no allocation rows */
    cr_assert_eq(seen, 0, "allocation rows under " HOTPATH_TEST_SANITIZER);
#else
    cr_assert_eq(seen, 1);
#endif
    cJSON_Delete(j);
    free(text);
}

/* ---- numbers in the C locale whatever the program set ---- */

Test(report, numbers_ignore_the_programs_locale) {
    if (!setlocale(LC_ALL, "de_DE.UTF-8"))
        cr_skip_test("the de_DE.UTF-8 locale is not installed (Debian package locales-all)");
    cr_assert_str_eq(localeconv()->decimal_point, ",");
    char b[32];
    cr_assert_str_eq(hp_format_duration(8460000, b), "8.46ms"); /* the table's caller sets C */
    struct hp_report r = known();
    char *table = render(&r, HP_FORMAT_TABLE);
    cr_assert(strstr(table, "| 2.09ms ") && strstr(table, "| 44.54µs ") && strstr(table, "| 1.65% "),
              "%s", table);
    cr_assert(strstr(table, "| P99.9 "), "%s", table);
    cr_assert_null(strstr(table, "2,09"), "%s", table);
    char *json = render(&r, HP_FORMAT_JSON);
    cJSON *j = cJSON_Parse(json); /* cJSON reads numbers with the locale's point: compare text */
    cr_assert_not_null(j, "%s", json);
    cr_assert(strstr(json, "\"percent_total\":1.6500,"), "%s", json);
    cr_assert(strstr(json, "\"percentiles\":[95,99.9]"), "%s", json);
    cr_assert(strstr(json, "\"99.9\":44000"), "%s", json);
    cJSON_Delete(j);
    struct hp_percentiles p;
    cr_assert_null(hp_percentiles_parse("50,99.9", &p, NULL, 0));
    cr_assert_eq(p.n, 2);
    cr_assert_eq(p.p[1], 99.9);
    cr_assert_str_eq(p.label[1], "99.9");
    cr_assert_null(hp_percentiles_parse("50,99,9", &p, NULL, 0), "three numbers: 50, 99 and 9");
    cr_assert_eq(p.n, 3);
    free(table);
    free(json);
    setlocale(LC_ALL, "C");
}

/* ---- sorting, the limit's last line, nothing measured ---- */

static const char *order(struct hp_row *rows, size_t n, enum hp_sort sort, char *buf) {
    hp_config.sort = sort;
    size_t over;
    size_t kept = hp_rows_select(rows, n, &over);
    buf[0] = '\0';
    for (size_t i = 0; i < kept; i++)
        strcat(strcat(buf, rows[i].name), i + 1 < kept ? "," : "");
    return buf;
}

Test(report, hotpath_sort_orders_the_rows_by_its_key) {
    struct hp_row rows[4] = {
        {.name = "a", .calls = 1, .total = 400, .self = 10, .avg = 400, .alloc_bytes = 0},
        {.name = "b", .calls = 50, .total = 300, .self = 300, .avg = 6, .alloc_bytes = 7},
        {.name = "c", .calls = 10, .total = 200, .self = 150, .avg = 20, .alloc_bytes = 900},
        {.name = "d", .calls = 10, .total = 100, .self = 100, .avg = 10, .alloc_bytes = 0},
    };
    char buf[64];
    cr_assert_str_eq(order(rows, 4, HP_SORT_TOTAL, buf), "a,b,c,d");
    cr_assert_str_eq(order(rows, 4, HP_SORT_SELF, buf), "b,c,d,a");
    cr_assert_str_eq(order(rows, 4, HP_SORT_CALLS, buf), "b,c,d,a", "ties by total");
    cr_assert_str_eq(order(rows, 4, HP_SORT_AVG, buf), "a,c,d,b");
    cr_assert_str_eq(order(rows, 4, HP_SORT_ALLOC, buf), "c,b,a,d", "no allocations: by total");
    hp_config.limit = 3;
    size_t over;
    cr_assert_eq(hp_rows_select(rows, 4, &over), 3);
    cr_assert_eq(over, 1);
    hp_config.limit = 0;
}

Test(report, a_cut_table_ends_with_the_number_of_rows_left_out) {
    struct hp_report r = known();
    hp_config.limit = 2;
    r.over_limit = 3;
    char *text = render(&r, HP_FORMAT_TABLE);
    cr_assert(strstr(text, "+\n\u2026 3 more rows (HOTPATH_LIMIT=2)\n"), "%s", text);
    free(text);
    r.over_limit = 1;
    text = render(&r, HP_FORMAT_TABLE);
    cr_assert(strstr(text, "\u2026 1 more row (HOTPATH_LIMIT=2)\n"), "%s", text);
    free(text);
    text = render(&r, HP_FORMAT_JSON);
    cr_assert(strstr(text, "\"limit\":2,\"rows_over_limit\":1,"), "%s", text);
    free(text);
    r.over_limit = 0;
    text = render(&r, HP_FORMAT_TABLE);
    cr_assert_null(strstr(text, "more row"), "%s", text);
    free(text);
}

Test(report, nothing_measured_is_one_line_with_the_likely_cause) {
    struct hp_report r = {.main_name = "basic::main", .program = "basic", .total_ns = 1500000,
                          .clock = "tsc", .measured = true};
    char *text = render(&r, HP_FORMAT_TABLE);
    cr_assert_str_eq(text, "[hotpath] Nothing was measured in basic::main (1.50ms): no measured "
                           "function or block was called (is any function tagged, did the "
                           "plugin's include= match nothing, or was the program built without the "
                           "plugin?)\n");
    free(text);
    r.entered = true;
    r.main_name = NULL;
    text = render(&r, HP_FORMAT_TABLE);
    cr_assert_str_eq(text, "[hotpath] Nothing was measured in basic (process lifetime 1.50ms): "
                           "measured functions were entered but none returned before the report\n");
    free(text);
    text = render(&r, HP_FORMAT_JSON);
    cJSON *j = cJSON_Parse(text);
    cr_assert_not_null(j, "%s", text);
    cr_assert_eq(cJSON_GetArraySize(cJSON_GetObjectItem(j, "functions")), 0);
    cJSON_Delete(j);
    free(text);
}

/* ---- names that are not UTF-8 ---- */

Test(report, names_that_are_not_utf8_give_valid_json_and_an_aligned_table) {
    cr_assert_eq(hp_utf8_len("\xc3\xa9"), 2);
    cr_assert_eq(hp_utf8_len("\xe2\x80\xa6"), 3);
    cr_assert_eq(hp_utf8_len("\xf0\x9f\x94\xa5"), 4);
    cr_assert_eq(hp_utf8_len("\xe9t\xe9"), 0, "Latin-1");
    cr_assert_eq(hp_utf8_len("\xc0\xaf"), 0, "overlong");
    cr_assert_eq(hp_utf8_len("\xed\xa0\x80"), 0, "surrogate");
    cr_assert_eq(hp_utf8_len("\xf4\x90\x80\x80"), 0, "above U+10FFFF");
    cr_assert_eq(hp_utf8_len("\xe2\x80"), 0, "cut short");
    cr_assert_eq(hp_utf8_len("\x80"), 0);
    cr_assert_eq(hp_display_width("caf\xe9::f"), 7);
    struct hp_report r = known();
    known_rows[1].name = "caf\xe9::na\xefve";
    known_rows[1].file = "/src/r\xe9sum\xe9/caf\xe9.c";
    r.main_name = "caf\xe9::main";
    char *json = render(&r, HP_FORMAT_JSON);
    cr_assert(strstr(json, "\"name\":\"caf\\u00e9::na\\u00efve\""), "%s", json);
    cr_assert(strstr(json, "\"file\":\"/src/r\\u00e9sum\\u00e9/caf\\u00e9.c\""), "%s", json);
    for (const unsigned char *p = (const unsigned char *)json; *p; p++)
        cr_assert(*p < 0x80 || hp_utf8_len((const char *)p) > 0, "raw byte 0x%02x in the JSON", *p);
    cJSON *j = cJSON_Parse(json);
    cr_assert_not_null(j);
    cr_assert_str_eq(cJSON_GetObjectItem(j, "main")->valuestring, "caf\xc3\xa9::main");
    cJSON_Delete(j);
    char *table = render(&r, HP_FORMAT_TABLE);
    cr_assert(strstr(table, "| caf\xc3\xa9::na\xc3\xafve "), "the Latin-1 reading, in UTF-8: %s", table);
    cr_assert(strstr(table, "from caf\xc3\xa9::main (Total"), "%s", table);
    char *save, *line = strtok_r(strstr(table, "\n+") + 1, "\n", &save);
    size_t width = hp_display_width(line);
    for (; line; line = strtok_r(NULL, "\n", &save)) {
        cr_assert_eq(hp_display_width(line), width, "misaligned: %s", line);
        for (const char *p = line; *p; p++)
            cr_assert(hp_utf8_len(p) > 0 || (*p & 0xC0) == 0x80, "invalid UTF-8 in %s", line);
    }
    free(json);
    free(table);
}

Test(report, header_states_the_probe_cost_taken_out_or_that_figures_are_raw) {
    struct hp_report r = known();
    r.compensated = true;
    r.probe_in_ns = 10.0;
    r.probe_out_ns = 4.5;
    r.calls_all = 1000000;
    r.overhead_ns = 14500000;
    char *text = render(&r, HP_FORMAT_TABLE);
    cr_assert(strstr(text, "[hotpath] Probe cost taken out: 14.5ns per measured call (10.0ns of it "
                           "in the callee's window), 14.50ms in all, 11.4% of the time above"),
              "%s", text);
    char *json = render(&r, HP_FORMAT_JSON);
    cJSON *j = cJSON_Parse(json);
    cr_assert_not_null(j);
    cJSON *c = cJSON_GetObjectItem(j, "compensation");
    cr_assert(cJSON_IsTrue(cJSON_GetObjectItem(c, "on")));
    cr_assert_float_eq(cJSON_GetObjectItem(c, "probe_in_window_ns")->valuedouble, 10.0, 1e-9);
    cr_assert_float_eq(cJSON_GetObjectItem(c, "probe_outside_ns")->valuedouble, 4.5, 1e-9);
    cr_assert_eq(cJSON_GetObjectItem(c, "calls")->valuedouble, 1000000);
    cr_assert_eq(cJSON_GetObjectItem(c, "overhead_ns")->valuedouble, 14500000);
    cJSON_Delete(j);
    r.compensated = false;
    char *raw = render(&r, HP_FORMAT_TABLE);
    /* off (the default): the report as without compensation, no line about it */
    cr_assert(!strstr(raw, "Probe cost") && !strstr(raw, "HOTPATH_COMPENSATE"), "%s", raw);
    free(text);
    free(json);
    free(raw);
}
