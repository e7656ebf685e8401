/*
 * report.c — gathering the statistics and printing the report: the timing
 * table (the layout of the Rust hotpath tool), JSON, or nothing.
 */
#define _GNU_SOURCE
#include "report.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "clock.h"
#include "internal.h"

static atomic_int report_state; /* 0 not yet, 1 printing or printed */

bool hp_report_done(void) { return atomic_load(&report_state) != 0; }

/* ======================================================================== */
/* Gathering                                                                */
/* ======================================================================== */

static void fill_alloc_row(struct hp_alloc_row *row, const char *name, const struct hp_alloc_agg *a,
                           const struct hp_percentiles *pc, uint64_t window_bytes) {
    memset(row, 0, sizeof *row);
    row->name = name;
    row->calls = a->calls;
    row->bytes_avg = a->calls ? (a->bytes_sum + a->calls / 2) / a->calls : 0;
    row->bytes_total = a->bytes_total;
    row->peak_bytes = a->peak_bytes;
    row->allocs = a->count_total;
    row->peak_allocs = a->peak_count;
    for (int i = 0; i < pc->n; i++)
        row->pct[i] = hp_hist_percentile(a->hist, a->calls, a->min_bytes, a->max_bytes, pc->p[i]);
    row->percent_bytes = window_bytes ? 100.0 * (double)a->bytes_total / (double)window_bytes : 0.0;
}

static void fill_row(struct hp_row *row, struct hotpath_site *site, const struct hp_site_agg *a,
                     const struct hp_percentiles *pc, uint64_t window_ticks) {
    double k = hp_ns_per_tick();
#define NS(t) ((uint64_t)((double)(t) * k + 0.5))
    memset(row, 0, sizeof *row);
    row->name = site->name ? site->name : "(unnamed)";
    row->file = site->file;
    row->line = site->line;
    row->kind = site->kind;
    row->calls = a->calls;
    row->min = NS(a->min);
    row->max = NS(a->max);
    row->avg = a->calls ? NS((double)a->sum / (double)a->calls) : 0;
    row->total = NS(a->total);
    row->self = NS(a->self);
    for (int i = 0; i < pc->n; i++)
        row->pct[i] = NS(hp_hist_percentile(a->hist, a->calls, a->min, a->max, pc->p[i]));
    row->percent_total = window_ticks ? 100.0 * (double)a->total / (double)window_ticks : 0.0;
#undef NS
}

static int site_name_cmp(const void *x, const void *y) {
    const struct hotpath_site *a = *(struct hotpath_site *const *)x,
                              *b = *(struct hotpath_site *const *)y;
    int c = strcmp(a->name ? a->name : "", b->name ? b->name : "");
    return c ? c : (int)a->kind - (int)b->kind;
}

/* Adds everything recorded for `site`, merged and live, into a. */
static void add_site(struct hp_site_agg *a, struct hotpath_site *site) {
    if (hp_reg.agg[site->id])
        hp_agg_merge(a, hp_reg.agg[site->id]);
    for (struct hp_thread *t = hp_reg.threads; t; t = t->next)
        for (struct hp_site_stats *s = atomic_load_explicit(&t->stats, memory_order_acquire); s;
             s = HP_LOAD(s->next))
            if (s->site == site)
                hp_agg_add_stats(a, s);
}

/*
 * Collects every site's figures: merged ones plus those of live threads.
 * Sites with the same name and kind make one row: the instantiations of a
 * template, or the copies of a static inline function in several units.
 * Caller holds hp_lock. Returns the number of rows written to rows.
 */
static size_t gather(struct hp_report *r, uint64_t window_ticks) {
    struct hp_row *rows = r->rows;
    const struct hp_percentiles *pc = &r->percentiles;
    uint64_t *dropped = &r->dropped;
    *dropped = hp_reg.dropped;
    for (struct hp_thread *t = hp_reg.threads; t; t = t->next)
        *dropped += t->dropped;
    uint32_t nsites = 0;
    struct hotpath_site **sites = hp_calloc(hp_reg.count ? hp_reg.count : 1, sizeof *sites);
    struct hp_site_agg *a = hp_calloc(1, sizeof *a);
    size_t n = 0;
    if (!a || !sites)
        goto out;
    for (uint32_t id = 1; id < hp_reg.count; id++)
        if (hp_reg.sites[id]->kind != HOTPATH_KIND_MAIN)
            sites[nsites++] = hp_reg.sites[id];
    qsort(sites, nsites, sizeof *sites, site_name_cmp);
    for (uint32_t i = 0; i < nsites;) {
        hp_agg_init(a);
        uint32_t j = i;
        for (; j < nsites && site_name_cmp(&sites[i], &sites[j]) == 0; j++)
            add_site(a, sites[j]);
        if (a->calls > 0)
            fill_row(&rows[n++], sites[i], a, pc, window_ticks);
        if (a->calls > 0 && a->alloc.calls > 0 && r->arows)
            fill_alloc_row(&r->arows[r->narows++], rows[n - 1].name, &a->alloc, pc, r->alloc_bytes);
        i = j;
    }
out:
    hp_free(a);
    hp_free(sites);
    return n;
}

static int row_cmp(const void *x, const void *y) {
    const struct hp_row *a = x, *b = y;
    if (a->total != b->total)
        return a->total > b->total ? -1 : 1;
    return strcmp(a->name, b->name);
}

size_t hp_rows_select(struct hp_row *rows, size_t n) {
    qsort(rows, n, sizeof *rows, row_cmp);
    size_t kept = 0;
    for (size_t i = 0; i < n; i++) {
        if (hp_config.has_focus && regexec(&hp_config.focus, rows[i].name, 0, NULL, 0) != 0)
            continue;
        rows[kept++] = rows[i];
    }
    if (hp_config.limit > 0 && kept > (size_t)hp_config.limit)
        kept = (size_t)hp_config.limit;
    return kept;
}

static int alloc_row_cmp(const void *x, const void *y) {
    const struct hp_alloc_row *a = x, *b = y;
    if (a->bytes_total != b->bytes_total)
        return a->bytes_total > b->bytes_total ? -1 : 1;
    return strcmp(a->name, b->name);
}

size_t hp_alloc_rows_select(struct hp_alloc_row *rows, size_t n) {
    qsort(rows, n, sizeof *rows, alloc_row_cmp);
    size_t kept = 0;
    for (size_t i = 0; i < n; i++)
        if (!hp_config.has_focus || regexec(&hp_config.focus, rows[i].name, 0, NULL, 0) == 0)
            rows[kept++] = rows[i];
    if (hp_config.limit > 0 && kept > (size_t)hp_config.limit)
        kept = (size_t)hp_config.limit;
    return kept;
}

/* ======================================================================== */
/* Table                                                                    */
/* ======================================================================== */

#define MAX_COLS (8 + HP_MAX_PERCENTILES)

static void put_padded(FILE *out, const char *s, size_t width) {
    fprintf(out, " %s", s);
    for (size_t w = hp_display_width(s); w < width; w++)
        fputc(' ', out);
    fputs(" |", out);
}

static void put_rule(FILE *out, const size_t *w, int ncols) {
    fputc('+', out);
    for (int c = 0; c < ncols; c++) {
        for (size_t i = 0; i < w[c] + 2; i++)
            fputc('-', out);
        fputc('+', out);
    }
    fputc('\n', out);
}

/* A table: heads[ncols], then per row its name and cells[row][1..ncols-1]. */
struct grid {
    int ncols;
    char heads[MAX_COLS][32];
    size_t nrows;
    const char **names;
    char (*cells)[MAX_COLS][32];
};

static bool grid_init(struct grid *g, size_t nrows) {
    memset(g, 0, sizeof *g);
    g->nrows = nrows;
    g->names = hp_calloc(nrows ? nrows : 1, sizeof *g->names);
    g->cells = hp_calloc(nrows ? nrows : 1, sizeof *g->cells);
    return g->names && g->cells;
}

static void grid_head(struct grid *g, const char *text) {
    snprintf(g->heads[g->ncols++], 32, "%s", text);
}

/* The header of each percentile column: prefix "P95", "Bytes P95". */
static void grid_percentile_heads(struct grid *g, const struct hp_percentiles *pc,
                                  const char *prefix) {
    for (int i = 0; i < pc->n; i++)
        snprintf(g->heads[g->ncols++], 32, "%sP%g", prefix, pc->p[i]);
}

static void grid_write(FILE *out, struct grid *g) {
    size_t w[MAX_COLS];
    for (int c = 0; c < g->ncols; c++)
        w[c] = hp_display_width(g->heads[c]);
    for (size_t i = 0; i < g->nrows; i++) {
        size_t nw = hp_display_width(g->names[i]);
        if (nw > w[0])
            w[0] = nw;
        for (int c = 1; c < g->ncols; c++) {
            size_t cw = hp_display_width(g->cells[i][c]);
            if (cw > w[c])
                w[c] = cw;
        }
    }
    put_rule(out, w, g->ncols);
    fputc('|', out);
    for (int c = 0; c < g->ncols; c++)
        put_padded(out, g->heads[c], w[c]);
    fputc('\n', out);
    put_rule(out, w, g->ncols);
    for (size_t i = 0; i < g->nrows; i++) {
        fputc('|', out);
        put_padded(out, g->names[i], w[0]);
        for (int c = 1; c < g->ncols; c++)
            put_padded(out, g->cells[i][c], w[c]);
        fputc('\n', out);
    }
    put_rule(out, w, g->ncols);
}

static void grid_free(struct grid *g) {
    hp_free(g->names);
    hp_free(g->cells);
}

static void write_timing_table(FILE *out, const struct hp_report *r) {
    char dur[32];
    const char *title = r->main_name ? r->main_name : r->program;
    fprintf(out, "[hotpath] Performance Summary from %s (Total time: %s):\n", title,
            hp_format_duration(r->total_ns, dur));
    struct grid g;
    if (grid_init(&g, r->nrows)) {
        const char *left[] = {"Function", "Calls", "Min", "Max", "Avg"};
        const char *right[] = {"Total", "Self", "% Total"};
        for (int i = 0; i < 5; i++)
            grid_head(&g, left[i]);
        grid_percentile_heads(&g, &r->percentiles, "");
        for (int i = 0; i < 3; i++)
            grid_head(&g, right[i]);
        int np = r->percentiles.n;
        for (size_t i = 0; i < r->nrows; i++) {
            const struct hp_row *row = &r->rows[i];
            char(*c)[32] = g.cells[i];
            g.names[i] = row->name;
            snprintf(c[1], 32, "%llu", (unsigned long long)row->calls);
            hp_format_duration(row->min, c[2]);
            hp_format_duration(row->max, c[3]);
            hp_format_duration(row->avg, c[4]);
            for (int p = 0; p < np; p++)
                hp_format_duration(row->pct[p], c[5 + p]);
            hp_format_duration(row->total, c[5 + np]);
            hp_format_duration(row->self, c[6 + np]);
            snprintf(c[7 + np], 32, "%.2f%%", row->percent_total);
        }
        grid_write(out, &g);
    }
    grid_free(&g);
    if (r->dropped)
        fprintf(out, "[hotpath] %llu measurements dropped: more than %d open at once on a thread\n",
                (unsigned long long)r->dropped, HP_MAX_DEPTH);
}

static void write_alloc_table(FILE *out, const struct hp_report *r) {
    char b[32];
    const char *title = r->main_name ? r->main_name : r->program;
    fprintf(out, "[hotpath] Allocations from %s (%s; %s allocated in all):\n", title,
            r->alloc_cumulative ? "cumulative" : "exclusive", hp_format_bytes(r->alloc_bytes, b));
    struct grid g;
    if (grid_init(&g, r->narows)) {
        grid_head(&g, "Function");
        grid_head(&g, "Calls");
        grid_head(&g, "Bytes avg");
        grid_percentile_heads(&g, &r->percentiles, "Bytes ");
        const char *right[] = {"Bytes total", "Peak live", "Allocs", "Peak allocs", "% of bytes"};
        for (int i = 0; i < 5; i++)
            grid_head(&g, right[i]);
        int np = r->percentiles.n;
        for (size_t i = 0; i < r->narows; i++) {
            const struct hp_alloc_row *row = &r->arows[i];
            char(*c)[32] = g.cells[i];
            g.names[i] = row->name;
            snprintf(c[1], 32, "%llu", (unsigned long long)row->calls);
            hp_format_bytes(row->bytes_avg, c[2]);
            for (int p = 0; p < np; p++)
                hp_format_bytes(row->pct[p], c[3 + p]);
            hp_format_bytes(row->bytes_total, c[3 + np]);
            hp_format_bytes(row->peak_bytes, c[4 + np]);
            snprintf(c[5 + np], 32, "%llu", (unsigned long long)row->allocs);
            snprintf(c[6 + np], 32, "%llu", (unsigned long long)row->peak_allocs);
            snprintf(c[7 + np], 32, "%.2f%%", row->percent_bytes);
        }
        grid_write(out, &g);
    }
    grid_free(&g);
}

static void write_table(FILE *out, const struct hp_report *r) {
    write_timing_table(out, r);
    if (r->alloc)
        write_alloc_table(out, r);
}

/* ======================================================================== */
/* JSON                                                                     */
/* ======================================================================== */

static void json_string(FILE *out, const char *s) {
    fputc('"', out);
    for (; s && *s; s++) {
        unsigned char c = (unsigned char)*s;
        if (c == '"' || c == '\\')
            fprintf(out, "\\%c", c);
        else if (c < 0x20)
            fprintf(out, "\\u%04x", c);
        else
            fputc(c, out);
    }
    fputc('"', out);
}

static const char *kind_name(uint32_t kind) {
    return kind == HOTPATH_KIND_BLOCK ? "block" : "function";
}

/* A small JSON writer: members of objects nested up to three deep, one per
 * line when pretty. */
struct jw {
    FILE *out;
    bool pretty;
    bool first; /* no member written yet in the current object or array */
};

static void jw_open(struct jw *j, char bracket) {
    fputc(bracket, j->out);
    j->first = true;
}

static void jw_close(struct jw *j, char bracket, int depth) {
    if (j->pretty && !j->first)
        fprintf(j->out, "\n%*s", 2 * depth, "");
    fputc(bracket, j->out);
    j->first = false;
}

/* Starts an element at depth; key NULL inside arrays. */
static void jw_item(struct jw *j, int depth, const char *key) {
    if (!j->first)
        fputc(',', j->out);
    if (j->pretty)
        fprintf(j->out, "\n%*s", 2 * depth, "");
    if (key)
        fprintf(j->out, j->pretty ? "\"%s\": " : "\"%s\":", key);
    j->first = false;
}

static void jw_u64(struct jw *j, int depth, const char *key, uint64_t v) {
    jw_item(j, depth, key);
    fprintf(j->out, "%llu", (unsigned long long)v);
}

static void jw_str(struct jw *j, int depth, const char *key, const char *v) {
    jw_item(j, depth, key);
    if (v)
        json_string(j->out, v);
    else
        fputs("null", j->out);
}

static void jw_num(struct jw *j, int depth, const char *key, const char *fmt, double v) {
    jw_item(j, depth, key);
    fprintf(j->out, fmt, v);
}

/* {"50": v0, "99.9": v1}, on one line */
static void jw_percentiles(struct jw *j, int depth, const char *key,
                           const struct hp_percentiles *pc, const uint64_t *values) {
    jw_item(j, depth, key);
    fputc('{', j->out);
    for (int p = 0; p < pc->n; p++)
        fprintf(j->out, j->pretty ? "%s\"%g\": %llu" : "%s\"%g\":%llu", p ? (j->pretty ? ", " : ",") : "",
                pc->p[p], (unsigned long long)values[p]);
    fputc('}', j->out);
}

static void write_json(FILE *out, const struct hp_report *r, bool pretty) {
    struct jw j = {out, pretty, true};
    jw_open(&j, '{');
    jw_u64(&j, 1, "schema", 1);
    jw_str(&j, 1, "main", r->main_name);
    jw_str(&j, 1, "program", r->program);
    jw_u64(&j, 1, "total_ns", r->total_ns);
    jw_str(&j, 1, "clock", r->clock);
    jw_u64(&j, 1, "dropped", r->dropped);
    jw_item(&j, 1, "percentiles");
    jw_open(&j, '[');
    for (int i = 0; i < r->percentiles.n; i++)
        fprintf(out, "%s%g", i ? "," : "", r->percentiles.p[i]);
    fputc(']', out);
    j.first = false;
    jw_item(&j, 1, "functions");
    jw_open(&j, '[');
    for (size_t i = 0; i < r->nrows; i++) {
        const struct hp_row *row = &r->rows[i];
        jw_item(&j, 2, NULL);
        jw_open(&j, '{');
        jw_str(&j, 3, "name", row->name);
        jw_str(&j, 3, "kind", kind_name(row->kind));
        jw_str(&j, 3, "file", row->file);
        jw_u64(&j, 3, "line", row->line);
        jw_u64(&j, 3, "calls", row->calls);
        jw_u64(&j, 3, "min_ns", row->min);
        jw_u64(&j, 3, "max_ns", row->max);
        jw_u64(&j, 3, "avg_ns", row->avg);
        jw_u64(&j, 3, "total_ns", row->total);
        jw_u64(&j, 3, "self_ns", row->self);
        jw_num(&j, 3, "percent_total", "%.4f", row->percent_total);
        jw_percentiles(&j, 3, "percentiles_ns", &r->percentiles, row->pct);
        jw_close(&j, '}', 2);
    }
    jw_close(&j, ']', 1);
    if (r->alloc) {
        jw_str(&j, 1, "alloc_mode", r->alloc_cumulative ? "cumulative" : "exclusive");
        jw_u64(&j, 1, "alloc_bytes", r->alloc_bytes);
        jw_item(&j, 1, "allocations");
        jw_open(&j, '[');
        for (size_t i = 0; i < r->narows; i++) {
            const struct hp_alloc_row *row = &r->arows[i];
            jw_item(&j, 2, NULL);
            jw_open(&j, '{');
            jw_str(&j, 3, "name", row->name);
            jw_u64(&j, 3, "calls", row->calls);
            jw_u64(&j, 3, "bytes_avg", row->bytes_avg);
            jw_u64(&j, 3, "bytes_total", row->bytes_total);
            jw_u64(&j, 3, "peak_live_bytes", row->peak_bytes);
            jw_u64(&j, 3, "allocs", row->allocs);
            jw_u64(&j, 3, "peak_allocs", row->peak_allocs);
            jw_num(&j, 3, "percent_bytes", "%.4f", row->percent_bytes);
            jw_percentiles(&j, 3, "bytes_percentiles", &r->percentiles, row->pct);
            jw_close(&j, '}', 2);
        }
        jw_close(&j, ']', 1);
    }
    jw_close(&j, '}', 0);
    fputc('\n', out);
}

void hp_report_write(FILE *out, const struct hp_report *r, enum hp_format format) {
    switch (format) {
    case HP_FORMAT_TABLE:
        write_table(out, r);
        break;
    case HP_FORMAT_JSON:
    case HP_FORMAT_JSON_PRETTY:
        write_json(out, r, format == HP_FORMAT_JSON_PRETTY);
        break;
    case HP_FORMAT_NONE:
        break;
    }
    fflush(out);
}

/* ======================================================================== */
/* Once per process                                                         */
/* ======================================================================== */

static FILE *open_output(void) {
    if (hp_config.output_path[0] == '\0')
        return stderr;
    char path[sizeof hp_config.output_path + 64];
    bool fits = hp_config_expand_path(hp_config.output_path, path, sizeof path);
    FILE *f = fits ? fopen(path, "w") : NULL;
    if (!f) {
        char why[160 + sizeof path];
        if (!fits)
            snprintf(why, sizeof why, " (longer than %zu bytes with %%p replaced)",
                     sizeof path - 1);
        else if (strcmp(path, hp_config.output_path) == 0)
            snprintf(why, sizeof why, " (cannot open it: %s)", strerror(errno));
        else
            snprintf(why, sizeof why, " (cannot open %s: %s)", path, strerror(errno));
        hp_config_reject(stderr, HP_OPT_output_path, hp_config.output_path, why);
        return stderr;
    }
    return f;
}

void hp_report_collect(struct hp_report *r) {
    uint64_t now = hp_now();
    memset(r, 0, sizeof *r);
    r->clock = hp_clock_name();
    r->program = program_invocation_short_name;

    pthread_mutex_lock(&hp_lock);
    bool has_main = hp_window.name != NULL;
    uint64_t start = has_main ? hp_window.start : hp_process_start;
    uint64_t end = has_main && hp_window.end ? hp_window.end : now;
    r->main_name = hp_window.name;
    r->percentiles = hp_config.percentiles;
    if (!(hp_config.from_env & (1u << HP_OPT_percentiles)) && hp_window.percentiles) {
        struct hp_percentiles p;
        if (hp_parse_percentiles(hp_window.percentiles, &p))
            r->percentiles = p;
    }
    r->alloc = hp_alloc_on;
    r->alloc_cumulative = hp_alloc_cumulative;
    r->alloc_bytes = hp_alloc_bytes_locked() - (has_main ? hp_window.alloc_bytes0 : 0);
    r->rows = hp_calloc(hp_reg.count ? hp_reg.count : 1, sizeof *r->rows);
    r->arows = r->alloc ? hp_calloc(hp_reg.count ? hp_reg.count : 1, sizeof *r->arows) : NULL;
    size_t n = r->rows ? gather(r, end - start) : 0;
    r->measured = hp_reg.count > 1;
    pthread_mutex_unlock(&hp_lock);

    r->total_ns = hp_ticks_to_ns(end - start);
    r->nrows = r->rows ? hp_rows_select(r->rows, n) : 0;
    r->narows = r->arows ? hp_alloc_rows_select(r->arows, r->narows) : 0;
}

void hp_report_free(struct hp_report *r) {
    hp_free(r->arows);
    r->arows = NULL;
    hp_free(r->rows);
    r->rows = NULL;
    r->nrows = 0;
}

/* Collects and writes a report now, to the configured output. */
static void write_report(void) {
    hp_busy_enter();
    struct hp_report r;
    hp_report_collect(&r);
    if (r.measured) {
        FILE *out = open_output();
        hp_report_write(out, &r, hp_config.format);
        if (out != stderr)
            fclose(out);
    }
    hp_report_free(&r);
    hp_busy_leave();
}

bool hp_report_once(void) {
    int expected = 0;
    if (!atomic_compare_exchange_strong(&report_state, &expected, 1))
        return false;
    if (hp_config.format != HP_FORMAT_NONE)
        write_report();
    return true;
}

/* ---- signals.c: the on-demand report (HOTPATH_SIGNAL) ---- */
bool hp_report_snapshot(void) {
    if (hp_report_done())
        return false;
    if (hp_config.format != HP_FORMAT_NONE)
        write_report();
    atomic_fetch_add(&hp_config_report_number, 1);
    return true;
}
