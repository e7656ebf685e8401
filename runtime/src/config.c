/* config.c — HOTPATH_* environment variables: parsing and validation. */
#include "config.h"

#include <hotpath/hotpath.h>

#include <errno.h>
#include <locale.h>
#include <math.h>
#include <signal.h>
#include <stdatomic.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <unistd.h>

#include "clock.h"
#include "metrics.h"
#include "regex_cost.h"
#include "report.h" /* hp_printable */

/* After every other variable of the runtime: in .lbss, which the linker
 * puts after .bss (GCC on x86-64; Clang would make it file-backed zeros).
 * The struct is 13 KB, most of it path buffers a short process leaves
 * untouched; in .bss it sat between the runtime's other variables, so that
 * a short process touched the page below it (start-up's statics) and the
 * page above it (config.c's and copies.c's, after it in the link): now
 * both sets share the pages below, and the struct's first page (its
 * options and a short output_path) follows them, usually in the last of
 * those pages. One page fault fewer per process (docs/benchmarks.md,
 * "Short processes"). */
#if defined(__x86_64__) && defined(__GNUC__) && !defined(__clang__)
__attribute__((section(".lbss")))
#endif
struct hp_config hp_config;
_Atomic unsigned hp_config_report_number = 1;

locale_t hp_c_locale(void) {
    static _Atomic(locale_t) c;
    locale_t l = atomic_load(&c);
    if (!l) {
        l = newlocale(LC_ALL_MASK, "C", (locale_t)0); /* glibc: its static C locale */
        atomic_store(&c, l);
    }
    return l;
}

/*
 * strtol(v, end, 10) in the C locale, and strcasecmp on ASCII, as the
 * options' parsers use them. A value of digits alone (every default of
 * options.def, most values) is read here, as strtol reads it, without
 * strtol, the C locale and the locale's tables, whose pages a short
 * process faults in for them alone; anything else goes to strtol in the
 * C locale, so that what is accepted and refused does not change.
 */
static long to_long(const char *v, char **end) {
    const char *s = v;
    long n = 0;
    while (*s >= '0' && *s <= '9' && s - v < 18)
        n = n * 10 + (*s++ - '0');
    if (s > v && *s == '\0') {
        *end = (char *)s;
        return n;
    }
    locale_t old = uselocale(hp_c_locale());
    n = strtol(v, end, 10);
    uselocale(old);
    return n;
}

static int ascii_casecmp(const char *a, const char *b) {
    for (;; a++, b++) {
        int x = (unsigned char)*a, y = (unsigned char)*b;
        x += x >= 'A' && x <= 'Z' ? 'a' - 'A' : 0;
        y += y >= 'A' && y <= 'Z' ? 'a' - 'A' : 0;
        if (x != y || x == 0)
            return x - y;
    }
}

/* ---- percentiles: "50, 95,99.9" ---- */

/*
 * One number from 0 to 100 with at most HP_PERCENTILE_DECIMALS decimals,
 * read without the locale: digits, optionally '.' and digits. Its value is
 * the integer of its digits divided by a power of ten, both exact in a
 * double, so the quotient is the correctly rounded value (what strtod gives
 * in the C locale). label gets the number without leading or trailing zeros.
 */
static const char *parse_percentile(const char **pp, double *v, char *label, char *why,
                                    size_t whysize) {
    const char *p = *pp, *start = p;
    uint64_t m = 0;
    int ndigits = 0, decimals = 0;
    for (; *p >= '0' && *p <= '9'; p++, ndigits++)
        m = m < 1000000000000u ? m * 10 + (uint64_t)(*p - '0') : m;
    if (ndigits == 0)
        return "";
    if (*p == '.') {
        p++;
        for (; *p >= '0' && *p <= '9'; p++, decimals++)
            m = decimals < 12 ? m * 10 + (uint64_t)(*p - '0') : m;
        if (decimals == 0)
            return "";
    }
    int len = (int)(p - start);
    const char *cut = len > 24 ? "..." : ""; /* a long number, shortened in the reason */
    len = len > 24 ? 24 : len;
    if (decimals > HP_PERCENTILE_DECIMALS) {
        snprintf(why, whysize, " (%.*s%s has more than %d decimals)", len, start, cut,
                 HP_PERCENTILE_DECIMALS);
        return why;
    }
    uint64_t scale = 1;
    for (int i = 0; i < decimals; i++)
        scale *= 10;
    if (m > 100 * scale) {
        snprintf(why, whysize, " (%.*s%s is above 100)", len, start, cut);
        return why;
    }
    *v = (double)m / (double)scale;
    uint64_t frac = m % scale;
    /* without snprintf, as every number a short process's report needs
     * (format.c): its code pages are faults of their own */
    char *end = hp_put_u64(label, m / scale);
    if (frac) {
        while (frac % 10 == 0) {
            frac /= 10;
            decimals--;
        }
        *end++ = '.';
        end = hp_put_u64_width(end, frac, decimals);
    }
    *end = '\0';
    *pp = p;
    return NULL;
}

const char *hp_percentiles_parse(const char *s, struct hp_percentiles *out, char *note,
                                 size_t notesize) {
    static char why[96];
    struct hp_percentiles r = {.n = 0};
    const char *p = s;
    int items = 0, nextra = 0;
    double extra[256 - HP_MAX_PERCENTILES]; /* the different ones past the limit */
    bool more = false;                      /* and more than those */
    if (note && notesize)
        note[0] = '\0';
    for (;;) {
        while (*p == ' ')
            p++;
        double v;
        char label[HP_PERCENTILE_LABEL];
        const char *bad = parse_percentile(&p, &v, label, why, sizeof why);
        if (bad)
            return bad;
        items++;
        int dup = -1;
        for (int i = 0; i < r.n; i++)
            if (r.p[i] == v)
                dup = i;
        bool seen = dup >= 0;
        for (int i = 0; i < nextra && !seen; i++)
            seen = extra[i] == v;
        if (dup >= 0) {
            if (note && notesize && !note[0])
                snprintf(note, notesize, "lists %s more than once", r.label[dup]);
        } else if (seen) {
            /* a repeat among those past the limit: refused below anyway */
        } else if (r.n < HP_MAX_PERCENTILES) {
            r.p[r.n] = v;
            memcpy(r.label[r.n++], label, sizeof label);
        } else if (nextra < (int)(sizeof extra / sizeof *extra))
            extra[nextra++] = v; /* kept, to say how many different ones there are */
        else
            more = true;
        while (*p == ' ')
            p++;
        if (*p == '\0')
            break;
        if (*p++ != ',')
            return "";
    }
    if (nextra > 0) {
        snprintf(why, sizeof why, " (%s%d different percentiles; at most %d)", more ? "more than " : "",
                 r.n + nextra, HP_MAX_PERCENTILES);
        return why;
    }
    (void)items;
    *out = r;
    return NULL;
}

void hp_percentiles_text(const struct hp_percentiles *pc, char *buf, size_t size) {
    size_t n = 0;
    buf[0] = '\0';
    for (int i = 0; i < pc->n && n < size; i++)
        n += (size_t)snprintf(buf + n, size - n, "%s%s", i ? "," : "", pc->label[i]);
}

/* A parser may leave a remark on a value it accepted (e.g. a repeated
 * percentile dropped); hp_config_load prints it. */
static char parse_note[128];

/* ---- one parser per option type; each returns NULL or a reason ---- */

static const char *parse_percentiles(const char *v, struct hp_percentiles *out) {
    return hp_percentiles_parse(v, out, parse_note, sizeof parse_note);
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

long hp_report_pid;

long hp_pid(void) { return hp_report_pid ? hp_report_pid : (long)getpid(); }

bool hp_config_expand_path(const char *pattern, char *out, size_t size) {
    size_t n = 0;
    for (const char *s = pattern; *s; s++) {
        char pid[24];
        const char *piece = s;
        size_t len = 1;
        if (*s == '%') {
            s++; /* parse_path let only %p, %n and %% through */
            if (*s == 'p') {
                len = (size_t)(hp_put_u64(pid, (uint64_t)hp_pid()) - pid); /* a pid is positive */
                piece = pid;
            } else if (*s == 'n') {
                len = (size_t)(hp_put_u64(pid, hp_config_report_number) - pid);
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

bool hp_config_resolve_path(const char *pattern, char *out, size_t size) {
    /* In place, without a second path buffer on the stack: at exit a
     * short process would fault in a page for it. */
    if (!hp_config_expand_path(pattern, out, size))
        return false;
    if (out[0] == '/' || !hp_config.start_dir[0])
        return true;
    size_t dir = strlen(hp_config.start_dir), len = strlen(out);
    if (dir + 1 + len >= size)
        return false;
    memmove(out + dir + 1, out, len + 1);
    memcpy(out, hp_config.start_dir, dir);
    out[dir] = '/';
    return true;
}

static const char *parse_count(const char *v, long *out) {
    char *end;
    errno = 0;
    long n = to_long(v, &end);
    if (end == v || *end != '\0' || errno != 0 || n < 0 || n > 1000000)
        return "";
    *out = n;
    return NULL;
}

static const char *parse_period(const char *v, long *out) {
    char *end;
    errno = 0;
    long n = to_long(v, &end);
    if (end == v || *end != '\0' || errno != 0 || n < 1 || n > 65535)
        return "";
    *out = n;
    return NULL;
}

static const char *parse_regex(const char *v, regex_t *out) {
    static char why[200];
    if (*v == '\0')
        return NULL;
    bool unbounded_empty;
    double size = hp_regex_size(v, &unbounded_empty);
    if (unbounded_empty) {
        snprintf(why, sizeof why, " (an unbounded repetition of a part that can match nothing, "
                                  "as in (a|)* or (b?)+)");
        return why;
    }
    if (size > HP_REGEX_MAX_ATOMS) {
        snprintf(why, sizeof why, " (more than %d atoms once its repetitions are copied out)",
                 HP_REGEX_MAX_ATOMS);
        return why;
    }
    const char *nested = hp_regex_nested(v);
    if (nested) {
        snprintf(why, sizeof why, " (%s)", nested);
        return why;
    }
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

static const char *const sort_names[] = {"total", "self", "calls", "avg", "alloc"};

const char *hp_sort_name(enum hp_sort sort) {
    return (unsigned)sort < 5 ? sort_names[sort] : "total";
}

static const char *parse_sort(const char *v, enum hp_sort *out) {
    for (int i = 0; i < 5; i++)
        if (strcmp(v, sort_names[i]) == 0) {
            *out = (enum hp_sort)i;
            return NULL;
        }
    return "";
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
    const char *name = (v[0] | 0x20) == 's' && (v[1] | 0x20) == 'i' && (v[2] | 0x20) == 'g' ? v + 3 : v;
    for (size_t i = 0; i < sizeof names / sizeof *names; i++)
        if (ascii_casecmp(name, names[i].name) == 0) {
            *out = names[i].signo;
            return NULL;
        }
    return "";
}

/* HOTPATH_TRACE: a path with %p and %% (no %n: one trace per process). */
static const char *parse_trace_path(const char *v, char (*out)[4096]) {
    if (strlen(v) >= sizeof *out)
        return " (longer than 4095 bytes)";
    for (const char *s = v; *s; s++)
        if (*s == '%' && *++s != 'p' && *s != '%')
            return " (a % that begins neither %p nor %%)";
    strcpy(*out, v);
    return NULL;
}

static const char *parse_whole(const char *v, long lo, long hi, long *out) {
    char *end;
    errno = 0;
    long n = to_long(v, &end);
    if (end == v || *end != '\0' || errno != 0 || n < lo || n > hi || *v == '-' || *v == '+' ||
        *v == ' ')
        return "";
    *out = n;
    return NULL;
}

/* HOTPATH_TRACE_BUFFER: calls per thread (24 bytes each). */
static const char *parse_trace_calls(const char *v, long *out) {
    return parse_whole(v, 1, 100000000, out);
}

/* HOTPATH_TRACE_MIN_NS: nanoseconds, up to an hour. */
static const char *parse_nanoseconds(const char *v, long *out) {
    return parse_whole(v, 0, 3600000000000L, out);
}

/* HOTPATH_LIVE_INTERVAL: seconds with at most 3 decimals, 0.1 to 3600,
 * kept in milliseconds. */
static const char *parse_seconds(const char *v, long *out) {
    long ms = 0;
    const char *s = v;
    if (*s < '0' || *s > '9')
        return "";
    for (; *s >= '0' && *s <= '9'; s++)
        if ((ms = ms * 10 + (*s - '0')) > 3600)
            return "";
    ms *= 1000;
    if (*s == '.') {
        long unit = 100;
        if (!*++s)
            return "";
        for (; *s >= '0' && *s <= '9'; s++, unit /= 10) {
            if (unit == 0)
                return " (more than 3 decimals)";
            ms += (*s - '0') * unit;
        }
    }
    if (*s != '\0' || ms < 100 || ms > 3600000)
        return "";
    *out = ms;
    return NULL;
}

/* HOTPATH_METRICS: [ADDRESS]:PORT (metrics.c). */
static const char *parse_metrics(const char *v, struct hp_metrics_addr *out) {
    return hp_metrics_parse(v, out);
}

static const char *parse_bool(const char *v, bool *out) {
    static const char *const yes[] = {"1", "true", "on", "yes"}, *const no[] = {"0", "false", "off", "no"};
    for (int i = 0; i < 4; i++) {
        if (ascii_casecmp(v, yes[i]) == 0) {
            *out = true;
            return NULL;
        }
        if (ascii_casecmp(v, no[i]) == 0) {
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

/* A value as a message quotes it: hp_printable (format.c), at most
 * HP_QUOTE_MAX bytes of it. */
#define HP_QUOTE_MAX 200
static const char *quote(const char *v, char *buf, size_t size) {
    return hp_printable(v, HP_QUOTE_MAX, buf, size);
}
#define HP_QUOTED (HP_QUOTE_MAX * 4 + 8)

void hp_config_reject_using(FILE *err, enum hp_option_index opt, const char *value, const char *why,
                            const char *using) {
    char q[HP_QUOTED];
    locale_t old = uselocale(hp_c_locale());
    fprintf(err, "hotpath: %s=\"%s\" is not valid%s: expected %s; using %s\n", options[opt].var,
            quote(value, q, sizeof q), why, options[opt].accepted, using);
    uselocale(old);
}

static const char *the_default(enum hp_option_index opt, char *buf, size_t size) {
    const char *def = options[opt].def;
    if (opt == HP_OPT_output_path)
        snprintf(buf, size, "the default (stderr)");
    else if (opt == HP_OPT_metrics)
        snprintf(buf, size, "no endpoint (continuing without the endpoint)");
    else if (opt == HP_OPT_sample)
        snprintf(buf, size, "each site's own period (every call timed where a site asks for none)");
    else if (def[0])
        snprintf(buf, size, "the default \"%s\"", def);
    else
        snprintf(buf, size, "the default (none)");
    return buf;
}

void hp_config_reject(FILE *err, enum hp_option_index opt, const char *value, const char *why) {
    char using[640];
    hp_config_reject_using(err, opt, value, why, the_default(opt, using, sizeof using));
}

/*
 * Options whose fallback may come from hotpath::main (its percentiles, its
 * "alloc" flags): a bad value's line waits until the source is known, at
 * the main window's first entry or at the report, so that it names what is
 * really used. Kept in static storage: settled once per load.
 */
static struct {
    int n;
    atomic_bool settled;
    struct {
        enum hp_option_index opt;
        char value[HP_QUOTE_MAX + 4];
        char why[160];
    } item[3];
} deferred;

static bool defers(enum hp_option_index opt) {
    return opt == HP_OPT_percentiles || opt == HP_OPT_alloc || opt == HP_OPT_alloc_cumulative;
}

static void defer(enum hp_option_index opt, const char *value, const char *why) {
    if (deferred.n == 3)
        return;
    deferred.item[deferred.n].opt = opt;
    size_t len = strlen(value); /* quoted when printed */
    snprintf(deferred.item[deferred.n].value, sizeof deferred.item[0].value, "%.*s%s",
             len <= HP_QUOTE_MAX ? (int)len : HP_QUOTE_MAX, value, len <= HP_QUOTE_MAX ? "" : "...");
    snprintf(deferred.item[deferred.n].why, sizeof deferred.item[0].why, "%s", why);
    deferred.n++;
}

/* The percentiles the report uses when the environment gives none. */
static void main_percentiles(FILE *err, const struct hp_main_request *m, bool say,
                             struct hp_percentiles *out, char *using, size_t size) {
    char note[128];
    const char *why = m && m->percentiles
                          ? hp_percentiles_parse(m->percentiles, out, note, sizeof note)
                          : "";
    if (!why) {
        if (!using)
            return;
        char text[HP_MAX_PERCENTILES * HP_PERCENTILE_LABEL];
        hp_percentiles_text(out, text, sizeof text);
        snprintf(using, size, "\"%s\" from hotpath::main (%s)", text, m->name ? m->name : "?");
        char q[HP_QUOTED];
        if (say && note[0] && err)
            fprintf(err, "hotpath: the percentiles \"%s\" of hotpath::main (%s) %s: using %s\n",
                    quote(m->percentiles, q, sizeof q), m->name ? m->name : "?", note, using + 0);
        return;
    }
    char q[HP_QUOTED];
    *out = hp_config.percentiles; /* the default: the environment's was refused or unset */
    if (!using)
        return;
    the_default(HP_OPT_percentiles, using, size);
    if (say && m && m->percentiles && err)
        fprintf(err,
                "hotpath: the percentiles \"%s\" of hotpath::main (%s) are not valid%s: expected "
                "%s; using %s\n",
                quote(m->percentiles, q, sizeof q), m->name ? m->name : "?", why,
                options[HP_OPT_percentiles].accepted,
                using);
}

bool hp_config_main_percentiles(const struct hp_main_request *m, struct hp_percentiles *out) {
    if (hp_config.from_env & (1u << HP_OPT_percentiles)) {
        *out = hp_config.percentiles;
        return false;
    }
    main_percentiles(NULL, m, false, out, NULL, 0); /* no text of what is used: no message */
    return true;
}

void hp_config_settle(FILE *err, const struct hp_main_request *m) {
    if (atomic_exchange(&deferred.settled, true))
        return;
    locale_t old = uselocale(hp_c_locale());
    char using[640];
    bool main_alloc = m && (m->flags & HOTPATH_FLAG_ALLOC);
    for (int i = 0; i < deferred.n && err; i++) {
        enum hp_option_index opt = deferred.item[i].opt;
        if (opt == HP_OPT_percentiles) {
            struct hp_percentiles p;
            main_percentiles(NULL, m, false, &p, using, sizeof using);
        } else if (main_alloc && opt == HP_OPT_alloc)
            snprintf(using, sizeof using, "\"1\" from hotpath::main (%s)", m->name ? m->name : "?");
        else if (main_alloc && opt == HP_OPT_alloc_cumulative)
            snprintf(using, sizeof using, "\"%d\" from hotpath::main (%s)",
                     (m->flags & HOTPATH_FLAG_ALLOC_CUMULATIVE) ? 1 : 0,
                     m->name ? m->name : "?");
        else
            the_default(opt, using, sizeof using);
        hp_config_reject_using(err, opt, deferred.item[i].value, deferred.item[i].why, using);
    }
    /* hotpath::main's own percentiles, when they are the ones that apply */
    if (m && m->percentiles && !(hp_config.from_env & (1u << HP_OPT_percentiles))) {
        struct hp_percentiles p;
        main_percentiles(err, m, true, &p, using, sizeof using);
    }
    uselocale(old);
}

/* A value accepted with a remark: what the remark is and what is used. */
static void note_accepted(FILE *err, enum hp_option_index opt, const char *value) {
    char text[HP_MAX_PERCENTILES * HP_PERCENTILE_LABEL] = "";
    if (opt == HP_OPT_percentiles)
        hp_percentiles_text(&hp_config.percentiles, text, sizeof text);
    char q[HP_QUOTED];
    fprintf(err, "hotpath: %s=\"%s\" %s: using \"%s\"\n", options[opt].var,
            quote(value, q, sizeof q), parse_note, text);
}

/* Parses v as option opt into hp_config; NULL or the reason it is refused. */
static const char *parse_option(enum hp_option_index opt, const char *v) {
    switch (opt) {
#define HP_OPTION(field, var, type, def, accepted, desc)                                           \
    case HP_OPT_##field:                                                                           \
        return parse_##type(v, &hp_config.field);
#include "options.def"
#undef HP_OPTION
    default:
        return "";
    }
}

void hp_config_defaults(void) {
    /* Static storage is zero at start-up: the first load clears nothing
     * (a memset would fault in all of the struct's pages). */
    static bool loaded;
    if (loaded) {
        hp_config_free();
        memset(&hp_config, 0, sizeof hp_config);
        deferred.n = 0;
        atomic_store(&deferred.settled, false);
    }
    bool first = !loaded;
    loaded = true;
    /* no locale: the defaults are digits and names (to_long), and the
     * focus and metrics defaults are empty */
    for (int opt = 0; opt < HP_OPT_COUNT; opt++) {
        /* The paths' default "" is what zero storage holds: not written on
         * the first load, so that their pages stay untouched. */
        if (first && (opt == HP_OPT_output_path || opt == HP_OPT_trace_path) &&
            options[opt].def[0] == '\0')
            continue;
        if (parse_option((enum hp_option_index)opt, options[opt].def) != NULL)
            abort(); /* a default that does not parse is a bug in options.def */
    }
}

bool hp_config_set(FILE *err, enum hp_option_index opt, const char *v) {
    if ((unsigned)opt >= HP_OPT_COUNT || !v)
        return false;
    /* The C locale for the parsers that depend on one (regcomp; inet_pton
     * and its messages); the others read ASCII themselves (to_long) */
    bool c = opt == HP_OPT_focus || opt == HP_OPT_metrics;
    locale_t old = c ? uselocale(hp_c_locale()) : (locale_t)0;
    parse_note[0] = '\0';
    const char *why = parse_option(opt, v);
    if (why && err) {
        if (defers(opt))
            defer(opt, v, why);
        else
            hp_config_reject(err, opt, v, why);
    }
    hp_config.in_env |= 1u << opt;
    if (!why)
        hp_config.from_env |= 1u << opt;
    if (!why && parse_note[0] && err)
        note_accepted(err, opt, v);
    if (c)
        uselocale(old);
    return why == NULL;
}

const char *hp_config_variable(enum hp_option_index opt) {
    return (unsigned)opt < HP_OPT_COUNT ? options[opt].var : NULL;
}

const char *hp_config_accepted(enum hp_option_index opt) {
    return (unsigned)opt < HP_OPT_COUNT ? options[opt].accepted : NULL;
}

void hp_config_load(FILE *err) {
    hp_config_defaults();
    for (int opt = 0; opt < HP_OPT_COUNT; opt++) {
        const char *v = getenv(options[opt].var);
        if (v)
            hp_config_set(err, (enum hp_option_index)opt, v);
    }
    /* a relative HOTPATH_OUTPUT_PATH (or HOTPATH_TRACE) is taken from here,
     * even if the program changes directory before the report */
    /* trace_path read only when set: its page stays untouched otherwise */
    bool trace = hp_config.from_env & (1u << HP_OPT_trace_path);
    if ((hp_config.output_path[0] && hp_config.output_path[0] != '/') ||
        (trace && hp_config.trace_path[0] && hp_config.trace_path[0] != '/')) {
        if (!getcwd(hp_config.start_dir, sizeof hp_config.start_dir))
            hp_config.start_dir[0] = '\0';
    }
}

void hp_config_free(void) {
    if (hp_config.has_focus)
        regfree(&hp_config.focus);
    hp_config.has_focus = false;
}
