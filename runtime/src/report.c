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
static size_t gather(struct hp_row *rows, const struct hp_percentiles *pc, uint64_t window_ticks,
                     uint64_t *dropped) {
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

static void format_percentile_header(double p, char *buf) { snprintf(buf, 32, "P%g", p); }

static void write_table(FILE *out, const struct hp_report *r) {
    char dur[32];
    const char *title = r->main_name ? r->main_name : r->program;
    fprintf(out, "[hotpath] Performance Summary from %s (Total time: %s):\n", title,
            hp_format_duration(r->total_ns, dur));

    int np = r->percentiles.n, ncols = 7 + np;
    char heads[MAX_COLS][32];
    const char *fixed_l[] = {"Function", "Calls", "Min", "Max", "Avg"};
    const char *fixed_r[] = {"Total", "Self", "% Total"};
    for (int i = 0; i < 5; i++)
        snprintf(heads[i], 32, "%s", fixed_l[i]);
    for (int i = 0; i < np; i++)
        format_percentile_header(r->percentiles.p[i], heads[5 + i]);
    for (int i = 0; i < 3; i++)
        snprintf(heads[5 + np + i], 32, "%s", fixed_r[i]);
    ncols = 8 + np;

    /* Cells: the name column points into the row; others are formatted. */
    size_t nrows = r->nrows;
    char(*cells)[MAX_COLS][32] = hp_calloc(nrows ? nrows : 1, sizeof *cells);
    if (!cells)
        return;
    size_t w[MAX_COLS];
    for (int c = 0; c < ncols; c++)
        w[c] = hp_display_width(heads[c]);
    for (size_t i = 0; i < nrows; i++) {
        const struct hp_row *row = &r->rows[i];
        snprintf(cells[i][1], 32, "%llu", (unsigned long long)row->calls);
        hp_format_duration(row->min, cells[i][2]);
        hp_format_duration(row->max, cells[i][3]);
        hp_format_duration(row->avg, cells[i][4]);
        for (int p = 0; p < np; p++)
            hp_format_duration(row->pct[p], cells[i][5 + p]);
        hp_format_duration(row->total, cells[i][5 + np]);
        hp_format_duration(row->self, cells[i][6 + np]);
        snprintf(cells[i][7 + np], 32, "%.2f%%", row->percent_total);
        size_t nw = hp_display_width(row->name);
        if (nw > w[0])
            w[0] = nw;
        for (int c = 1; c < ncols; c++) {
            size_t cw = hp_display_width(cells[i][c]);
            if (cw > w[c])
                w[c] = cw;
        }
    }
    put_rule(out, w, ncols);
    fputc('|', out);
    for (int c = 0; c < ncols; c++)
        put_padded(out, heads[c], w[c]);
    fputc('\n', out);
    put_rule(out, w, ncols);
    for (size_t i = 0; i < nrows; i++) {
        fputc('|', out);
        put_padded(out, r->rows[i].name, w[0]);
        for (int c = 1; c < ncols; c++)
            put_padded(out, cells[i][c], w[c]);
        fputc('\n', out);
    }
    put_rule(out, w, ncols);
    if (r->dropped)
        fprintf(out, "[hotpath] %llu measurements dropped: more than %d open at once on a thread\n",
                (unsigned long long)r->dropped, HP_MAX_DEPTH);
    hp_free(cells);
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
    fprintf(out, "%s%s]%s}\n", r->nrows ? nl : "", r->nrows ? in1 : "", nl);
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
    r->rows = hp_calloc(hp_reg.count ? hp_reg.count : 1, sizeof *r->rows);
    size_t n = r->rows ? gather(r->rows, &r->percentiles, end - start, &r->dropped) : 0;
    r->measured = hp_reg.count > 1;
    pthread_mutex_unlock(&hp_lock);

    r->total_ns = hp_ticks_to_ns(end - start);
    r->nrows = r->rows ? hp_rows_select(r->rows, n) : 0;
}

void hp_report_free(struct hp_report *r) {
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
