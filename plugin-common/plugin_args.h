/*
 * plugin_args.h — the arguments of both hotpath plugins (include=,
 * exclude=, min-size=, sample=, verbose) and the sample= option of the
 * attributes, parsed without any compiler header, so that unit tests and a
 * libFuzzer target call the very code the plugins run
 * (tests/plugin-args/).
 *
 * One parser and one set of messages for the GCC and the Clang plugin: the
 * messages are the rows of plugin_args.def (read by whatever lists them,
 * e.g. the bad-input table of docs/reliability.md). A plugin hands each
 * argument to hp_args_parse, reports the returned line through its
 * compiler's diagnostics (an error: a bad argument stops the compilation)
 * and compiles the regular expressions itself (GCC: POSIX regcomp, Clang:
 * llvm::Regex), naming a bad one with hp_args_bad_regex.
 *
 * The file is C that also compiles as C++ (the plugins include it from a
 * .cc/.cpp file of their own). Nothing here allocates; every function is
 * reentrant.
 */
#ifndef HOTPATH_PLUGIN_ARGS_H
#define HOTPATH_PLUGIN_ARGS_H

#include <stddef.h>

#ifdef __cplusplus
extern "C" {
#endif

/* The bits of struct hotpath_site.flags that hold a function's sampling
 * period (HOTPATH_FLAG_SAMPLE_SHIFT in runtime/include/hotpath/hotpath.h,
 * which the plugins do not include; test_plugin_args checks they agree):
 * 0 nothing asked, 1 every call, N time about 1 call in N. */
#define HP_ARGS_SAMPLE_SHIFT 16
/* The flag of a function site that include= selected (HOTPATH_FLAG_SELECTED,
 * checked the same way). */
#define HP_ARGS_FLAG_SELECTED 1u
#define HP_ARGS_SAMPLE_MAX 65535u
/* min-size= accepts 0 to this. */
#define HP_ARGS_MIN_SIZE_MAX 1000000000ul

enum hp_args_status {
#define HP_ARGS_MESSAGE(code, format, example) code,
#include "plugin_args.def"
#undef HP_ARGS_MESSAGE
    HP_ARGS_NSTATUS
};

/* What differs between the plugins: the spelling of an argument on the
 * command line and the unit min-size counts in. */
struct hp_args_dialect {
    const char *prefix;     /* "-fplugin-arg-hotpath-" */
    const char *size_unit;  /* "statements" (GCC), "IR instructions" (Clang) */
    unsigned long min_size; /* min-size's default */
};

/* The parsed arguments. include/exclude point into the argument strings
 * given to hp_args_parse (borrowed: they live as long as those). */
struct hp_plugin_args {
    const char *include, *exclude; /* NULL: not given */
    unsigned long min_size;
    unsigned sample; /* 0: not given; else 1..HP_ARGS_SAMPLE_MAX */
    int verbose;
};

/* The defaults: nothing selected, min-size from the dialect, no sampling,
 * quiet. */
void hp_args_init(struct hp_plugin_args *a, const struct hp_args_dialect *d);

/*
 * Parses one argument, `key` with `value` (NULL when no '=' was written,
 * as GCC hands them), into *a. Returns HP_ARGS_OK, or another status with
 * one line in msg[0..size-1] (always NUL-terminated when size > 0; bytes
 * of the value that are not printable ASCII are shown as \xNN, a long
 * value is cut). An argument given twice: the last one counts.
 */
enum hp_args_status hp_args_parse(struct hp_plugin_args *a, const struct hp_args_dialect *d,
                                  const char *key, const char *value, char *msg, size_t size);

/* The same for "key=value" in one string (Clang's form): the key ends at
 * the first '='; no '=' is no value. */
enum hp_args_status hp_args_parse_word(struct hp_plugin_args *a, const struct hp_args_dialect *d,
                                       const char *word, char *msg, size_t size);

/* The message for a regular expression the plugin could not compile
 * (`why`: the regex library's reason). Returns HP_ARGS_BAD_REGEX. */
enum hp_args_status hp_args_bad_regex(const struct hp_args_dialect *d, const char *key,
                                      const char *value, const char *why, char *msg, size_t size);

/*
 * The sample= option of an attribute, a string argument: "sample=64".
 * Returns HP_ARGS_NOT_SAMPLE when `text` is not one (no "sample=" prefix:
 * a label, say), HP_ARGS_OK with *out set, or HP_ARGS_SAMPLE_NOT_NUMBER /
 * HP_ARGS_SAMPLE_RANGE with the message for an error at the argument
 * (`spelling`: the attribute as written, "hotpath::measure"). On a main
 * tag (`on_main`), every sample= is HP_ARGS_SAMPLE_ON_MAIN.
 */
enum hp_args_status hp_args_sample_option(const char *text, const char *spelling, int on_main,
                                          unsigned *out, char *msg, size_t size);

/* Renders the message of `status` (a row of plugin_args.def) with its
 * arguments (NULL: empty; `value` escaped and cut as above) into msg.
 * Returns status. */
enum hp_args_status hp_args_message(enum hp_args_status status, const char *what,
                                    const char *value, const char *extra, char *msg, size_t size);

/* The format of `status` and an input that gets it (for lists of the
 * messages, such as docs/reliability.md's table); "" for HP_ARGS_OK. */
const char *hp_args_format(enum hp_args_status status);
const char *hp_args_example(enum hp_args_status status);

#ifdef __cplusplus
}
#endif

#endif
