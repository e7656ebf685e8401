/* table.c — the boxed layout of the runtime's report (runtime/src/report.c,
 * grid_write), Markdown and CSV. */
#include "table.h"

#include <stdlib.h>
#include <string.h>

#include "report.h" /* hp_display_width, from runtime/src/format.c */

void cli_table_init(struct cli_table *t, size_t ncols) {
    memset(t, 0, sizeof *t);
    t->ncols = ncols;
}

bool cli_table_row(struct cli_table *t, const char *const *cells) {
    if (t->nrows == t->cap) {
        size_t cap = t->cap ? 2 * t->cap : 16;
        char **c = realloc(t->cells, cap * t->ncols * sizeof *c);
        if (!c)
            return false;
        t->cells = c;
        t->cap = cap;
    }
    for (size_t i = 0; i < t->ncols; i++)
        t->cells[t->nrows * t->ncols + i] = strdup(cells[i] ? cells[i] : "");
    t->nrows++;
    return true;
}

static const char *cell(const struct cli_table *t, size_t r, size_t c) {
    const char *s = t->cells[r * t->ncols + c];
    return s ? s : "";
}

static void rule(FILE *out, const size_t *w, size_t ncols) {
    fputc('+', out);
    for (size_t c = 0; c < ncols; c++) {
        for (size_t i = 0; i < w[c] + 2; i++)
            fputc('-', out);
        fputc('+', out);
    }
    fputc('\n', out);
}

static void box_row(FILE *out, const struct cli_table *t, size_t r, const size_t *w) {
    fputc('|', out);
    for (size_t c = 0; c < t->ncols; c++) {
        const char *s = cell(t, r, c);
        fprintf(out, " %s", s);
        for (size_t k = hp_display_width(s); k < w[c]; k++)
            fputc(' ', out);
        fputs(" |", out);
    }
    fputc('\n', out);
}

static void write_box(FILE *out, const struct cli_table *t) {
    size_t *w = calloc(t->ncols ? t->ncols : 1, sizeof *w);
    if (!w)
        return;
    for (size_t r = 0; r < t->nrows; r++)
        for (size_t c = 0; c < t->ncols; c++) {
            size_t k = hp_display_width(cell(t, r, c));
            if (k > w[c])
                w[c] = k;
        }
    rule(out, w, t->ncols);
    for (size_t r = 0; r < t->nrows; r++) {
        box_row(out, t, r, w);
        if (r == 0)
            rule(out, w, t->ncols);
    }
    rule(out, w, t->ncols);
    free(w);
}

/* Markdown: a | or a line break in a cell would end it. */
static void md_cell(FILE *out, const char *s) {
    for (; *s; s++) {
        if (*s == '|')
            fputs("\\|", out);
        else if (*s == '\n')
            fputc(' ', out);
        else
            fputc(*s, out);
    }
}

/* A column of numbers is right-aligned: every body cell starts as one does. */
static bool numeric_column(const struct cli_table *t, size_t c) {
    for (size_t r = 1; r < t->nrows; r++) {
        const char *s = cell(t, r, c);
        if (*s && !strchr("0123456789+-<.", *s))
            return false;
    }
    return t->nrows > 1;
}

static void write_markdown(FILE *out, const struct cli_table *t) {
    for (size_t r = 0; r < t->nrows; r++) {
        fputc('|', out);
        for (size_t c = 0; c < t->ncols; c++) {
            fputc(' ', out);
            md_cell(out, cell(t, r, c));
            fputs(" |", out);
        }
        fputc('\n', out);
        if (r == 0) {
            fputc('|', out);
            for (size_t c = 0; c < t->ncols; c++)
                fputs(numeric_column(t, c) ? "---:|" : "---|", out);
            fputc('\n', out);
        }
    }
}

/* RFC 4180: quoted when it holds a comma, quote or line break. */
static void csv_cell(FILE *out, const char *s) {
    if (!strpbrk(s, ",\"\r\n")) {
        fputs(s, out);
        return;
    }
    fputc('"', out);
    for (; *s; s++) {
        if (*s == '"')
            fputc('"', out);
        fputc(*s, out);
    }
    fputc('"', out);
}

static void write_csv(FILE *out, const struct cli_table *t) {
    for (size_t r = 0; r < t->nrows; r++) {
        for (size_t c = 0; c < t->ncols; c++) {
            if (c)
                fputc(',', out);
            csv_cell(out, cell(t, r, c));
        }
        fputc('\n', out);
    }
}

void cli_table_write(FILE *out, const struct cli_table *t, enum cli_table_style style) {
    if (style == CLI_TABLE_BOX)
        write_box(out, t);
    else if (style == CLI_TABLE_MARKDOWN)
        write_markdown(out, t);
    else
        write_csv(out, t);
}

void cli_table_free(struct cli_table *t) {
    for (size_t i = 0; i < t->nrows * t->ncols; i++)
        free(t->cells[i]);
    free(t->cells);
    memset(t, 0, sizeof *t);
}

int cli_table_style_parse(const char *s, bool json_ok, enum cli_table_style *style) {
    if (strcmp(s, "table") == 0)
        *style = CLI_TABLE_BOX;
    else if (strcmp(s, "markdown") == 0)
        *style = CLI_TABLE_MARKDOWN;
    else if (strcmp(s, "csv") == 0)
        *style = CLI_TABLE_CSV;
    else if (json_ok && strcmp(s, "json") == 0)
        return 1;
    else
        return -1;
    return 0;
}
