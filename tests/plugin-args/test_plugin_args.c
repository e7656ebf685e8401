/*
 * test_plugin_args.c — the plugins' argument parser and the attributes'
 * sample= option (plugin-common/plugin_args.c), without any compiler.
 */
#include <criterion/criterion.h>
#include <string.h>

#include "plugin_args.h"

static const struct hp_args_dialect GCC = {"-fplugin-arg-hotpath-", "statements", 40};
static const struct hp_args_dialect CLANG = {"-fplugin-arg-hotpath-", "IR instructions", 80};

static struct hp_plugin_args args;
static char msg[1024];

static void setup(void) {
    hp_args_init(&args, &GCC);
    memset(msg, 'x', sizeof msg);
}

TestSuite(plugin_args, .init = setup);

Test(plugin_args, defaults_come_from_the_dialect) {
    cr_assert_null(args.include);
    cr_assert_null(args.exclude);
    cr_assert_eq(args.min_size, 40);
    cr_assert_eq(args.sample, 0);
    cr_assert_eq(args.verbose, 0);
    hp_args_init(&args, &CLANG);
    cr_assert_eq(args.min_size, 80);
}

Test(plugin_args, every_argument_parses) {
    cr_assert_eq(hp_args_parse(&args, &GCC, "include", "^a::", msg, sizeof msg), HP_ARGS_OK);
    cr_assert_eq(hp_args_parse(&args, &GCC, "exclude", "b$", msg, sizeof msg), HP_ARGS_OK);
    cr_assert_eq(hp_args_parse(&args, &GCC, "min-size", "0", msg, sizeof msg), HP_ARGS_OK);
    cr_assert_eq(hp_args_parse(&args, &GCC, "sample", "64", msg, sizeof msg), HP_ARGS_OK);
    cr_assert_eq(hp_args_parse(&args, &GCC, "verbose", NULL, msg, sizeof msg), HP_ARGS_OK);
    cr_assert_str_eq(args.include, "^a::");
    cr_assert_str_eq(args.exclude, "b$");
    cr_assert_eq(args.min_size, 0);
    cr_assert_eq(args.sample, 64);
    cr_assert_eq(args.verbose, 1);
    cr_assert_str_eq(msg, "");
}

Test(plugin_args, the_last_of_two_counts) {
    hp_args_parse(&args, &GCC, "sample", "8", msg, sizeof msg);
    hp_args_parse(&args, &GCC, "sample", "65535", msg, sizeof msg);
    cr_assert_eq(args.sample, 65535);
    hp_args_parse(&args, &GCC, "verbose", "yes", msg, sizeof msg);
    hp_args_parse(&args, &GCC, "verbose", "off", msg, sizeof msg);
    cr_assert_eq(args.verbose, 0);
}

Test(plugin_args, sample_out_of_range_or_not_a_number_is_refused) {
    const char *bad[] = {"0", "65536", "-1", "+5", "", " 8", "8 ", "0x10", "1e3", "fast",
                         "99999999999999999999999"};
    for (size_t i = 0; i < sizeof bad / sizeof *bad; i++) {
        cr_assert_eq(hp_args_parse(&args, &GCC, "sample", bad[i], msg, sizeof msg),
                     HP_ARGS_BAD_SAMPLE, "sample=%s", bad[i]);
        cr_assert(strstr(msg, "(accepted: a sampling period from 1 to 65535"), "%s", msg);
    }
    cr_assert_eq(args.sample, 0, "a refused value changes nothing");
    cr_assert_eq(hp_args_parse(&args, &GCC, "sample", "1", msg, sizeof msg), HP_ARGS_OK);
    cr_assert_eq(args.sample, 1);
    cr_assert_eq(hp_args_parse(&args, &GCC, "sample", "064", msg, sizeof msg), HP_ARGS_OK);
    cr_assert_eq(args.sample, 64);
}

Test(plugin_args, messages_are_the_documented_lines) {
    hp_args_parse(&args, &GCC, "sample", "0", msg, sizeof msg);
    cr_assert_str_eq(msg, "invalid value '0' for '-fplugin-arg-hotpath-sample' (accepted: a "
                          "sampling period from 1 to 65535, the N of 'time 1 call in N', for "
                          "every measured function without a sample= of its own; 1 times every "
                          "call)");
    cr_assert_eq(hp_args_parse(&args, &GCC, "sample", NULL, msg, sizeof msg), HP_ARGS_NO_VALUE);
    cr_assert_str_eq(msg, "no value supplied for option '-fplugin-arg-hotpath-sample' (expected "
                          "sample=N, N from 1 to 65535)");
    cr_assert_eq(hp_args_parse(&args, &GCC, "frobnicate", "3", msg, sizeof msg), HP_ARGS_UNKNOWN);
    cr_assert_str_eq(msg, "unknown option '-fplugin-arg-hotpath-frobnicate' (accepted: "
                          "include=REGEX, exclude=REGEX, min-size=N, sample=N, "
                          "verbose[=yes|no])");
    cr_assert_eq(hp_args_parse(&args, &GCC, "verbose", "maybe", msg, sizeof msg),
                 HP_ARGS_BAD_SWITCH);
    cr_assert_str_eq(msg, "invalid value 'maybe' for '-fplugin-arg-hotpath-verbose' (accepted: "
                          "no value, 1, yes, on, true, 0, no, off or false)");
    cr_assert_eq(hp_args_parse(&args, &CLANG, "min-size", "-1", msg, sizeof msg),
                 HP_ARGS_BAD_SIZE);
    cr_assert_str_eq(msg, "invalid value '-1' for '-fplugin-arg-hotpath-min-size' (accepted: a "
                          "number of IR instructions from 0 to 1000000000; 0 measures every "
                          "function 'include' matches)");
    cr_assert_eq(hp_args_parse(&args, &GCC, "include", "", msg, sizeof msg), HP_ARGS_NO_VALUE);
    cr_assert_str_eq(msg, "no value supplied for option '-fplugin-arg-hotpath-include' (expected "
                          "include=REGEX)");
    cr_assert_eq(hp_args_bad_regex(&GCC, "exclude", "(", "missing )", msg, sizeof msg),
                 HP_ARGS_BAD_REGEX);
    cr_assert_str_eq(msg, "invalid regular expression '(' in '-fplugin-arg-hotpath-exclude': "
                          "missing )");
}

Test(plugin_args, min_size_bounds) {
    cr_assert_eq(hp_args_parse(&args, &GCC, "min-size", "1000000000", msg, sizeof msg),
                 HP_ARGS_OK);
    cr_assert_eq(args.min_size, 1000000000ul);
    cr_assert_eq(hp_args_parse(&args, &GCC, "min-size", "1000000001", msg, sizeof msg),
                 HP_ARGS_BAD_SIZE);
    cr_assert_eq(hp_args_parse(&args, &GCC, "min-size", NULL, msg, sizeof msg),
                 HP_ARGS_BAD_SIZE);
    cr_assert(strstr(msg, "invalid value '' for '-fplugin-arg-hotpath-min-size'"), "%s", msg);
}

Test(plugin_args, words_split_at_the_first_equals_sign) {
    cr_assert_eq(hp_args_parse_word(&args, &CLANG, "include=a=b", msg, sizeof msg), HP_ARGS_OK);
    cr_assert_str_eq(args.include, "a=b");
    cr_assert_eq(hp_args_parse_word(&args, &CLANG, "verbose", msg, sizeof msg), HP_ARGS_OK);
    cr_assert_eq(args.verbose, 1);
    cr_assert_eq(hp_args_parse_word(&args, &CLANG, "verbose=", msg, sizeof msg),
                 HP_ARGS_BAD_SWITCH, "an empty value is a value");
    cr_assert_eq(hp_args_parse_word(&args, &CLANG, "sample=", msg, sizeof msg),
                 HP_ARGS_BAD_SAMPLE);
    cr_assert_eq(hp_args_parse_word(&args, &CLANG, "", msg, sizeof msg), HP_ARGS_UNKNOWN);
    char longkey[300];
    memset(longkey, 'k', sizeof longkey - 1);
    longkey[sizeof longkey - 1] = '\0';
    cr_assert_eq(hp_args_parse_word(&args, &CLANG, longkey, msg, sizeof msg), HP_ARGS_UNKNOWN);
    cr_assert_lt(strlen(msg), 400, "a long key is cut: %zu bytes", strlen(msg));
}

Test(plugin_args, a_message_is_one_printable_line) {
    hp_args_parse(&args, &GCC, "sample", "1\n2\x01\xff\\", msg, sizeof msg);
    cr_assert(strstr(msg, "'1\\x0a2\\x01\\xff\\\\'"), "%s", msg);
    char big[2000];
    memset(big, '9', sizeof big - 1);
    big[sizeof big - 1] = '\0';
    hp_args_parse(&args, &GCC, "sample", big, msg, sizeof msg);
    cr_assert(strstr(msg, "...' for"), "a long value is cut: %s", msg);
    char small[16];
    hp_args_parse(&args, &GCC, "sample", "0", small, sizeof small);
    cr_assert_eq(strlen(small), sizeof small - 1, "truncated, NUL-terminated");
}

Test(plugin_args, attribute_sample_option) {
    unsigned n = 0;
    cr_assert_eq(hp_args_sample_option("db", "hotpath::measure", 0, &n, msg, sizeof msg),
                 HP_ARGS_NOT_SAMPLE, "a label");
    cr_assert_eq(hp_args_sample_option("sampled", "hotpath::measure", 0, &n, msg, sizeof msg),
                 HP_ARGS_NOT_SAMPLE);
    cr_assert_eq(hp_args_sample_option(NULL, "hotpath::measure", 0, &n, msg, sizeof msg),
                 HP_ARGS_NOT_SAMPLE, "not a string");
    cr_assert_eq(hp_args_sample_option("sample=64", "hotpath::measure", 0, &n, msg, sizeof msg),
                 HP_ARGS_OK);
    cr_assert_eq(n, 64);
    cr_assert_eq(hp_args_sample_option("sample=0", "hotpath::measure", 0, &n, msg, sizeof msg),
                 HP_ARGS_SAMPLE_RANGE);
    cr_assert_str_eq(msg, "sampling period '0' given to 'hotpath::measure' is outside 1-65535 "
                          "(\"sample=N\" times 1 call in N; \"sample=1\" every call)");
    cr_assert_eq(hp_args_sample_option("sample=-5", "x", 0, &n, msg, sizeof msg),
                 HP_ARGS_SAMPLE_RANGE);
    cr_assert_eq(hp_args_sample_option("sample=65536", "x", 0, &n, msg, sizeof msg),
                 HP_ARGS_SAMPLE_RANGE);
    cr_assert_eq(hp_args_sample_option("sample=123456789012345678901", "x", 0, &n, msg,
                                       sizeof msg),
                 HP_ARGS_SAMPLE_RANGE);
    cr_assert_eq(hp_args_sample_option("sample=", "x", 0, &n, msg, sizeof msg),
                 HP_ARGS_SAMPLE_NOT_NUMBER);
    cr_assert_eq(hp_args_sample_option("sample=-", "x", 0, &n, msg, sizeof msg),
                 HP_ARGS_SAMPLE_NOT_NUMBER);
    cr_assert_eq(hp_args_sample_option("sample=6 4", "annotate(\"hotpath\")", 0, &n, msg,
                                       sizeof msg),
                 HP_ARGS_SAMPLE_NOT_NUMBER);
    cr_assert_str_eq(msg, "sampling period '6 4' given to 'annotate(\"hotpath\")' is not a "
                          "number (accepted: \"sample=N\", N from 1 to 65535)");
    cr_assert_eq(hp_args_sample_option("sample=8", "hotpath::main", 1, &n, msg, sizeof msg),
                 HP_ARGS_SAMPLE_ON_MAIN);
    cr_assert_str_eq(msg, "'sample=' does not apply to 'hotpath::main': the main window is "
                          "timed on every call (give \"sample=N\" to the functions it calls)");
    cr_assert_eq(n, 64, "refused values leave *out alone");
}

Test(plugin_args, every_status_has_a_message_and_an_example) {
    for (int s = HP_ARGS_UNKNOWN; s < HP_ARGS_NSTATUS; s++) {
        cr_assert_neq(hp_args_format(s)[0], '\0', "status %d", s);
        cr_assert_neq(hp_args_example(s)[0], '\0', "status %d", s);
    }
    cr_assert_str_eq(hp_args_format(HP_ARGS_NSTATUS), "");
}

#include <hotpath/hotpath.h>

Test(plugin_args, the_shift_is_the_runtimes) {
    cr_assert_eq(HP_ARGS_SAMPLE_SHIFT, HOTPATH_FLAG_SAMPLE_SHIFT);
    cr_assert_eq(HP_ARGS_FLAG_SELECTED, HOTPATH_FLAG_SELECTED);
    cr_assert_eq(HOTPATH_SITE_SAMPLE(HP_ARGS_SAMPLE_MAX << HP_ARGS_SAMPLE_SHIFT), 65535u);
}
