/* reportfile.c — reading the runtime's JSON report (schema 1 and 2) through
 * cJSON, and merging reports. */
#define _GNU_SOURCE
#include "reportfile.h"

#include <cjson/cJSON.h>
#include <dirent.h>
#include <errno.h>
#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "histogram.h" /* the runtime's bucket layout: pure inline functions */
#include "report.h" /* hp_printable (runtime/src/format.c) */

#define MAX_EXACT 9007199254740992.0 /* 2^53: every integer below is exact in a double */
#define MAX_REPORT_BYTES (256u << 20)

static void say(char *why, const char *fmt, ...) {
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(why, CLI_WHY, fmt, ap);
    va_end(ap);
}

static char *dup_or_null(const char *s) { return s ? strdup(s) : NULL; }

/* ======================================================================== */
/* Distributions                                                            */
/* ======================================================================== */

static bool dist_add(struct cli_dist *d, double v, uint64_t c) {
    if (d->n == d->cap) {
        size_t cap = d->cap ? 2 * d->cap : 16;
        struct cli_bin *b = realloc(d->bins, cap * sizeof *b);
        if (!b)
            return false;
        d->bins = b;
        d->cap = cap;
    }
    d->bins[d->n++] = (struct cli_bin){v, c};
    return true;
}

static int bin_cmp(const void *x, const void *y) {
    const struct cli_bin *a = x, *b = y;
    return a->v < b->v ? -1 : a->v > b->v;
}

/* Sorts by value and folds equal values into one bin. */
static void dist_normalize(struct cli_dist *d) {
    if (d->n < 2)
        return;
    qsort(d->bins, d->n, sizeof *d->bins, bin_cmp);
    size_t k = 0;
    for (size_t i = 1; i < d->n; i++) {
        if (d->bins[i].v == d->bins[k].v)
            d->bins[k].c += d->bins[i].c;
        else
            d->bins[++k] = d->bins[i];
    }
    d->n = k + 1;
}

static bool dist_merge(struct cli_dist *acc, const struct cli_dist *in) {
    for (size_t i = 0; i < in->n; i++)
        if (!dist_add(acc, in->bins[i].v, in->bins[i].c))
            return false;
    dist_normalize(acc);
    return true;
}

/* The nearest-rank rule of runtime/src/histogram.c: p <= 0 the minimum, p >=
 * 100 the maximum, else the value of rank ceil(p/100 n), clamped to the
 * observed extremes. */
static uint64_t dist_percentile(const struct cli_dist *d, uint64_t n, uint64_t min, uint64_t max,
                                double p) {
    if (n == 0)
        return 0;
    if (!(p > 0.0))
        return min;
    if (p >= 100.0)
        return max;
    uint64_t rank = hp_hist_rank(n, p), seen = 0;
    for (size_t i = 0; i < d->n; i++) {
        seen += d->bins[i].c;
        if (seen >= rank) {
            double v = floor(d->bins[i].v + 0.5);
            if (v > (double)max)
                return max;
            if (v < (double)min)
                return min;
            return (uint64_t)v;
        }
    }
    return max;
}

/* ======================================================================== */
/* Fields                                                                   */
/* ======================================================================== */

/* Context for messages: "functions[3] (\"basic::parse\"): ". */
struct ctx {
    char where[512];
    char *why;
};

static bool get_u64(struct ctx *c, const cJSON *obj, const char *key, bool required, uint64_t *out) {
    const cJSON *v = cJSON_GetObjectItemCaseSensitive(obj, key);
    if (!v) {
        if (required)
            say(c->why, "%s\"%s\" is missing", c->where, key);
        *out = 0;
        return !required;
    }
    if (!cJSON_IsNumber(v) || !(v->valuedouble >= 0) || v->valuedouble != floor(v->valuedouble)) {
        say(c->why, "%s\"%s\" is not a whole number from 0 up", c->where, key);
        return false;
    }
    if (v->valuedouble >= MAX_EXACT) {
        if (isinf(v->valuedouble))
            say(c->why, "%s\"%s\" is beyond the largest number a double holds (this reader keeps "
                "integers exact up to 2^53)", c->where, key);
        else
            say(c->why, "%s\"%s\" is %.15g, beyond 2^53 (this reader keeps integers exact up to 2^53)",
                c->where, key, v->valuedouble);
        return false;
    }
    *out = (uint64_t)v->valuedouble;
    return true;
}

/* A string member; NULL (and true) when absent or null and not required. */
static bool get_str(struct ctx *c, const cJSON *obj, const char *key, bool required, char **out) {
    const cJSON *v = cJSON_GetObjectItemCaseSensitive(obj, key);
    *out = NULL;
    if (!v || cJSON_IsNull(v)) {
        if (required)
            say(c->why, "%s\"%s\" is missing", c->where, key);
        return !required;
    }
    if (!cJSON_IsString(v)) {
        say(c->why, "%s\"%s\" is not a string", c->where, key);
        return false;
    }
    *out = strdup(v->valuestring);
    return *out != NULL;
}

/* {"50": v, "95": v} */
static bool get_percentiles(struct ctx *c, const cJSON *obj, const char *key, int *n, double *p,
                            uint64_t *v) {
    const cJSON *o = cJSON_GetObjectItemCaseSensitive(obj, key);
    *n = 0;
    if (!o)
        return true;
    if (!cJSON_IsObject(o)) {
        say(c->why, "%s\"%s\" is not an object", c->where, key);
        return false;
    }
    const cJSON *e;
    cJSON_ArrayForEach(e, o) {
        char *end;
        double q = strtod(e->string, &end);
        if (cJSON_IsNull(e) && !*end && q >= 0 && q <= 100)
            continue; /* unknown: a merge of schema-1 reports written by hotpath report */
        if (*end || !(q >= 0 && q <= 100) || !cJSON_IsNumber(e) || !(e->valuedouble >= 0) ||
            e->valuedouble >= MAX_EXACT) {
            char q[40 * 4 + 8];
            say(c->why, "%s\"%s\" holds \"%s\": expected a percentile (0 to 100) as key and a "
                "whole number as value", c->where, key, hp_printable(e->string, 40, q, sizeof q));
            return false;
        }
        if (*n == CLI_MAX_PERCENTILES)
            continue;
        p[*n] = q;
        v[(*n)++] = (uint64_t)e->valuedouble;
    }
    return true;
}

/* [[bucket, count], ...] ascending, in the runtime's layout; values scaled
 * by k (ns per tick, or 1 for bytes). Counts must add up to `calls`. */
static bool get_histogram(struct ctx *c, const cJSON *obj, const char *key, uint64_t calls,
                          uint64_t min, uint64_t max, double k, struct cli_dist *d) {
    const cJSON *h = cJSON_GetObjectItemCaseSensitive(obj, key);
    if (!h) {
        say(c->why, "%s\"%s\" is missing (schema 2 carries it)", c->where, key);
        return false;
    }
    if (!cJSON_IsArray(h)) {
        say(c->why, "%s\"%s\" is not an array", c->where, key);
        return false;
    }
    uint64_t sum = 0;
    double last = -1;
    const cJSON *e;
    cJSON_ArrayForEach(e, h) {
        const cJSON *i = cJSON_IsArray(e) ? e->child : NULL, *n = i ? i->next : NULL;
        if (!i || !n || n->next || !cJSON_IsNumber(i) || !cJSON_IsNumber(n) ||
            i->valuedouble != floor(i->valuedouble) || n->valuedouble != floor(n->valuedouble) ||
            !(n->valuedouble >= 1) || n->valuedouble >= MAX_EXACT) {
            say(c->why, "%s\"%s\" holds an item that is not [bucket, count] (two whole numbers, count from 1)",
                c->where, key);
            return false;
        }
        if (!(i->valuedouble > last) || i->valuedouble >= HP_HIST_BUCKETS) {
            say(c->why, "%s\"%s\": bucket %.15g is %s", c->where, key, i->valuedouble,
                i->valuedouble >= HP_HIST_BUCKETS ? "beyond the layout's last bucket"
                                                  : "out of ascending order");
            return false;
        }
        last = i->valuedouble;
        uint32_t b = (uint32_t)i->valuedouble;
        uint64_t cnt = (uint64_t)n->valuedouble;
        double mid = b == HP_HIST_BUCKETS - 1
                         ? (double)max
                         : ((double)hp_hist_bucket_low(b) + (double)(hp_hist_bucket_width(b) / 2)) * k;
        if (mid > (double)max)
            mid = (double)max;
        if (mid < (double)min)
            mid = (double)min;
        sum += cnt;
        if (!dist_add(d, mid, cnt)) {
            say(c->why, "out of memory");
            return false;
        }
    }
    if (sum != calls) {
        say(c->why, "%s\"%s\" counts add up to %llu, but \"calls\" is %llu", c->where, key,
            (unsigned long long)sum, (unsigned long long)calls);
        return false;
    }
    dist_normalize(d);
    return true;
}

/* ======================================================================== */
/* Rows                                                                     */
/* ======================================================================== */

static void where_row(struct ctx *c, const char *array, int i, const cJSON *row) {
    const cJSON *name = cJSON_GetObjectItemCaseSensitive(row, "name");
    if (cJSON_IsString(name))
    {
        char q[80 * 4 + 8];
        snprintf(c->where, sizeof c->where, "%s[%d] (\"%s\"): ", array, i,
                 hp_printable(name->valuestring, 80, q, sizeof q));
    }
    else
        snprintf(c->where, sizeof c->where, "%s[%d]: ", array, i);
}

static bool read_func(struct ctx *c, const cJSON *row, const struct cli_report *r,
                      struct cli_func *f) {
    if (!cJSON_IsObject(row)) {
        say(c->why, "%sis not an object", c->where);
        return false;
    }
    if (!get_str(c, row, "name", true, &f->name) || !get_str(c, row, "kind", false, &f->kind) ||
        !get_str(c, row, "file", false, &f->file) || !get_u64(c, row, "line", false, &f->line) ||
        !get_u64(c, row, "calls", true, &f->calls) || !get_u64(c, row, "min_ns", true, &f->min_ns) ||
        !get_u64(c, row, "max_ns", true, &f->max_ns) ||
        !get_u64(c, row, "avg_ns", true, &f->avg_ns) ||
        !get_u64(c, row, "total_ns", true, &f->total_ns) ||
        !get_u64(c, row, "self_ns", true, &f->self_ns) ||
        !get_percentiles(c, row, "percentiles_ns", &f->npct, f->pct_p, f->pct_v))
        return false;
    if (f->min_ns > f->max_ns) {
        say(c->why, "%s\"min_ns\" is larger than \"max_ns\"", c->where);
        return false;
    }
    if (r->schema >= 2) {
        if (!get_u64(c, row, "sum_ns", true, &f->sum_ns) ||
            !get_histogram(c, row, "histogram", f->calls, f->min_ns, f->max_ns, r->ns_per_tick,
                           &f->dist))
            return false;
        f->exact_sum = f->has_hist = true;
    } else {
        f->sum_ns = f->avg_ns * f->calls;
    }
    return true;
}

static bool read_alloc(struct ctx *c, const cJSON *row, const struct cli_report *r,
                       struct cli_alloc *a) {
    if (!cJSON_IsObject(row)) {
        say(c->why, "%sis not an object", c->where);
        return false;
    }
    if (!get_str(c, row, "name", true, &a->name) || !get_u64(c, row, "calls", true, &a->calls) ||
        !get_u64(c, row, "bytes_avg", true, &a->bytes_avg) ||
        !get_u64(c, row, "bytes_total", true, &a->bytes_total) ||
        !get_u64(c, row, "peak_live_bytes", false, &a->peak_live_bytes) ||
        !get_u64(c, row, "allocs", true, &a->allocs) ||
        !get_u64(c, row, "peak_allocs", false, &a->peak_allocs) ||
        !get_percentiles(c, row, "bytes_percentiles", &a->npct, a->pct_p, a->pct_v))
        return false;
    if (r->schema >= 2) {
        if (!get_u64(c, row, "bytes_sum", true, &a->bytes_sum) ||
            !get_u64(c, row, "min_bytes", true, &a->min_bytes) ||
            !get_u64(c, row, "max_bytes", true, &a->max_bytes) ||
            !get_histogram(c, row, "bytes_histogram", a->calls, a->min_bytes, a->max_bytes, 1.0,
                           &a->dist))
            return false;
        a->exact_sum = a->has_hist = true;
    } else {
        a->bytes_sum = a->bytes_avg * a->calls;
    }
    return true;
}

/* ======================================================================== */
/* Reports                                                                  */
/* ======================================================================== */

static bool read_top(struct ctx *c, const cJSON *root, struct cli_report *r) {
    uint64_t schema;
    const cJSON *s = cJSON_GetObjectItemCaseSensitive(root, "schema");
    const cJSON *funcs = cJSON_GetObjectItemCaseSensitive(root, "functions");
    if (!s || !funcs) {
        say(c->why, "not a hotpath report (no \"%s\" member)", s ? "functions" : "schema");
        return false;
    }
    if (!get_u64(c, root, "schema", true, &schema))
        return false;
    if (schema < 1 || schema > 2) {
        say(c->why, "unknown schema version %llu (this hotpath reads schemas 1 and 2)",
            (unsigned long long)schema);
        return false;
    }
    r->schema = (int)schema;
    uint64_t merged; /* written by `hotpath report --format json`: how many reports it holds */
    if (!get_u64(c, root, "merged_reports", false, &merged))
        return false;
    if (merged > 1)
        r->nfiles = (size_t)merged;
    if (!get_str(c, root, "program", false, &r->program) ||
        !get_str(c, root, "main", false, &r->main_name) ||
        !get_str(c, root, "clock", false, &r->clock) ||
        !get_u64(c, root, "total_ns", true, &r->total_ns) ||
        !get_u64(c, root, "dropped", false, &r->dropped))
        return false;
    const cJSON *pcs = cJSON_GetObjectItemCaseSensitive(root, "percentiles"), *e;
    if (pcs && !cJSON_IsArray(pcs)) {
        say(c->why, "\"percentiles\" is not an array");
        return false;
    }
    cJSON_ArrayForEach(e, pcs) {
        if (!cJSON_IsNumber(e) || !(e->valuedouble >= 0 && e->valuedouble <= 100)) {
            say(c->why, "\"percentiles\" holds something other than a number from 0 to 100");
            return false;
        }
        if (r->npct < CLI_MAX_PERCENTILES)
            r->pct[r->npct++] = e->valuedouble;
    }
    r->ns_per_tick = 1.0;
    if (r->schema >= 2) {
        uint64_t pid;
        const cJSON *k = cJSON_GetObjectItemCaseSensitive(root, "ns_per_tick");
        /* a merge written by `hotpath report --format json` has no pid */
        if (!get_u64(c, root, "pid", false, &pid))
            return false;
        r->has_pid = cJSON_GetObjectItemCaseSensitive(root, "pid") != NULL;
        r->pid = (int64_t)pid;
        if (!cJSON_IsNumber(k) || !(k->valuedouble > 0 && k->valuedouble < 1e6)) {
            say(c->why, "\"ns_per_tick\" is %s", k ? "not a positive number below 1e6" : "missing");
            return false;
        }
        r->ns_per_tick = k->valuedouble;
        const cJSON *lay = cJSON_GetObjectItemCaseSensitive(root, "histogram_layout");
        uint64_t sub, exp, buckets;
        if (!cJSON_IsObject(lay)) {
            say(c->why, "\"histogram_layout\" is %s", lay ? "not an object" : "missing");
            return false;
        }
        snprintf(c->where, sizeof c->where, "histogram_layout: ");
        if (!get_u64(c, lay, "sub_bits", true, &sub) || !get_u64(c, lay, "max_exp", true, &exp) ||
            !get_u64(c, lay, "buckets", true, &buckets))
            return false;
        c->where[0] = '\0';
        if (sub != HP_HIST_SUB_BITS || exp != HP_HIST_MAX_EXP || buckets != HP_HIST_BUCKETS) {
            say(c->why,
                "histogram layout sub_bits %llu, max_exp %llu, buckets %llu is not the one this "
                "hotpath reads (%d, %d, %d)",
                (unsigned long long)sub, (unsigned long long)exp, (unsigned long long)buckets,
                HP_HIST_SUB_BITS, HP_HIST_MAX_EXP, HP_HIST_BUCKETS);
            return false;
        }
    }
    return true;
}

static bool read_rows(struct ctx *c, const cJSON *root, struct cli_report *r) {
    const cJSON *funcs = cJSON_GetObjectItemCaseSensitive(root, "functions"), *e;
    if (!cJSON_IsArray(funcs)) {
        say(c->why, "\"functions\" is not an array");
        return false;
    }
    size_t n = (size_t)cJSON_GetArraySize(funcs);
    r->funcs = calloc(n ? n : 1, sizeof *r->funcs);
    if (!r->funcs) {
        say(c->why, "out of memory");
        return false;
    }
    int i = 0;
    cJSON_ArrayForEach(e, funcs) {
        where_row(c, "functions", i++, e);
        if (!read_func(c, e, r, &r->funcs[r->nfuncs++]))
            return false;
        if (cli_report_func(r, r->funcs[r->nfuncs - 1].name, r->funcs[r->nfuncs - 1].kind) !=
            &r->funcs[r->nfuncs - 1]) {
            say(c->why, "%sthe same name twice in \"functions\"", c->where);
            return false;
        }
    }
    const cJSON *allocs = cJSON_GetObjectItemCaseSensitive(root, "allocations");
    c->where[0] = '\0';
    if (!allocs)
        return true;
    if (!cJSON_IsArray(allocs)) {
        say(c->why, "\"allocations\" is not an array");
        return false;
    }
    r->alloc = true;
    if (!get_str(c, root, "alloc_mode", false, &r->alloc_mode) ||
        !get_u64(c, root, "alloc_bytes", false, &r->alloc_bytes))
        return false;
    n = (size_t)cJSON_GetArraySize(allocs);
    r->allocs = calloc(n ? n : 1, sizeof *r->allocs);
    if (!r->allocs) {
        say(c->why, "out of memory");
        return false;
    }
    i = 0;
    cJSON_ArrayForEach(e, allocs) {
        where_row(c, "allocations", i++, e);
        if (!read_alloc(c, e, r, &r->allocs[r->nallocs++]))
            return false;
        if (cli_report_alloc(r, r->allocs[r->nallocs - 1].name) != &r->allocs[r->nallocs - 1]) {
            say(c->why, "%sthe same name twice in \"allocations\"", c->where);
            return false;
        }
    }
    return true;
}

/* How deep the arrays and objects of text[0..len) are nested at its end
 * (brackets inside strings left out): cJSON refuses more than
 * CJSON_NESTING_LIMIT, which is not a syntax error to report as one. */
static int nesting_at(const char *text, size_t len) {
    int depth = 0, max = 0;
    bool in_string = false;
    for (size_t i = 0; i < len; i++) {
        char ch = text[i];
        if (in_string) {
            if (ch == '\\')
                i++;
            else if (ch == '"')
                in_string = false;
        } else if (ch == '"')
            in_string = true;
        else if (ch == '[' || ch == '{')
            max = ++depth > max ? depth : max;
        else if (ch == ']' || ch == '}')
            depth--;
    }
    return max;
}

bool cli_report_parse(const char *text, size_t len, struct cli_report *r, char *why) {
    memset(r, 0, sizeof *r);
    r->nfiles = 1;
    const char *end = NULL;
    cJSON *root = cJSON_ParseWithLengthOpts(text, len, &end, false);
    if (!root) {
        size_t at = end && end >= text ? (size_t)(end - text) : 0;
        size_t line = 1;
        for (size_t i = 0; i < at && i < len; i++)
            line += text[i] == '\n';
        if (nesting_at(text, at < len ? at + 1 : len) > CJSON_NESTING_LIMIT)
            say(why, "not a hotpath report (arrays or objects nested deeper than %d levels, at "
                     "byte %zu, line %zu)", CJSON_NESTING_LIMIT, at, line);
        else
            say(why, "not JSON (a syntax error near byte %zu, line %zu)", at, line);
        return false;
    }
    if (end) { /* trailing bytes other than white space */
        while ((size_t)(end - text) < len && (*end == ' ' || *end == '\n' || *end == '\t' || *end == '\r'))
            end++;
        if ((size_t)(end - text) < len && *end != '\0') {
            say(why, "not JSON (text after the end of the report, at byte %zu)", (size_t)(end - text));
            cJSON_Delete(root);
            return false;
        }
    }
    struct ctx c = {.why = why};
    bool ok = false;
    if (!cJSON_IsObject(root))
        say(why, "not a hotpath report (the JSON is not an object)");
    else
        ok = read_top(&c, root, r) && read_rows(&c, root, r);
    cJSON_Delete(root);
    if (!ok)
        cli_report_free(r);
    return ok;
}

bool cli_report_load(const char *path, struct cli_report *r, char *why) {
    memset(r, 0, sizeof *r);
    FILE *f = fopen(path, "rb");
    if (!f) {
        say(why, "cannot open it: %s", strerror(errno));
        return false;
    }
    struct stat st;
    if (fstat(fileno(f), &st) == 0 && S_ISDIR(st.st_mode)) {
        fclose(f);
        say(why, "is a folder");
        return false;
    }
    size_t cap = 1 << 16, len = 0;
    char *buf = malloc(cap);
    while (buf) {
        size_t got = fread(buf + len, 1, cap - len, f);
        len += got;
        if (len < cap)
            break;
        if (cap >= MAX_REPORT_BYTES) {
            free(buf);
            fclose(f);
            say(why, "larger than %u MiB: not a report", MAX_REPORT_BYTES >> 20);
            return false;
        }
        char *bigger = realloc(buf, cap *= 2);
        if (!bigger)
            free(buf);
        buf = bigger;
    }
    bool err = ferror(f);
    int e = errno;
    fclose(f);
    if (!buf || err) {
        free(buf);
        say(why, "%s", buf ? strerror(e) : "out of memory");
        return false;
    }
    if (len == 0) {
        free(buf);
        say(why, "empty file: not a hotpath report");
        return false;
    }
    bool ok = cli_report_parse(buf, len, r, why);
    free(buf);
    if (ok)
        r->path = strdup(path);
    return ok;
}

void cli_report_free(struct cli_report *r) {
    for (size_t i = 0; i < r->nfuncs; i++) {
        free(r->funcs[i].name);
        free(r->funcs[i].kind);
        free(r->funcs[i].file);
        free(r->funcs[i].dist.bins);
    }
    for (size_t i = 0; i < r->nallocs; i++) {
        free(r->allocs[i].name);
        free(r->allocs[i].dist.bins);
    }
    free(r->funcs);
    free(r->allocs);
    free(r->path);
    free(r->program);
    free(r->main_name);
    free(r->clock);
    free(r->alloc_mode);
    memset(r, 0, sizeof *r);
}

struct cli_func *cli_report_func(const struct cli_report *r, const char *name, const char *kind) {
    for (size_t i = 0; i < r->nfuncs; i++)
        if (strcmp(r->funcs[i].name, name) == 0 &&
            (!kind || !r->funcs[i].kind || strcmp(r->funcs[i].kind, kind) == 0))
            return &r->funcs[i];
    return NULL;
}

struct cli_alloc *cli_report_alloc(const struct cli_report *r, const char *name) {
    for (size_t i = 0; i < r->nallocs; i++)
        if (strcmp(r->allocs[i].name, name) == 0)
            return &r->allocs[i];
    return NULL;
}

/* ======================================================================== */
/* Merging                                                                  */
/* ======================================================================== */

static uint64_t min_u64(uint64_t a, uint64_t b) { return a < b ? a : b; }
static uint64_t max_u64(uint64_t a, uint64_t b) { return a > b ? a : b; }

static bool merge_func(struct cli_func *acc, const struct cli_func *f, bool fresh) {
    if (fresh) {
        *acc = *f;
        acc->name = strdup(f->name);
        acc->kind = dup_or_null(f->kind);
        acc->file = dup_or_null(f->file);
        acc->dist = (struct cli_dist){0};
        return acc->name && dist_merge(&acc->dist, &f->dist);
    }
    acc->min_ns = acc->calls ? (f->calls ? min_u64(acc->min_ns, f->min_ns) : acc->min_ns) : f->min_ns;
    acc->max_ns = max_u64(acc->max_ns, f->max_ns);
    acc->calls += f->calls;
    acc->total_ns += f->total_ns;
    acc->self_ns += f->self_ns;
    acc->sum_ns += f->sum_ns;
    acc->exact_sum = acc->exact_sum && f->exact_sum;
    acc->avg_ns = acc->calls ? (uint64_t)((double)acc->sum_ns / (double)acc->calls + 0.5) : 0;
    acc->has_hist = acc->has_hist && f->has_hist;
    acc->npct = 0;
    return dist_merge(&acc->dist, &f->dist);
}

static bool merge_alloc(struct cli_alloc *acc, const struct cli_alloc *a, bool fresh) {
    if (fresh) {
        *acc = *a;
        acc->name = strdup(a->name);
        acc->dist = (struct cli_dist){0};
        return acc->name && dist_merge(&acc->dist, &a->dist);
    }
    acc->min_bytes = acc->calls ? min_u64(acc->min_bytes, a->min_bytes) : a->min_bytes;
    acc->max_bytes = max_u64(acc->max_bytes, a->max_bytes);
    acc->calls += a->calls;
    acc->bytes_total += a->bytes_total;
    acc->bytes_sum += a->bytes_sum;
    acc->allocs += a->allocs;
    acc->peak_live_bytes = max_u64(acc->peak_live_bytes, a->peak_live_bytes);
    acc->peak_allocs = max_u64(acc->peak_allocs, a->peak_allocs);
    acc->exact_sum = acc->exact_sum && a->exact_sum;
    acc->bytes_avg = acc->calls ? (acc->bytes_sum + acc->calls / 2) / acc->calls : 0;
    acc->has_hist = acc->has_hist && a->has_hist;
    acc->npct = 0;
    return dist_merge(&acc->dist, &a->dist);
}

static bool merge_text(char **acc, const char *s) {
    if (*acc || !s)
        return true;
    *acc = strdup(s);
    return *acc != NULL;
}

bool cli_report_merge(struct cli_report *acc, const struct cli_report *in, char *why) {
    bool first = acc->nfiles == 0;
    if (first) {
        acc->schema = in->schema;
        acc->ns_per_tick = in->ns_per_tick;
        acc->npct = in->npct;
        memcpy(acc->pct, in->pct, sizeof acc->pct);
        acc->has_pid = in->has_pid;
        acc->pid = in->pid;
        if (!merge_text(&acc->path, in->path))
            goto oom;
    } else {
        acc->has_pid = false; /* several processes */
        if (in->schema < acc->schema)
            acc->schema = in->schema;
    }
    if (!merge_text(&acc->program, in->program) || !merge_text(&acc->main_name, in->main_name) ||
        !merge_text(&acc->clock, in->clock) || !merge_text(&acc->alloc_mode, in->alloc_mode))
        goto oom;
    acc->total_ns += in->total_ns;
    acc->dropped += in->dropped;
    acc->alloc = acc->alloc || in->alloc;
    acc->alloc_bytes += in->alloc_bytes;
    acc->nfiles += in->nfiles ? in->nfiles : 1;

    struct cli_func *funcs = realloc(acc->funcs, (acc->nfuncs + in->nfuncs + 1) * sizeof *funcs);
    if (!funcs)
        goto oom;
    acc->funcs = funcs;
    for (size_t i = 0; i < in->nfuncs; i++) {
        const struct cli_func *f = &in->funcs[i];
        struct cli_func *a = cli_report_func(acc, f->name, f->kind);
        bool fresh = !a;
        if (fresh)
            a = &acc->funcs[acc->nfuncs++];
        if (!merge_func(a, f, fresh))
            goto oom;
    }
    struct cli_alloc *allocs = realloc(acc->allocs, (acc->nallocs + in->nallocs + 1) * sizeof *allocs);
    if (!allocs)
        goto oom;
    acc->allocs = allocs;
    for (size_t i = 0; i < in->nallocs; i++) {
        const struct cli_alloc *x = &in->allocs[i];
        struct cli_alloc *a = cli_report_alloc(acc, x->name);
        bool fresh = !a;
        if (fresh)
            a = &acc->allocs[acc->nallocs++];
        if (!merge_alloc(a, x, fresh))
            goto oom;
    }
    return true;
oom:
    snprintf(why, CLI_WHY, "out of memory");
    return false;
}

bool cli_func_percentile(const struct cli_func *f, size_t nfiles, double p, uint64_t *out) {
    if (f->has_hist) {
        *out = dist_percentile(&f->dist, f->calls, f->min_ns, f->max_ns, p);
        return true;
    }
    if (p <= 0 || p >= 100) {
        *out = p <= 0 ? f->min_ns : f->max_ns;
        return true;
    }
    for (int i = 0; nfiles <= 1 && i < f->npct; i++)
        if (f->pct_p[i] == p) {
            *out = f->pct_v[i];
            return true;
        }
    return false;
}

bool cli_alloc_percentile(const struct cli_alloc *a, size_t nfiles, double p, uint64_t *out) {
    if (a->has_hist) {
        *out = dist_percentile(&a->dist, a->calls, a->min_bytes, a->max_bytes, p);
        return true;
    }
    for (int i = 0; nfiles <= 1 && i < a->npct; i++)
        if (a->pct_p[i] == p) {
            *out = a->pct_v[i];
            return true;
        }
    return false;
}

/* ======================================================================== */
/* Lists of files and folders                                               */
/* ======================================================================== */

static int str_cmp(const void *x, const void *y) {
    return strcmp(*(char *const *)x, *(char *const *)y);
}

static bool list_add(struct cli_report_list *list, const char *path, char *why) {
    struct cli_report *items = realloc(list->items, (list->n + 1) * sizeof *items);
    if (!items) {
        snprintf(why, CLI_WHY, "%s: out of memory", path);
        return false;
    }
    list->items = items;
    char inner[CLI_WHY];
    if (!cli_report_load(path, &list->items[list->n], inner)) {
        snprintf(why, CLI_WHY, "%.480s: %.500s", path, inner);
        return false;
    }
    list->n++;
    return true;
}

/* Every *.json in the folder, by name. */
static bool list_add_folder(struct cli_report_list *list, const char *dir, char *why) {
    DIR *d = opendir(dir);
    if (!d) {
        snprintf(why, CLI_WHY, "%s: cannot open the folder: %s", dir, strerror(errno));
        return false;
    }
    char **names = NULL;
    size_t n = 0;
    bool ok = true;
    for (struct dirent *e; ok && (e = readdir(d));) {
        size_t len = strlen(e->d_name);
        if (len < 6 || strcmp(e->d_name + len - 5, ".json") != 0 || e->d_name[0] == '.')
            continue;
        char **more = realloc(names, (n + 1) * sizeof *names);
        ok = more && asprintf(&more[n], "%s/%s", dir, e->d_name) >= 0;
        if (more)
            names = more;
        n += ok;
    }
    closedir(d);
    if (!ok)
        snprintf(why, CLI_WHY, "%s: out of memory", dir);
    else if (n == 0) {
        snprintf(why, CLI_WHY, "%s: no reports in this folder (no *.json file)", dir);
        ok = false;
    }
    if (ok)
        qsort(names, n, sizeof *names, str_cmp);
    for (size_t i = 0; i < n; i++) {
        ok = ok && list_add(list, names[i], why);
        free(names[i]);
    }
    free(names);
    return ok;
}

bool cli_report_list_load(char *const *args, size_t nargs, struct cli_report_list *list,
                          char *why) {
    memset(list, 0, sizeof *list);
    for (size_t i = 0; i < nargs; i++) {
        struct stat st;
        bool ok = stat(args[i], &st) == 0 && S_ISDIR(st.st_mode) ? list_add_folder(list, args[i], why)
                                                                  : list_add(list, args[i], why);
        if (!ok) {
            cli_report_list_free(list);
            return false;
        }
    }
    return true;
}

void cli_report_list_free(struct cli_report_list *list) {
    for (size_t i = 0; i < list->n; i++)
        cli_report_free(&list->items[i]);
    free(list->items);
    memset(list, 0, sizeof *list);
}

int cli_parse_percentiles(const char *s, double *p) {
    int n = 0;
    while (*s) {
        char *end;
        double v = strtod(s, &end);
        if (end == s || !(v >= 0 && v <= 100) || n == CLI_MAX_PERCENTILES || (*end && *end != ','))
            return -1;
        p[n++] = v;
        s = *end ? end + 1 : end;
        if (*end && !*s)
            return -1;
    }
    return n ? n : -1;
}
