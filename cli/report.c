/*
 * report.c — `hotpath report FILE...`: one or many JSON reports, merged
 * into one (or kept apart with --by-process), written as the runtime's
 * table, Markdown, CSV or JSON, with the runtime's sort, limit and focus.
 */
#include <cjson/cJSON.h>
#include <getopt.h>
#include <math.h>
#include <regex.h>
#include <stdlib.h>
#include <string.h>

#include "cli.h"
#include "histogram.h"
#include "report.h" /* hp_format_duration, hp_format_bytes (runtime/src/format.c) */
#include "regex_cost.h"
#include "reportfile.h"
#include "table.h"

void cli_report_help(FILE *out) {
    fputs("usage: hotpath report [options] FILE|FOLDER...\n\n"
          "Renders the JSON reports given (a folder stands for its *.json files) as one\n"
          "report: calls, totals, self times and allocation figures added, minimum and\n"
          "maximum the extremes, averages from the summed durations, percentiles from\n"
          "the merged histograms (schema 2; a merge of schema-1 files has none).\n\n"
          "options:\n"
          "  --format F        table (the runtime's layout, default), markdown, csv, json\n"
          "  --sort KEY        total (default), self, calls, avg, min, max, name\n"
          "  --limit N         at most N rows per table (0: all), as HOTPATH_LIMIT\n"
          "  --focus REGEX     only rows whose name matches (POSIX extended), as HOTPATH_FOCUS\n"
          "  --percentiles L   percentile columns, e.g. 50,95,99 (default: the first report's)\n"
          "  --by-process      one report per file instead of their merge\n"
          "  --help            this text\n\n"
          "exit status: 0 ok, 2 bad input (a message names the file and what is wrong).\n",
          out);
}

enum sort_key { SORT_TOTAL, SORT_SELF, SORT_CALLS, SORT_AVG, SORT_MIN, SORT_MAX, SORT_NAME };
static const char *const sort_names[] = {"total", "self", "calls", "avg", "min", "max", "name"};

struct opts {
    enum cli_table_style style;
    bool json, by_process, has_focus;
    enum sort_key sort;
    long limit;
    regex_t focus;
    int npct; /* -1: each report's own */
    double pct[CLI_MAX_PERCENTILES];
};

/* ======================================================================== */
/* Rows: sort, focus, limit                                                 */
/* ======================================================================== */

static enum sort_key sort_by;

static uint64_t func_key(const struct cli_func *f) {
    switch (sort_by) {
    case SORT_SELF: return f->self_ns;
    case SORT_CALLS: return f->calls;
    case SORT_AVG: return f->avg_ns;
    case SORT_MIN: return f->min_ns;
    case SORT_MAX: return f->max_ns;
    default: return f->total_ns;
    }
}

static int func_cmp(const void *x, const void *y) {
    const struct cli_func *a = *(struct cli_func *const *)x, *b = *(struct cli_func *const *)y;
    if (sort_by != SORT_NAME && func_key(a) != func_key(b))
        return func_key(a) > func_key(b) ? -1 : 1;
    return strcmp(a->name, b->name);
}

static uint64_t alloc_key(const struct cli_alloc *a) {
    return sort_by == SORT_CALLS ? a->calls : a->bytes_total;
}

static int alloc_cmp(const void *x, const void *y) {
    const struct cli_alloc *a = *(struct cli_alloc *const *)x, *b = *(struct cli_alloc *const *)y;
    if (sort_by != SORT_NAME && alloc_key(a) != alloc_key(b))
        return alloc_key(a) > alloc_key(b) ? -1 : 1;
    return strcmp(a->name, b->name);
}

static bool shown(const struct opts *o, const char *name) {
    return !o->has_focus || regexec(&o->focus, name, 0, NULL, 0) == 0;
}

/* Pointers to the rows to show, in order; *n their count. */
static const struct cli_func **select_funcs(const struct cli_report *r, const struct opts *o,
                                            size_t *n) {
    const struct cli_func **v = calloc(r->nfuncs + 1, sizeof *v);
    *n = 0;
    if (!v)
        return NULL;
    for (size_t i = 0; i < r->nfuncs; i++)
        if (shown(o, r->funcs[i].name))
            v[(*n)++] = &r->funcs[i];
    sort_by = o->sort;
    qsort(v, *n, sizeof *v, func_cmp);
    if (o->limit > 0 && *n > (size_t)o->limit)
        *n = (size_t)o->limit;
    return v;
}

static const struct cli_alloc **select_allocs(const struct cli_report *r, const struct opts *o,
                                              size_t *n) {
    const struct cli_alloc **v = calloc(r->nallocs + 1, sizeof *v);
    *n = 0;
    if (!v)
        return NULL;
    for (size_t i = 0; i < r->nallocs; i++)
        if (shown(o, r->allocs[i].name))
            v[(*n)++] = &r->allocs[i];
    sort_by = o->sort;
    qsort(v, *n, sizeof *v, alloc_cmp);
    if (o->limit > 0 && *n > (size_t)o->limit)
        *n = (size_t)o->limit;
    return v;
}

static int report_pcts(const struct cli_report *r, const struct opts *o, const double **p) {
    *p = o->npct >= 0 ? o->pct : r->pct;
    return o->npct >= 0 ? o->npct : r->npct;
}

/* ======================================================================== */
/* Tables                                                                   */
/* ======================================================================== */

static const char *title_of(const struct cli_report *r) {
    return r->main_name ? r->main_name : r->program ? r->program : "(unknown program)";
}

/* CSV has no title: its rows are raw numbers for a program to read. */
static void write_title(FILE *out, const struct opts *o, const char *what,
                        const struct cli_report *r, const char *tail) {
    char extra[600] = "";
    if (r->nfiles > 1)
        snprintf(extra, sizeof extra, ", %zu reports merged", r->nfiles);
    else if (o->by_process && r->has_pid)
        snprintf(extra, sizeof extra, ", pid %lld in %.500s", (long long)r->pid, r->path);
    else if (o->by_process)
        snprintf(extra, sizeof extra, " in %.500s", r->path);
    if (o->style == CLI_TABLE_MARKDOWN)
        fprintf(out, "### %s from %s%s (%s)\n\n", what, title_of(r), extra, tail);
    else if (o->style == CLI_TABLE_BOX)
        fprintf(out, "[hotpath] %s from %s%s (%s):\n", what, title_of(r), extra, tail);
}

/* A duration or size as shown (units), or raw for CSV. */
static void cell_ns(char *buf, uint64_t v, const struct opts *o) {
    if (o->style == CLI_TABLE_CSV)
        snprintf(buf, 32, "%llu", (unsigned long long)v);
    else
        hp_format_duration(v, buf);
}

static void cell_bytes(char *buf, uint64_t v, const struct opts *o) {
    if (o->style == CLI_TABLE_CSV)
        snprintf(buf, 32, "%llu", (unsigned long long)v);
    else
        hp_format_bytes(v, buf);
}

static void timing_table(FILE *out, const struct cli_report *r, const struct opts *o) {
    const double *p;
    int np = report_pcts(r, o, &p);
    size_t n, ncols = 8 + (size_t)np;
    const struct cli_func **rows = select_funcs(r, o, &n);
    char dur[32], cells[8 + CLI_MAX_PERCENTILES][32];
    const char *cp[8 + CLI_MAX_PERCENTILES];
    struct cli_table t;
    bool unknown = false;
    for (size_t c = 0; c < ncols; c++)
        cp[c] = cells[c];
    snprintf(dur, sizeof dur, "Total time: ");
    hp_format_duration(r->total_ns, dur + strlen(dur));
    write_title(out, o, "Performance Summary", r, dur);
    cli_table_init(&t, ncols);
    bool csv = o->style == CLI_TABLE_CSV;
    const char *left[] = {"Function", "Calls", "Min", "Max", "Avg"};
    const char *right[] = {"Total", "Self", "% Total"};
    const char *csv_left[] = {"function", "calls", "min_ns", "max_ns", "avg_ns"};
    const char *csv_right[] = {"total_ns", "self_ns", "percent_total"};
    for (int c = 0; c < 5; c++)
        snprintf(cells[c], 32, "%s", csv ? csv_left[c] : left[c]);
    for (int i = 0; i < np; i++)
        snprintf(cells[5 + i], 32, csv ? "p%g_ns" : "P%g", p[i]);
    for (int c = 0; c < 3; c++)
        snprintf(cells[5 + np + c], 32, "%s", csv ? csv_right[c] : right[c]);
    cli_table_row(&t, cp);
    for (size_t i = 0; rows && i < n; i++) {
        const struct cli_func *f = rows[i];
        cp[0] = f->name;
        snprintf(cells[1], 32, "%llu", (unsigned long long)f->calls);
        cell_ns(cells[2], f->min_ns, o);
        cell_ns(cells[3], f->max_ns, o);
        cell_ns(cells[4], f->avg_ns, o);
        for (int k = 0; k < np; k++) {
            uint64_t v;
            if (cli_func_percentile(f, r->nfiles, p[k], &v))
                cell_ns(cells[5 + k], v, o);
            else {
                snprintf(cells[5 + k], 32, "%s", csv ? "" : "-");
                unknown = true;
            }
        }
        cell_ns(cells[5 + np], f->total_ns, o);
        cell_ns(cells[6 + np], f->self_ns, o);
        snprintf(cells[7 + np], 32, csv ? "%.4f" : "%.2f%%",
                 r->total_ns ? 100.0 * (double)f->total_ns / (double)r->total_ns : 0.0);
        cli_table_row(&t, cp);
        cp[0] = cells[0];
    }
    cli_table_write(out, &t, o->style);
    cli_table_free(&t);
    free(rows);
    if (r->dropped && !csv)
        fprintf(out, "[hotpath] %llu measurements dropped: too many open at once on a thread\n",
                (unsigned long long)r->dropped);
    if (unknown && !csv)
        fprintf(out, "[hotpath] -: %s\n",
                r->nfiles > 1 ? "percentile unknown: schema-1 reports carry no histogram to merge"
                              : "percentile not in this schema-1 report");
}

static void alloc_table(FILE *out, const struct cli_report *r, const struct opts *o) {
    const double *p;
    int np = report_pcts(r, o, &p);
    size_t n, ncols = 8 + (size_t)np;
    const struct cli_alloc **rows = select_allocs(r, o, &n);
    char head[96], b[32], cells[8 + CLI_MAX_PERCENTILES][32];
    const char *cp[8 + CLI_MAX_PERCENTILES];
    struct cli_table t;
    for (size_t c = 0; c < ncols; c++)
        cp[c] = cells[c];
    snprintf(head, sizeof head, "%s; %s allocated in all", r->alloc_mode ? r->alloc_mode : "exclusive",
             hp_format_bytes(r->alloc_bytes, b));
    bool csv = o->style == CLI_TABLE_CSV;
    fputc('\n', out);
    write_title(out, o, "Allocations", r, head);
    cli_table_init(&t, ncols);
    snprintf(cells[0], 32, csv ? "function" : "Function");
    snprintf(cells[1], 32, csv ? "calls" : "Calls");
    snprintf(cells[2], 32, csv ? "bytes_avg" : "Bytes avg");
    for (int i = 0; i < np; i++)
        snprintf(cells[3 + i], 32, csv ? "bytes_p%g" : "Bytes P%g", p[i]);
    const char *right[] = {"Bytes total", "Peak live", "Allocs", "Peak allocs", "% of bytes"};
    const char *csv_right[] = {"bytes_total", "peak_live_bytes", "allocs", "peak_allocs",
                               "percent_bytes"};
    for (int c = 0; c < 5; c++)
        snprintf(cells[3 + np + c], 32, "%s", csv ? csv_right[c] : right[c]);
    cli_table_row(&t, cp);
    for (size_t i = 0; rows && i < n; i++) {
        const struct cli_alloc *a = rows[i];
        cp[0] = a->name;
        snprintf(cells[1], 32, "%llu", (unsigned long long)a->calls);
        cell_bytes(cells[2], a->bytes_avg, o);
        for (int k = 0; k < np; k++) {
            uint64_t v;
            if (cli_alloc_percentile(a, r->nfiles, p[k], &v))
                cell_bytes(cells[3 + k], v, o);
            else
                snprintf(cells[3 + k], 32, "%s", csv ? "" : "-");
        }
        cell_bytes(cells[3 + np], a->bytes_total, o);
        cell_bytes(cells[4 + np], a->peak_live_bytes, o);
        snprintf(cells[5 + np], 32, "%llu", (unsigned long long)a->allocs);
        snprintf(cells[6 + np], 32, "%llu", (unsigned long long)a->peak_allocs);
        snprintf(cells[7 + np], 32, csv ? "%.4f" : "%.2f%%",
                 r->alloc_bytes ? 100.0 * (double)a->bytes_total / (double)r->alloc_bytes : 0.0);
        cli_table_row(&t, cp);
        cp[0] = cells[0];
    }
    cli_table_write(out, &t, o->style);
    cli_table_free(&t);
    free(rows);
}

static void write_tables(FILE *out, const struct cli_report *r, const struct opts *o) {
    timing_table(out, r, o);
    if (r->alloc)
        alloc_table(out, r, o);
}

/* ======================================================================== */
/* JSON: a schema-2 report again (schema 1 when a schema-1 file went in)    */
/* ======================================================================== */

/* The distribution back into the runtime's buckets, in nanoseconds (the
 * merged report's ns_per_tick is 1). */
static cJSON *json_histogram(const struct cli_dist *d) {
    cJSON *h = cJSON_CreateArray();
    uint32_t last = UINT32_MAX;
    uint64_t count = 0;
    for (size_t i = 0; h && i <= d->n; i++) {
        uint32_t b = i < d->n ? hp_hist_index((uint64_t)llround(d->bins[i].v)) : UINT32_MAX;
        if (b != last && last != UINT32_MAX) {
            cJSON *pair = cJSON_CreateArray();
            cJSON_AddItemToArray(pair, cJSON_CreateNumber(last));
            cJSON_AddItemToArray(pair, cJSON_CreateNumber((double)count));
            cJSON_AddItemToArray(h, pair);
            count = 0;
        }
        if (i < d->n) {
            last = b;
            count += d->bins[i].c;
        }
    }
    return h;
}

static cJSON *json_percentiles(const struct cli_report *r, const struct opts *o, const void *row,
                               bool alloc) {
    const double *p;
    int np = report_pcts(r, o, &p);
    cJSON *obj = cJSON_CreateObject();
    for (int k = 0; k < np; k++) {
        uint64_t v;
        char key[32];
        snprintf(key, sizeof key, "%g", p[k]);
        if (alloc ? cli_alloc_percentile(row, r->nfiles, p[k], &v)
                  : cli_func_percentile(row, r->nfiles, p[k], &v))
            cJSON_AddNumberToObject(obj, key, (double)v);
        else
            cJSON_AddNullToObject(obj, key);
    }
    return obj;
}

#define NUM(obj, key, v) cJSON_AddNumberToObject(obj, key, (double)(v))

/* A share in percent with the runtime's 4 decimals. */
static double percent(uint64_t part, uint64_t whole) {
    return whole ? round(1e6 * (double)part / (double)whole) / 1e4 : 0.0;
}

static cJSON *json_report(const struct cli_report *r, const struct opts *o) {
    cJSON *j = cJSON_CreateObject();
    const double *p;
    int np = report_pcts(r, o, &p);
    bool v2 = r->schema >= 2;
    NUM(j, "schema", v2 ? 2 : 1);
    r->main_name ? cJSON_AddStringToObject(j, "main", r->main_name) : cJSON_AddNullToObject(j, "main");
    r->program ? cJSON_AddStringToObject(j, "program", r->program) : cJSON_AddNullToObject(j, "program");
    NUM(j, "total_ns", r->total_ns);
    if (r->clock)
        cJSON_AddStringToObject(j, "clock", r->clock);
    NUM(j, "dropped", r->dropped);
    cJSON *pcs = cJSON_AddArrayToObject(j, "percentiles");
    for (int k = 0; k < np; k++)
        cJSON_AddItemToArray(pcs, cJSON_CreateNumber(p[k]));
    if (v2) {
        if (r->has_pid)
            NUM(j, "pid", r->pid);
        NUM(j, "ns_per_tick", 1);
        cJSON *lay = cJSON_AddObjectToObject(j, "histogram_layout");
        NUM(lay, "sub_bits", HP_HIST_SUB_BITS);
        NUM(lay, "max_exp", HP_HIST_MAX_EXP);
        NUM(lay, "buckets", HP_HIST_BUCKETS);
    }
    NUM(j, "merged_reports", r->nfiles);
    size_t n;
    const struct cli_func **rows = select_funcs(r, o, &n);
    cJSON *fa = cJSON_AddArrayToObject(j, "functions");
    for (size_t i = 0; rows && i < n; i++) {
        const struct cli_func *f = rows[i];
        cJSON *x = cJSON_CreateObject();
        cJSON_AddStringToObject(x, "name", f->name);
        cJSON_AddStringToObject(x, "kind", f->kind ? f->kind : "function");
        if (f->file)
            cJSON_AddStringToObject(x, "file", f->file);
        NUM(x, "line", f->line);
        NUM(x, "calls", f->calls);
        NUM(x, "min_ns", f->min_ns);
        NUM(x, "max_ns", f->max_ns);
        NUM(x, "avg_ns", f->avg_ns);
        NUM(x, "total_ns", f->total_ns);
        NUM(x, "self_ns", f->self_ns);
        NUM(x, "percent_total", percent(f->total_ns, r->total_ns));
        cJSON_AddItemToObject(x, "percentiles_ns", json_percentiles(r, o, f, false));
        if (v2) {
            NUM(x, "sum_ns", f->sum_ns);
            cJSON_AddItemToObject(x, "histogram", json_histogram(&f->dist));
        }
        cJSON_AddItemToArray(fa, x);
    }
    free(rows);
    if (r->alloc) {
        cJSON_AddStringToObject(j, "alloc_mode", r->alloc_mode ? r->alloc_mode : "exclusive");
        NUM(j, "alloc_bytes", r->alloc_bytes);
        const struct cli_alloc **arows = select_allocs(r, o, &n);
        cJSON *aa = cJSON_AddArrayToObject(j, "allocations");
        for (size_t i = 0; arows && i < n; i++) {
            const struct cli_alloc *a = arows[i];
            cJSON *x = cJSON_CreateObject();
            cJSON_AddStringToObject(x, "name", a->name);
            NUM(x, "calls", a->calls);
            NUM(x, "bytes_avg", a->bytes_avg);
            NUM(x, "bytes_total", a->bytes_total);
            NUM(x, "peak_live_bytes", a->peak_live_bytes);
            NUM(x, "allocs", a->allocs);
            NUM(x, "peak_allocs", a->peak_allocs);
            NUM(x, "percent_bytes", percent(a->bytes_total, r->alloc_bytes));
            cJSON_AddItemToObject(x, "bytes_percentiles", json_percentiles(r, o, a, true));
            if (v2) {
                NUM(x, "bytes_sum", a->bytes_sum);
                NUM(x, "min_bytes", a->min_bytes);
                NUM(x, "max_bytes", a->max_bytes);
                cJSON_AddItemToObject(x, "bytes_histogram", json_histogram(&a->dist));
            }
            cJSON_AddItemToArray(aa, x);
        }
        free(arows);
    }
    return j;
}

static void print_json(FILE *out, cJSON *j) {
    char *text = cJSON_Print(j);
    if (text)
        fprintf(out, "%s\n", text);
    free(text);
    cJSON_Delete(j);
}

/* ======================================================================== */
/* Command line                                                             */
/* ======================================================================== */

static int parse_opts(int argc, char **argv, struct opts *o, int *first) {
    static const struct option longs[] = {
        {"format", required_argument, NULL, 'f'}, {"sort", required_argument, NULL, 's'},
        {"limit", required_argument, NULL, 'l'},  {"focus", required_argument, NULL, 'F'},
        {"percentiles", required_argument, NULL, 'p'},
        {"by-process", no_argument, NULL, 'b'},   {"help", no_argument, NULL, 'h'},
        {NULL, 0, NULL, 0}};
    memset(o, 0, sizeof *o);
    o->npct = -1;
    for (int c; (c = getopt_long(argc, argv, "h", longs, NULL)) != -1;) {
        switch (c) {
        case 'f': {
            int k = cli_table_style_parse(optarg, true, &o->style);
            if (k < 0)
                return cli_fail("report", "--format: '%s' is not one of table, markdown, csv, json",
                                optarg);
            o->json = k == 1;
            break;
        }
        case 's': {
            size_t i = 0;
            while (i < sizeof sort_names / sizeof *sort_names && strcmp(optarg, sort_names[i]))
                i++;
            if (i == sizeof sort_names / sizeof *sort_names)
                return cli_fail("report",
                                "--sort: '%s' is not one of total, self, calls, avg, min, max, name",
                                optarg);
            o->sort = (enum sort_key)i;
            break;
        }
        case 'l':
            if (!cli_parse_long(optarg, 0, 1000000, &o->limit))
                return cli_fail("report", "--limit: '%s' is not a whole number from 0 to 1000000",
                                optarg);
            break;
        case 'F': {
            if (o->has_focus)
                regfree(&o->focus);
            o->has_focus = false;
            bool unbounded_empty;
            if (hp_regex_size(optarg, &unbounded_empty) > HP_REGEX_MAX_ATOMS || unbounded_empty)
                return cli_fail("report", "--focus: '%s' is not accepted: %s (glibc compiles it in "
                                "exponential time); give a POSIX extended regular expression of at "
                                "most %d atoms, a repeated part counted once per copy", optarg,
                                unbounded_empty ? "an unbounded repetition of a part that can match nothing"
                                                : "more than 1000 atoms once its repetitions are copied out",
                                HP_REGEX_MAX_ATOMS);
            const char *nested = hp_regex_nested(optarg);
            if (nested)
                return cli_fail("report", "--focus: '%s' is not accepted: %s (glibc compiles it in "
                                "exponential time); give a POSIX extended regular expression that "
                                "repeats only characters, brackets, escapes and plain groups",
                                optarg, nested);
            int e = regcomp(&o->focus, optarg, REG_EXTENDED | REG_NOSUB);
            if (e) {
                char msg[128];
                regerror(e, &o->focus, msg, sizeof msg);
                return cli_fail("report", "--focus: '%s' is not a POSIX extended regular expression (%s)",
                                optarg, msg);
            }
            o->has_focus = true;
            break;
        }
        case 'p':
            o->npct = cli_parse_percentiles(optarg, o->pct);
            if (o->npct < 0)
                return cli_fail("report",
                                "--percentiles: '%s' is not a list of 1 to %d numbers from 0 to 100, "
                                "e.g. 50,95,99",
                                optarg, CLI_MAX_PERCENTILES);
            break;
        case 'b': o->by_process = true; break;
        case 'h': cli_report_help(stdout); return -1;
        default: fputs("Try 'hotpath report --help'.\n", stderr); return CLI_EXIT_BAD_INPUT;
        }
    }
    *first = optind;
    if (optind >= argc)
        return cli_fail("report", "no report named (usage: hotpath report [options] FILE|FOLDER...)");
    return 0;
}

int cli_report_main(int argc, char **argv) {
    struct opts o;
    int first = 0, rc = parse_opts(argc, argv, &o, &first);
    if (rc != 0) {
        if (o.has_focus)
            regfree(&o.focus);
        return rc < 0 ? CLI_EXIT_OK : rc;
    }
    char why[CLI_WHY];
    struct cli_report_list list;
    if (!cli_report_list_load(argv + first, (size_t)(argc - first), &list, why)) {
        if (o.has_focus)
            regfree(&o.focus);
        return cli_fail("report", "%s", why);
    }
    rc = CLI_EXIT_OK;
    if (o.by_process) {
        cJSON *all = o.json ? cJSON_CreateArray() : NULL;
        for (size_t i = 0; i < list.n; i++) {
            if (o.json)
                cJSON_AddItemToArray(all, json_report(&list.items[i], &o));
            else {
                if (i)
                    fputc('\n', stdout);
                write_tables(stdout, &list.items[i], &o);
            }
        }
        if (o.json)
            print_json(stdout, all);
    } else {
        for (size_t i = 1; i < list.n; i++)
            if (strcmp(list.items[i].program ? list.items[i].program : "",
                       list.items[0].program ? list.items[0].program : "") != 0) {
                cli_warn("report", "merging reports of different programs: %s is of '%s', %s of '%s'",
                         list.items[i].path, list.items[i].program ? list.items[i].program : "?",
                         list.items[0].path, list.items[0].program ? list.items[0].program : "?");
                break;
            }
        struct cli_report merged = {0};
        for (size_t i = 0; i < list.n && rc == CLI_EXIT_OK; i++)
            if (!cli_report_merge(&merged, &list.items[i], why))
                rc = cli_fail("report", "%s: %s", list.items[i].path, why);
        if (rc == CLI_EXIT_OK) {
            if (o.json)
                print_json(stdout, json_report(&merged, &o));
            else
                write_tables(stdout, &merged, &o);
        }
        cli_report_free(&merged);
    }
    cli_report_list_free(&list);
    if (o.has_focus)
        regfree(&o.focus);
    return rc;
}
