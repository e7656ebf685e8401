/*
 * main.c — `hotpath`: one program, one subcommand per file. The table below
 * maps names to the functions that run them; adding a subcommand is a file
 * and a line here (and its section in hotpath(1)).
 */
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>

#include "cli.h"
#include "reportfile.h"
#include "report.h" /* hp_printable (runtime/src/format.c) */

static const struct cli_command commands[] = {
    {"report", "render one or many reports, merged, as a table, Markdown, JSON or CSV",
     cli_report_main, cli_report_help},
    {"compare", "compare two sets of runs, function by function, with a verdict and an exit code",
     cli_compare_main, cli_compare_help},
    {"flamegraph", "a HOTPATH_TRACE file as folded stacks (flamegraph.pl, speedscope) or an SVG",
     cli_flamegraph_main, cli_flamegraph_help},
    {"top", "the functions of a running process (HOTPATH_LIVE=1), refreshed every second",
     cli_top_main, cli_top_help},
    {"version", "print the version", cli_version_main, cli_version_help},
};
#define NCOMMANDS (sizeof commands / sizeof commands[0])

static void usage(FILE *out) {
    fputs("usage: hotpath <command> [options] [arguments]\n"
          "       hotpath <command> --help\n\n"
          "Reads the JSON reports that programs built with hotpath write\n"
          "(HOTPATH_OUTPUT_FORMAT=json HOTPATH_OUTPUT_PATH=run.%p.json).\n\ncommands:\n",
          out);
    for (size_t i = 0; i < NCOMMANDS; i++)
        fprintf(out, "  %-10s %s\n", commands[i].name, commands[i].summary);
    fputs("\nexit status: 0 ok, 1 a comparison found a regression, 2 bad input.\n"
          "See hotpath(1) and docs/compare.md.\n",
          out);
}

static const struct cli_command *find(const char *name) {
    for (size_t i = 0; i < NCOMMANDS; i++)
        if (strcmp(commands[i].name, name) == 0)
            return &commands[i];
    return NULL;
}

int main(int argc, char **argv) {
    if (argc < 2) {
        usage(stderr);
        return CLI_EXIT_BAD_INPUT;
    }
    const char *name = argv[1];
    if (strcmp(name, "--help") == 0 || strcmp(name, "-h") == 0 || strcmp(name, "help") == 0) {
        const struct cli_command *c = argc > 2 && strcmp(name, "help") == 0 ? find(argv[2]) : NULL;
        if (argc > 2 && strcmp(name, "help") == 0 && !c)
            return cli_fail("help", "unknown command '%s' (try 'hotpath --help')", argv[2]);
        if (c)
            c->help(stdout);
        else
            usage(stdout);
        return CLI_EXIT_OK;
    }
    if (strcmp(name, "--version") == 0)
        return cli_version_main(1, argv + 1);
    const struct cli_command *c = find(name);
    if (!c) {
        fprintf(stderr, "hotpath: unknown command '%s'; the commands are:", name);
        for (size_t i = 0; i < NCOMMANDS; i++)
            fprintf(stderr, " %s", commands[i].name);
        fputs(" (see 'hotpath --help')\n", stderr);
        return CLI_EXIT_BAD_INPUT;
    }
    char prog[64];
    snprintf(prog, sizeof prog, "hotpath %s", c->name);
    argv[1] = prog;
    return c->run(argc - 1, argv + 1);
}

/* ======================================================================== */
/* Shared helpers                                                           */
/* ======================================================================== */

/* One line whatever the message holds (a file's name, a program's name
 * read from a report): control characters are written as escapes. */
static void say_line(const char *cmd, const char *kind, const char *fmt, va_list ap) {
    char text[4096], line[sizeof text * 4 + 8];
    vsnprintf(text, sizeof text, fmt, ap);
    fprintf(stderr, "hotpath %s: %s%s\n", cmd, kind, hp_printable(text, sizeof text, line, sizeof line));
}

int cli_fail(const char *cmd, const char *fmt, ...) {
    va_list ap;
    va_start(ap, fmt);
    say_line(cmd, "", fmt, ap);
    va_end(ap);
    return CLI_EXIT_BAD_INPUT;
}

void cli_warn(const char *cmd, const char *fmt, ...) {
    va_list ap;
    va_start(ap, fmt);
    say_line(cmd, "warning: ", fmt, ap);
    va_end(ap);
}

bool cli_parse_double(const char *s, double lo, double hi, double *out) {
    char *end;
    double v = strtod(s, &end);
    if (end == s || *end || !(v >= lo && v <= hi))
        return false;
    *out = v;
    return true;
}

bool cli_parse_long(const char *s, long lo, long hi, long *out) {
    char *end;
    long v = strtol(s, &end, 10);
    if (end == s || *end || v < lo || v > hi)
        return false;
    *out = v;
    return true;
}
