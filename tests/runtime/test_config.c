/* HOTPATH_* variables: good values apply, bad ones give one line and the
 * default, and never change the program's own behaviour. */
#include <criterion/criterion.h>
#include <criterion/redirect.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "regex_cost.h"
#include "testing.h"

static void clear_env(void) {
    static const char *vars[] = {"HOTPATH_PERCENTILES", "HOTPATH_OUTPUT_FORMAT",
                                 "HOTPATH_OUTPUT_PATH", "HOTPATH_LIMIT",
                                 "HOTPATH_FOCUS",       "HOTPATH_CLOCK",
                                 "HOTPATH_ALLOC",       "HOTPATH_ALLOC_CUMULATIVE",
                                 "HOTPATH_SORT",        "HOTPATH_SIGNAL"};
    for (size_t i = 0; i < sizeof vars / sizeof *vars; i++)
        unsetenv(vars[i]);
}
TestSuite(config, .init = clear_env);

/* Loads the configuration with `var=value` and returns what was printed. */
static char *load_with(const char *var, const char *value) {
    if (var)
        setenv(var, value, 1);
    char *buf = NULL;
    size_t len = 0;
    FILE *err = open_memstream(&buf, &len);
    hp_config_load(err);
    hp_config_settle(err, NULL); /* no hotpath::main: the defaults are used */
    fclose(err);
    return buf;
}

static int count_lines(const char *s) {
    int n = 0;
    for (; *s; s++)
        n += *s == '\n';
    return n;
}

Test(config, defaults_without_environment) {
    char *msg = load_with(NULL, NULL);
    cr_assert_str_eq(msg, "");
    cr_assert_eq(hp_config.percentiles.n, 1);
    cr_assert_eq(hp_config.percentiles.p[0], 95);
    cr_assert_eq(hp_config.format, HP_FORMAT_TABLE);
    cr_assert_str_eq(hp_config.output_path, "");
    cr_assert_eq(hp_config.limit, 0);
    cr_assert_not(hp_config.has_focus);
    cr_assert_eq(hp_config.from_env, 0u);
    free(msg);
}

Test(config, good_values_apply) {
    free(load_with("HOTPATH_PERCENTILES", "0, 50,99.9,100"));
    free(load_with("HOTPATH_OUTPUT_FORMAT", "json-pretty"));
    free(load_with("HOTPATH_LIMIT", "5"));
    char *msg = load_with("HOTPATH_FOCUS", "^basic::(a|b)$");
    cr_assert_str_eq(msg, "");
    cr_assert_eq(hp_config.percentiles.n, 4);
    cr_assert_eq(hp_config.percentiles.p[2], 99.9);
    cr_assert(hp_config.from_env & (1u << HP_OPT_percentiles));
    cr_assert_eq(hp_config.format, HP_FORMAT_JSON_PRETTY);
    cr_assert_eq(hp_config.limit, 5);
    cr_assert(hp_config.has_focus);
    cr_assert_eq(regexec(&hp_config.focus, "basic::a", 0, NULL, 0), 0);
    cr_assert_neq(regexec(&hp_config.focus, "basic::c", 0, NULL, 0), 0);
    free(msg);
}

/* One line that names the variable, the value and what is accepted. */
static void expect_rejected(const char *var, const char *value, const char *accepted) {
    char *msg = load_with(var, value);
    cr_assert_eq(count_lines(msg), 1, "expected one line, got: %s", msg);
    cr_assert(strstr(msg, var), "%s", msg);
    cr_assert(strstr(msg, value), "%s", msg);
    cr_assert(strstr(msg, accepted), "%s", msg);
    cr_assert(strstr(msg, "using the default"), "%s", msg);
    free(msg);
}

Test(config, bad_percentiles_fall_back_to_the_default) {
    const char *bad[] = {"abc", "101", "-1", "50,", "50,,95", "95x", "", "nan", "1e3"};
    for (size_t i = 0; i < sizeof bad / sizeof *bad; i++) {
        expect_rejected("HOTPATH_PERCENTILES", bad[i], "numbers from 0 to 100");
        cr_assert_eq(hp_config.percentiles.n, 1, "for %s", bad[i]);
        cr_assert_eq(hp_config.percentiles.p[0], 95);
        cr_assert_not(hp_config.from_env & (1u << HP_OPT_percentiles));
    }
}

Test(config, bad_format_limit_focus_and_clock_fall_back) {
    expect_rejected("HOTPATH_OUTPUT_FORMAT", "xml", "table, json, json-pretty or none");
    cr_assert_eq(hp_config.format, HP_FORMAT_TABLE);
    unsetenv("HOTPATH_OUTPUT_FORMAT");
    expect_rejected("HOTPATH_LIMIT", "-3", "whole number");
    cr_assert_eq(hp_config.limit, 0);
    unsetenv("HOTPATH_LIMIT");
    expect_rejected("HOTPATH_LIMIT", "ten", "whole number");
    unsetenv("HOTPATH_LIMIT");
    expect_rejected("HOTPATH_FOCUS", "(unclosed", "regular expression");
    cr_assert_not(hp_config.has_focus);
    unsetenv("HOTPATH_FOCUS");
    expect_rejected("HOTPATH_CLOCK", "sundial", "auto, tsc or monotonic");
    cr_assert_str_eq(hp_config.clock, "auto");
}

Test(config, unwritable_output_path_reports_to_stderr, .init = cr_redirect_stderr) {
    clear_env();
    free(load_with("HOTPATH_OUTPUT_PATH", "/nonexistent-dir/report.txt"));
    static struct hotpath_site s = HOTPATH_SITE_INIT("cfg::f", HOTPATH_KIND_FUNCTION);
    hotpath_exit(&s, hotpath_enter(&s));
    cr_assert_eq(hotpath_report(), 0);
    fflush(stderr);
    FILE *err = cr_get_redirected_stderr();
    char buf[4096] = {0};
    fread(buf, 1, sizeof buf - 1, err);
    char *first_nl = strchr(buf, '\n');
    cr_assert_not_null(first_nl);
    *first_nl = '\0';
    cr_assert(strstr(buf, "HOTPATH_OUTPUT_PATH=\"/nonexistent-dir/report.txt\" is not valid"), "%s",
              buf);
    cr_assert(strstr(buf, "No such file or directory"), "%s", buf);
    cr_assert(strstr(first_nl + 1, "[hotpath] Performance Summary"), "report still printed");
    cr_assert(strstr(first_nl + 1, "cfg::f"));
}

Test(config, percent_p_in_the_output_path_is_the_process_id) {
    char *msg = load_with("HOTPATH_OUTPUT_PATH", "/tmp/r.%p.100%%.json");
    cr_assert_str_eq(msg, "");
    free(msg);
    char out[64], want[64];
    cr_assert(hp_config_expand_path(hp_config.output_path, out, sizeof out));
    snprintf(want, sizeof want, "/tmp/r.%ld.100%%.json", (long)getpid());
    cr_assert_str_eq(out, want);
    cr_assert_not(hp_config_expand_path("%p%p", out, 4), "too long for the buffer");
    cr_assert(hp_config_expand_path("abc", out, 4));
    cr_assert_str_eq(out, "abc");
    cr_assert_not(hp_config_expand_path("abcd", out, 4));
    const char *bad[] = {"/tmp/r.%d.json", "/tmp/r%", "%s"};
    for (size_t i = 0; i < sizeof bad / sizeof *bad; i++) {
        expect_rejected("HOTPATH_OUTPUT_PATH", bad[i], "%p stands for the process id");
        cr_assert_str_eq(hp_config.output_path, "", "the default (stderr) for %s", bad[i]);
    }
}

Test(config, percent_n_in_the_output_path_is_the_report_number) {
    char *msg = load_with("HOTPATH_OUTPUT_PATH", "/tmp/r.%n.json");
    cr_assert_str_eq(msg, "");
    free(msg);
    char out[64];
    hp_config_report_number = 1;
    cr_assert(hp_config_expand_path(hp_config.output_path, out, sizeof out));
    cr_assert_str_eq(out, "/tmp/r.1.json");
    hp_config_report_number = 12;
    cr_assert(hp_config_expand_path(hp_config.output_path, out, sizeof out));
    cr_assert_str_eq(out, "/tmp/r.12.json");
}

Test(config, signal_names_with_or_without_sig) {
    const char *good[] = {"SIGUSR1", "usr1", "SIGUSR2", "HUP", "sigwinch", "QUIT"};
    const int want[] = {SIGUSR1, SIGUSR1, SIGUSR2, SIGHUP, SIGWINCH, SIGQUIT};
    for (size_t i = 0; i < sizeof good / sizeof *good; i++) {
        char *msg = load_with("HOTPATH_SIGNAL", good[i]);
        cr_assert_str_eq(msg, "", "for %s", good[i]);
        free(msg);
        cr_assert_eq(hp_config.signal, want[i], "for %s", good[i]);
    }
    const char *bad[] = {"SIGKILL", "USR3", "10", "SIG"};
    for (size_t i = 0; i < sizeof bad / sizeof *bad; i++) {
        expect_rejected("HOTPATH_SIGNAL", bad[i], "SIGUSR1, SIGUSR2");
        cr_assert_eq(hp_config.signal, 0, "the default (none) for %s", bad[i]);
    }
}

/* Bad values never change the exit status (the report runs at exit). */
Test(config, exit_status_is_unchanged_by_bad_values, .exit_code = 3) {
    free(load_with("HOTPATH_OUTPUT_PATH", "/nonexistent-dir/x"));
    free(load_with("HOTPATH_PERCENTILES", "abc"));
    static struct hotpath_site s = HOTPATH_SITE_INIT("cfg::g", HOTPATH_KIND_FUNCTION);
    hotpath_exit(&s, hotpath_enter(&s));
    exit(3);
}

/* ---- messages name what is used instead, from its real source ---- */

/* Loads var=value, then settles with hotpath::main asking for m; returns
 * everything printed. */
static char *load_with_main(const char *var, const char *value, const struct hp_main_request *m) {
    setenv(var, value, 1);
    char *buf = NULL;
    size_t len = 0;
    FILE *err = open_memstream(&buf, &len);
    hp_config_load(err);
    hp_config_settle(err, m);
    hp_config_settle(err, m); /* once: a second call prints nothing */
    fclose(err);
    return buf;
}

Test(config, refused_percentiles_name_those_of_hotpath_main) {
    struct hp_main_request m = {"basic::main", "50,95,99", 0};
    char *msg = load_with_main("HOTPATH_PERCENTILES", "101", &m);
    cr_assert_str_eq(msg,
                     "hotpath: HOTPATH_PERCENTILES=\"101\" is not valid (101 is above 100): expected "
                     "at most 16 comma-separated numbers from 0 to 100 with at most 6 decimals, e.g. "
                     "50,95,99.9; using \"50,95,99\" from hotpath::main (basic::main)\n");
    struct hp_percentiles p;
    cr_assert(hp_config_main_percentiles(&m, &p));
    cr_assert_eq(p.n, 3, "the report shows what the line says");
    cr_assert_eq(p.p[2], 99);
    free(msg);
    msg = load_with_main("HOTPATH_PERCENTILES", "101", NULL);
    cr_assert(strstr(msg, "; using the default \"95\"\n"), "%s", msg);
    free(msg);
}

Test(config, percentiles_keep_the_digits_given) {
    char *msg = load_with("HOTPATH_PERCENTILES", "99.99999, 099.50,0.000001,100.0");
    cr_assert_str_eq(msg, "");
    cr_assert_eq(hp_config.percentiles.n, 4);
    cr_assert_str_eq(hp_config.percentiles.label[0], "99.99999", "not P100");
    cr_assert_str_eq(hp_config.percentiles.label[1], "99.5");
    cr_assert_str_eq(hp_config.percentiles.label[2], "0.000001");
    cr_assert_str_eq(hp_config.percentiles.label[3], "100");
    cr_assert_eq(hp_config.percentiles.p[0], 99.99999);
    free(msg);
}

Test(config, too_many_decimals_or_percentiles_are_refused_with_the_limit) {
    char *msg = load_with("HOTPATH_PERCENTILES", "12.3456789");
    cr_assert(strstr(msg, "HOTPATH_PERCENTILES=\"12.3456789\" is not valid (12.3456789 has more than "
                          "6 decimals): expected at most 16 comma-separated numbers"),
              "%s", msg);
    cr_assert_eq(hp_config.percentiles.n, 1);
    free(msg);
    msg = load_with("HOTPATH_PERCENTILES", "1,2,3,4,5,6,7,8,9,10,11,12,13,14,15,16,17");
    cr_assert(strstr(msg, "is not valid (17 different percentiles; at most 16): expected at most 16 "),
              "%s", msg);
    cr_assert(strstr(msg, "using the default \"95\""), "%s", msg);
    free(msg);
    msg = load_with("HOTPATH_PERCENTILES", "1,2,3,4,5,6,7,8,9,10,11,12,13,14,15,16,16,16");
    cr_assert(strstr(msg, "lists 16 more than once: using \"1,2,3,4,5,6,7,8,9,10,11,12,13,14,15,16\""),
              "16 different ones are accepted: %s", msg);
    free(msg);
}

Test(config, a_repeated_percentile_is_shown_once_with_a_line) {
    char *msg = load_with("HOTPATH_PERCENTILES", "95,50,95.0");
    cr_assert_str_eq(msg, "hotpath: HOTPATH_PERCENTILES=\"95,50,95.0\" lists 95 more than once: "
                          "using \"95,50\"\n");
    cr_assert_eq(hp_config.percentiles.n, 2);
    cr_assert(hp_config.from_env & (1u << HP_OPT_percentiles));
    free(msg);
}

Test(config, bad_percentiles_of_hotpath_main_say_so) {
    unsetenv("HOTPATH_PERCENTILES");
    struct hp_main_request m = {"big::main", "1,2,3,4,5,6,7,8,9,10,11,12,13,14,15,16,17", 0};
    char *buf = NULL;
    size_t len = 0;
    FILE *err = open_memstream(&buf, &len);
    hp_config_load(err);
    hp_config_settle(err, &m);
    fclose(err);
    cr_assert_str_eq(buf, "hotpath: the percentiles \"1,2,3,4,5,6,7,8,9,10,11,12,13,14,15,16,17\" of "
                          "hotpath::main (big::main) are not valid (17 different percentiles; at "
                          "most 16): expected at most 16 comma-separated numbers from 0 to 100 with "
                          "at most 6 decimals, e.g. 50,95,99.9; using the default \"95\"\n");
    free(buf);
}

Test(config, refused_alloc_values_name_what_hotpath_main_asks_for) {
    struct hp_main_request m = {"a::main", NULL, HOTPATH_FLAG_ALLOC | HOTPATH_FLAG_ALLOC_CUMULATIVE};
    char *msg = load_with_main("HOTPATH_ALLOC", "maybe", &m);
    cr_assert_str_eq(msg, "hotpath: HOTPATH_ALLOC=\"maybe\" is not valid: expected 1, 0, true, false, "
                          "on, off, yes or no; using \"1\" from hotpath::main (a::main)\n");
    free(msg);
    unsetenv("HOTPATH_ALLOC");
    msg = load_with_main("HOTPATH_ALLOC_CUMULATIVE", "2", &m);
    cr_assert(strstr(msg, "using \"1\" from hotpath::main (a::main)\n"), "%s", msg);
    free(msg);
    msg = load_with_main("HOTPATH_ALLOC_CUMULATIVE", "2", NULL);
    cr_assert(strstr(msg, "using the default \"0\"\n"), "%s", msg);
    free(msg);
    unsetenv("HOTPATH_ALLOC_CUMULATIVE");
}

/* Found by the fuzz target (tests/fuzz/fuzz_config.c): a value holding a
 * line break or another control character still gets one line. */
Test(config, a_value_with_a_line_break_gets_one_line) {
    char *msg = load_with("HOTPATH_OUTPUT_FORMAT", "json\nhotpath: forged\x01");
    cr_assert_eq(count_lines(msg), 1, "%s", msg);
    cr_assert(strstr(msg, "HOTPATH_OUTPUT_FORMAT=\"json\\nhotpath: forged\\x01\" is not valid"), "%s", msg);
    free(msg);
    clear_env();
    msg = load_with("HOTPATH_PERCENTILES", "5\n0");
    cr_assert_eq(count_lines(msg), 1, "%s", msg);
    cr_assert(strstr(msg, "HOTPATH_PERCENTILES=\"5\\n0\" is not valid"), "%s", msg);
    free(msg);
}

/* Found by the fuzz target: a repeat after 16 different percentiles read
 * past the 16 kept (UBSan: index 16 out of bounds). */
Test(config, a_repeat_after_sixteen_percentiles_is_counted_right) {
    char *msg = load_with("HOTPATH_PERCENTILES", "1,2,3,4,5,6,7,8,9,10,11,12,13,14,15,16,17,17,18,1");
    cr_assert(strstr(msg, "(18 different percentiles; at most 16)"), "%s", msg);
    cr_assert_eq(count_lines(msg), 1, "%s", msg);
    free(msg);
}

/* The rule behind the estimate, which needs no exact reading of glibc's
 * parser: a repetition applies only to a character, bracket, escape or
 * plain group. */
Test(config, a_focus_regex_repeating_a_repetition_or_a_group_holding_one_is_refused) {
    const char *ok[] = {"^(parse|lex)_[a-z]+$|json_.*", "x\\.?", "(ab|cd)*(ef|[)*]){2}", "a{1,3}b",
                        "[]*]+", "\\(a*\\)+", "(a)|(b)", "[[:alpha:]]*_", ")*", "(_[0-9]{1,3})?$", "(a|)?"};
    for (size_t i = 0; i < sizeof ok / sizeof *ok; i++)
        cr_assert_null(hp_regex_nested(ok[i]), "%s: %s", ok[i], hp_regex_nested(ok[i]));
    const char *stacked[] = {"a**", "a+{2}", "[ab]?*", "(ab)*+", "a{2}{3}"};
    for (size_t i = 0; i < sizeof stacked / sizeof *stacked; i++)
        cr_assert(hp_regex_nested(stacked[i]) && strstr(hp_regex_nested(stacked[i]), "of a repetition,"),
                  "%s", stacked[i]);
    const char *nested[] = {"(a*)+", "((ab)?c)*", "(a|)*", "(|a)+", "()*", "($){2}", "(^a)+",
                            "(\\ba)*", "(a)(\\1)*", "(a[(]b*)*", "((a*[(]b)*",
                            "(\\0|$){,50}{\\0,}", "|($){02,}{50,}"};
    for (size_t i = 0; i < sizeof nested / sizeof *nested; i++)
        cr_assert(hp_regex_nested(nested[i]) && strstr(hp_regex_nested(nested[i]), "of a group"),
                  "%s: %s", nested[i], hp_regex_nested(nested[i]) ? hp_regex_nested(nested[i]) : "accepted");
    const char *nothing[] = {"\\1*", "*a", "a|*", "^*", "x\\b+"};
    for (size_t i = 0; i < sizeof nothing / sizeof *nothing; i++)
        cr_assert(hp_regex_nested(nothing[i]) && strstr(hp_regex_nested(nothing[i]), "of nothing"),
                  "%s", nothing[i]);
    char *msg = load_with("HOTPATH_FOCUS", "(_[a-z]*)+");
    cr_assert(strstr(msg, "HOTPATH_FOCUS=\"(_[a-z]*)+\" is not valid (a repetition of a group that holds a repetition"),
              "%s", msg);
    cr_assert_not(hp_config.has_focus);
    free(msg);
}

/* Found by the fuzz target: stacked repetitions made regcomp exponential
 * (a++++++++++++++++++++ took 18 s at start-up); refused at once. */
Test(config, a_focus_regex_too_costly_to_compile_is_refused, .timeout = 5) {
    char *msg = load_with("HOTPATH_FOCUS", "a++++++++++++++++++++++++++++++++++++++++");
    cr_assert(strstr(msg, "HOTPATH_FOCUS=\"a+++"), "%s", msg);
    cr_assert(strstr(msg, "(more than 1000 atoms once its repetitions are copied out)"), "%s", msg);
    cr_assert_not(hp_config.has_focus);
    free(msg);
    clear_env();
    msg = load_with("HOTPATH_FOCUS", "((a{100}){100}){100}");
    cr_assert(strstr(msg, "is not valid (more than 1000 atoms"), "%s", msg);
    free(msg);
    clear_env();
    msg = load_with("HOTPATH_FOCUS", "(a*){1000}");
    cr_assert(strstr(msg, "is not valid (more than 1000 atoms"), "%s", msg);
    free(msg);
    clear_env(); /* (a?|b?|...|p?){5,} took 15 s */
    msg = load_with("HOTPATH_FOCUS", "(a?|b?|c?|d?|e?|f?|g?|h?|i?|j?|k?|l?|m?|n?|o?|p?){5,}");
    cr_assert(strstr(msg, "is not valid (an unbounded repetition of a part that can match nothing"),
              "%s", msg);
    free(msg);
    clear_env(); /* glibc reads {,50} as {0,50}: found by the fuzz target in CI, a timeout */
    msg = load_with("HOTPATH_FOCUS", "(|$){,50}{50,}");
    cr_assert(strstr(msg, "is not valid (an unbounded repetition of a part that can match nothing"),
              "%s", msg);
    free(msg);
    clear_env(); /* and an escaped digit in an interval as the digit: {\0,} is {0,} (CI, a timeout) */
    msg = load_with("HOTPATH_FOCUS", "(|$){,20}{\\0,}");
    cr_assert(strstr(msg, "is not valid (an unbounded repetition of a part that can match nothing"),
              "%s", msg);
    free(msg);
    clear_env(); /* an anchor matches nothing: ($){2,} (CI's fuzz run, a timeout) */
    msg = load_with("HOTPATH_FOCUS", "|($){02,}{50,}");
    cr_assert(strstr(msg, "is not valid (an unbounded repetition of a part that can match nothing"),
              "%s", msg);
    free(msg);
    clear_env(); /* and {,} as * */
    msg = load_with("HOTPATH_FOCUS", "(a?){,}");
    cr_assert(strstr(msg, "is not valid (an unbounded repetition"), "%s", msg);
    free(msg);
    clear_env();
    msg = load_with("HOTPATH_FOCUS", "(_[a-z])*x{0,}(ab|c)+");
    cr_assert_str_eq(msg, "");
    free(msg);
    msg = load_with("HOTPATH_FOCUS", "^(parse|lex)_[a-z]+(_[0-9]{1,3})?$");
    cr_assert_str_eq(msg, "");
    cr_assert(hp_config.has_focus);
    free(msg);
}
