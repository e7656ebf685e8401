/* config.c — HOTPATH_* environment variables: parsing and validation. */
#include "config.h"

#include <errno.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <unistd.h>

#include "clock.h"

struct hp_config hp_config;
_Atomic unsigned hp_config_report_number = 1;

bool hp_parse_percentiles(const char *s, struct hp_percentiles *out) {
    struct hp_percentiles r = {.n = 0};
    const char *p = s;
    for (;;) {
        while (*p == ' ')
            p++;
        char *end;
        errno = 0;
        double v = strtod(p, &end);
        if (end == p || errno != 0 || !(v >= 0.0 && v <= 100.0) || r.n == HP_MAX_PERCENTILES)
            return false;
        r.p[r.n++] = v;
        p = end;
        while (*p == ' ')
            p++;
        if (*p == '\0')
            break;
        if (*p++ != ',')
            return false;
    }
    *out = r;
    return true;
}

/* ---- one parser per option type; each returns NULL or a reason ---- */

static const char *parse_percentiles(const char *v, struct hp_percentiles *out) {
    return hp_parse_percentiles(v, out) ? NULL : "";
}

static const char *parse_format(const char *v, enum hp_format *out) {
    static const char *const names[] = {"table", "json", "json-pretty", "none"};
    for (int i = 0; i < 4; i++)
        if (strcmp(v, names[i]) == 0) {
            *out = (enum hp_format)i;
            return NULL;
        }
    return "";
}

static const char *parse_path(const char *v, char (*out)[4096]) {
    if (strlen(v) >= sizeof *out)
        return " (longer than 4095 bytes)";
    for (const char *s = v; *s; s++)
        if (*s == '%' && *++s != 'p' && *s != 'n' && *s != '%')
            return " (a % that begins none of %p, %n and %%)";
    strcpy(*out, v);
    return NULL;
}

bool hp_config_expand_path(const char *pattern, char *out, size_t size) {
    size_t n = 0;
    for (const char *s = pattern; *s; s++) {
        char pid[24];
        const char *piece = s;
        size_t len = 1;
        if (*s == '%') {
            s++; /* parse_path let only %p, %n and %% through */
            if (*s == 'p') {
                len = (size_t)snprintf(pid, sizeof pid, "%ld", (long)getpid());
                piece = pid;
            } else if (*s == 'n') {
                len = (size_t)snprintf(pid, sizeof pid, "%u", hp_config_report_number);
                piece = pid;
            }
        }
        if (n + len >= size)
            return false;
        memcpy(out + n, piece, len);
        n += len;
    }
    out[n] = '\0';
    return true;
}

static const char *parse_count(const char *v, long *out) {
    char *end;
    errno = 0;
    long n = strtol(v, &end, 10);
    if (end == v || *end != '\0' || errno != 0 || n < 0 || n > 1000000)
        return "";
    *out = n;
    return NULL;
}

static const char *parse_regex(const char *v, regex_t *out) {
    static char why[160];
    if (*v == '\0')
        return NULL;
    int rc = regcomp(out, v, REG_EXTENDED | REG_NOSUB);
    if (rc != 0) {
        char msg[120];
        regerror(rc, out, msg, sizeof msg);
        snprintf(why, sizeof why, " (%s)", msg);
        return why;
    }
    hp_config.has_focus = true;
    return NULL;
}

static const char *parse_clock(const char *v, char (*out)[16]) {
    if (strcmp(v, "auto") && strcmp(v, "tsc") && strcmp(v, "monotonic"))
        return "";
    if (strcmp(v, "tsc") == 0 && !hp_cpu_has_invariant_tsc())
        return " (this CPU has no invariant TSC)";
    strcpy(*out, v);
    return NULL;
}

static const char *parse_signal(const char *v, int *out) {
    static const struct {
        const char *name;
        int signo;
    } names[] = {{"USR1", SIGUSR1}, {"USR2", SIGUSR2}, {"HUP", SIGHUP}, {"QUIT", SIGQUIT},
                 {"WINCH", SIGWINCH}};
    if (*v == '\0') {
        *out = 0;
        return NULL;
    }
    const char *name = strncasecmp(v, "SIG", 3) == 0 ? v + 3 : v;
    for (size_t i = 0; i < sizeof names / sizeof *names; i++)
        if (strcasecmp(name, names[i].name) == 0) {
            *out = names[i].signo;
            return NULL;
        }
    return "";
}

static const char *parse_bool(const char *v, bool *out) {
    static const char *const yes[] = {"1", "true", "on", "yes"}, *const no[] = {"0", "false", "off", "no"};
    for (int i = 0; i < 4; i++) {
        if (strcasecmp(v, yes[i]) == 0) {
            *out = true;
            return NULL;
        }
        if (strcasecmp(v, no[i]) == 0) {
            *out = false;
            return NULL;
        }
    }
    return "";
}

/* ---- the table, from options.def ---- */

static const struct {
    const char *var, *def, *accepted;
} options[HP_OPT_COUNT] = {
#define HP_OPTION(field, var, type, def, accepted, desc) [HP_OPT_##field] = {var, def, accepted},
#include "options.def"
#undef HP_OPTION
};

void hp_config_reject(FILE *err, enum hp_option_index opt, const char *value, const char *why) {
    const char *def = options[opt].def;
    fprintf(err, "hotpath: %s=\"%s\" is not valid%s: expected %s; using the default%s%s%s\n",
            options[opt].var, value, why, options[opt].accepted, def[0] ? " \"" : " (none)", def,
            def[0] ? "\"" : "");
}

void hp_config_load(FILE *err) {
    hp_config_free();
    memset(&hp_config, 0, sizeof hp_config);
#define HP_OPTION(field, var, type, def, accepted, desc)                                           \
    do {                                                                                           \
        if (parse_##type(def, &hp_config.field) != NULL)                                           \
            abort(); /* a default that does not parse is a bug in options.def */                  \
        const char *v = getenv(var), *why = NULL;                                                  \
        if (v && (why = parse_##type(v, &hp_config.field)) != NULL && err)                         \
            hp_config_reject(err, HP_OPT_##field, v, why);                                         \
        if (v && !why)                                                                             \
            hp_config.from_env |= 1u << HP_OPT_##field;                                            \
    } while (0);
#include "options.def"
#undef HP_OPTION
}

void hp_config_free(void) {
    if (hp_config.has_focus)
        regfree(&hp_config.focus);
    hp_config.has_focus = false;
}
