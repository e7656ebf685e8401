/* test_reportfile.c — the reader and the merge of cli/reportfile.c on small
 * schema-2 texts (the end-to-end tests use real reports). */
#include <criterion/criterion.h>
#include <string.h>

#include "histogram.h"
#include "reportfile.h"

TestSuite(reportfile);

/* Two calls in bucket 100 (100 ticks) and one in bucket 200, at 2 ns a tick. */
static const char *report_a =
    "{\"schema\":2,\"pid\":7,\"ns_per_tick\":2,\"histogram_layout\":{\"sub_bits\":6,\"max_exp\":43,"
    "\"buckets\":2496},\"program\":\"p\",\"total_ns\":1000,\"percentiles\":[50],\"functions\":["
    "{\"name\":\"f\",\"calls\":3,\"min_ns\":200,\"max_ns\":700,\"avg_ns\":367,\"total_ns\":1100,"
    "\"self_ns\":900,\"sum_ns\":1100,\"percentiles_ns\":{\"50\":200},\"histogram\":[[100,2],[200,1]]}]}";
static const char *report_b =
    "{\"schema\":2,\"pid\":8,\"ns_per_tick\":1,\"histogram_layout\":{\"sub_bits\":6,\"max_exp\":43,"
    "\"buckets\":2496},\"program\":\"p\",\"total_ns\":500,\"functions\":["
    "{\"name\":\"f\",\"calls\":1,\"min_ns\":1000,\"max_ns\":1000,\"avg_ns\":1000,\"total_ns\":1000,"
    "\"self_ns\":1000,\"sum_ns\":1000,\"histogram\":[[250,1]]},"
    "{\"name\":\"g\",\"calls\":1,\"min_ns\":5,\"max_ns\":5,\"avg_ns\":5,\"total_ns\":5,"
    "\"self_ns\":5,\"sum_ns\":5,\"histogram\":[[5,1]]}]}";

static void parse(const char *text, struct cli_report *r) {
    char why[CLI_WHY];
    cr_assert(cli_report_parse(text, strlen(text), r, why), "refused: %s", why);
}

Test(reportfile, reads_schema_2_and_its_percentiles_in_ns) {
    struct cli_report r;
    parse(report_a, &r);
    cr_assert_eq(r.schema, 2);
    cr_assert_eq(r.pid, 7);
    cr_assert_eq(r.nfuncs, 1);
    uint64_t v;
    cr_assert(cli_func_percentile(&r.funcs[0], 1, 50, &v));
    cr_assert_eq(v, 200, "bucket 100 is 100 ticks = 200 ns, got %llu", (unsigned long long)v);
    cr_assert(cli_func_percentile(&r.funcs[0], 1, 100, &v));
    cr_assert_eq(v, 700);
    cli_report_free(&r);
}

Test(reportfile, merge_adds_sums_and_keeps_extremes) {
    struct cli_report a, b, m = {0};
    char why[CLI_WHY];
    parse(report_a, &a);
    parse(report_b, &b);
    cr_assert(cli_report_merge(&m, &a, why));
    cr_assert(cli_report_merge(&m, &b, why));
    cr_assert_eq(m.nfiles, 2);
    cr_assert_eq(m.total_ns, 1500);
    const struct cli_func *f = cli_report_func(&m, "f", NULL);
    cr_assert_not_null(f);
    cr_assert_eq(f->calls, 4);
    cr_assert_eq(f->total_ns, 2100);
    cr_assert_eq(f->self_ns, 1900);
    cr_assert_eq(f->sum_ns, 2100);
    cr_assert_eq(f->avg_ns, 525);
    cr_assert_eq(f->min_ns, 200);
    cr_assert_eq(f->max_ns, 1000);
    uint64_t v;
    /* calls at 200, 200, 580 (bucket 200 spans 288..291 ticks: midpoint 290 ticks, 580 ns)
     * and 1000 ns (b's bucket 250, 490 ns, raised to its min): ranks 2, 3, 4 of 4. */
    cr_assert(cli_func_percentile(f, m.nfiles, 50, &v));
    cr_assert_eq(v, 200);
    cr_assert(cli_func_percentile(f, m.nfiles, 75, &v));
    cr_assert_eq(v, 580, "p75 %llu", (unsigned long long)v);
    cr_assert(cli_func_percentile(f, m.nfiles, 100, &v));
    cr_assert_eq(v, 1000);
    cr_assert_not_null(cli_report_func(&m, "g", NULL), "a row of one report only is kept");
    cli_report_free(&m);
    cli_report_free(&a);
    cli_report_free(&b);
}

Test(reportfile, schema_1_merge_has_no_percentiles) {
    const char *s1 = "{\"schema\":1,\"total_ns\":10,\"functions\":[{\"name\":\"f\",\"calls\":1,"
                     "\"min_ns\":1,\"max_ns\":1,\"avg_ns\":1,\"total_ns\":1,\"self_ns\":1,"
                     "\"percentiles_ns\":{\"95\":1}}]}";
    struct cli_report a, m = {0};
    char why[CLI_WHY];
    uint64_t v;
    parse(s1, &a);
    cr_assert(cli_func_percentile(&a.funcs[0], 1, 95, &v), "one file: its own figure");
    cr_assert_not(cli_func_percentile(&a.funcs[0], 1, 50, &v), "not a figure it holds");
    cr_assert(cli_report_merge(&m, &a, why));
    cr_assert(cli_report_merge(&m, &a, why));
    cr_assert_not(cli_func_percentile(&m.funcs[0], m.nfiles, 95, &v), "a merge cannot know it");
    cli_report_free(&m);
    cli_report_free(&a);
}

Test(reportfile, refuses_with_a_reason) {
    struct cli_report r;
    char why[CLI_WHY];
    cr_assert_not(cli_report_parse("{\"schema\":2}", 12, &r, why));
    cr_assert_str_eq(why, "not a hotpath report (no \"functions\" member)");
    cr_assert_not(cli_report_parse("{\"schema\":", 10, &r, why));
    cr_assert(strncmp(why, "not JSON", 8) == 0, "%s", why);
}
