/*
 * top.c — `hotpath top PID`: the functions of a running process, refreshed
 * every second, from the figures its runtime publishes with HOTPATH_LIVE=1
 * in /dev/shm/hotpath-<uid>-<pid> (runtime/src/live.h: a header, a seqlock
 * and the report as JSON, read here with the reader every subcommand uses).
 *
 * Only the process's user, or root, may read its figures: the file is mode
 * 0600, and before opening it this checks that the process and the file
 * belong to that user. Any number of `hotpath top` may watch one process:
 * readers never write to the file, and the writer never waits for them.
 *
 * Exit status: 0 after `q` or when the process ends, 1 when there are no
 * figures to show (no such process, no live file, another user's), 2 for
 * bad arguments.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <langinfo.h>
#include <locale.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#ifdef HOTPATH_HAVE_NCURSES
#include <curses.h>
#endif

#include "cli.h"
#include "live.h"
#include "report.h" /* hp_format_duration, hp_format_bytes, hp_printable */
#include "reportfile.h"

#define CMD "top"
#define TOP_NO_FIGURES 1

void cli_top_help(FILE *out) {
    fputs("usage: hotpath top [--interval SECONDS] PID\n\n"
          "Shows the measured functions of a running process, refreshed every second\n"
          "(or every --interval seconds, 0.1 to 60): calls, calls per second since the\n"
          "last refresh, Total, Self, Avg and P95 time, the allocation figures when\n"
          "tracking is on, and the number of threads that measure. The process must\n"
          "run with HOTPATH_LIVE=1 (its runtime then publishes its figures in\n"
          "/dev/shm/hotpath-UID-PID every HOTPATH_LIVE_INTERVAL); only its user, or\n"
          "root, can read them.\n\n"
          "keys: t sort by total, s by self, c by calls, a by avg, p by P95, q quit.\n\n"
          "exit status: 0 after q or when the process ends, 1 when the process has no\n"
          "figures to show (not running, no HOTPATH_LIVE, another user's), 2 bad input.\n",
          out);
}

/* ======================================================================== */
/* Reading the live file                                                    */
/* ======================================================================== */

struct live_file {
    long pid;
    uid_t uid;
    char path[HP_LIVE_PATH_MAX];
    int fd;
    void *map;
    size_t size;
};

/* Checks the process and its file; opens it. Returns 0, or prints the
 * reason and returns TOP_NO_FIGURES. */
static int live_open(struct live_file *lf, long pid) {
    char proc[64];
    struct stat ps;
    snprintf(proc, sizeof proc, "/proc/%ld", pid);
    if (stat(proc, &ps) != 0) {
        cli_fail(CMD, "no process %ld is running", pid);
        return TOP_NO_FIGURES;
    }
    uid_t me = getuid();
    if (me != 0 && ps.st_uid != me) {
        cli_fail(CMD, "process %ld belongs to another user (uid %lu): only that user or root "
                      "can read its figures", pid, (unsigned long)ps.st_uid);
        return TOP_NO_FIGURES;
    }
    lf->pid = pid;
    lf->uid = ps.st_uid;
    hp_live_path((unsigned long)ps.st_uid, pid, lf->path);
    lf->fd = open(lf->path, O_RDONLY | O_NOFOLLOW | O_CLOEXEC);
    if (lf->fd < 0) {
        if (errno == ENOENT)
            cli_fail(CMD, "process %ld publishes no live figures (no %s): start it with "
                          "HOTPATH_LIVE=1 (its file appears at its first measured call)",
                      pid, lf->path);
        else
            cli_fail(CMD, "cannot open %s: %s", lf->path, strerror(errno));
        return TOP_NO_FIGURES;
    }
    struct stat fs;
    if (fstat(lf->fd, &fs) != 0 || !S_ISREG(fs.st_mode) || fs.st_uid != ps.st_uid ||
        (fs.st_mode & 077)) {
        cli_fail(CMD, "%s is not a live file of process %ld (not a regular file of mode 0600 "
                      "owned by the process's user): not read", lf->path, pid);
        close(lf->fd);
        return TOP_NO_FIGURES;
    }
    lf->map = NULL;
    lf->size = 0;
    return 0;
}

static bool live_map(struct live_file *lf) {
    struct stat fs;
    if (fstat(lf->fd, &fs) != 0 || (size_t)fs.st_size < sizeof(struct hp_live_header))
        return false;
    if (lf->map && lf->size == (size_t)fs.st_size)
        return true;
    if (lf->map)
        munmap(lf->map, lf->size);
    lf->map = mmap(NULL, (size_t)fs.st_size, PROT_READ, MAP_SHARED, lf->fd, 0);
    if (lf->map == MAP_FAILED) {
        lf->map = NULL;
        return false;
    }
    lf->size = (size_t)fs.st_size;
    return true;
}

/* The process still runs and its file is still there. */
static bool live_alive(const struct live_file *lf) {
    struct stat fs;
    if (kill((pid_t)lf->pid, 0) != 0 && errno == ESRCH)
        return false;
    return fstat(lf->fd, &fs) == 0 && fs.st_nlink > 0;
}

struct snapshot {
    struct hp_live_header h;
    struct cli_report r;
    bool ok;
};

/* Reads one consistent snapshot; false (why set) when there is none. */
static bool live_snapshot(struct live_file *lf, struct snapshot *s, char *why) {
    for (int attempt = 0; attempt < 3; attempt++) {
        if (!live_map(lf)) {
            snprintf(why, CLI_WHY, "the live file is empty (being created)");
            return false;
        }
        char *text = NULL;
        size_t need = 0;
        const char *reason = "";
        int rc = hp_live_read(lf->map, lf->size, &s->h, &text, &need, &reason);
        if (rc == 2) { /* the file grew: map it again */
            munmap(lf->map, lf->size);
            lf->map = NULL;
            continue;
        }
        if (rc == 1) {
            snprintf(why, CLI_WHY, "%s: %s", lf->path, reason);
            return false;
        }
        if (rc != 0) {
            snprintf(why, CLI_WHY, "%s", rc == 3 ? "the snapshot is being written" : "out of memory");
            return false;
        }
        bool ok = s->h.length > 0 && cli_report_parse(text, s->h.length, &s->r, why);
        if (s->h.length == 0)
            snprintf(why, CLI_WHY, "no figures published yet");
        free(text);
        return ok;
    }
    snprintf(why, CLI_WHY, "the live file keeps growing");
    return false;
}

/* ======================================================================== */
/* The table                                                                */
/* ======================================================================== */

enum sort_key { SORT_TOTAL, SORT_SELF, SORT_CALLS, SORT_AVG, SORT_P95 };
static const char *const sort_names[] = {"total", "self", "calls", "avg", "p95"};

struct row {
    const char *name;
    uint64_t calls, total, self, avg, p95;
    double rate; /* calls per second since the previous snapshot; < 0 unknown */
    bool alloc;
    uint64_t bytes, allocs;
};

static uint64_t row_key(const struct row *r, enum sort_key k) {
    switch (k) {
    case SORT_SELF:
        return r->self;
    case SORT_CALLS:
        return r->calls;
    case SORT_AVG:
        return r->avg;
    case SORT_P95:
        return r->p95;
    default:
        return r->total;
    }
}

static enum sort_key sort_by;

static int row_cmp(const void *x, const void *y) {
    const struct row *a = x, *b = y;
    uint64_t ka = row_key(a, sort_by), kb = row_key(b, sort_by);
    if (ka != kb)
        return ka > kb ? -1 : 1;
    return strcmp(a->name, b->name);
}

/* The rows of snapshot s, with rates against prev (NULL: none). */
static struct row *make_rows(const struct snapshot *s, const struct snapshot *prev, size_t *n) {
    struct row *rows = calloc(s->r.nfuncs ? s->r.nfuncs : 1, sizeof *rows);
    if (!rows)
        return NULL;
    double dt = prev ? (double)(int64_t)(s->h.time_ns - prev->h.time_ns) / 1e9 : 0;
    for (size_t i = 0; i < s->r.nfuncs; i++) {
        const struct cli_func *f = &s->r.funcs[i];
        struct row *r = &rows[i];
        r->name = f->name;
        r->calls = f->calls;
        r->total = f->total_ns;
        r->self = f->self_ns;
        r->avg = f->avg_ns;
        if (!cli_func_percentile(f, 1, 95, &r->p95))
            r->p95 = 0;
        r->rate = -1;
        const struct cli_func *p = prev && dt > 0 ? cli_report_func(&prev->r, f->name, f->kind) : NULL;
        if (prev && dt > 0)
            r->rate = (double)(f->calls - (p && p->calls <= f->calls ? p->calls : 0)) / dt;
        const struct cli_alloc *a = s->r.alloc ? cli_report_alloc(&s->r, f->name) : NULL;
        if (a) {
            r->alloc = true;
            r->bytes = a->bytes_total;
            r->allocs = a->allocs;
        }
    }
    *n = s->r.nfuncs;
    qsort(rows, *n, sizeof *rows, row_cmp);
    return rows;
}

static bool utf8_terminal;

/* A duration as the report writes it ("µs" as "us" on a terminal that is
 * not UTF-8). */
static const char *dur(uint64_t ns, char *buf) {
    hp_format_duration(ns, buf);
    char *mu = strstr(buf, "\xc2\xb5");
    if (mu && !utf8_terminal)
        memmove(mu, "u", 1), memmove(mu + 1, mu + 2, strlen(mu + 2) + 1);
    return buf;
}

static const char *rate_text(double rate, char *buf) {
    if (rate < 0)
        snprintf(buf, 32, "-");
    else if (rate >= 1e7)
        snprintf(buf, 32, "%.1fM", rate / 1e6);
    else
        snprintf(buf, 32, "%.0f", rate);
    return buf;
}

#ifdef HOTPATH_HAVE_NCURSES
/* ======================================================================== */
/* The screen                                                               */
/* ======================================================================== */

static void draw(const struct live_file *lf, const struct snapshot *s, const struct row *rows,
                 size_t n, const char *note) {
    erase();
    int width = COLS;
    char when[64] = "";
    if (s) {
        struct timespec now;
        clock_gettime(CLOCK_REALTIME, &now);
        double age = ((double)now.tv_sec * 1e9 + (double)now.tv_nsec - (double)s->h.time_ns) / 1e9;
        /* a file that is not rewritten: a process that exec'ed a program
         * without hotpath, or one stopped (SIGSTOP, a debugger) */
        bool stale = age > 2.0 * (double)s->h.interval_ms / 1000.0 + 2.0;
        snprintf(when, sizeof when, "snapshot %llu, %.1fs old%s", (unsigned long long)s->h.number,
                 age < 0 ? 0.0 : age, stale ? " (not updated: stopped?)" : "");
    }
    char prog[256] = "?";
    if (s && s->r.program)
        hp_printable(s->r.program, 60, prog, sizeof prog);
    mvprintw(0, 0, "hotpath top - %s (pid %ld) - threads: %u - %s - sorted by %s", prog, lf->pid,
             s ? s->h.threads : 0, when, sort_names[sort_by]);
    mvprintw(1, 0, "keys: t total  s self  c calls  a avg  p p95  q quit%s%s", note[0] ? "   " : "",
             note);
    bool alloc = s && s->r.alloc;
    size_t namew = 8;
    for (size_t i = 0; i < n; i++)
        if (strlen(rows[i].name) > namew)
            namew = strlen(rows[i].name);
    int fixed = 11 + 10 + 6 * 10 + (alloc ? 2 * 11 : 0);
    if ((int)namew > width - fixed)
        namew = width - fixed > 8 ? (size_t)(width - fixed) : 8;
    attron(A_BOLD);
    mvprintw(3, 0, "%-*s %10s %9s %9s %9s %9s %9s", (int)namew, "Function", "Calls", "Calls/s",
             "Total", "Self", "Avg", "P95");
    if (alloc)
        printw(" %10s %10s", "Alloc", "Allocs");
    attroff(A_BOLD);
    for (size_t i = 0; i < n && (int)i + 4 < LINES; i++) {
        const struct row *r = &rows[i];
        char b[5][32], name[1024];
        hp_printable(r->name, namew, name, sizeof name);
        mvprintw((int)i + 4, 0, "%-*.*s %10llu %9s %9s %9s %9s %9s", (int)namew, (int)namew, name,
                 (unsigned long long)r->calls, rate_text(r->rate, b[0]), dur(r->total, b[1]),
                 dur(r->self, b[2]), dur(r->avg, b[3]), dur(r->p95, b[4]));
        if (alloc && r->alloc) {
            char bytes[32];
            printw(" %10s %10llu", hp_format_bytes(r->bytes, bytes), (unsigned long long)r->allocs);
        }
    }
    if (s && n == 0)
        mvprintw(4, 0, "(nothing measured yet)");
    refresh();
}

static double mono_now(void) {
    struct timespec t;
    clock_gettime(CLOCK_MONOTONIC, &t);
    return (double)t.tv_sec + (double)t.tv_nsec / 1e9;
}

static int run_screen(struct live_file *lf, double interval) {
    struct snapshot cur = {0}, prev = {0};
    bool have = false, have_prev = false;
    char why[CLI_WHY] = "";
    initscr();
    cbreak();
    noecho();
    curs_set(0);
    keypad(stdscr, TRUE);
    timeout(100);
    double next = 0;
    bool ended = false, dirty = true;
    for (;;) {
        double now = mono_now();
        if (now >= next) {
            next = now + interval;
            if (!live_alive(lf)) {
                ended = true;
                break;
            }
            struct snapshot s = {0};
            if (live_snapshot(lf, &s, why)) {
                if (have && s.h.number != cur.h.number) { /* rates against the last new one */
                    if (have_prev)
                        cli_report_free(&prev.r);
                    prev = cur;
                    have_prev = true;
                } else if (have)
                    cli_report_free(&cur.r);
                cur = s;
                have = true;
                why[0] = '\0';
            }
            dirty = true;
        }
        if (dirty) {
            size_t n = 0;
            struct row *rows = have ? make_rows(&cur, have_prev ? &prev : NULL, &n) : NULL;
            draw(lf, have ? &cur : NULL, rows, n, why);
            free(rows);
            dirty = false;
        }
        int ch = getch();
        if (ch == 'q' || ch == 'Q')
            break;
        const char *keys = "tscap";
        const char *k = ch > 0 && ch < 256 ? strchr(keys, ch) : NULL;
        if (k) {
            sort_by = (enum sort_key)(k - keys);
            dirty = true;
        } else if (ch == KEY_RESIZE)
            dirty = true;
    }
    endwin();
    if (have)
        cli_report_free(&cur.r);
    if (have_prev)
        cli_report_free(&prev.r);
    if (ended)
        printf("hotpath top: process %ld has ended\n", lf->pid);
    return CLI_EXIT_OK;
}
#endif

int cli_top_main(int argc, char **argv) {
    double interval = 1.0;
    const char *pidarg = NULL;
    for (int i = 1; i < argc; i++) {
        if (strcmp(argv[i], "--help") == 0 || strcmp(argv[i], "-h") == 0) {
            cli_top_help(stdout);
            return CLI_EXIT_OK;
        }
        if (strcmp(argv[i], "--interval") == 0) {
            if (i + 1 == argc || !cli_parse_double(argv[i + 1], 0.1, 60, &interval))
                return cli_fail(CMD, "--interval takes a number of seconds from 0.1 to 60 (got "
                                     "'%s')", i + 1 < argc ? argv[i + 1] : "");
            i++;
        } else if (argv[i][0] == '-' && argv[i][1])
            return cli_fail(CMD, "unknown option '%s' (see 'hotpath top --help')", argv[i]);
        else if (pidarg)
            return cli_fail(CMD, "takes one process id (got '%s' and '%s')", pidarg, argv[i]);
        else
            pidarg = argv[i];
    }
    long pid;
    if (!pidarg)
        return cli_fail(CMD, "which process? usage: hotpath top [--interval SECONDS] PID");
    if (!cli_parse_long(pidarg, 1, 4194304, &pid))
        return cli_fail(CMD, "'%s' is not a process id (a whole number from 1 to 4194304)", pidarg);
#ifndef HOTPATH_HAVE_NCURSES
    return cli_fail(CMD, "this hotpath was built without ncurses (install libncurses-dev, "
                         "scripts/deps.sh, and build again)");
#else
    struct live_file lf;
    int rc = live_open(&lf, pid);
    if (rc)
        return rc;
    /* one readable snapshot before the screen is taken over: a file that is
     * not one is a plain message, not a blank screen */
    struct snapshot s = {0};
    char why[CLI_WHY];
    bool ok = false;
    for (int i = 0; i < 50 && !(ok = live_snapshot(&lf, &s, why)); i++) {
        if (strstr(why, "hotpath live file") || strstr(why, "another version"))
            break;
        struct timespec ms = {0, 20000000};
        nanosleep(&ms, NULL);
    }
    if (!ok) {
        cli_fail(CMD, "process %ld: %s", pid, why);
        return TOP_NO_FIGURES;
    }
    cli_report_free(&s.r);
    if (!isatty(STDOUT_FILENO) || !isatty(STDIN_FILENO))
        return cli_fail(CMD, "needs a terminal (standard input and output)");
    setlocale(LC_ALL, "");
    utf8_terminal = strcmp(nl_langinfo(CODESET), "UTF-8") == 0;
    return run_screen(&lf, interval);
#endif
}
