/* Count-exact sampling (docs/configuration.md, HOTPATH_SAMPLE): every call
 * counted, about 1 in N timed, the timed figures scaled to every call. */
#include <criterion/criterion.h>
#include <stdlib.h>
#include <string.h>

#include "support.h"

TestSuite(sampling);

static volatile uint64_t sink;
static __attribute__((noinline)) void spin(int n) {
    for (int i = 0; i < n; i++)
        sink += (uint64_t)i;
}

static void call(struct hotpath_site *s, int work) {
    uint64_t t = hotpath_enter(s);
    spin(work);
    hotpath_exit(s, t);
}

/* The row of `name` in a report gathered now (copied out). */
static struct hp_row row_of(const char *name) {
    struct hp_report r;
    hp_report_collect(&r);
    const struct hp_row *row = find_row(&r, name);
    cr_assert(row, "no row %s", name);
    struct hp_row copy = *row;
    hp_report_free(&r);
    return copy;
}

static struct hotpath_site s_n64 =
    HOTPATH_SAMPLED_SITE_INIT("samp::n64", HOTPATH_KIND_FUNCTION, 64);

Test(sampling, every_call_counted_about_one_in_n_timed) {
    cr_assert_eq(HOTPATH_SITE_SAMPLE(s_n64.flags), 64);
    for (int i = 0; i < 64000; i++)
        call(&s_n64, 0);
    struct hp_row r = row_of("samp::n64");
    cr_assert_eq(r.calls, 64000);
    cr_assert(r.sampled);
    cr_assert_eq(r.sample_period, 64);
    /* gaps uniform on 1..127: 1000 timed calls expected, sd about 26 */
    cr_assert(r.timed > 800 && r.timed < 1200, "timed %llu of 64000", (unsigned long long)r.timed);
    struct hp_site_stats *st = hp_tls.by_id[s_n64.id];
    cr_assert_eq(HP_LOAD(st->calls), r.timed);
}

/* A fixed period of 2 would time only the odd or only the even calls of a
 * program that alternates between a short and a long call; the random gaps
 * time both kinds, about as often. (The scaled totals are not compared
 * here: one preemption in either site would decide such a test.) */
static struct hotpath_site s_alt = HOTPATH_SAMPLED_SITE_INIT("samp::alt", HOTPATH_KIND_FUNCTION, 2);

Test(sampling, the_choice_of_timed_call_does_not_follow_the_programs_period) {
    for (int i = 0; i < 4000; i++)
        call(&s_alt, i % 2 ? 2000 : 0);
    struct hp_report r;
    hp_report_collect(&r);
    const struct hp_row *s = find_row(&r, "samp::alt");
    cr_assert(s);
    cr_assert_eq(s->calls, 4000);
    cr_assert(s->timed > 1500 && s->timed < 2500, "timed %llu", (unsigned long long)s->timed);
    /* long calls: buckets above half the time of spin(2000) itself (the
     * fastest of 5, in the runtime's clock). The cut was 8 times the
     * shortest timed call's: a short call timed unusually fast lowered it
     * under the ordinary short calls, which then counted as long (60.5%
     * seen, 3 runs in 20 on a quiet machine). */
    uint64_t spin_ticks = UINT64_MAX;
    for (int k = 0; k < 5; k++) {
        uint64_t t0 = hp_now();
        spin(2000);
        uint64_t dt = hp_now() - t0;
        spin_ticks = dt < spin_ticks ? dt : spin_ticks;
    }
    uint32_t cut = hp_hist_index(spin_ticks / 2);
    uint64_t n = 0, longer = 0;
    for (uint32_t k = 0; k < s->hist.nbuckets; k++) {
        const struct hp_bucket *b = &r.buckets[s->hist.first + k];
        n += b->count;
        longer += b->index > cut ? b->count : 0;
    }
    cr_assert_eq(n, s->timed);
    cr_assert(longer * 10 > n * 4 && longer * 10 < n * 6, "long calls %llu of %llu timed",
              (unsigned long long)longer, (unsigned long long)n);
    cr_assert_eq(s->avg, (s->sum + s->calls / 2) / s->calls);
    hp_report_free(&r);
}

/* An untimed call pushes no frame, but gives the site's mean Self (est)
 * to the enclosing frame's child time: its caller's Self loses the untimed
 * calls' estimated time as it loses the timed ones' measured time. Checked
 * exactly, with the estimate and the countdown set by hand (timing the
 * calls would make the check depend on what the machine does meanwhile). */
static struct hotpath_site s_outer = HOTPATH_SITE_INIT("samp::outer", HOTPATH_KIND_FUNCTION);
static struct hotpath_site s_leaf = HOTPATH_SAMPLED_SITE_INIT("samp::leaf", HOTPATH_KIND_FUNCTION, 8);

Test(sampling, untimed_callees_take_their_estimated_time_out_of_the_callers_self) {
    for (int i = 0; i < 100; i++) /* registered, and past the calls timed for certain */
        call(&s_leaf, 10);
    struct hp_site_stats *st = hp_tls.by_id[s_leaf.id];
    cr_assert_eq(HP_LOAD(st->phase), 2);
    uint64_t t = hotpath_enter(&s_outer);
    struct hp_frame *f = &hp_tls.stack[hp_tls.depth - 1];
    cr_assert_eq(f->site, &s_outer);
    HP_STORE(st->est, 1000);
    HP_STORE(st->skip, 20); /* the next 19 calls untimed, the 20th timed */
    uint64_t child0 = f->child, untimed0 = hp_stats_calls(st) - HP_LOAD(st->calls);
    for (int k = 0; k < 19; k++)
        call(&s_leaf, 10);
    cr_assert_eq(hp_stats_calls(st) - HP_LOAD(st->calls) - untimed0, 19, "19 calls untimed");
    cr_assert_eq(f->child - child0, 19 * 1000, "the caller's child time grew by %llu",
                 (unsigned long long)(f->child - child0));
    uint64_t timed0 = HP_LOAD(st->calls);
    call(&s_leaf, 10); /* the timed one: its measured duration, and the mean Self again */
    cr_assert_eq(HP_LOAD(st->calls), timed0 + 1);
    cr_assert_gt(f->child - child0, 19 * 1000);
    cr_assert_neq(HP_LOAD(st->est), 1000, "the timed call's enter set a new estimate");
    hotpath_exit(&s_outer, t);
    cr_assert_eq(HP_LOAD(st->active), 0);
    cr_assert_eq(hp_tls.depth, 0);
}

/* The calls timed for certain (a site sampled from its first call: the
 * first, and the one the first draw times) are set apart at the first
 * randomly timed call, so that the report counts them once each. */
static struct hotpath_site s_split = HOTPATH_SAMPLED_SITE_INIT("samp::split", HOTPATH_KIND_FUNCTION, 16);

Test(sampling, the_calls_timed_for_certain_are_set_apart) {
    call(&s_split, 10);
    struct hp_site_stats *st = hp_tls.by_id[s_split.id];
    cr_assert_eq(HP_LOAD(st->phase), 0);
    call(&s_split, 10); /* timed by the first draw, for certain */
    cr_assert_eq(HP_LOAD(st->phase), 1);
    uint64_t sum2 = HP_LOAD(st->sum), total2 = HP_LOAD(st->total);
    while (HP_LOAD(st->phase) != 2)
        call(&s_split, 10);
    cr_assert_eq(HP_LOAD(st->det_calls), 2);
    cr_assert_eq(HP_LOAD(st->det_sum), sum2);
    cr_assert_eq(HP_LOAD(st->det_total), total2);
    /* the report: 2 certain calls once, the random ones scaled to the rest */
    for (int i = 0; i < 3000; i++)
        call(&s_split, 10);
    struct hp_row r = row_of("samp::split");
    double k = hp_ns_per_tick(), rest = (double)(r.calls - 2) / (double)(r.timed - 2);
    double want = (double)HP_LOAD(st->det_sum) +
                  (double)(HP_LOAD(st->sum) - HP_LOAD(st->det_sum)) * rest;
    cr_assert(r.sum >= (uint64_t)(want * k) - 1 && r.sum <= (uint64_t)(want * k) + 1,
              "sum %llu, expected %.0f", (unsigned long long)r.sum, want * k);
}

/* The period can change while the program runs (the adaptive mode's
 * switch): the counts stay exact across the change, both ways. */
static struct hotpath_site s_switch = HOTPATH_SITE_INIT("samp::switch", HOTPATH_KIND_FUNCTION);

Test(sampling, the_period_changes_at_run_time_with_exact_counts) {
    for (int i = 0; i < 100; i++)
        call(&s_switch, 0);
    struct hp_site_stats *st = hp_tls.by_id[s_switch.id];
    cr_assert_eq(HP_LOAD(st->period), 1);
    cr_assert_eq(row_of("samp::switch").timed, 100);
    hp_stats_set_period(st, 16);
    for (int i = 0; i < 1600; i++)
        call(&s_switch, 0);
    struct hp_row r = row_of("samp::switch");
    cr_assert_eq(r.calls, 1700);
    cr_assert_eq(r.sample_period, 16);
    cr_assert(r.timed > 100 + 50 && r.timed < 100 + 200, "timed %llu", (unsigned long long)r.timed);
    uint64_t timed = r.timed;
    hp_stats_set_period(st, 1);
    for (int i = 0; i < 100; i++)
        call(&s_switch, 0);
    r = row_of("samp::switch");
    cr_assert_eq(r.calls, 1800);
    cr_assert_eq(r.timed, timed + 100);
}

/* HOTPATH_SAMPLE overrides what the site asks for, for the (site, thread)
 * records made after it is read. */
static struct hotpath_site s_env = HOTPATH_SAMPLED_SITE_INIT("samp::env", HOTPATH_KIND_FUNCTION, 4);

Test(sampling, hotpath_sample_overrides_the_sites_period) {
    setenv("HOTPATH_SAMPLE", "32", 1);
    hp_config_load(NULL);
    cr_assert_eq(hp_config.sample, 32);
    for (int i = 0; i < 3200; i++)
        call(&s_env, 0);
    struct hp_row r = row_of("samp::env");
    cr_assert_eq(r.calls, 3200);
    cr_assert_eq(r.sample_period, 32);
    cr_assert(r.timed > 50 && r.timed < 200, "timed %llu", (unsigned long long)r.timed);
}

Test(sampling, bad_hotpath_sample_values_fall_back_to_the_sites_own) {
    const char *bad[] = {"0", "65536", "-3", "x", "12k", ""};
    for (size_t i = 0; i < sizeof bad / sizeof *bad; i++) {
        setenv("HOTPATH_SAMPLE", bad[i], 1);
        static char *msg;
        static size_t len;
        msg = NULL;
        FILE *err = open_memstream(&msg, &len);
        hp_config_load(err);
        fclose(err);
        cr_assert(!(hp_config.from_env & (1u << HP_OPT_sample)), "%s accepted", bad[i]);
        cr_assert(strstr(msg, "HOTPATH_SAMPLE") && strstr(msg, "each site's own period"),
                  "no message for '%s': %s", bad[i], msg);
        free(msg);
    }
    setenv("HOTPATH_SAMPLE", "65535", 1);
    hp_config_load(NULL);
    cr_assert_eq(hp_config.sample, 65535);
    unsetenv("HOTPATH_SAMPLE");
    hp_config_load(NULL);
}

/* The table marks the estimates; the JSON gives the period and the timed
 * calls. */
static struct hotpath_site s_json = HOTPATH_SAMPLED_SITE_INIT("samp::json", HOTPATH_KIND_FUNCTION, 10);
static struct hotpath_site s_full = HOTPATH_SITE_INIT("samp::full", HOTPATH_KIND_FUNCTION);

static char *render(enum hp_format f) {
    struct hp_report r;
    hp_report_collect(&r);
    static char *buf; /* static: open_memstream keeps their addresses until fclose */
    static size_t len;
    buf = NULL;
    FILE *m = open_memstream(&buf, &len);
    hp_report_write(m, &r, f);
    fclose(m);
    hp_report_free(&r);
    return buf;
}

Test(sampling, the_table_marks_estimates_and_the_json_names_the_period) {
    for (int i = 0; i < 1000; i++) {
        call(&s_json, 100);
        call(&s_full, 100);
    }
    char *table = render(HP_FORMAT_TABLE);
    const char *line = strstr(table, "samp::json"), *full = strstr(table, "samp::full");
    cr_assert(line && full, "%s", table);
    const char *eol = strchr(line, '\n'), *feol = strchr(full, '\n');
    int marks = 0;
    for (const char *c = line; c < eol; c++)
        marks += *c == '~';
    cr_assert_eq(marks, 4, "Avg, Total, Self and %% Total marked: %.*s", (int)(eol - line), line);
    cr_assert(!memchr(full, '~', (size_t)(feol - full)), "%.*s", (int)(feol - full), full);
    free(table);
    char *json = render(HP_FORMAT_JSON);
    const char *j = strstr(json, "\"name\":\"samp::json\"");
    cr_assert(j, "%s", json);
    cr_assert(strstr(j, "\"sample_period\":10,\"timed_calls\":"), "%s", j);
    const char *jf = strstr(json, "\"name\":\"samp::full\"");
    const char *jf_end = strchr(jf, '}');
    cr_assert(jf && jf_end);
    const char *sp = strstr(jf, "sample_period");
    cr_assert(!sp || sp > jf_end, "unsampled row has sample_period");
    free(json);
}

/* Recursion: Total counts outermost activations only. An untimed call is
 * still an activation, so a timed call inside it is not taken for the
 * outermost: 20 levels of equal work give sum / total about 10.5 (the
 * levels' durations 1..20 over the outermost's 20), sampled or not. With
 * 1 call in 4 timed, one preemption of a timed inner call whose outermost
 * is untimed weighs on the sum alone (CI saw 23.15 once), so three runs on
 * three sites are made and their median ratio is checked; counting inner
 * calls as outermost would bring every run's ratio near 1. */
static struct hotpath_site s_rec[3] = {
    HOTPATH_SAMPLED_SITE_INIT("samp::rec0", HOTPATH_KIND_FUNCTION, 4),
    HOTPATH_SAMPLED_SITE_INIT("samp::rec1", HOTPATH_KIND_FUNCTION, 4),
    HOTPATH_SAMPLED_SITE_INIT("samp::rec2", HOTPATH_KIND_FUNCTION, 4),
};

static __attribute__((noinline)) void rec(struct hotpath_site *s, int depth) {
    uint64_t t = hotpath_enter(s);
    spin(300);
    if (depth > 1)
        rec(s, depth - 1);
    hotpath_exit(s, t);
}

static int by_value(const void *a, const void *b) {
    double x = *(const double *)a, y = *(const double *)b;
    return (x > y) - (x < y);
}

Test(sampling, recursion_counts_the_outermost_calls_in_total) {
    double ratio[3];
    char seen[160] = "";
    for (int k = 0; k < 3; k++) {
        for (int i = 0; i < 500; i++)
            rec(&s_rec[k], 20);
        char name[16];
        snprintf(name, sizeof name, "samp::rec%d", k);
        struct hp_row r = row_of(name);
        cr_assert_eq(r.calls, 10000);
        cr_assert(r.sampled && r.timed < 5000);
        cr_assert_eq(hp_tls.by_id[s_rec[k].id]->active, 0);
        ratio[k] = (double)r.sum / (double)r.total;
        size_t n = strlen(seen);
        snprintf(seen + n, sizeof seen - n, " %.2f (sum %llu / total %llu)", ratio[k],
                 (unsigned long long)r.sum, (unsigned long long)r.total);
    }
    qsort(ratio, 3, sizeof *ratio, by_value);
    cr_assert(ratio[1] > 6 && ratio[1] < 16, "median of%s", seen);
}

/* Total >= Self in every row (docs/how-it-works.md, Sampling): a sampled
 * recursion's Total comes from the timed calls that were outermost, its
 * Self from every timed call, so when no randomly timed call was outermost
 * (set by hand here: the random part of total taken back to 0) the Self
 * estimate is the floor of Total. */
static struct hotpath_site s_rec_floor =
    HOTPATH_SAMPLED_SITE_INIT("samp::rec_floor", HOTPATH_KIND_FUNCTION, 4);

Test(sampling, a_sampled_rows_total_is_never_below_its_self) {
    for (int i = 0; i < 200; i++)
        rec(&s_rec_floor, 10);
    struct hp_site_stats *st = hp_tls.by_id[s_rec_floor.id];
    cr_assert_eq(HP_LOAD(st->phase), 2);
    struct hp_row before = row_of("samp::rec_floor");
    cr_assert(before.sampled && before.timed > HP_LOAD(st->det_calls));
    cr_assert_geq(before.total, before.self);
    HP_STORE(st->total, HP_LOAD(st->det_total));
    struct hp_row r = row_of("samp::rec_floor");
    cr_assert_eq(r.calls, 2000);
    cr_assert_gt(r.self, 0);
    cr_assert_eq(r.total, r.self, "total %llu, self %llu", (unsigned long long)r.total,
                 (unsigned long long)r.self);
    cr_assert_eq(r.sum, before.sum);
}
