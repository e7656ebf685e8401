/* config.h — the parsed HOTPATH_* configuration (private). */
#ifndef HOTPATH_CONFIG_H
#define HOTPATH_CONFIG_H

#include <locale.h>
#include <regex.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#define HP_MAX_PERCENTILES 16
#define HP_PERCENTILE_DECIMALS 6 /* more would not survive as a label */
#define HP_PERCENTILE_LABEL 24 /* "100.000000" and its NUL; room for %.9g */

enum hp_format { HP_FORMAT_TABLE, HP_FORMAT_JSON, HP_FORMAT_JSON_PRETTY, HP_FORMAT_NONE };
enum hp_sort { HP_SORT_TOTAL, HP_SORT_SELF, HP_SORT_CALLS, HP_SORT_AVG, HP_SORT_ALLOC };

struct hp_percentiles {
    int n;
    double p[HP_MAX_PERCENTILES];
    /* each as given, without leading or trailing zeros ("99.9"): the column
     * heads and JSON keys; empty in hand-made reports (then printed %.9g) */
    char label[HP_MAX_PERCENTILES][HP_PERCENTILE_LABEL];
};

/* HP_OPT_<field>: an index per option, in options.def order. */
enum hp_option_index {
#define HP_OPTION(field, var, type, def, accepted, desc) HP_OPT_##field,
#include "options.def"
#undef HP_OPTION
    HP_OPT_COUNT
};

/* HOTPATH_METRICS: the address of the Prometheus endpoint (metrics.c). */
struct hp_metrics_addr {
    bool on;              /* an address was given: the endpoint is wanted */
    bool loopback;        /* 127.0.0.0/8 or ::1 */
    int family;           /* AF_INET or AF_INET6 */
    unsigned char ip[16]; /* network order: 4 bytes for AF_INET */
    uint16_t port;
    char text[64];        /* "127.0.0.1:9464", "[::1]:9464": for messages */
};

struct hp_config {
    unsigned from_env; /* bit HP_OPT_<field>: set from a valid environment value */
    unsigned in_env;   /* bit HP_OPT_<field>: the variable is set, valid or not */
    struct hp_percentiles percentiles;
    enum hp_format format;
    long limit;
    bool has_focus;
    regex_t focus;
    char clock[16];
    bool alloc, alloc_cumulative;
    enum hp_sort sort;
    int signal; /* HOTPATH_SIGNAL: 0 for none */
    long sample; /* HOTPATH_SAMPLE: the period of every site when set (from_env) */
    bool compensate;
    long adaptive; /* HOTPATH_ADAPTIVE: the period of sites found too short; 1 = off */
    long trace_buffer;     /* HOTPATH_TRACE_BUFFER: calls per thread */
    long trace_min_ns;     /* HOTPATH_TRACE_MIN_NS */
    bool live;             /* HOTPATH_LIVE */
    long live_interval;    /* HOTPATH_LIVE_INTERVAL, in milliseconds */
    struct hp_metrics_addr metrics; /* HOTPATH_METRICS */
    bool threads;          /* HOTPATH_THREADS: a timing table per thread */
    /* The large arrays last, so that a process that sets neither path
     * touches only the struct's first page (each page is a fault);
     * output_path first of them, so that a short one (a report to a file,
     * the usual case of a suite of processes) is in that page too. */
    char output_path[4096]; /* as given */
    char trace_path[4096];  /* HOTPATH_TRACE, as given: empty for no trace */
    char start_dir[4096];   /* the working directory at start-up, for a relative path: only then */
};

/* "total", "self", ...: the name of a sort key as HOTPATH_SORT spells it. */
const char *hp_sort_name(enum hp_sort sort);

extern __attribute__((visibility("hidden"))) struct hp_config hp_config; /* hidden: no GOT load on the hot path */

/* Reads every HOTPATH_* variable from the environment into hp_config. Each
 * bad value is reported on `err` in one line and replaced by its default. */
void hp_config_load(FILE *err);

/* hp_config_load in two steps, for it and for the tests and fuzz target
 * (tests/fuzz/): hp_config_defaults sets every option to its default from
 * options.def; hp_config_set reads one option's value as if it were that
 * variable's in the environment (the line for a bad value, the remark on an
 * accepted one, on err; the lines hp_config_settle prints wait for it).
 * Returns whether the value was accepted. */
void hp_config_defaults(void);
bool hp_config_set(FILE *err, enum hp_option_index opt, const char *value);

/* "HOTPATH_LIMIT", and what its message says is accepted (options.def). */
const char *hp_config_variable(enum hp_option_index opt);
const char *hp_config_accepted(enum hp_option_index opt);

/* The C locale, for printing and parsing numbers whatever the program set
 * with setlocale (use with uselocale). */
locale_t hp_c_locale(void);

/* Parses "50,95,99.9" into out, in the C locale whatever the program's.
 * Returns NULL, or (out untouched) the reason it refuses s, for the message
 * ("" or " (why)"): an item that is not a number from 0 to 100 with at most
 * HP_PERCENTILE_DECIMALS decimals, none, or more than HP_MAX_PERCENTILES
 * different ones. A repeated value is kept once and described in note (""
 * when none); note may be NULL. */
const char *hp_percentiles_parse(const char *s, struct hp_percentiles *out, char *note,
                                 size_t notesize);

/* "50,95,99.9": the labels of pc, comma-separated. */
void hp_percentiles_text(const struct hp_percentiles *pc, char *buf, size_t size);

/* What the program's hotpath::main asks for (NULL members: nothing). */
struct hp_main_request {
    const char *name;
    const char *percentiles;
    uint32_t flags; /* HOTPATH_FLAG_* */
};

/* Prints the lines of bad values whose fallback depends on hotpath::main
 * (percentiles, allocation tracking), now that m says what it asks for (m
 * NULL: no main window), naming what is really used; also the line for
 * hotpath::main's own percentiles when they do not parse. Once per load;
 * later calls do nothing. */
void hp_config_settle(FILE *err, const struct hp_main_request *m);

/* The percentiles a report shows: the environment's, else those of m, else
 * the default. Returns whether they did not come from the environment. */
bool hp_config_main_percentiles(const struct hp_main_request *m, struct hp_percentiles *out);

/* Prints the one line that says an option's value is refused and why, and
 * that the default is used instead (or `using`, e.g. "\"1\" from ..."). */
void hp_config_reject(FILE *err, enum hp_option_index opt, const char *value, const char *why);
void hp_config_reject_using(FILE *err, enum hp_option_index opt, const char *value, const char *why,
                            const char *using);

/* Frees what hp_config_load allocated (the compiled regex). */
void hp_config_free(void);
/* The output path with %p replaced by the process id, %n by
 * hp_config_report_number and %% by %; false if the result does not fit in
 * `size` bytes. */
bool hp_config_expand_path(const char *pattern, char *out, size_t size);

/* The pid reports and %p are of: getpid(), or, in the child that writes a
 * terminating signal's report (signals.c), its parent's (hp_report_pid). */
long hp_pid(void);
extern long hp_report_pid;
/* The same, and a relative result taken from the directory the program
 * started in (HOTPATH_OUTPUT_PATH, HOTPATH_TRACE). */
bool hp_config_resolve_path(const char *pattern, char *out, size_t size);

/* The number %n stands for: that of the next report of this process (1
 * first; signals.c counts the on-demand reports). */
extern _Atomic unsigned hp_config_report_number;

#endif
