/*
 * fuzz_config.c — libFuzzer target for the parsers of every HOTPATH_*
 * value (runtime/src/config.c). The first byte picks the option (its low
 * bits, modulo the number of options in options.def, so that a new option
 * is fuzzed as soon as it is declared) and whether a hotpath::main window
 * asks for percentiles and allocation tracking (bit 7); the rest, up to a
 * NUL, is the value, read as hp_config_load reads the environment's.
 *
 * Checked on every input, besides no crash and no sanitizer report:
 *   - a refused value gets exactly one line, naming the variable and the
 *     value, then "is not valid", what is accepted (options.def's text) and
 *     what is used instead ("; using ...");
 *   - an accepted value gets no line, or one remark that says what is used;
 *   - an accepted value is what it says: percentiles print back (labels) to
 *     a text that parses to the same numbers and labels, each label reads
 *     back (strtod) to its number, from 0 to 100, at most 16, none twice; a
 *     limit prints back to the same number in range; a word (format, sort,
 *     clock, signal, boolean) is one of the accepted ones and maps back.
 * Built with clang -fsanitize=fuzzer,address,undefined by tests/fuzz/
 * CMakeLists.txt and run for a bounded time by ctest (fuzz_config); the
 * seeds are in tests/fuzz/config/.
 */
#include <hotpath/hotpath.h>

#include <locale.h>
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "config.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

/* clock.c (linked for hp_cpu_has_invariant_tsc, which HOTPATH_CLOCK=tsc
 * asks) calls this from hp_clock_init, which nothing here runs. */
void hp_update_fast(void);
void hp_update_fast(void) {}

#define CHECK(cond)                                                                                \
    do {                                                                                           \
        if (!(cond)) {                                                                             \
            fprintf(stderr, "fuzz_config: %s:%d: check failed: %s\n  option %s, value \"%s\"\n  "   \
                            "lines: %s\n",                                                          \
                    __FILE__, __LINE__, #cond, var, value, out ? out : "");                        \
            __builtin_trap();                                                                      \
        }                                                                                          \
    } while (0)

static int count_lines(const char *s) {
    int n = 0;
    for (; *s; s++)
        n += *s == '\n';
    return n;
}

static int in_list(const char *v, const char *const *list, size_t n, int icase) {
    for (size_t i = 0; i < n; i++)
        if ((icase ? strcasecmp(v, list[i]) : strcmp(v, list[i])) == 0)
            return (int)i;
    return -1;
}

static void check_percentiles(const char *var, const char *value, const char *out,
                              const struct hp_percentiles *pc) {
    CHECK(pc->n >= 1 && pc->n <= HP_MAX_PERCENTILES);
    locale_t old = uselocale(hp_c_locale());
    for (int i = 0; i < pc->n; i++) {
        CHECK(pc->p[i] >= 0 && pc->p[i] <= 100);
        CHECK(pc->label[i][0] != '\0');
        CHECK(strtod(pc->label[i], NULL) == pc->p[i]); /* the label is the number */
        for (int j = 0; j < i; j++)
            CHECK(pc->p[j] != pc->p[i] && strcmp(pc->label[j], pc->label[i]) != 0);
    }
    uselocale(old);
    char text[HP_MAX_PERCENTILES * HP_PERCENTILE_LABEL];
    hp_percentiles_text(pc, text, sizeof text);
    struct hp_percentiles back;
    CHECK(hp_percentiles_parse(text, &back, NULL, 0) == NULL); /* round trip */
    CHECK(back.n == pc->n);
    for (int i = 0; i < pc->n; i++)
        CHECK(back.p[i] == pc->p[i] && strcmp(back.label[i], pc->label[i]) == 0);
}

static void check_accepted(enum hp_option_index opt, const char *var, const char *value,
                           const char *out) {
    static const char *const formats[] = {"table", "json", "json-pretty", "none"};
    static const char *const words[] = {"1", "true", "on", "yes", "0", "false", "off", "no"};
    static const char *const clocks[] = {"auto", "tsc", "monotonic"};
    static const char *const signals[] = {"USR1", "USR2", "HUP", "QUIT", "WINCH"};
    static const int signos[] = {SIGUSR1, SIGUSR2, SIGHUP, SIGQUIT, SIGWINCH};
    switch (opt) {
    case HP_OPT_percentiles:
        check_percentiles(var, value, out, &hp_config.percentiles);
        break;
    case HP_OPT_format:
        CHECK(strcmp(formats[hp_config.format], value) == 0);
        break;
    case HP_OPT_limit: {
        char back[32];
        CHECK(hp_config.limit >= 0 && hp_config.limit <= 1000000);
        snprintf(back, sizeof back, "%ld", hp_config.limit);
        CHECK(strtol(value, NULL, 10) == hp_config.limit && strtol(back, NULL, 10) == hp_config.limit);
        break;
    }
    case HP_OPT_sort:
        CHECK(strcmp(hp_sort_name(hp_config.sort), value) == 0);
        break;
    case HP_OPT_alloc:
    case HP_OPT_alloc_cumulative: {
        int i = in_list(value, words, 8, 1);
        bool b = opt == HP_OPT_alloc ? hp_config.alloc : hp_config.alloc_cumulative;
        CHECK(i >= 0 && b == (i < 4));
        break;
    }
    case HP_OPT_clock:
        CHECK(in_list(value, clocks, 3, 0) >= 0 && strcmp(hp_config.clock, value) == 0);
        break;
    case HP_OPT_signal: {
        const char *name = strncasecmp(value, "SIG", 3) == 0 ? value + 3 : value;
        int i = in_list(name, signals, 5, 1);
        CHECK(value[0] ? i >= 0 && hp_config.signal == signos[i] : hp_config.signal == 0);
        break;
    }
    case HP_OPT_output_path: {
        char path[8192];
        CHECK(strcmp(hp_config.output_path, value) == 0);
        for (const char *s = value; *s; s++)
            if (*s == '%')
                CHECK(*++s == 'p' || *s == 'n' || *s == '%');
        (void)hp_config_expand_path(hp_config.output_path, path, sizeof path);
        break;
    }
    case HP_OPT_focus:
        CHECK(hp_config.has_focus == (value[0] != '\0'));
        if (hp_config.has_focus)
            (void)regexec(&hp_config.focus, "fuzz::main", 0, NULL, 0);
        break;
    default: /* an option declared after these: only the message is checked */
        break;
    }
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
    if (size == 0)
        return 0;
    enum hp_option_index opt = (enum hp_option_index)((data[0] & 0x7f) % HP_OPT_COUNT);
    bool with_main = data[0] & 0x80;
    char *value = malloc(size);
    if (!value)
        return 0;
    memcpy(value, data + 1, size - 1);
    value[size - 1] = '\0';
    const char *var = hp_config_variable(opt);
    char *out = NULL;
    size_t outsize = 0;
    FILE *err = open_memstream(&out, &outsize);
    if (!err) {
        free(value);
        return 0;
    }
    hp_config_defaults();
    bool ok = hp_config_set(err, opt, value);
    static const struct hp_main_request m = {"fuzz::main", "50,99", HOTPATH_FLAG_ALLOC};
    hp_config_settle(err, with_main ? &m : NULL);
    fclose(err);

    char head[64];
    snprintf(head, sizeof head, "hotpath: %s=\"", var);
    if (!ok) {
        char expected[512];
        snprintf(expected, sizeof expected, ": expected %s; using ", hp_config_accepted(opt));
        CHECK(count_lines(out) == 1 && out[strlen(out) - 1] == '\n');
        CHECK(strncmp(out, head, strlen(head)) == 0);
        CHECK(strstr(out, "\" is not valid") != NULL);
        CHECK(strstr(out, expected) != NULL);
        CHECK(strstr(out, "; using \n") == NULL); /* something is named */
    } else {
        CHECK(count_lines(out) <= 1);
        if (out[0]) { /* a remark on an accepted value */
            CHECK(strncmp(out, head, strlen(head)) == 0 && out[strlen(out) - 1] == '\n');
            CHECK(strstr(out, ": using \"") != NULL);
        }
        check_accepted(opt, var, value, out);
    }
    free(out);
    free(value);
    return 0;
}
