/* report.h — building and printing the report (private). */
#ifndef HOTPATH_REPORT_H
#define HOTPATH_REPORT_H

#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>

#include "config.h"

/* Prints the report unless it has been printed already; true if it printed
 * (or, with format none, would have). Thread-safe. */
bool hp_report_once(void);
bool hp_report_done(void);
/* Writes the figures so far (an on-demand report, numbered by %n), unless
 * the final report has begun. Not async-signal-safe: signals.c calls it
 * from its reporter thread. */
bool hp_report_snapshot(void);

/* One row of the timing table, in nanoseconds. */
struct hp_row {
    const char *name;
    const char *file;
    uint32_t line;
    uint32_t kind;
    uint64_t calls, min, max, avg, total, self;
    uint64_t pct[HP_MAX_PERCENTILES];
    double percent_total;
};

/* One row of the allocation table: bytes and counts. */
struct hp_alloc_row {
    const char *name;
    uint64_t calls, bytes_avg, bytes_total, peak_bytes, allocs, peak_allocs;
    uint64_t pct[HP_MAX_PERCENTILES]; /* bytes per call */
    double percent_bytes;
};

struct hp_report {
    const char *main_name; /* NULL: the window is the process lifetime */
    const char *program;   /* the program's name, for a title without main */
    uint64_t total_ns;     /* length of the window */
    struct hp_percentiles percentiles;
    const char *clock;
    uint64_t dropped;
    struct hp_row *rows; /* sorted by total, largest first; focus and limit applied */
    size_t nrows;
    bool measured; /* any site was ever entered */
    bool alloc;    /* allocation tracking was on: the allocation table follows */
    bool alloc_cumulative;
    uint64_t alloc_bytes; /* allocated by the whole process in the window */
    struct hp_alloc_row *arows; /* sorted by bytes total; focus and limit applied */
    size_t narows;
};

/* Gathers the report as of now (rows sorted, focus and limit applied).
 * Thread-safe; release with hp_report_free. Exposed for tests. */
void hp_report_collect(struct hp_report *r);
void hp_report_free(struct hp_report *r);

/* Writes r in the given format. Exposed for tests. */
void hp_report_write(FILE *out, const struct hp_report *r, enum hp_format format);

/* Sorts rows by total time (largest first, then by name) and applies focus
 * and limit from hp_config. Returns the new row count. */
size_t hp_rows_select(struct hp_row *rows, size_t n);
size_t hp_alloc_rows_select(struct hp_alloc_row *rows, size_t n);

/* "250ns", "44.54µs", "2.09ms", "1.23s". buf holds at least 32 bytes. */
const char *hp_format_duration(uint64_t ns, char *buf);

/* "512B", "1.50KiB", "2.00MiB", "1.00GiB". buf holds at least 32 bytes. */
const char *hp_format_bytes(uint64_t bytes, char *buf);

/* Columns the string takes on a terminal (UTF-8 code points). */
size_t hp_display_width(const char *s);

#endif
