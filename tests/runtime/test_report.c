/* The report: units, the table's alignment, JSON read back. */
#include <cJSON.h>
#include <criterion/criterion.h>
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
                          .clock = "tsc", .rows = known_rows, .nrows = 2, .measured = true,
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
        cr_assert_eq(cJSON_GetObjectItem(j, "schema")->valueint, 1);
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
    char *save, *line = strtok_r(strchr(text, '\n') + 1, "\n", &save);
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
