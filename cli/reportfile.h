/*
 * reportfile.h — the runtime's JSON report, read and merged (the `hotpath`
 * command's one reader; every subcommand goes through it).
 *
 * Reads schema 1 and schema 2 (docs/compare.md, /work/shared's schema
 * contract): schema 2 adds "pid", "ns_per_tick", "histogram_layout", and per
 * function "sum_ns" and "histogram" (per allocation row "bytes_sum",
 * "min_bytes", "max_bytes", "bytes_histogram"). Unknown fields are ignored:
 * among them the per-thread figures ("threads", "thread_records_bytes", per
 * function "per_thread"), which report and compare do not show.
 * Integers are read through cJSON as doubles: exact up to 2^53 (104 days in
 * nanoseconds); a larger value is refused, not rounded.
 */
#ifndef HOTPATH_CLI_REPORTFILE_H
#define HOTPATH_CLI_REPORTFILE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define CLI_MAX_PERCENTILES 16
#define CLI_WHY 1024 /* size of an error text */

/* A distribution: values (nanoseconds or bytes, the midpoint of a
 * histogram bucket) with their counts, ascending by value once sorted. */
struct cli_dist {
    size_t n, cap;
    struct cli_bin {
        double v;
        uint64_t c;
    } *bins;
};

/* One row of "functions". */
struct cli_func {
    char *name, *kind, *file;
    uint64_t line, calls, min_ns, max_ns, avg_ns, total_ns, self_ns;
    uint64_t sum_ns;  /* schema 2; else avg_ns * calls (rounded) */
    bool exact_sum;   /* sum_ns read from the file(s), not rebuilt from avg */
    int npct;         /* the file's own percentiles_ns, valid while nfiles == 1 */
    double pct_p[CLI_MAX_PERCENTILES];
    uint64_t pct_v[CLI_MAX_PERCENTILES];
    bool has_hist;    /* dist holds every call (schema 2) */
    struct cli_dist dist;
};

/* One row of "allocations". */
struct cli_alloc {
    char *name;
    uint64_t calls, bytes_avg, bytes_total, peak_live_bytes, allocs, peak_allocs;
    uint64_t bytes_sum, min_bytes, max_bytes; /* schema 2 */
    bool exact_sum;
    int npct;
    double pct_p[CLI_MAX_PERCENTILES];
    uint64_t pct_v[CLI_MAX_PERCENTILES];
    bool has_hist;
    struct cli_dist dist;
};

struct cli_report {
    char *path;      /* as given; for a merge, the first file's */
    int schema;      /* 1 or 2; for a merge, the lowest */
    char *program, *main_name, *clock;
    uint64_t total_ns, dropped;
    bool has_pid;
    int64_t pid;
    double ns_per_tick;
    int npct; /* the percentiles the report shows */
    double pct[CLI_MAX_PERCENTILES];
    size_t nfuncs;
    struct cli_func *funcs;
    bool alloc;
    char *alloc_mode;
    uint64_t alloc_bytes;
    size_t nallocs;
    struct cli_alloc *allocs;
    size_t nfiles; /* reports this one holds: 1, or the number merged */
};

/* Parses a report from text (len bytes, not necessarily NUL-terminated).
 * On success fills *r (release with cli_report_free) and returns true; else
 * writes one line saying what is wrong (no file name) to why[CLI_WHY]. */
bool cli_report_parse(const char *text, size_t len, struct cli_report *r, char *why);

/* Reads the report in `path`: as cli_report_parse, plus "cannot open ..."
 * and the like. r->path is a copy of path. */
bool cli_report_load(const char *path, struct cli_report *r, char *why);

void cli_report_free(struct cli_report *r);

/* Adds report `in` into `acc` (which starts zeroed, or as a previous merge):
 * calls, totals, self, sums, histograms and allocation figures added; min
 * and max and peaks the extremes. Rows are matched by name (and kind). */
bool cli_report_merge(struct cli_report *acc, const struct cli_report *in, char *why);

/* The value at percentile p of a function (nearest rank over the merged
 * histogram, or the file's own figure for one schema-1 report). False when
 * it cannot be known: a schema-1 merge, or p not in a schema-1 report. */
bool cli_func_percentile(const struct cli_func *f, size_t nfiles, double p, uint64_t *out);
bool cli_alloc_percentile(const struct cli_alloc *a, size_t nfiles, double p, uint64_t *out);

/* Row lookup by name (and, for functions, kind; NULL kind matches any). */
struct cli_func *cli_report_func(const struct cli_report *r, const char *name, const char *kind);
struct cli_alloc *cli_report_alloc(const struct cli_report *r, const char *name);

/*
 * A list of reports named on the command line: each argument a file, or a
 * folder whose *.json files (sorted by name) are all read. On failure
 * writes "<file>: <why>" to why and returns false; *list is left empty.
 */
struct cli_report_list {
    size_t n;
    struct cli_report *items;
};
bool cli_report_list_load(char *const *args, size_t nargs, struct cli_report_list *list,
                          char *why);
void cli_report_list_free(struct cli_report_list *list);

/* Parses "50,95,99.9" into p[]; returns the count, or -1 if malformed. */
int cli_parse_percentiles(const char *s, double *p);

#endif
