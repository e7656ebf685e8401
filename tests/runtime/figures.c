#include "figures.h"

#include <string.h>

#include "testing.h"

bool test_alloc_figures(const char *name, struct test_alloc_figures *out) {
    struct hp_report r;
    hp_report_collect(&r);
    bool found = false;
    for (size_t i = 0; i < r.narows; i++)
        if (strcmp(r.arows[i].name, name) == 0) {
            const struct hp_alloc_row *a = &r.arows[i];
            *out = (struct test_alloc_figures){a->calls, a->bytes_total, a->peak_bytes, a->allocs,
                                               a->peak_allocs};
            found = true;
        }
    hp_report_free(&r);
    return found;
}
