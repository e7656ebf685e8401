// Allocation tracking through C++ operator new/new[]/delete/delete[].
#include <criterion/criterion.h>
#include <hotpath/hotpath.h>

#include "figures.h"

static void track() { hotpath_alloc_tracking(1); }
TestSuite(alloc_cxx, .init = track);

static struct hotpath_site s_arrays = HOTPATH_SITE_INIT("alloc_cxx::arrays", HOTPATH_KIND_FUNCTION);

struct Widget {
    char payload[1000];
};

// Disabled under HOTPATH_SANITIZE: tracking steps aside (test_alloc.c).
#ifdef HOTPATH_TEST_SANITIZER
#define FIGURES .disabled = true
#else
#define FIGURES .disabled = false
#endif
Test(alloc_cxx, new_array_and_delete_array_are_counted, FIGURES) {
    uint64_t t = hotpath_enter(&s_arrays);
    int *volatile numbers = new int[250]; // 1000 bytes
    Widget *volatile w = new Widget;      // 1000 bytes
    delete w;
    delete[] numbers;
    hotpath_exit(&s_arrays, t);

    struct test_alloc_figures f;
    cr_assert(test_alloc_figures("alloc_cxx::arrays", &f));
    cr_assert_eq(f.allocs, 2u);
    cr_assert_eq(f.bytes_total, 2000u);
    cr_assert_eq(f.peak_bytes, 2000u);
    cr_assert_eq(f.peak_allocs, 2u);
}
