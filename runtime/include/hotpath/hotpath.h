/*
 * hotpath.h — public interface of the hotpath runtime.
 *
 * Two audiences:
 *   - programs: the HOTPATH_* macros (attributes and blocks) and the manual
 *     API (a static site plus hotpath_enter/hotpath_exit);
 *   - the compiler plugins: struct hotpath_site and the two calls below are
 *     the ABI they emit (see docs/how-it-works.md). Change them only together
 *     with both plugins.
 *
 * Every macro expands to nothing unless __HOTPATH__ is defined, which the
 * plugins do for each unit they compile: a build without the plugin carries
 * no trace of hotpath in its object code.
 */
#ifndef HOTPATH_HOTPATH_H
#define HOTPATH_HOTPATH_H

#include <stdint.h>

#ifdef __cplusplus
#if __cplusplus >= 201103L
#define HOTPATH_NOEXCEPT noexcept
#else
#define HOTPATH_NOEXCEPT throw()
#endif
extern "C" {
#else
#define HOTPATH_NOEXCEPT
#endif

/* ------------------------------------------------------------------------ */
/* ABI                                                                      */
/* ------------------------------------------------------------------------ */

#define HOTPATH_ABI_VERSION 1

enum hotpath_site_kind {
    HOTPATH_KIND_FUNCTION = 0, /* a measured function */
    HOTPATH_KIND_BLOCK = 1,    /* a HOTPATH_BLOCK */
    HOTPATH_KIND_MAIN = 2,     /* the measured window (hotpath::main) */
};

/*
 * One per instrumented function or block, in static, writable storage.
 * Emitters fill name, file, line, kind, flags and (for HOTPATH_KIND_MAIN
 * only) percentiles, and zero everything else. The runtime owns id and
 * reserved. The environment (HOTPATH_PERCENTILES, HOTPATH_ALLOC...) wins
 * over what a main site asks for.
 *
 * Layout (x86-64, 56 bytes): ptr name, ptr file, u32 line, u32 kind,
 * u32 id, u32 flags, ptr percentiles, u64 reserved[2].
 */
/* Site flags of HOTPATH_KIND_MAIN sites. */
#define HOTPATH_FLAG_ALLOC 1u            /* turn allocation tracking on */
#define HOTPATH_FLAG_ALLOC_CUMULATIVE 2u /* ... counting callees' allocations */
/* Site flags of HOTPATH_KIND_FUNCTION and HOTPATH_KIND_BLOCK sites: bits
 * 16..31 hold the sampling period N the source asked for (0: nothing asked;
 * 1: time every call; N > 1: count every call, time about 1 in N; see
 * HOTPATH_SAMPLE in docs/configuration.md); bit 0 is HOTPATH_FLAG_SELECTED;
 * bits 1..15 stay zero. */
#define HOTPATH_FLAG_SAMPLE_SHIFT 16
/* Set by the plugins on a function they measure because include= selected
 * it, not because the source tagged it: the adaptive mode's default
 * (HOTPATH_ADAPTIVE unset) applies to such sites only. */
#define HOTPATH_FLAG_SELECTED 1u
#define HOTPATH_SITE_SAMPLE(flags) ((uint32_t)(flags) >> HOTPATH_FLAG_SAMPLE_SHIFT)

struct hotpath_site {
    const char *name;        /* report name: "stem::function" or a label */
    const char *file;        /* source file as given to the compiler */
    uint32_t line;           /* line of the function or block */
    uint32_t kind;           /* enum hotpath_site_kind */
    uint32_t id;             /* 0 until registered; runtime-owned */
    uint32_t flags;          /* HOTPATH_FLAG_*: main sites; else the sampling period */
    const char *percentiles; /* MAIN only: "50,95,99" or NULL (default 95) */
    uint64_t reserved[2];    /* runtime-owned; zero */
};

/*
 * Opens a measurement of `site` on the calling thread and returns a token
 * for the matching hotpath_exit. Never blocks after the site's first call
 * (registration takes a lock once per site), never allocates after a
 * thread's first call of the site, never throws. Safe from any thread.
 * For a HOTPATH_KIND_MAIN site it also opens the report window.
 */
uint64_t hotpath_enter(struct hotpath_site *site) HOTPATH_NOEXCEPT;

/*
 * Closes the measurement opened by the hotpath_enter that returned `token`.
 * Measurements left open by longjmp or by an exit that skipped them are
 * dropped, never recorded with a wrong time. For a HOTPATH_KIND_MAIN site,
 * closes the window and prints the report (once per process).
 */
void hotpath_exit(struct hotpath_site *site, uint64_t token) HOTPATH_NOEXCEPT;

/* ------------------------------------------------------------------------ */
/* Manual API                                                               */
/* ------------------------------------------------------------------------ */

/* Static initializer for a site: static struct hotpath_site s =
 * HOTPATH_SITE_INIT("parse", HOTPATH_KIND_FUNCTION); */
#define HOTPATH_SITE_INIT(name, kind) {(name), __FILE__, __LINE__, (kind), 0, 0, 0, {0, 0}}
/* The same for a function or block site timed on about 1 call in n
 * (1..65535), every call counted. */
#define HOTPATH_SAMPLED_SITE_INIT(name, kind, n)                                                   \
    {(name), __FILE__, __LINE__, (kind), 0, (uint32_t)(n) << HOTPATH_FLAG_SAMPLE_SHIFT, 0, {0, 0}}
/* The same for a main window with its percentiles, e.g. "50,95,99". */
#define HOTPATH_MAIN_SITE_INIT(name, percentiles)                                                  \
    {(name), __FILE__, __LINE__, HOTPATH_KIND_MAIN, 0, 0, (percentiles), {0, 0}}

/*
 * Prints the report now if it has not been printed yet; later calls and the
 * report at process exit then do nothing. Returns 0, or -1 if it had already
 * been printed. Thread-safe.
 */
int hotpath_report(void) HOTPATH_NOEXCEPT;

/*
 * Turns allocation tracking on (on != 0) or off, as HOTPATH_ALLOC does at
 * start-up; returns the previous state. It applies to measurements opened
 * after the call; those already open report no allocation figures.
 * Thread-safe (a flag), but meant for start-up or benchmarks.
 */
int hotpath_alloc_tracking(int on) HOTPATH_NOEXCEPT;

/* ------------------------------------------------------------------------ */
/* Macros for instrumented builds                                           */
/* ------------------------------------------------------------------------ */

/* Under clang -E (and -save-temps) a plugin's frontend action does not run;
 * this pragma lets the Clang plugin define __HOTPATH__ there too. Without
 * the plugin it is ignored, silently. */
#if defined(__clang__) && !defined(__HOTPATH__)
#pragma clang diagnostic push
#pragma clang diagnostic ignored "-Wunknown-pragmas"
#pragma hotpath plugin
#pragma clang diagnostic pop
#endif

#if defined(__HOTPATH__)

/* Measure this function (the report names it "<file stem>::<function>"). */
#define HOTPATH_MEASURE __attribute__((annotate("hotpath")))
/* Measure this function under a label of your own. */
#define HOTPATH_MEASURE_AS(label) __attribute__((annotate("hotpath", label)))
/* Measure this function, timing 1 call in n (every call is counted; n an
 * integer literal from 1 to 65535, or a macro that expands to one):
 * HOTPATH_MEASURE_SAMPLED(64), HOTPATH_MEASURE_AS_SAMPLED("parse", 64). */
#define HOTPATH_STR2_(x) #x
#define HOTPATH_STR_(x) HOTPATH_STR2_(x)
#define HOTPATH_MEASURE_SAMPLED(n) __attribute__((annotate("hotpath", "sample=" HOTPATH_STR_(n))))
#define HOTPATH_MEASURE_AS_SAMPLED(label, n)                                                       \
    __attribute__((annotate("hotpath", label, "sample=" HOTPATH_STR_(n))))
/* The measured window, optionally with the percentiles to show and the
 * options "alloc" or "alloc-cumulative" (allocation tracking), in any order:
 * HOTPATH_MAIN(), HOTPATH_MAIN(50, 95, 99.9), HOTPATH_MAIN(95, "alloc"). */
#define HOTPATH_MAIN(...) __attribute__((annotate("hotpath::main", ##__VA_ARGS__)))

#define HOTPATH_CAT2_(a, b) a##b
#define HOTPATH_CAT_(a, b) HOTPATH_CAT2_(a, b)
#define HOTPATH_BLOCK_SITE_(label)                                                                 \
    __extension__({                                                                                \
        static struct hotpath_site hotpath_block_site_ =                                           \
            HOTPATH_SITE_INIT(label, HOTPATH_KIND_BLOCK);                                          \
        &hotpath_block_site_;                                                                      \
    })

#if defined(__cplusplus) && __cplusplus < 201103L
/* HOTPATH_BLOCK needs C++11 in C++; the rest works in C++98. */
#define HOTPATH_BLOCK(label) HOTPATH_BLOCK_needs_Cplusplus11_or_later
#elif defined(__cplusplus)
} /* extern "C" */
namespace hotpath {
namespace detail {
struct block_guard {
    struct hotpath_site *site;
    uint64_t token;
    /* always_inline: the measurement must be opened from the function that
     * holds the block (the runtime compares stack pointers, see usage.md) */
    __attribute__((always_inline)) explicit block_guard(struct hotpath_site *s) noexcept
        : site(s), token(hotpath_enter(s)) {}
    __attribute__((always_inline)) ~block_guard() { hotpath_exit(site, token); }
    block_guard(const block_guard &) = delete;
    block_guard &operator=(const block_guard &) = delete;
    explicit operator bool() const noexcept { return true; }
};
} // namespace detail
} // namespace hotpath
/* Measure the statement that follows; break and continue inside it act on
 * the enclosing loop, exactly as without hotpath. */
#define HOTPATH_BLOCK(label)                                                                       \
    if (::hotpath::detail::block_guard HOTPATH_CAT_(hotpath_guard_, __LINE__){                     \
            HOTPATH_BLOCK_SITE_(label)})
extern "C" {
#else
struct hotpath_block_guard_ {
    struct hotpath_site *site;
    uint64_t token;
    int once;
};
/* always_inline: the measurement must be opened from the function that
 * holds the block (the runtime compares stack pointers, see usage.md) */
__attribute__((no_instrument_function, always_inline, unused)) static inline void
hotpath_block_end_(struct hotpath_block_guard_ *g) {
    hotpath_exit(g->site, g->token);
}
__attribute__((no_instrument_function, always_inline, unused)) static inline struct hotpath_block_guard_
hotpath_block_begin_(struct hotpath_site *s) {
    struct hotpath_block_guard_ g = {s, 0, 1};
    g.token = hotpath_enter(s);
    return g;
}
/*
 * Measure the statement that follows. Every way out records once: falling
 * out, return, goto, and break or continue. C has no way to scope a variable
 * to one statement except a loop, so in C a break or continue written
 * directly in the block ends the block rather than an enclosing loop; see
 * docs/usage.md. (C++ has no such limit.)
 */
#define HOTPATH_BLOCK(label)                                                                       \
    for (struct hotpath_block_guard_ HOTPATH_CAT_(hotpath_guard_, __LINE__)                        \
             __attribute__((cleanup(hotpath_block_end_))) =                                        \
             hotpath_block_begin_(HOTPATH_BLOCK_SITE_(label));                                     \
         HOTPATH_CAT_(hotpath_guard_, __LINE__).once; HOTPATH_CAT_(hotpath_guard_, __LINE__).once = 0)
#endif

#else /* !__HOTPATH__: no trace in the object code */

#define HOTPATH_MEASURE
#define HOTPATH_MEASURE_AS(label)
#define HOTPATH_MEASURE_SAMPLED(n)
#define HOTPATH_MEASURE_AS_SAMPLED(label, n)
#define HOTPATH_MAIN(...)
#define HOTPATH_BLOCK(label)

#endif

#ifdef __cplusplus
} /* extern "C" */
#endif

#endif /* HOTPATH_HOTPATH_H */
