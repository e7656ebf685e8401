/* config.h — the parsed HOTPATH_* configuration (private). */
#ifndef HOTPATH_CONFIG_H
#define HOTPATH_CONFIG_H

#include <regex.h>
#include <stdbool.h>
#include <stdio.h>

#define HP_MAX_PERCENTILES 16

enum hp_format { HP_FORMAT_TABLE, HP_FORMAT_JSON, HP_FORMAT_JSON_PRETTY, HP_FORMAT_NONE };

struct hp_percentiles {
    int n;
    double p[HP_MAX_PERCENTILES];
};

/* HP_OPT_<field>: an index per option, in options.def order. */
enum hp_option_index {
#define HP_OPTION(field, var, type, def, accepted, desc) HP_OPT_##field,
#include "options.def"
#undef HP_OPTION
    HP_OPT_COUNT
};

struct hp_config {
    unsigned from_env; /* bit HP_OPT_<field>: set from a valid environment value */
    struct hp_percentiles percentiles;
    enum hp_format format;
    char output_path[4096];
    long limit;
    bool has_focus;
    regex_t focus;
    char clock[16];
    bool alloc, alloc_cumulative;
    int signal; /* HOTPATH_SIGNAL: 0 for none */
};

extern struct hp_config hp_config;

/* Reads every HOTPATH_* variable from the environment into hp_config. Each
 * bad value is reported on `err` in one line and replaced by its default. */
void hp_config_load(FILE *err);

/* Parses "50,95,99.9" into out. Returns false (out untouched) if any item is
 * not a number from 0 to 100, or there are none, or more than
 * HP_MAX_PERCENTILES. */
bool hp_parse_percentiles(const char *s, struct hp_percentiles *out);

/* Prints the one line that says an option's value is refused and why. */
void hp_config_reject(FILE *err, enum hp_option_index opt, const char *value, const char *why);

/* Frees what hp_config_load allocated (the compiled regex). */
void hp_config_free(void);
/* The output path with %p replaced by the process id, %n by
 * hp_config_report_number and %% by %; false if the result does not fit in
 * `size` bytes. */
bool hp_config_expand_path(const char *pattern, char *out, size_t size);

/* The number %n stands for: that of the next report of this process (1
 * first; signals.c counts the on-demand reports). */
extern _Atomic unsigned hp_config_report_number;

#endif
