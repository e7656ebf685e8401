/*
 * compare.c — `hotpath compare BASE HEAD`: per function, the chosen figure
 * before and after, the change in percent and a verdict, with an exit code
 * a CI job can gate on. Timing verdicts come from a Mann-Whitney U test
 * (docs/compare.md says why) and a minimum effect; call and allocation
 * counts are compared exactly.
 */
#define _GNU_SOURCE
#include <getopt.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "cli.h"
#include "report.h" /* hp_format_duration, hp_format_bytes */
#include "reportfile.h"
#include "stats.h"
#include "table.h"

void cli_compare_help(FILE *out) {
    fputs("usage: hotpath compare [options] BASE HEAD\n"
          "       hotpath compare [options] BASE... --vs HEAD...\n\n"
          "Compares two sets of runs of one program, function by function. Each side is\n"
          "a report, a folder of reports (its *.json files: one per run), or, with --vs\n"
          "between the sides, several files or folders.\n\n"
          "Per function: the figure before and after (the median over the runs of a\n"
          "side), the change, the p-value and a verdict: slower, faster, no significant\n"
          "change, new or gone; for counts (calls, bytes, allocs) more, fewer or no\n"
          "change, compared exactly. A timing verdict needs both a Mann-Whitney U test\n"
          "over the per-run figures (over the calls of the merged histograms when a side\n"
          "has a single run) significant at the confidence level, and a change of at\n"
          "least the threshold, the two in the same direction. Rows are sorted by impact:\n"
          "the change of the figure per run (times the calls, for avg and pN).\n\n"
          "options:\n"
          "  --metric M        p50 (default), p95, p99 (any pN), avg, total, self, calls,\n"
          "                    bytes, allocs\n"
          "  --confidence PCT  confidence level of the test, 50 to 99.99 (default 99)\n"
          "  --threshold PCT   smallest change that counts, in percent (default 5)\n"
          "  --format F        table (default), markdown (for a pull-request comment), csv\n"
          "  --force           compare reports of different programs anyway\n"
          "  --vs              separates BASE files from HEAD files\n"
          "  --help            this text\n\n"
          "exit status: 0 nothing regressed, 1 something is slower (or, for a count\n"
          "metric, more), 2 bad input.\n",
          out);
}

enum metric { M_TOTAL, M_SELF, M_AVG, M_PCT, M_CALLS, M_BYTES, M_ALLOCS };

struct opts {
    enum metric metric;
    double pct; /* for M_PCT */
    char metric_name[16];
    double confidence, threshold;
    enum cli_table_style style;
    bool force;
};

/* One side: its runs and their merge. */
struct side {
    const char *label; /* what the user named */
    struct cli_report_list runs;
    struct cli_report merged;
};

enum verdict { V_NONE, V_SLOWER, V_FASTER, V_SAME, V_NEW, V_GONE, V_MORE, V_FEWER, V_NO_CHANGE,
               V_UNTESTED, V_COUNT };
static const char *const verdict_text[] = {"", "slower", "faster", "no significant change", "new",
                                           "gone", "more", "fewer", "no change",
                                           "untested (1 run, no histogram)"};

struct row {
    const char *name;
    bool in_base, in_head;
    double before, after, change, p; /* p < 0: no test */
    double impact; /* what the change costs in a run: the difference, times the calls for a
                      per-call figure (avg, pN) */
    enum verdict verdict;
};

static bool is_count(enum metric m) { return m == M_CALLS || m == M_BYTES || m == M_ALLOCS; }

/* ======================================================================== */
/* Figures                                                                  */
/* ======================================================================== */

/* The metric of `name` in one report; false when the report has no such row.
 * Sums are per run: a report that is itself a merge of N runs (`hotpath
 * report --format json`) counts a share of 1/N of them. */
static bool figure(const struct cli_report *r, const char *name, const struct opts *o, double *v) {
    double runs = r->nfiles > 1 ? (double)r->nfiles : 1;
    if (o->metric == M_BYTES || o->metric == M_ALLOCS) {
        const struct cli_alloc *a = cli_report_alloc(r, name);
        if (!a)
            return false;
        *v = (double)(o->metric == M_BYTES ? a->bytes_total : a->allocs) / runs;
        return true;
    }
    const struct cli_func *f = cli_report_func(r, name, NULL);
    if (!f)
        return false;
    uint64_t x = 0;
    switch (o->metric) {
    case M_TOTAL: x = f->total_ns; break;
    case M_SELF: x = f->self_ns; break;
    case M_AVG: x = f->avg_ns; break;
    case M_CALLS: x = f->calls; break;
    case M_PCT:
        if (!cli_func_percentile(f, r->nfiles, o->pct, &x))
            return false;
        break;
    default: break;
    }
    bool sum = o->metric == M_TOTAL || o->metric == M_SELF || o->metric == M_CALLS;
    *v = (double)x / (sum ? runs : 1);
    return true;
}

/* Per-run figures of `name` on a side; returns how many runs have it. */
static size_t figures(const struct side *s, const char *name, const struct opts *o, double *v) {
    size_t n = 0;
    for (size_t i = 0; i < s->runs.n; i++) {
        if (figure(&s->runs.items[i], name, o, &v[n]))
            n++;
        else if (is_count(o->metric))
            v[n++] = 0; /* absent from this run: none counted */
    }
    return n;
}

static double mean(const double *v, size_t n) {
    double s = 0;
    for (size_t i = 0; i < n; i++)
        s += v[i];
    return n ? s / (double)n : 0;
}

static void judge(struct row *r, const struct side *base, const struct side *head,
                  const struct opts *o) {
    size_t nb = base->runs.n, nh = head->runs.n;
    double *x = calloc(nb + 1, sizeof *x), *y = calloc(nh + 1, sizeof *y);
    if (!x || !y)
        goto out;
    size_t m = figures(base, r->name, o, x), n = figures(head, r->name, o, y);
    int direction = 0;
    r->p = -1;
    if (is_count(o->metric)) {
        r->before = mean(x, m);
        r->after = mean(y, n);
        r->verdict = r->after > r->before ? V_MORE : r->after < r->before ? V_FEWER : V_NO_CHANGE;
    } else {
        r->before = cli_median(x, m);
        r->after = cli_median(y, n);
        if (m >= 2 && n >= 2)
            r->p = cli_mann_whitney(x, m, y, n, &direction);
        else {
            const struct cli_func *fb = cli_report_func(&base->merged, r->name, NULL),
                                  *fh = cli_report_func(&head->merged, r->name, NULL);
            if (fb && fh && fb->has_hist && fh->has_hist && o->metric != M_SELF)
                r->p = cli_mann_whitney_dist(&fb->dist, &fh->dist, &direction);
        }
    }
    if (r->before > 0)
        r->change = 100.0 * (r->after - r->before) / r->before;
    else
        r->change = r->after > 0 ? INFINITY : 0;
    if (is_count(o->metric))
        goto out;
    if (r->p < 0)
        r->verdict = V_UNTESTED;
    else if (r->p < 1 - o->confidence / 100 && fabs(r->change) >= o->threshold &&
             direction == (r->change > 0 ? 1 : -1)) /* the test and the figure agree */
        r->verdict = r->change > 0 ? V_SLOWER : V_FASTER;
    else
        r->verdict = V_SAME;
out:
    free(x);
    free(y);
}

/* ======================================================================== */
/* Rows                                                                     */
/* ======================================================================== */

static const char **row_names(const struct cli_report *r, bool allocs, size_t *n) {
    *n = allocs ? r->nallocs : r->nfuncs;
    const char **v = calloc(*n + 1, sizeof *v);
    for (size_t i = 0; v && i < *n; i++)
        v[i] = allocs ? r->allocs[i].name : r->funcs[i].name;
    return v;
}

static bool has_name(const char **v, size_t n, const char *name) {
    for (size_t i = 0; i < n; i++)
        if (strcmp(v[i], name) == 0)
            return true;
    return false;
}

static int row_cmp(const void *a, const void *b) {
    const struct row *x = a, *y = b;
    if (x->impact != y->impact)
        return x->impact > y->impact ? -1 : 1;
    return strcmp(x->name, y->name);
}

/* Calls per run of a function on a side (its merge over its runs). */
static double calls_per_run(const struct side *s, const char *name) {
    const struct cli_func *f = cli_report_func(&s->merged, name, NULL);
    return f && s->merged.nfiles ? (double)f->calls / (double)s->merged.nfiles : 0;
}

/* ======================================================================== */
/* Output                                                                   */
/* ======================================================================== */

static void format_value(char *buf, double v, const struct opts *o) {
    if (o->style == CLI_TABLE_CSV) /* raw: nanoseconds, bytes or counts */
        snprintf(buf, 32, v == floor(v) ? "%.0f" : "%.2f", v);
    else if (o->metric == M_BYTES)
        hp_format_bytes((uint64_t)llround(v), buf);
    else if (is_count(o->metric)) {
        if (v == floor(v))
            snprintf(buf, 32, "%.0f", v);
        else
            snprintf(buf, 32, "%.1f", v);
    } else
        hp_format_duration((uint64_t)llround(v), buf);
}

static void write_rows(FILE *out, const struct row *rows, size_t n, const struct opts *o,
                       const struct side *base, const struct side *head) {
    struct cli_table t;
    char before[64], after[64], change[32], p[32];
    const char *cells[6] = {"Function", before, after, "Change", "p", "Verdict"};
    bool csv = o->style == CLI_TABLE_CSV;
    snprintf(before, sizeof before, csv ? "before_%s" : "Before (%s)", o->metric_name);
    snprintf(after, sizeof after, csv ? "after_%s" : "After (%s)", o->metric_name);
    if (csv) {
        cells[0] = "function";
        cells[3] = "change_percent";
        cells[5] = "verdict";
    }
    cli_table_init(&t, 6);
    cli_table_row(&t, cells);
    cells[3] = change;
    cells[4] = p;
    for (size_t i = 0; i < n; i++) {
        const struct row *r = &rows[i];
        cells[0] = r->name;
        if (r->in_base)
            format_value(before, r->before, o);
        else
            snprintf(before, sizeof before, "%s", csv ? "" : "-");
        if (r->in_head)
            format_value(after, r->after, o);
        else
            snprintf(after, sizeof after, "%s", csv ? "" : "-");
        if (!r->in_base || !r->in_head)
            snprintf(change, sizeof change, "%s", csv ? "" : "-");
        else if (isinf(r->change))
            snprintf(change, sizeof change, "+inf");
        else
            snprintf(change, sizeof change, csv ? "%.3f" : "%+.1f%%", r->change);
        if (r->p >= 0)
            snprintf(p, sizeof p, csv ? "%.6g" : r->p < 0.0001 ? "<0.0001" : "%.4f", r->p);
        else
            snprintf(p, sizeof p, "%s", csv ? "" : "-");
        cells[5] = verdict_text[r->verdict];
        cli_table_row(&t, cells);
    }
    const char *how = is_count(o->metric) ? "counts compared exactly"
                                          : "Mann-Whitney U";
    if (o->style == CLI_TABLE_MARKDOWN)
        fprintf(out, "### hotpath compare: %s\n\nbase: %s (%zu run%s), head: %s (%zu run%s); %s",
                o->metric_name, base->label, base->runs.n, base->runs.n == 1 ? "" : "s", head->label,
                head->runs.n, head->runs.n == 1 ? "" : "s", how);
    else if (o->style == CLI_TABLE_BOX)
        fprintf(out, "[hotpath] compare %s: base: %s (%zu run%s), head: %s (%zu run%s); %s", o->metric_name,
                base->label, base->runs.n, base->runs.n == 1 ? "" : "s", head->label, head->runs.n,
                head->runs.n == 1 ? "" : "s", how);
    if (o->style != CLI_TABLE_CSV) {
        if (!is_count(o->metric))
            fprintf(out, ", %g%% confidence, threshold %g%%", o->confidence, o->threshold);
        fputs(o->style == CLI_TABLE_MARKDOWN ? "\n\n" : ":\n", out);
    }
    cli_table_write(out, &t, o->style);
    cli_table_free(&t);
}

static void write_summary(FILE *out, const struct row *rows, size_t n, const struct opts *o,
                          bool regressed) {
    if (o->style == CLI_TABLE_CSV)
        return;
    size_t count[V_COUNT] = {0};
    for (size_t i = 0; i < n; i++)
        count[rows[i].verdict]++;
    fputs(o->style == CLI_TABLE_MARKDOWN ? "\n**" : "[hotpath] ", out);
    fputs(regressed ? "regressed" : "no regression", out);
    fputs(o->style == CLI_TABLE_MARKDOWN ? "**:" : ":", out);
    const char *sep = " ";
    for (int v = 1; v < V_COUNT; v++)
        if (count[v]) {
            fprintf(out, "%s%zu %s", sep, count[v], verdict_text[v]);
            sep = ", ";
        }
    fputc('\n', out);
}

/* ======================================================================== */
/* Command line                                                             */
/* ======================================================================== */

static bool parse_metric(const char *s, struct opts *o) {
    static const char *const names[] = {"total", "self", "avg", "", "calls", "bytes", "allocs"};
    for (int i = 0; i < 7; i++)
        if (names[i][0] && strcmp(s, names[i]) == 0) {
            o->metric = (enum metric)i;
            snprintf(o->metric_name, sizeof o->metric_name, "%s", s);
            return true;
        }
    if ((s[0] == 'p' || s[0] == 'P') && cli_parse_double(s + 1, 0, 100, &o->pct)) {
        o->metric = M_PCT;
        snprintf(o->metric_name, sizeof o->metric_name, "p%g", o->pct);
        return true;
    }
    return false;
}

/* Fills the two sides' argument lists; returns 0, -1 for --help, or an exit code. */
static int parse_opts(int argc, char **argv, struct opts *o, char ***base, size_t *nbase,
                      char ***head, size_t *nhead) {
    static const struct option longs[] = {
        {"metric", required_argument, NULL, 'm'},    {"confidence", required_argument, NULL, 'c'},
        {"threshold", required_argument, NULL, 't'}, {"format", required_argument, NULL, 'f'},
        {"force", no_argument, NULL, 'F'},           {"vs", no_argument, NULL, 'v'},
        {"help", no_argument, NULL, 'h'},            {NULL, 0, NULL, 0}};
    memset(o, 0, sizeof *o);
    o->confidence = 99;
    o->threshold = 5;
    o->metric = M_PCT; /* p50: a preempted call moves a run's total, not its median */
    o->pct = 50;
    snprintf(o->metric_name, sizeof o->metric_name, "p50");
    char **args = calloc((size_t)argc + 1, sizeof *args);
    size_t nargs = 0, split = SIZE_MAX;
    if (!args)
        return cli_fail("compare", "out of memory");
    int rc = 0;
    for (int c; rc == 0 && (c = getopt_long(argc, argv, "-h", longs, NULL)) != -1;) {
        switch (c) {
        case 1: args[nargs++] = optarg; break;
        case 'm':
            if (!parse_metric(optarg, o))
                rc = cli_fail("compare", "--metric: '%s' is not one of total, self, avg, p50, p95, "
                                         "p99 (or any pN), calls, bytes, allocs", optarg);
            break;
        case 'c':
            if (!cli_parse_double(optarg, 50, 99.99, &o->confidence))
                rc = cli_fail("compare", "--confidence: '%s' is not a percentage from 50 to 99.99",
                              optarg);
            break;
        case 't':
            if (!cli_parse_double(optarg, 0, 1000, &o->threshold))
                rc = cli_fail("compare", "--threshold: '%s' is not a percentage from 0 to 1000",
                              optarg);
            break;
        case 'f': {
            int k = cli_table_style_parse(optarg, false, &o->style);
            if (k != 0)
                rc = cli_fail("compare", "--format: '%s' is not one of table, markdown, csv", optarg);
            break;
        }
        case 'F': o->force = true; break;
        case 'v':
            if (split != SIZE_MAX)
                rc = cli_fail("compare", "--vs given twice");
            split = nargs;
            break;
        case 'h': cli_compare_help(stdout); rc = -1; break;
        default: fputs("Try 'hotpath compare --help'.\n", stderr); rc = CLI_EXIT_BAD_INPUT;
        }
    }
    if (rc == 0 && split == SIZE_MAX) {
        if (nargs != 2)
            rc = cli_fail("compare", "%s (usage: hotpath compare BASE HEAD, or BASE... --vs HEAD...)",
                          nargs < 2 ? "needs two sides" : "more than two arguments: put --vs between the sides");
        split = 1;
    }
    if (rc == 0 && (split == 0 || split == nargs))
        rc = cli_fail("compare", "nothing %s --vs", split == 0 ? "before" : "after");
    if (rc != 0) {
        free(args);
        return rc;
    }
    *base = args;
    *nbase = split;
    *head = args + split;
    *nhead = nargs - split;
    return 0;
}

static char *side_label(char **args, size_t n) {
    char *s = NULL;
    if (n == 1)
        return strdup(args[0]);
    if (asprintf(&s, "%s and %zu more", args[0], n - 1) < 0)
        return NULL;
    return s;
}

static int load_side(struct side *s, char **args, size_t n) {
    char why[CLI_WHY];
    if (!cli_report_list_load(args, n, &s->runs, why))
        return cli_fail("compare", "%s", why);
    for (size_t i = 0; i < s->runs.n; i++)
        if (!cli_report_merge(&s->merged, &s->runs.items[i], why))
            return cli_fail("compare", "%s: %s", s->runs.items[i].path, why);
    return 0;
}

static const char *prog(const struct cli_report *r) { return r->program ? r->program : "(unnamed)"; }

/* Reports of different programs: a warning; without --force, bad input. */
static int check_programs(const struct side *base, const struct side *head, const struct opts *o) {
    const struct side *sides[2] = {base, head};
    const char *first = prog(&base->runs.items[0]);
    for (int k = 0; k < 2; k++)
        for (size_t i = 0; i < sides[k]->runs.n; i++) {
            const struct cli_report *r = &sides[k]->runs.items[i];
            if (strcmp(prog(r), first) == 0)
                continue;
            cli_warn("compare", "%s is a report of '%s', %s one of '%s'%s", r->path, prog(r),
                     base->runs.items[0].path, first,
                     o->force ? "; comparing anyway (--force)" : "; use --force to compare them anyway");
            return o->force ? 0 : CLI_EXIT_BAD_INPUT;
        }
    return 0;
}

int cli_compare_main(int argc, char **argv) {
    struct opts o;
    char **bargs = NULL, **hargs = NULL;
    size_t nb = 0, nh = 0;
    int rc = parse_opts(argc, argv, &o, &bargs, &nb, &hargs, &nh);
    if (rc != 0)
        return rc < 0 ? CLI_EXIT_OK : rc;
    struct side base = {0}, head = {0};
    char *blabel = side_label(bargs, nb), *hlabel = side_label(hargs, nh);
    base.label = blabel ? blabel : "base";
    head.label = hlabel ? hlabel : "head";
    struct row *rows = NULL;
    const char **bn = NULL, **hn = NULL;
    rc = load_side(&base, bargs, nb);
    if (rc == 0)
        rc = load_side(&head, hargs, nh);
    if (rc == 0)
        rc = check_programs(&base, &head, &o);
    if (rc != 0)
        goto out;
    bool allocs = o.metric == M_BYTES || o.metric == M_ALLOCS;
    if (allocs && (!base.merged.alloc || !head.merged.alloc)) {
        rc = cli_fail("compare", "%s: no allocation figures (run the program with HOTPATH_ALLOC=1 "
                                 "to compare --metric %s)",
                      base.merged.alloc ? head.label : base.label, o.metric_name);
        goto out;
    }
    if (o.metric == M_PCT) {
        const struct side *sides[2] = {&base, &head};
        for (int k = 0; k < 2; k++)
            for (size_t i = 0; i < sides[k]->runs.n; i++) {
                const struct cli_report *r = &sides[k]->runs.items[i];
                uint64_t v;
                if (r->nfuncs && !cli_func_percentile(&r->funcs[0], 1, o.pct, &v)) {
                    rc = cli_fail("compare", "%s: no %s figure (a schema-1 report holds only the "
                                             "percentiles it was run with: choose another --metric, "
                                             "or run with HOTPATH_PERCENTILES=50,95,99)",
                                  r->path, o.metric_name);
                    goto out;
                }
            }
    }
    size_t nbn, nhn;
    bn = row_names(&base.merged, allocs, &nbn);
    hn = row_names(&head.merged, allocs, &nhn);
    rows = calloc(nbn + nhn + 1, sizeof *rows);
    if (!bn || !hn || !rows) {
        rc = cli_fail("compare", "out of memory");
        goto out;
    }
    size_t n = 0, common = 0;
    for (size_t i = 0; i < nbn; i++) {
        struct row *r = &rows[n++];
        r->name = bn[i];
        r->in_base = true;
        r->in_head = has_name(hn, nhn, bn[i]);
        common += r->in_head;
    }
    for (size_t i = 0; i < nhn; i++)
        if (!has_name(bn, nbn, hn[i])) {
            rows[n].name = hn[i];
            rows[n++].in_head = true;
        }
    if (common == 0) {
        rc = cli_fail("compare", "%s and %s have no %s in common (base: %zu, head: %zu); nothing to "
                                 "compare", base.label, head.label, allocs ? "allocation rows" : "functions",
                      nbn, nhn);
        goto out;
    }
    bool regressed = false;
    for (size_t i = 0; i < n; i++) {
        struct row *r = &rows[i];
        if (r->in_base && r->in_head)
            judge(r, &base, &head, &o);
        else {
            judge(r, &base, &head, &o); /* the figures of the side that has it */
            r->p = -1;
            r->verdict = r->in_head ? V_NEW : V_GONE;
            r->change = 0;
        }
        r->impact = fabs((r->in_head ? r->after : 0) - (r->in_base ? r->before : 0));
        if (o.metric == M_AVG || o.metric == M_PCT) {
            double cb = calls_per_run(&base, r->name), ch = calls_per_run(&head, r->name);
            r->impact = fabs((r->in_head ? r->after * ch : 0) - (r->in_base ? r->before * cb : 0));
        }
        regressed = regressed || r->verdict == V_SLOWER || r->verdict == V_MORE;
    }
    qsort(rows, n, sizeof *rows, row_cmp);
    write_rows(stdout, rows, n, &o, &base, &head);
    write_summary(stdout, rows, n, &o, regressed);
    rc = regressed ? CLI_EXIT_REGRESSED : CLI_EXIT_OK;
out:
    free(rows);
    free(bn);
    free(hn);
    cli_report_list_free(&base.runs);
    cli_report_list_free(&head.runs);
    cli_report_free(&base.merged);
    cli_report_free(&head.merged);
    free(blabel);
    free(hlabel);
    free(bargs);
    return rc;
}
