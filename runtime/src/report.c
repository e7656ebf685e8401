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
static void add_site(struct hp_site_agg *a, uint32_t id, struct hotpath_site *site) {
    struct hp_site_agg *m = hp_reg.agg[id];
    if (m) {
        a->calls += m->calls;
        a->total += m->total;
        a->sum += m->sum;
        a->self += m->self;
        if (m->min < a->min)
            a->min = m->min;
        if (m->max > a->max)
            a->max = m->max;
        for (uint32_t i = 0; i < HP_HIST_BUCKETS; i++)
            a->hist[i] += m->hist[i];
        hp_alloc_agg_merge(&a->alloc, &m->alloc);
    }
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
            add_site(a, sites[j]->id, sites[j]);
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

static void write_json(FILE *out, const struct hp_report *r, bool pretty) {
    const char *nl = pretty ? "\n" : "", *in1 = pretty ? "  " : "", *in2 = pretty ? "    " : "",
               *in3 = pretty ? "      " : "", *sp = pretty ? " " : "";
    unsigned long long u;
    fprintf(out, "{%s%s\"schema\":%s1,%s", nl, in1, sp, nl);
    fprintf(out, "%s\"main\":%s", in1, sp);
    if (r->main_name)
        json_string(out, r->main_name);
    else
        fputs("null", out);
    fprintf(out, ",%s%s\"program\":%s", nl, in1, sp);
    json_string(out, r->program);
    u = r->total_ns;
    fprintf(out, ",%s%s\"total_ns\":%s%llu,%s", nl, in1, sp, u, nl);
    fprintf(out, "%s\"clock\":%s\"%s\",%s", in1, sp, r->clock, nl);
    fprintf(out, "%s\"dropped\":%s%llu,%s", in1, sp, (unsigned long long)r->dropped, nl);
    fprintf(out, "%s\"percentiles\":%s[", in1, sp);
    for (int i = 0; i < r->percentiles.n; i++)
        fprintf(out, "%s%g", i ? "," : "", r->percentiles.p[i]);
    fprintf(out, "],%s%s\"functions\":%s[", nl, in1, sp);
    for (size_t i = 0; i < r->nrows; i++) {
        const struct hp_row *row = &r->rows[i];
        fprintf(out, "%s%s%s{%s%s\"name\":%s", i ? "," : "", nl, in2, nl, in3, sp);
        json_string(out, row->name);
        fprintf(out, ",%s%s\"kind\":%s\"%s\",%s%s\"file\":%s", nl, in3, sp, kind_name(row->kind),
                nl, in3, sp);
        json_string(out, row->file);
        fprintf(out, ",%s%s\"line\":%s%u", nl, in3, sp, row->line);
#define FIELD(key, v) fprintf(out, ",%s%s\"" key "\":%s%llu", nl, in3, sp, (unsigned long long)(v))
        FIELD("calls", row->calls);
        FIELD("min_ns", row->min);
        FIELD("max_ns", row->max);
        FIELD("avg_ns", row->avg);
        FIELD("total_ns", row->total);
        FIELD("self_ns", row->self);
#undef FIELD
        fprintf(out, ",%s%s\"percent_total\":%s%.4f", nl, in3, sp, row->percent_total);
        fprintf(out, ",%s%s\"percentiles_ns\":%s{", nl, in3, sp);
        for (int p = 0; p < r->percentiles.n; p++)
            fprintf(out, "%s\"%g\":%s%llu", p ? "," : "", r->percentiles.p[p], sp,
                    (unsigned long long)row->pct[p]);
        fprintf(out, "}%s%s}", nl, in2);
    }
    fprintf(out, "%s%s]", r->nrows ? nl : "", r->nrows ? in1 : "");
    if (r->alloc) {
        fprintf(out, ",%s%s\"alloc_mode\":%s\"%s\",%s%s\"alloc_bytes\":%s%llu", nl, in1, sp,
                r->alloc_cumulative ? "cumulative" : "exclusive", nl, in1, sp,
                (unsigned long long)r->alloc_bytes);
        fprintf(out, ",%s%s\"allocations\":%s[", nl, in1, sp);
        for (size_t i = 0; i < r->narows; i++) {
            const struct hp_alloc_row *row = &r->arows[i];
            fprintf(out, "%s%s%s{%s%s\"name\":%s", i ? "," : "", nl, in2, nl, in3, sp);
            json_string(out, row->name);
#define FIELD(key, v) fprintf(out, ",%s%s\"" key "\":%s%llu", nl, in3, sp, (unsigned long long)(v))
            FIELD("calls", row->calls);
            FIELD("bytes_avg", row->bytes_avg);
            FIELD("bytes_total", row->bytes_total);
            FIELD("peak_live_bytes", row->peak_bytes);
            FIELD("allocs", row->allocs);
            FIELD("peak_allocs", row->peak_allocs);
#undef FIELD
            fprintf(out, ",%s%s\"percent_bytes\":%s%.4f", nl, in3, sp, row->percent_bytes);
            fprintf(out, ",%s%s\"bytes_percentiles\":%s{", nl, in3, sp);
            for (int p = 0; p < r->percentiles.n; p++)
                fprintf(out, "%s\"%g\":%s%llu", p ? "," : "", r->percentiles.p[p], sp,
                        (unsigned long long)row->pct[p]);
            fprintf(out, "}%s%s}", nl, in2);
        }
        fprintf(out, "%s%s]", r->narows ? nl : "", r->narows ? in1 : "");
    }
    fprintf(out, "%s}\n", nl);
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
    FILE *f = fopen(hp_config.output_path, "w");
    if (!f) {
        char why[160];
        snprintf(why, sizeof why, " (cannot open it: %s)", strerror(errno));
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

bool hp_report_once(enum hp_report_reason why) {
    (void)why;
    int expected = 0;
    if (!atomic_compare_exchange_strong(&report_state, &expected, 1))
        return false;
    if (hp_config.format == HP_FORMAT_NONE)
        return true;
    hp_tls.busy++;
    struct hp_report r;
    hp_report_collect(&r);
    if (r.measured) {
        FILE *out = open_output();
        hp_report_write(out, &r, hp_config.format);
        if (out != stderr)
            fclose(out);
    }
    hp_report_free(&r);
    hp_tls.busy--;
    return true;
}
