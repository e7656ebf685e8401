/*
 * cli.h — what the subcommands of `hotpath` share: the command table's
 * entry type, exit codes, and small option helpers.
 */
#ifndef HOTPATH_CLI_H
#define HOTPATH_CLI_H

#include <stdbool.h>
#include <stdio.h>

/* Exit codes of every subcommand (documented in hotpath(1)). */
enum { CLI_EXIT_OK = 0, CLI_EXIT_REGRESSED = 1, CLI_EXIT_BAD_INPUT = 2 };

/* One subcommand: run gets argv with argv[0] = "hotpath <name>" (so that
 * getopt's messages name the subcommand); help prints the --help text. */
struct cli_command {
    const char *name;
    const char *summary;
    int (*run)(int argc, char **argv);
    void (*help)(FILE *out);
};

int cli_report_main(int argc, char **argv);
void cli_report_help(FILE *out);
int cli_compare_main(int argc, char **argv);
void cli_compare_help(FILE *out);
int cli_flamegraph_main(int argc, char **argv);
void cli_flamegraph_help(FILE *out);
int cli_top_main(int argc, char **argv);
void cli_top_help(FILE *out);
int cli_version_main(int argc, char **argv);
void cli_version_help(FILE *out);

/* "hotpath compare: <what>" on stderr, printf-style; returns CLI_EXIT_BAD_INPUT. */
int cli_fail(const char *cmd, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
/* A warning line, same prefix. */
void cli_warn(const char *cmd, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

/* Parses a decimal number with nothing after it, within [lo, hi]. */
bool cli_parse_double(const char *s, double lo, double hi, double *out);
bool cli_parse_long(const char *s, long lo, long hi, long *out);

#endif
