/*
 * alloc.c — allocation tracking: the malloc family, interposed, and the
 * per-call allocation figures of measured functions.
 *
 * The runtime defines malloc, calloc, realloc, reallocarray, free,
 * posix_memalign, aligned_alloc, memalign, valloc and pvalloc. The program
 * (and every library that calls them through the PLT: glibc's own strdup and
 * fopen, libstdc++'s operator new) reaches these; they forward to glibc's
 * allocator through the __libc_* entry points that glibc exports for this
 * purpose. No dlsym is needed, so they work from the first allocation of the
 * process, before the runtime is initialised and while the dynamic linker
 * itself allocates: until the runtime has read HOTPATH_ALLOC they only
 * forward.
 *
 * Counting is per thread (struct hp_alloc_thread): no lock and no shared
 * counter. Sizes are what the program asked for (malloc(4096) is 4096,
 * calloc(n, s) n * s, realloc the new size). With tracking on, each block
 * is asked of glibc one byte larger and carries, in its last usable bytes,
 * how far its usable size is above the request (the "tag", see below):
 * free reads the usable size from the chunk header and the tag from the
 * block's end, so it lowers live bytes by exactly what the block was
 * counted at, without a lock or a map. The runtime's own allocations (hp_calloc)
 * go straight to glibc, and what libc allocates on the runtime's behalf is
 * not counted (hp_tls.busy).
 */
#define _GNU_SOURCE
#include <errno.h>
#include <stdio.h>
#include <malloc.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>

#include "internal.h"

extern void *__libc_malloc(size_t);
extern void *__libc_calloc(size_t, size_t);
extern void *__libc_realloc(void *, size_t);
extern void __libc_free(void *);
extern void *__libc_memalign(size_t, size_t);
extern void *__libc_valloc(size_t);
extern void *__libc_pvalloc(size_t);

/* Written by hotpath_alloc_tracking or a window's opening in one thread,
 * read by every measured call: atomics (plain loads on x86). */
_Atomic bool hp_alloc_on, hp_alloc_cumulative;

#ifndef HOTPATH_NO_ALLOC_HOOKS
/* Which allocator the hooks forward to; read first by each of them (see
 * "Sanitizers" below). */
enum { MODE_GLIBC, MODE_TRACK, MODE_UNKNOWN, MODE_SANITIZER };
static _Atomic unsigned char hook_mode = MODE_UNKNOWN;
/* Read relaxed: a hook that sees the old mode for a moment forwards one
 * more call the old way, which either way is correct (a block's tag says
 * how it was counted). */
#define HOOK_MODE() atomic_load_explicit(&hook_mode, memory_order_relaxed)
static unsigned char resolve_mode(void);
#endif

#ifndef HOTPATH_NO_ALLOC_HOOKS
void *hp_calloc(size_t n, size_t size) { return __libc_calloc(n, size); }
void *hp_realloc(void *p, size_t size) { return __libc_realloc(p, size); }
void hp_free(void *p) { __libc_free(p); }
#else
void *hp_calloc(size_t n, size_t size) { return calloc(n, size); }
void *hp_realloc(void *p, size_t size) { return realloc(p, size); }
void hp_free(void *p) { free(p); }
#endif

/* ======================================================================== */
/* Counting                                                                 */
/* ======================================================================== */

/*
 * malloc_usable_size(p), read from glibc's chunk header without the call:
 * the size word before the block (flags in its low 3 bits) less the 8-byte
 * header. A block in a mapping of its own (IS_MMAPPED) has another header
 * layout; the hooks leave it to malloc_usable_size on their slow path.
 * A start-up check compares the two on blocks of the heap; if they ever
 * disagree, every block goes to the slow path.
 */
_Atomic bool hp_alloc_header_ok; /* set by the first switch-on, from any thread */

#define CHUNK_WORD(p) (((const size_t *)(p))[-1])
#define CHUNK_IS_MMAPPED(word) ((word) & 2)
#define CHUNK_USABLE(word) (((word) & ~(size_t)7) - 8) /* not IS_MMAPPED */

static inline size_t usable_size(void *p) {
    size_t word = CHUNK_WORD(p);
    if (HP_LIKELY(hp_alloc_header_ok && !CHUNK_IS_MMAPPED(word)))
        return CHUNK_USABLE(word);
    return malloc_usable_size(p);
}

/* Runs once, when tracking is first turned on (hp_alloc_enable), not at
 * start-up: its blocks are the process's first malloc in a program that
 * allocates nothing itself, and glibc's heap set-up (two brk, getrandom,
 * three page faults) is a tenth of what hotpath adds to a short process.
 * Until it has passed, hp_alloc_header_ok is false and the hooks take
 * their slow path, which reads malloc_usable_size (tracking is off then
 * anyway). The sizes stay below glibc's mmap threshold: freeing a mapped
 * block would raise that threshold for the whole program, tracking on or
 * off. */
static void header_check(void) {
#ifndef HOTPATH_NO_ALLOC_HOOKS /* else a sanitizer's allocator: nothing counted */
    static _Atomic bool done;
    if (atomic_exchange(&done, true))
        return;
    static const size_t sizes[] = {1, 24, 25, 1000, 4088, 40000};
    bool ok = true;
    for (size_t i = 0; i < sizeof sizes / sizeof *sizes; i++) {
        void *p = __libc_malloc(sizes[i]);
        if (p && (CHUNK_IS_MMAPPED(CHUNK_WORD(p)) ||
                  CHUNK_USABLE(CHUNK_WORD(p)) != malloc_usable_size(p)))
            ok = false;
        __libc_free(p);
    }
    hp_alloc_header_ok = ok;
    /* this thread's hooks take the fast path from now on; the others at
     * their next hp_busy_leave */
    hp_tls.counting = hp_tls.busy == 0 && hp_tls.thread != NULL && hp_alloc_header_ok;
#endif
}

/*
 * The tag: usable size minus requested size, d >= 1 because every request
 * is made one byte larger. d < 255 is stored in the block's last usable
 * byte; larger ones (aligned and mapped blocks) store 255 there and d in
 * the 8 bytes before it (there is room: d >= 255). The program owns only
 * the bytes it asked for, so the tag is never its data. A block allocated
 * while tracking was off carries no tag: its free reads whatever the last
 * byte holds, clamped to the usable size (the same kind of error as a
 * block freed by a thread that did not allocate it: live figures are only
 * as exact as the program's frees are of blocks allocated while tracking).
 */
#define TAG_WIDE 255u

static inline void tag_block(void *p, size_t usable, size_t requested) {
    unsigned char *end = (unsigned char *)p + usable;
    size_t d = usable - requested;
    if (HP_LIKELY(d < TAG_WIDE)) {
        end[-1] = (unsigned char)d;
        return;
    }
    end[-1] = TAG_WIDE;
    memcpy(end - 1 - sizeof d, &d, sizeof d);
}

static inline size_t requested_size(const void *p, size_t usable) {
    const unsigned char *end = (const unsigned char *)p + usable;
    size_t d = end[-1];
    if (HP_UNLIKELY(d == TAG_WIDE) && usable > sizeof d)
        memcpy(&d, end - 1 - sizeof d, sizeof d);
    return d <= usable ? usable - d : 0;
}

/* The size asked of glibc for a request of n: one byte more, for the
 * tag; SIZE_MAX (which glibc refuses) when n + 1 overflows. */
static inline size_t with_tag(size_t n) { return n + 1 ? n + 1 : SIZE_MAX; }

/* The calling thread's counters, or NULL when this allocation is not the
 * program's (the runtime at work). A thread's first allocation with
 * tracking on creates its state, so that its bytes are in the report. */
static struct hp_alloc_thread *counters_slow(void) {
    if (hp_tls.busy || (!hp_tls.thread && !hp_thread_get()))
        return NULL;
    return &hp_tls.alloc;
}

static inline void count_in(struct hp_alloc_thread *a, size_t sz) {
    HP_STORE(a->bytes, HP_LOAD(a->bytes) + sz);
    a->count++;
    int64_t slack = a->slack - (int64_t)sz;
    if (HP_UNLIKELY(slack < 0)) { /* live above the peak: a new peak */
        a->peak -= slack;
        slack = 0;
    }
    a->slack = slack;
    if (HP_UNLIKELY(a->slack_count == 0))
        a->peak_count++;
    else
        a->slack_count--;
}

static inline void uncount_in(struct hp_alloc_thread *a, size_t sz) {
    a->slack += (int64_t)sz;
    a->slack_count++;
}

/* The hooks' common case inline, on the thread's TLS directly and the
 * chunk header read in place; the rest (a thread's first allocation, the
 * runtime at work, a mapped block, an unexpected header layout) out of
 * line, so that the common case needs no stack frame of its own. Every
 * block allocated with tracking on is tagged, counted or not. */
static __attribute__((noinline)) void *counted_slow(void *p, size_t n) {
    tag_block(p, usable_size(p), n);
    struct hp_alloc_thread *a = counters_slow();
    if (a)
        count_in(a, n);
    return p;
}

static inline void *counted(void *p, size_t n) {
    if (HP_LIKELY(p && hp_tls.counting)) {
        size_t word = CHUNK_WORD(p);
        if (HP_LIKELY(!CHUNK_IS_MMAPPED(word))) {
            tag_block(p, CHUNK_USABLE(word), n);
            count_in(&hp_tls.alloc, n);
            return p;
        }
    }
    return p ? counted_slow(p, n) : p;
}

static __attribute__((noinline, unused)) void uncount_slow(void *p) {
    struct hp_alloc_thread *a = counters_slow();
    if (a)
        uncount_in(a, requested_size(p, usable_size(p)));
}

/* ======================================================================== */
/* Sanitizers                                                               */
/* ======================================================================== */

/*
 * A program built with -fsanitize=address (thread, memory) links a
 * sanitizer runtime that brings its own allocator, as weak malloc, free...
 * (GCC: libasan.so; Clang: the static libclang_rt). Ours are strong and
 * take precedence, so they must forward to the sanitizer's, not glibc's:
 * its real entry points stay reachable under their strong names
 * (__interceptor_malloc; ___interceptor_malloc in newer LLVMs). Weak
 * references find them, resolved when the program is loaded, so the
 * choice is made at the first allocation of the process, before any
 * constructor, without dlsym (which allocates). Tracking is then off (one
 * line if it was asked for); timing is not affected.
 */
#ifndef HOTPATH_NO_ALLOC_HOOKS
#define SAN_WEAK(ret, name, args)                                                                  \
    extern ret __interceptor_##name args __attribute__((weak));                                    \
    extern ret ___interceptor_##name args __attribute__((weak));
SAN_WEAK(void *, malloc, (size_t))
SAN_WEAK(void *, calloc, (size_t, size_t))
SAN_WEAK(void *, realloc, (void *, size_t))
SAN_WEAK(void, free, (void *))
SAN_WEAK(void *, memalign, (size_t, size_t))
SAN_WEAK(void *, aligned_alloc, (size_t, size_t))
SAN_WEAK(int, posix_memalign, (void **, size_t, size_t))
SAN_WEAK(void *, valloc, (size_t))
SAN_WEAK(void *, pvalloc, (size_t))
extern void __asan_init(void) __attribute__((weak));
extern void __tsan_init(void) __attribute__((weak));
extern void __msan_init(void) __attribute__((weak));
extern void __hwasan_init(void) __attribute__((weak));

#define SAN_PICK(name) (__interceptor_##name ? __interceptor_##name : ___interceptor_##name)
static struct {
    void *(*malloc)(size_t);
    void *(*calloc)(size_t, size_t);
    void *(*realloc)(void *, size_t);
    void (*free)(void *);
    void *(*memalign)(size_t, size_t);
    void *(*aligned_alloc)(size_t, size_t);
    int (*posix_memalign)(void **, size_t, size_t);
    void *(*valloc)(size_t);
    void *(*pvalloc)(size_t);
    const char *name; /* NULL: no sanitizer's allocator */
} san;

static const char *sanitizer_name(void) {
    return __asan_init ? "AddressSanitizer" : __tsan_init ? "ThreadSanitizer"
         : __msan_init ? "MemorySanitizer" : __hwasan_init ? "HWAddressSanitizer" : NULL;
}

/* Once, at the first allocation (any thread may race here: all compute
 * the same). */
static __attribute__((noinline, cold)) unsigned char resolve_mode(void) {
    if (HOOK_MODE() == MODE_UNKNOWN) {
        const char *name = sanitizer_name();
        if (name && SAN_PICK(malloc) && SAN_PICK(free)) {
            san.malloc = SAN_PICK(malloc);
            san.calloc = SAN_PICK(calloc);
            san.realloc = SAN_PICK(realloc);
            san.free = SAN_PICK(free);
            san.memalign = SAN_PICK(memalign);
            san.aligned_alloc = SAN_PICK(aligned_alloc);
            san.posix_memalign = SAN_PICK(posix_memalign);
            san.valloc = SAN_PICK(valloc);
            san.pvalloc = SAN_PICK(pvalloc);
            san.name = name;
            hook_mode = MODE_SANITIZER;
        } else
            hook_mode = hp_alloc_on ? MODE_TRACK : MODE_GLIBC;
    }
    return HOOK_MODE();
}
#endif /* HOTPATH_NO_ALLOC_HOOKS */

/* ======================================================================== */
/* The interposed allocator                                                 */
/* ======================================================================== */

/* -DHOTPATH_NO_ALLOC_HOOKS leaves them out altogether (the runtime's own
 * sanitizer tests build it so); a normal build steps aside by itself when
 * a sanitizer's allocator is present (see Sanitizers above). */
#ifndef HOTPATH_NO_ALLOC_HOOKS

/* Each entry point tests the mode first, so that with tracking off it is
 * one load and a tail call to glibc; the sanitizer's allocator (or glibc's
 * again, if one is missing) otherwise, unless tracking is on. */
#define FORWARD_IF_OFF2(call, san_fn, san_args)                                                    \
    do {                                                                                           \
        if (HP_LIKELY(HOOK_MODE() == MODE_GLIBC))                                                  \
            return call;                                                                           \
        if (HP_UNLIKELY(HOOK_MODE() != MODE_TRACK)) {                                              \
            if (resolve_mode() == MODE_SANITIZER && san.san_fn)                                    \
                return san.san_fn san_args;                                                        \
            if (HOOK_MODE() != MODE_TRACK)                                                         \
                return call;                                                                       \
        }                                                                                          \
    } while (0)

/* Out of line, so that the switch-off path of malloc saves no register
 * for the request size (the compiler would push it on both paths). */
static __attribute__((noinline)) void *malloc_on(size_t n) {
    return counted(__libc_malloc(with_tag(n)), n);
}

HP_API void *malloc(size_t n) {
    FORWARD_IF_OFF2(__libc_malloc(n), malloc, (n));
    return malloc_on(n);
}

/* n * size overflowing is refused as glibc refuses it: NULL, ENOMEM,
 * nothing counted. */
HP_API void *calloc(size_t n, size_t size) {
    FORWARD_IF_OFF2(__libc_calloc(n, size), calloc, (n, size));
    size_t total;
    if (__builtin_mul_overflow(n, size, &total)) {
        errno = ENOMEM;
        return NULL;
    }
    return counted(__libc_calloc(1, with_tag(total)), total);
}

/* The common case ends in a tail call of its own, so that it takes no
 * other jump. */
/* free before the first allocation has chosen the mode, or under a
 * sanitizer. */
static __attribute__((noinline, cold)) void free_other(void *p) {
    if (resolve_mode() == MODE_SANITIZER)
        san.free(p);
    else if (HOOK_MODE() == MODE_TRACK)
        free(p);
    else
        __libc_free(p);
}

HP_API void free(void *p) {
    if (HP_LIKELY(HOOK_MODE() == MODE_GLIBC)) {
        __libc_free(p);
        return;
    }
    if (HP_UNLIKELY(HOOK_MODE() != MODE_TRACK)) {
        free_other(p);
        return;
    }
    if (HP_LIKELY(p && hp_tls.counting)) {
        size_t word = CHUNK_WORD(p);
        if (HP_LIKELY(!CHUNK_IS_MMAPPED(word))) {
            uncount_in(&hp_tls.alloc, requested_size(p, CHUNK_USABLE(word)));
            __libc_free(p);
            return;
        }
    }
    if (p)
        uncount_slow(p);
    __libc_free(p);
}

/* Counted as freeing the old block (at what it was counted) and
 * allocating the new one (at the new requested size). realloc(p, 0)
 * keeps glibc's meaning: p is freed and NULL returned. */
HP_API void *realloc(void *p, size_t n) {
    FORWARD_IF_OFF2(__libc_realloc(p, n), realloc, (p, n));
    struct hp_alloc_thread *a = !p ? NULL : hp_tls.counting ? &hp_tls.alloc : counters_slow();
    size_t old = p ? requested_size(p, usable_size(p)) : 0;
    void *q = __libc_realloc(p, n || !p ? with_tag(n) : 0);
    if (a && (q || n == 0)) /* realloc(p, 0) frees p */
        uncount_in(a, old);
    return counted(q, n);
}

HP_API void *reallocarray(void *p, size_t n, size_t size) {
    size_t total;
    if (__builtin_mul_overflow(n, size, &total)) {
        errno = ENOMEM;
        return NULL;
    }
    return realloc(p, total);
}

HP_API void *memalign(size_t align, size_t n) {
    FORWARD_IF_OFF2(__libc_memalign(align, n), memalign, (align, n));
    return counted(__libc_memalign(align, with_tag(n)), n);
}

HP_API void *aligned_alloc(size_t align, size_t n) {
    if (align == 0 || (align & (align - 1)) != 0) {
        errno = EINVAL;
        return NULL;
    }
    FORWARD_IF_OFF2(__libc_memalign(align, n), aligned_alloc, (align, n));
    return counted(__libc_memalign(align, with_tag(n)), n);
}

HP_API int posix_memalign(void **out, size_t align, size_t n) {
    if (align % sizeof(void *) != 0 || (align & (align - 1)) != 0 || align == 0)
        return EINVAL;
    if (HP_UNLIKELY(HOOK_MODE() >= MODE_UNKNOWN) && resolve_mode() == MODE_SANITIZER &&
        san.posix_memalign)
        return san.posix_memalign(out, align, n);
    bool on = HOOK_MODE() == MODE_TRACK;
    void *p = __libc_memalign(align, on ? with_tag(n) : n);
    if (!p)
        return ENOMEM;
    *out = on ? counted(p, n) : p;
    return 0;
}

HP_API void *valloc(size_t n) {
    FORWARD_IF_OFF2(__libc_valloc(n), valloc, (n));
    return counted(__libc_valloc(with_tag(n)), n);
}
HP_API void *pvalloc(size_t n) {
    FORWARD_IF_OFF2(__libc_pvalloc(n), pvalloc, (n));
    return counted(__libc_pvalloc(with_tag(n)), n);
}
#endif /* HOTPATH_NO_ALLOC_HOOKS */

/* ======================================================================== */
/* Per-call figures                                                         */
/* ======================================================================== */

/* Each switch-on starts a new generation: a frame whose figures were not
 * taken in the current one (opened while tracking was off) is skipped. */
static _Atomic uint32_t generation = 1;

void hp_alloc_enable(bool on) {
#ifndef HOTPATH_NO_ALLOC_HOOKS
    if (resolve_mode() == MODE_SANITIZER) {
        static atomic_bool told;
        if (on && !atomic_exchange(&told, true))
            fprintf(stderr,
                    "hotpath: allocation tracking is off: the program runs under %s, whose "
                    "allocator the runtime leaves alone (timing is measured as usual)\n",
                    san.name);
        hp_alloc_on = false;
        hp_update_fast();
        return;
    }
#endif
    if (on)
        header_check();
    if (on && !hp_alloc_on)
        atomic_fetch_add(&generation, 1);
    bool changed = on != hp_alloc_on;
    hp_alloc_on = on;
#ifndef HOTPATH_NO_ALLOC_HOOKS
    hook_mode = on ? MODE_TRACK : MODE_GLIBC;
#endif
    hp_update_fast();
    if (changed && atomic_load_explicit(&hp_comp_figures.done, memory_order_acquire))
        hp_calibrate(); /* the probe takes another path now: its cost is not the same */
}

HP_API int hotpath_alloc_tracking(int on) {
    hp_runtime_init();
    bool was = hp_alloc_on;
    hp_alloc_enable(on != 0);
    return was;
}

/* The frame at depth d, its stack mapped on the thread's first use. */
static struct hp_alloc_frame *frame_at(uint32_t d) {
    struct hp_thread *t = hp_tls.thread;
    if (!t->alloc_stack) {
        void *m = mmap(NULL, HP_MAX_DEPTH * sizeof(struct hp_alloc_frame), PROT_READ | PROT_WRITE,
                       MAP_PRIVATE | MAP_ANONYMOUS | MAP_NORESERVE, -1, 0);
        if (m == MAP_FAILED)
            return NULL;
        t->alloc_stack = m;
    }
    return &t->alloc_stack[d];
}

void hp_alloc_thread_exit(struct hp_thread *t) {
    if (t->alloc_stack)
        munmap(t->alloc_stack, HP_MAX_DEPTH * sizeof(struct hp_alloc_frame));
}

/* fork.c: the child's counters start from zero; the forking thread's open
 * allocation frames (depth below `depth`) are moved to the fork. Live and
 * peak figures stay as they are: the blocks live at the fork are live in
 * the child too. */
void hp_alloc_fork_child(struct hp_thread *t, uint32_t depth) {
    struct hp_alloc_thread *a = t->alloc;
    HP_STORE(a->bytes, 0);
    a->count = 0;
    for (uint32_t d = 0; t->alloc_stack && d < depth; d++) {
        t->alloc_stack[d].bytes0 = t->alloc_stack[d].count0 = 0;
        t->alloc_stack[d].child_bytes = t->alloc_stack[d].child_count = 0;
    }
}

void hp_alloc_frame_begin(uint32_t d) {
    struct hp_alloc_frame *f = frame_at(d);
    if (!f)
        return;
    struct hp_alloc_thread *a = &hp_tls.alloc;
    f->bytes0 = HP_LOAD(a->bytes);
    f->count0 = a->count;
    f->live0 = hp_alloc_live(a);
    f->live_count0 = hp_alloc_live_count(a);
    f->saved_peak = a->peak;
    f->saved_peak_count = a->peak_count;
    f->child_bytes = f->child_count = 0;
    f->gen = atomic_load_explicit(&generation, memory_order_relaxed);
    a->peak = f->live0; /* this call's window starts here */
    a->slack = 0;
    a->peak_count = f->live_count0;
    a->slack_count = 0;
}

/* Gives the enclosing window back its peaks: with this call's peak in
 * cumulative mode, without it (but with what it left allocated) in
 * exclusive mode. */
static void restore_peaks(struct hp_alloc_thread *a, const struct hp_alloc_frame *f) {
    int64_t live = hp_alloc_live(a), live_count = hp_alloc_live_count(a);
    int64_t p = hp_alloc_cumulative ? a->peak : live;
    int64_t c = hp_alloc_cumulative ? a->peak_count : live_count;
    a->peak = p > f->saved_peak ? p : f->saved_peak;
    a->peak_count = c > f->saved_peak_count ? c : f->saved_peak_count;
    a->slack = a->peak - live;
    a->slack_count = a->peak_count - live_count;
}

/* Created on the site's first call with tracking on; from the runtime's
 * own memory (a signal handler may get here), freed with the stats block
 * (core.c). Not while the thread is busy: it may hold hp_lock. */
static struct hp_alloc_stats *alloc_stats(struct hp_site_stats *st) {
    struct hp_alloc_stats *s = HP_LOAD(st->alloc);
    if (!s && !hp_tls.busy) {
        hp_lock_enter();
        s = hp_mem_alloc(sizeof *s);
        hp_lock_leave();
        if (!s)
            return NULL;
        HP_STORE(s->min_bytes, UINT64_MAX);
        atomic_store_explicit(&st->alloc, s, memory_order_release);
    }
    return s;
}

/* Whether the frame at depth d has figures of the current generation. */
static struct hp_alloc_frame *current_frame(uint32_t d) {
    struct hp_alloc_frame *s = hp_tls.thread->alloc_stack;
    if (!s || s[d].gen != atomic_load_explicit(&generation, memory_order_relaxed))
        return NULL;
    return &s[d];
}

void hp_alloc_frame_end(uint32_t d, struct hp_site_stats *st, bool outermost) {
    struct hp_alloc_frame *f = current_frame(d);
    if (!f)
        return;
    struct hp_alloc_thread *a = &hp_tls.alloc;
    uint64_t cum_bytes = HP_LOAD(a->bytes) - f->bytes0, cum_count = a->count - f->count0;
    int64_t peak = a->peak - f->live0, peak_count = a->peak_count - f->live_count0;
    uint64_t bytes = cum_bytes, count = cum_count;
    if (!hp_alloc_cumulative) {
        bytes -= f->child_bytes;
        count -= f->child_count;
    }
    restore_peaks(a, f);
    if (d > 0) {
        f[-1].child_bytes += cum_bytes;
        f[-1].child_count += cum_count;
    }
    struct hp_alloc_stats *s = alloc_stats(st);
    if (!s)
        return;
    HP_ADD(s->calls, 1);
    HP_ADD(s->bytes_sum, bytes);
    if (!hp_alloc_cumulative || outermost) {
        HP_ADD(s->bytes_total, bytes);
        HP_ADD(s->count_total, count);
    }
    if (peak > 0 && (uint64_t)peak > HP_LOAD(s->peak_bytes))
        HP_STORE(s->peak_bytes, (uint64_t)peak);
    if (peak_count > 0 && (uint64_t)peak_count > HP_LOAD(s->peak_count))
        HP_STORE(s->peak_count, (uint64_t)peak_count);
    if (bytes > HP_LOAD(s->max_bytes))
        HP_STORE(s->max_bytes, bytes);
    if (bytes < HP_LOAD(s->min_bytes))
        HP_STORE(s->min_bytes, bytes);
    HP_ADD(s->hist[hp_hist_index(bytes)], 1);
}

void hp_alloc_frame_drop(uint32_t d) {
    struct hp_alloc_frame *f = current_frame(d);
    if (f)
        restore_peaks(&hp_tls.alloc, f);
}

void hp_alloc_agg_add(struct hp_alloc_agg *agg, const struct hp_alloc_stats *st) {
    struct hp_alloc_stats *s = (struct hp_alloc_stats *)st; /* atomics need non-const */
    agg->calls += HP_LOAD(s->calls);
    agg->bytes_total += HP_LOAD(s->bytes_total);
    agg->bytes_sum += HP_LOAD(s->bytes_sum);
    agg->count_total += HP_LOAD(s->count_total);
    uint64_t v;
    if ((v = HP_LOAD(s->peak_bytes)) > agg->peak_bytes)
        agg->peak_bytes = v;
    if ((v = HP_LOAD(s->peak_count)) > agg->peak_count)
        agg->peak_count = v;
    if ((v = HP_LOAD(s->max_bytes)) > agg->max_bytes)
        agg->max_bytes = v;
    if ((v = HP_LOAD(s->min_bytes)) < agg->min_bytes)
        agg->min_bytes = v;
    for (uint32_t i = 0; i < HP_HIST_BUCKETS; i++)
        agg->hist[i] += HP_LOAD(s->hist[i]);
}

void hp_alloc_agg_merge(struct hp_alloc_agg *agg, const struct hp_alloc_agg *m) {
    agg->calls += m->calls;
    agg->bytes_total += m->bytes_total;
    agg->bytes_sum += m->bytes_sum;
    agg->count_total += m->count_total;
    if (m->peak_bytes > agg->peak_bytes)
        agg->peak_bytes = m->peak_bytes;
    if (m->peak_count > agg->peak_count)
        agg->peak_count = m->peak_count;
    if (m->max_bytes > agg->max_bytes)
        agg->max_bytes = m->max_bytes;
    if (m->min_bytes < agg->min_bytes)
        agg->min_bytes = m->min_bytes;
    for (uint32_t i = 0; i < HP_HIST_BUCKETS; i++)
        agg->hist[i] += m->hist[i];
}
