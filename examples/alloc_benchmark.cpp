// alloc_benchmark.cpp — what allocation tracking costs: 1,000,000
// malloc(64)+free pairs and C++ new/delete pairs, with tracking off and on,
// beside glibc's own malloc and free called directly, all in one process
// (rounds interleaved, best round kept). `make bench` runs it.
//
//   alloc_benchmark                 time every variant
//   alloc_benchmark --only=X [N]    run N pairs of variant X alone (glibc,
//                                   malloc-off, malloc-on, new-off, new-on),
//                                   for valgrind --tool=callgrind
#include <hotpath/hotpath.h>

#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <ctime>

extern "C" void *__libc_malloc(size_t);
extern "C" void __libc_free(void *);

static const long kPairs = 1000000;
static const int kRounds = 15;

struct Object {
    char bytes[64];
};

static inline void keep(void *p) { __asm__ volatile("" : : "r"(p) : "memory"); }

__attribute__((noinline)) static void glibc_pairs(long n) {
    for (long i = 0; i < n; i++) {
        void *p = __libc_malloc(64);
        keep(p);
        __libc_free(p);
    }
}
__attribute__((noinline)) static void malloc_pairs(long n) {
    for (long i = 0; i < n; i++) {
        void *p = std::malloc(64);
        keep(p);
        std::free(p);
    }
}
__attribute__((noinline)) static void new_pairs(long n) {
    for (long i = 0; i < n; i++) {
        Object *o = new Object;
        keep(o);
        delete o;
    }
}

static double now_ns() {
    timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return ts.tv_sec * 1e9 + ts.tv_nsec;
}

struct Variant {
    const char *name, *id;
    void (*loop)(long);
    int tracking;
    double best;
};

int main(int argc, char **argv) {
    Variant v[] = {
        {"glibc malloc+free (direct)", "glibc", glibc_pairs, 0, 1e9},
        {"malloc+free, tracking off", "malloc-off", malloc_pairs, 0, 1e9},
        {"malloc+free, tracking on", "malloc-on", malloc_pairs, 1, 1e9},
        {"new+delete, tracking off", "new-off", new_pairs, 0, 1e9},
        {"new+delete, tracking on", "new-on", new_pairs, 1, 1e9},
    };
    const int n = sizeof v / sizeof *v;
    if (argc > 1 && std::strncmp(argv[1], "--only=", 7) == 0) {
        long pairs = argc > 2 ? std::atol(argv[2]) : kPairs;
        for (int i = 0; i < n; i++)
            if (std::strcmp(argv[1] + 7, v[i].id) == 0) {
                hotpath_alloc_tracking(v[i].tracking);
                v[i].loop(pairs);
                hotpath_alloc_tracking(0);
                return 0;
            }
        std::fprintf(stderr, "alloc_benchmark: unknown variant '%s' (glibc, malloc-off, "
                             "malloc-on, new-off, new-on)\n", argv[1] + 7);
        return 2;
    }
    for (int r = 0; r < kRounds; r++)
        for (int i = 0; i < n; i++) {
            hotpath_alloc_tracking(v[i].tracking);
            double t0 = now_ns();
            v[i].loop(kPairs);
            double per = (now_ns() - t0) / kPairs;
            if (per < v[i].best)
                v[i].best = per;
        }
    hotpath_alloc_tracking(0);
    std::printf("%ld pairs, best of %d rounds, ns per pair:\n", kPairs, kRounds);
    for (int i = 0; i < n; i++)
        std::printf("  %-28s %6.2f  (%.2f x glibc)\n", v[i].name, v[i].best, v[i].best / v[0].best);
    std::printf("targets: tracking off within noise of glibc; tracking on <= 1.3 x glibc\n");
    return 0;
}
