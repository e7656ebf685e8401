/* support.h — small helpers shared by the runtime's Criterion tests. */
#ifndef HOTPATH_TEST_SUPPORT_H
#define HOTPATH_TEST_SUPPORT_H

#include <string.h>

#include "testing.h"

/* The row named `name` of report r, or NULL. */
static inline const struct hp_row *find_row(const struct hp_report *r, const char *name) {
    for (size_t i = 0; i < r->nrows; i++)
        if (strcmp(r->rows[i].name, name) == 0)
            return &r->rows[i];
    return NULL;
}

/* Calls of `name` in a report gathered now (0 when it has no row). */
static inline uint64_t calls_of(const char *name) {
    struct hp_report r;
    hp_report_collect(&r);
    const struct hp_row *row = find_row(&r, name);
    uint64_t n = row ? row->calls : 0;
    hp_report_free(&r);
    return n;
}

#endif
