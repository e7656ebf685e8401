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

/* One non-empty histogram bucket (histogram.h's layout). */
struct hp_bucket {
    uint32_t index;
    uint64_t count;
};

/* A row's histogram: nbuckets buckets from first, in the report's buckets
 * array, ascending by index. */
struct hp_hist_ref {
    size_t first;
    uint32_t nbuckets;
};

/* One row of the timing table, in nanoseconds. */
struct hp_row {
    const char *name;
    const char *file;
    uint32_t line;
    uint32_t kind;
    uint64_t calls, min, max, avg, total, self;
    /* Sampling: the calls timed (= calls unless sampled) and the largest
     * period of the site's (site, thread) records; sampled rows' total,
     * self, sum and avg are estimates (report.c, estimate()), timed_sum
     * the timed calls' own sum. */
    uint64_t timed, sample_period, timed_sum;
    bool sampled;
    uint64_t sum; /* of every call's duration: avg is sum / calls, rounded */
    uint64_t alloc_bytes; /* bytes allocated (allocation tracking on), for HOTPATH_SORT=alloc */
    uint64_t pct[HP_MAX_PERCENTILES];
    double percent_total;
    struct hp_hist_ref hist; /* durations, in clock ticks */
    /* Its figures per thread: nper entries of the report's figs from
     * first_per (calls, total, self add up to the row's exactly). */
    size_t first_per;
    uint32_t nper;
};

/* One function's figures on one thread record, in nanoseconds: calls,
 * total and self add up over a row's entries to the row's exactly (each
 * entry's share rounded so that the running sums are; self may then be
 * negative where the row's was clamped). */
struct hp_thread_fig {
    uint32_t thread; /* index in the report's threads */
    uint64_t calls, total, sum;
    int64_t self;
};

/* One row of the Threads section: a thread, or threads merged into one
 * record (internal.h, per-thread records). */
struct hp_thread_row {
    long tid;                   /* the first thread's, for a merged record */
    char name[16];              /* pthread_getname_np; the program's for the main thread */
    uint64_t nthreads;          /* threads merged into the record: 1 for a thread of its own */
    bool group, other;          /* merged by name; "other threads" */
    bool exited;                /* a record kept past the thread's exit */
    uint64_t calls;             /* of every function row (main windows are not rows) */
    uint64_t measured_ns;       /* in its outermost measured calls (main windows included) */
    uint64_t cpu_ns;            /* CLOCK_THREAD_CPUTIME_ID: at exit, or now */
    const char *top_self;       /* the row with its largest Self; NULL if none */
    int64_t top_self_ns;
};

/* One row of the allocation table: bytes and counts. */
struct hp_alloc_row {
    const char *name;
    uint64_t calls, bytes_avg, bytes_total, peak_bytes, allocs, peak_allocs;
    uint64_t bytes_sum, min_bytes, max_bytes; /* bytes of one call: sum, smallest, largest */
    uint64_t pct[HP_MAX_PERCENTILES]; /* bytes per call */
    double percent_bytes;
    struct hp_hist_ref hist; /* bytes per call */
};

struct hp_report {
    const char *main_name; /* NULL: the window is the process lifetime */
    const char *program;   /* the program's name, for a title without main */
    uint64_t total_ns;     /* length of the window */
    struct hp_percentiles percentiles;
    const char *clock;
    double ns_per_tick; /* the clock's: turns histogram bounds into nanoseconds */
    long pid;           /* the process that wrote the report */
    uint64_t dropped;
    struct hp_row *rows; /* sorted by HOTPATH_SORT, largest first; focus and limit applied */
    size_t nrows;
    size_t nmeasured;  /* rows with calls, before focus and limit: 0 when nothing was measured */
    size_t over_limit; /* rows HOTPATH_LIMIT left out (after focus) */
    bool measured;     /* any site was ever entered (main windows included) */
    bool entered;      /* a site other than a main window was entered */
    /* Overhead compensation (calibrate.c): on or off (HOTPATH_COMPENSATE),
     * the calibrated cost of one measured call (in the callee's window,
     * around it in the caller's), and the run's estimated overhead: every
     * measured call (before focus and limit) times the whole cost. */
    bool compensated;
    double probe_in_ns, probe_out_ns;
    uint64_t calls_all, overhead_ns;
    uint64_t calibration_ns; /* what the calibrations took, all together */
    uint64_t calibrations;   /* how many ran (the first and the reruns); the probe figures are their mean */
    bool alloc;    /* allocation tracking was on: the allocation table follows */
    bool alloc_cumulative;
    uint64_t alloc_bytes; /* allocated by the whole process in the window */
    struct hp_alloc_row *arows; /* sorted by bytes total; focus and limit applied */
    size_t narows;
    size_t aover_limit;
    struct hp_bucket *buckets; /* every row's non-empty histogram buckets */
    size_t nbuckets, capbuckets;
    /* Per thread (threads.c's records, then the live threads), sorted:
     * threads of their own by tid, then merged records by name, then
     * "other threads"; only those with calls. */
    struct hp_thread_row *threads;
    size_t nthreads;
    struct hp_thread_fig *figs; /* the rows' per-thread figures */
    size_t nfigs, capfigs;
    uint64_t thread_records_bytes; /* what the exited threads' records hold */
    uint64_t threads_lost;         /* exited threads (or sites) whose record found no memory */
};

/* Gathers the report as of now (rows sorted, focus and limit applied).
 * Thread-safe; release with hp_report_free. Exposed for tests. */
void hp_report_collect(struct hp_report *r);
void hp_report_free(struct hp_report *r);

/* Writes r in the given format. Exposed for tests. */
void hp_report_write(FILE *out, const struct hp_report *r, enum hp_format format);

/* Sorts rows by hp_config.sort (largest first, then by name) and applies
 * focus and limit from hp_config. Returns the new row count; *over_limit
 * gets the number of rows the limit left out. */
size_t hp_rows_select(struct hp_row *rows, size_t n, size_t *over_limit);
size_t hp_alloc_rows_select(struct hp_alloc_row *rows, size_t n, size_t *over_limit);

/* "250ns", "44.54µs", "2.09ms", "1.23s" (in any locale). buf holds at least 32 bytes. */
const char *hp_format_duration(uint64_t ns, char *buf);
/* s as a message quotes it: at most `max` bytes of it (then "..."), each
 * control character written \n, \t, \r or \xNN, so that a value, name or
 * key keeps a message on one line (the runtime's messages, and the hotpath
 * command's about report files). Returns buf. */
const char *hp_printable(const char *s, size_t max, char *buf, size_t size);

/* "512B", "1.50KiB", "2.00MiB", "1.00GiB". buf holds at least 32 bytes. */
const char *hp_format_bytes(uint64_t bytes, char *buf);

/* v with `decimals` decimals after a '.', whatever the locale: "1.6500".
 * buf holds at least 32 bytes. */
const char *hp_format_fixed(double v, int decimals, char *buf);

/* Numbers and strings without printf, whose code is pages that a short
 * process would fault in for them alone: v's decimal digits at p (at
 * least `width` of them, zero-padded; no NUL), returning their end;
 * printf's "%.17g" of v in the C locale (buf: 32 bytes); s copied into
 * dst of `size` bytes, cut to fit, NUL-terminated. */
char *hp_put_u64(char *p, uint64_t v);
char *hp_put_u64_width(char *p, uint64_t v, int width);
const char *hp_format_g17(double v, char *buf);
void hp_copy_str(char *dst, size_t size, const char *s);

/* Columns the string takes on a terminal: one per UTF-8 code point, and one
 * per byte that begins no valid sequence (shown as its Latin-1 reading). */
size_t hp_display_width(const char *s);

/* Length (1 to 4) of the valid UTF-8 sequence s begins with, or 0 when it
 * begins none (a stray continuation byte, an overlong form, a surrogate,
 * above U+10FFFF, a truncated sequence). s is not empty. */
size_t hp_utf8_len(const char *s);

/* Writes s to out with each byte that begins no valid UTF-8 sequence
 * replaced by the UTF-8 of its Latin-1 reading (0xE9 "é" becomes C3 A9). */
void hp_put_utf8(FILE *out, const char *s);

/*
 * A file that holds a whole report (or trace) or nothing: written to
 * PATH.hotpath-PID.tmp beside `path` and renamed over it once flushed and
 * closed without error, so that a process killed while writing never
 * leaves a partial file there. A device, pipe, symbolic link or other
 * non-regular file, or a folder where no file may be created, is written
 * in place. hp_out_open: false with errno set when neither can be opened.
 * hp_out_close: 0, or the errno of the first failed write, flush, close or
 * rename (the temporary file then removed). Set errno to 0 before writing.
 */
#define HP_OUT_PATH_MAX (2 * 4096 + 64)
/* `path` is in a buffer of HP_OUT_BUF bytes, the temporary name written
 * just after it: one buffer whose used bytes lie together (a short
 * process's report then touches one page of it, not two). */
#define HP_OUT_BUF (2 * HP_OUT_PATH_MAX + 48)
struct hp_out {
    FILE *f;     /* the stream, or NULL and */
    int fd;      /* the file descriptor (raw) */
    int err;     /* raw: the errno of a failed write, for hp_out_close */
    bool in_place;
    const char *path;
    char *tmp;
};
/* raw: opened as a file descriptor (write to o->fd, set o->err), not a stream. */
bool hp_out_open(struct hp_out *o, char *path, bool raw);
int hp_out_close(struct hp_out *o);

#endif
