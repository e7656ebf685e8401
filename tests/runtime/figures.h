/* figures.h — a C view of one report row, for tests written in C++ (the
 * runtime's internal headers are C11 only). */
#ifndef HOTPATH_TEST_FIGURES_H
#define HOTPATH_TEST_FIGURES_H
#include <stdbool.h>
#include <stdint.h>
#ifdef __cplusplus
extern "C" {
#endif
struct test_alloc_figures {
    uint64_t calls, bytes_total, peak_bytes, allocs, peak_allocs;
};
/* The allocation row named `name` of a report gathered now. */
bool test_alloc_figures(const char *name, struct test_alloc_figures *out);
#ifdef __cplusplus
}
#endif
#endif
