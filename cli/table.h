/*
 * table.h — rows of text cells written as the runtime's boxed table, a
 * Markdown table or CSV (shared by every subcommand that prints a table).
 */
#ifndef HOTPATH_CLI_TABLE_H
#define HOTPATH_CLI_TABLE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdio.h>

enum cli_table_style { CLI_TABLE_BOX, CLI_TABLE_MARKDOWN, CLI_TABLE_CSV };

struct cli_table {
    size_t ncols, nrows, cap;
    char **cells; /* nrows * ncols strings, row 0 the header */
};

/* Starts a table with ncols columns; the header is the first row added. */
void cli_table_init(struct cli_table *t, size_t ncols);
/* Appends a row of ncols cells (copied); false if out of memory. */
bool cli_table_row(struct cli_table *t, const char *const *cells);
void cli_table_write(FILE *out, const struct cli_table *t, enum cli_table_style style);
void cli_table_free(struct cli_table *t);

/* Parses "table", "markdown", "csv" (and "json" when json_ok) into *style;
 * returns 0 for a table style, 1 for json, -1 for an unknown name. */
int cli_table_style_parse(const char *s, bool json_ok, enum cli_table_style *style);

#endif
