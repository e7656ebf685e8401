/*
 * plugin_args.c — the plugins' arguments and the attributes' sample=
 * option (see plugin_args.h). C that compiles as C++ too.
 */
#include "plugin_args.h"

#include <stdio.h>
#include <string.h>

/* What an unknown argument's message lists. */
#define HP_ARGS_ACCEPTED "include=REGEX, exclude=REGEX, min-size=N, sample=N, verbose[=yes|no]"
/* At most this many bytes of a value are shown in a message. */
#define HP_ARGS_SHOWN 160

static const char *const formats[HP_ARGS_NSTATUS] = {
#define HP_ARGS_MESSAGE(code, format, example) format,
#include "plugin_args.def"
#undef HP_ARGS_MESSAGE
};

static const char *const examples[HP_ARGS_NSTATUS] = {
#define HP_ARGS_MESSAGE(code, format, example) example,
#include "plugin_args.def"
#undef HP_ARGS_MESSAGE
};

const char *hp_args_format(enum hp_args_status status) {
    return (unsigned)status < HP_ARGS_NSTATUS ? formats[status] : "";
}

const char *hp_args_example(enum hp_args_status status) {
    return (unsigned)status < HP_ARGS_NSTATUS ? examples[status] : "";
}

/* text as one printable line: other bytes as \xNN, cut after
 * HP_ARGS_SHOWN bytes with "...". */
static void shown(const char *text, char *out, size_t size) {
    static const char hex[] = "0123456789abcdef";
    size_t n = 0, i = 0;
    if (!size)
        return;
    for (; text && text[i] && i < HP_ARGS_SHOWN && n + 5 < size; i++) {
        unsigned char c = (unsigned char)text[i];
        if (c >= 0x20 && c < 0x7f && c != '\\') {
            out[n++] = (char)c;
        } else if (c == '\\') {
            out[n++] = '\\';
            out[n++] = '\\';
        } else {
            out[n++] = '\\';
            out[n++] = 'x';
            out[n++] = hex[c >> 4];
            out[n++] = hex[c & 15];
        }
    }
    if (text && text[i] && n + 4 <= size) {
        memcpy(out + n, "...", 3);
        n += 3;
    }
    out[n] = '\0';
}

enum hp_args_status hp_args_message(enum hp_args_status status, const char *what,
                                    const char *value, const char *extra, char *msg, size_t size) {
    char v[4 * HP_ARGS_SHOWN + 8], w[4 * 64 + 8], e[4 * HP_ARGS_SHOWN + 8];
    shown(value, v, sizeof v);
    shown(what, w, sizeof w);
    shown(extra, e, sizeof e);
    if (size)
        snprintf(msg, size, hp_args_format(status), w, v, e);
    return status;
}

void hp_args_init(struct hp_plugin_args *a, const struct hp_args_dialect *d) {
    a->include = a->exclude = NULL;
    a->min_size = d->min_size;
    a->sample = 0;
    a->verbose = 0;
}

/* Decimal digits only (no sign, no space) up to max: *out; else 0. */
static int parse_number(const char *s, unsigned long max, unsigned long *out) {
    unsigned long n = 0;
    if (!s || !*s)
        return 0;
    for (; *s; s++) {
        if (*s < '0' || *s > '9')
            return 0;
        n = n * 10 + (unsigned long)(*s - '0');
        if (n > max)
            return 0;
    }
    *out = n;
    return 1;
}

/* A switch: no value (on), or one of the words below. */
static int parse_switch(const char *value, int *out) {
    static const char *const on[] = {"1", "yes", "on", "true"};
    static const char *const off[] = {"0", "no", "off", "false"};
    if (!value) {
        *out = 1;
        return 1;
    }
    for (int i = 0; i < 4; i++) {
        if (!strcmp(value, on[i]) || !strcmp(value, off[i])) {
            *out = !strcmp(value, on[i]);
            return 1;
        }
    }
    return 0;
}

enum hp_args_status hp_args_parse(struct hp_plugin_args *a, const struct hp_args_dialect *d,
                                  const char *key, const char *value, char *msg, size_t size) {
    char option[128];
    snprintf(option, sizeof option, "%s%s", d->prefix, key ? key : "");
    if (size)
        msg[0] = '\0';
    if (!key)
        key = "";
    if (!strcmp(key, "verbose")) {
        if (!parse_switch(value, &a->verbose))
            return hp_args_message(HP_ARGS_BAD_SWITCH, option, value, NULL, msg, size);
    } else if (!strcmp(key, "min-size")) {
        unsigned long n;
        if (!parse_number(value, HP_ARGS_MIN_SIZE_MAX, &n))
            return hp_args_message(HP_ARGS_BAD_SIZE, option, value, d->size_unit, msg, size);
        a->min_size = n;
    } else if (!strcmp(key, "sample")) {
        unsigned long n;
        if (!value)
            return hp_args_message(HP_ARGS_NO_VALUE, option, NULL, "sample=N, N from 1 to 65535",
                                   msg, size);
        if (!parse_number(value, HP_ARGS_SAMPLE_MAX, &n) || n == 0)
            return hp_args_message(HP_ARGS_BAD_SAMPLE, option, value, NULL, msg, size);
        a->sample = (unsigned)n;
    } else if (!strcmp(key, "include") || !strcmp(key, "exclude")) {
        if (!value || !*value)
            return hp_args_message(HP_ARGS_NO_VALUE, option, NULL,
                                   key[0] == 'i' ? "include=REGEX" : "exclude=REGEX", msg, size);
        *(key[0] == 'i' ? &a->include : &a->exclude) = value;
    } else {
        return hp_args_message(HP_ARGS_UNKNOWN, option, value, HP_ARGS_ACCEPTED, msg, size);
    }
    return HP_ARGS_OK;
}

enum hp_args_status hp_args_parse_word(struct hp_plugin_args *a, const struct hp_args_dialect *d,
                                       const char *word, char *msg, size_t size) {
    char key[64];
    const char *eq = strchr(word, '=');
    size_t n = eq ? (size_t)(eq - word) : strlen(word);
    if (n >= sizeof key) /* no argument has a key that long */
        return hp_args_message(HP_ARGS_UNKNOWN, d->prefix, word, HP_ARGS_ACCEPTED, msg, size);
    memcpy(key, word, n);
    key[n] = '\0';
    return hp_args_parse(a, d, key, eq ? eq + 1 : NULL, msg, size);
}

enum hp_args_status hp_args_bad_regex(const struct hp_args_dialect *d, const char *key,
                                      const char *value, const char *why, char *msg, size_t size) {
    char option[128];
    snprintf(option, sizeof option, "%s%s", d->prefix, key);
    return hp_args_message(HP_ARGS_BAD_REGEX, option, value, why, msg, size);
}

enum hp_args_status hp_args_sample_option(const char *text, const char *spelling, int on_main,
                                          unsigned *out, char *msg, size_t size) {
    if (size)
        msg[0] = '\0';
    if (!text || strncmp(text, "sample=", 7))
        return HP_ARGS_NOT_SAMPLE;
    if (on_main)
        return hp_args_message(HP_ARGS_SAMPLE_ON_MAIN, spelling, text, NULL, msg, size);
    const char *v = text + 7;
    const char *digits = v + (*v == '-');
    unsigned long n;
    if (!*digits || strspn(digits, "0123456789") != strlen(digits))
        return hp_args_message(HP_ARGS_SAMPLE_NOT_NUMBER, spelling, v, NULL, msg, size);
    if (*v == '-' || !parse_number(digits, HP_ARGS_SAMPLE_MAX, &n) || n == 0)
        return hp_args_message(HP_ARGS_SAMPLE_RANGE, spelling, v, NULL, msg, size);
    *out = (unsigned)n;
    return HP_ARGS_OK;
}
