/*
 * fuzz_plugin_args.c — libFuzzer target for the plugins' argument parser
 * and the attributes' sample= option (plugin-common/plugin_args.c). The
 * input is split at NUL bytes into words; each goes through
 * hp_args_parse_word (Clang's form), the GCC form (key and value apart)
 * and hp_args_sample_option. Checked: a refused word leaves one printable
 * line (no newline, NUL-terminated within the buffer), an accepted one
 * none; sample and min-size stay within their ranges; include/exclude
 * point into the word given.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "plugin_args.h"

static const struct hp_args_dialect D = {"-fplugin-arg-hotpath-", "statements", 40};

static void check_line(enum hp_args_status st, const char *msg, size_t size) {
    size_t n = strnlen(msg, size);
    if (n == size)
        abort(); /* not terminated */
    if ((st == HP_ARGS_OK || st == HP_ARGS_NOT_SAMPLE) != (n == 0))
        abort(); /* a refusal without a message, or a message without one */
    for (size_t i = 0; i < n; i++)
        if ((unsigned char)msg[i] < 0x20 || (unsigned char)msg[i] == 0x7f)
            abort(); /* more than one printable line */
}

static void check_args(const struct hp_plugin_args *a, const char *word, size_t len) {
    if (a->sample > HP_ARGS_SAMPLE_MAX || a->min_size > HP_ARGS_MIN_SIZE_MAX)
        abort();
    for (int i = 0; i < 2; i++) {
        const char *p = i ? a->exclude : a->include;
        if (p && (p < word || p > word + len || !*p))
            abort();
    }
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
    char *buf = malloc(size + 1);
    if (!buf)
        return 0;
    memcpy(buf, data, size);
    buf[size] = '\0';
    /* a small message buffer too, from the first byte: truncation */
    size_t msg_size = size ? 1 + data[0] % 4 * 150 : 600;
    char *msg = malloc(msg_size);
    for (size_t i = 0; i <= size; i += strlen(buf + i) + 1) {
        char *word = buf + i;
        size_t len = strlen(word);
        struct hp_plugin_args a;
        hp_args_init(&a, &D);
        enum hp_args_status st = hp_args_parse_word(&a, &D, word, msg, msg_size);
        if (msg_size > 1)
            check_line(st, msg, msg_size);
        check_args(&a, word, len);
        if (st == HP_ARGS_OK && !strncmp(word, "sample=", 7) &&
            (a.sample < 1 || strspn(word + 7, "0123456789") != len - 7))
            abort(); /* accepted what is no period */

        /* the GCC form: key and value apart */
        char *eq = strchr(word, '=');
        if (eq)
            *eq = '\0';
        hp_args_init(&a, &D);
        st = hp_args_parse(&a, &D, word, eq ? eq + 1 : NULL, msg, msg_size);
        if (msg_size > 1)
            check_line(st, msg, msg_size);
        check_args(&a, word, len);
        if (eq)
            *eq = '=';

        unsigned n = 0;
        st = hp_args_sample_option(word, "hotpath::measure", (int)(len & 1), &n, msg, msg_size);
        if (msg_size > 1)
            check_line(st, msg, msg_size);
        if (st == HP_ARGS_OK && (n < 1 || n > HP_ARGS_SAMPLE_MAX))
            abort();
        hp_args_bad_regex(&D, word, word, word, msg, msg_size);
        if (msg_size > 1)
            check_line(HP_ARGS_BAD_REGEX, msg, msg_size);
    }
    free(msg);
    free(buf);
    return 0;
}
