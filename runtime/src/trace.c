/*
 * trace.c — the timeline trace (HOTPATH_TRACE=path).
 *
 * Every measured call that ends is kept as three raw readings (site id,
 * start and end clock ticks) in a buffer of its thread, and the buffers are
 * written at exit, with the report, as Chrome trace event JSON: complete
 * ("ph":"X") events with thread and process names ("ph":"M"), which
 * Perfetto's UI and chrome://tracing open.
 *
 *   - Each thread's buffer is one anonymous mapping of the runtime's own
 *     (reserved, not touched: its pages appear as calls are recorded),
 *     made at the thread's first traced call and listed, by a
 *     compare-and-swap, on a list the writer walks. Buffers are never freed
 *     while the process runs: a thread's calls stay after it exits, and its
 *     name is saved then (a TLS destructor of this file's own).
 *   - Recording is async-signal-safe and takes no lock: the slot is
 *     reserved by one instruction (xadd, not locked: only the owner thread
 *     writes, a signal handler on it nests around the instruction), then
 *     filled, the end last (a release store): the writer skips a slot whose
 *     end is still 0 (mmap'ed memory is zero).
 *   - HOTPATH_TRACE_BUFFER calls per thread (default 1,000,000: 24 MiB of
 *     mapping per thread, written only as used). When a buffer is full the
 *     newest calls are dropped (the buffer keeps each thread's first
 *     calls, the trace is exact up to the moment it filled): counted per
 *     thread, shown as an instant event "hotpath: trace buffer full" where
 *     it happened, in the trace's otherData and in one line on stderr. The
 *     report still counts every call.
 *   - HOTPATH_TRACE_MIN_NS leaves shorter calls out when the trace is
 *     written (counted as calls_filtered): the buffer holds them, so that
 *     the duration is measured with the final calibration of the clock.
 *   - The file is written to PATH.hotpath-PID.tmp and renamed over PATH
 *     when complete, as the report is.
 */
#define _GNU_SOURCE
#include "trace.h"

#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/prctl.h>
#include <sys/syscall.h>
#include <unistd.h>

#include "clock.h"
#include "config.h"
#include "internal.h"
#include "report.h" /* hp_utf8_len */

bool hp_trace_on;

struct trace_event {
    uint64_t start;
    _Atomic uint64_t end; /* 0 while the slot is being filled */
    uint32_t id;
    uint32_t spare;
};

struct trace_buf {
    struct trace_buf *next; /* the writer's list, newest first */
    size_t map_size;
    uint64_t cap;
    uint64_t n;        /* slots reserved: can exceed cap (the drops) */
    _Atomic uint64_t full_at; /* end of the first call dropped */
    long tid;
    _Atomic int exited;
    char name[16]; /* the thread's name when it exited (or when the buffer was made) */
    struct trace_event ev[] __attribute__((aligned(64)));
};

static struct trace_buf *_Atomic buffers;
static __thread struct trace_buf *tbuf __attribute__((tls_model("initial-exec")));
static __thread bool tbuf_failed __attribute__((tls_model("initial-exec")));
static _Atomic uint64_t lost_no_buffer; /* calls of threads whose buffer could not be mapped */
static atomic_bool written;
static pthread_key_t exit_key;
static uint64_t capacity;

/* ======================================================================== */
/* Recording                                                                */
/* ======================================================================== */

static void thread_gone(void *arg) {
    struct trace_buf *b = arg;
    prctl(PR_GET_NAME, b->name, 0, 0, 0);
    atomic_store(&b->exited, 1);
}

static struct trace_buf *buf_create(void) {
    size_t size = sizeof(struct trace_buf) + capacity * sizeof(struct trace_event);
    struct trace_buf *b = mmap(NULL, size, PROT_READ | PROT_WRITE,
                               MAP_PRIVATE | MAP_ANONYMOUS | MAP_NORESERVE, -1, 0);
    if (b == MAP_FAILED) {
        tbuf_failed = true;
        return NULL;
    }
#ifdef MADV_HUGEPAGE
    /* Past its first 2 MiB a buffer is filled by a busy thread: huge pages
     * there, one page fault per 87,000 calls instead of one per 170 (a
     * thread that records little stays in small pages). */
    uintptr_t huge = ((uintptr_t)b + (4u << 20)) & ~(uintptr_t)((2u << 20) - 1);
    if (huge < (uintptr_t)b + size)
        madvise((void *)huge, (uintptr_t)b + size - huge, MADV_HUGEPAGE);
#endif
    b->map_size = size;
    b->cap = capacity;
    b->tid = (long)syscall(SYS_gettid);
    prctl(PR_GET_NAME, b->name, 0, 0, 0);
    struct trace_buf *head = atomic_load(&buffers);
    do
        b->next = head;
    while (!atomic_compare_exchange_weak(&buffers, &head, b));
    tbuf = b;
    /* the runtime's second key: in glibc's static block, no allocation */
    pthread_setspecific(exit_key, b);
    return b;
}

/* Reserves the next slot: one instruction, so that a signal handler's
 * call on this thread takes the slot after (or before) this one. */
static inline uint64_t reserve(struct trace_buf *b) {
#if defined(__x86_64__)
    uint64_t i = 1;
    __asm__ volatile("xaddq %0, %1" : "+r"(i), "+m"(b->n) : : "memory");
    return i;
#else
    return __atomic_fetch_add(&b->n, 1, __ATOMIC_RELAXED);
#endif
}

void hp_trace_record(uint32_t id, uint64_t start, uint64_t end) {
    struct trace_buf *b = tbuf;
    if (HP_UNLIKELY(!b)) {
        if (tbuf_failed || !(b = buf_create())) {
            atomic_fetch_add_explicit(&lost_no_buffer, 1, memory_order_relaxed);
            return;
        }
    }
    uint64_t i = reserve(b);
    if (HP_LIKELY(i < b->cap)) {
        struct trace_event *e = &b->ev[i];
        e->start = start;
        e->id = id;
        atomic_store_explicit(&e->end, end ? end : 1, memory_order_release);
    } else if (i == b->cap)
        atomic_store_explicit(&b->full_at, end, memory_order_relaxed);
}

/* ======================================================================== */
/* Start-up and fork                                                        */
/* ======================================================================== */

/* The child's trace starts at the fork, as its report does (fork.c): the
 * parent's buffers are the parent's. */
static void fork_child(void) {
    struct trace_buf *b = atomic_exchange(&buffers, NULL);
    for (struct trace_buf *n; b; b = n) {
        n = b->next;
        munmap(b, b->map_size);
    }
    tbuf = NULL;
    tbuf_failed = false;
    pthread_setspecific(exit_key, NULL);
    atomic_store(&lost_no_buffer, 0);
}

void hp_trace_init(void) {
    /* trace_path's page is read only when HOTPATH_TRACE set it: a fault
     * less for every process that does not trace */
    hp_trace_on = (hp_config.from_env & (1u << HP_OPT_trace_path)) && hp_config.trace_path[0] != '\0';
    if (!hp_trace_on)
        return;
    capacity = (uint64_t)hp_config.trace_buffer;
    if (pthread_key_create(&exit_key, thread_gone) != 0) {
        fputs("hotpath: HOTPATH_TRACE: no thread key left: no trace is written\n", stderr);
        hp_trace_on = false;
        return;
    }
    pthread_atfork(NULL, NULL, fork_child);
    hp_update_fast();
}

/* ======================================================================== */
/* Writing                                                                  */
/* ======================================================================== */

static void put(FILE *f, const char *s) { fputs_unlocked(s, f); }

static void put_u64(FILE *f, uint64_t v) {
    char b[24], *p = b + sizeof b;
    *--p = '\0';
    do
        *--p = (char)('0' + v % 10);
    while (v /= 10);
    fputs_unlocked(p, f);
}

/* Nanoseconds as microseconds with three decimals: "12.345". */
static void put_us(FILE *f, uint64_t ns) {
    char b[32], *end = b + sizeof b, *p = end;
    uint64_t frac = ns % 1000, us = ns / 1000;
    for (int k = 0; k < 3; k++, frac /= 10)
        *--p = (char)('0' + frac % 10);
    *--p = '.';
    do
        *--p = (char)('0' + us % 10);
    while (us /= 10);
    fwrite_unlocked(p, 1, (size_t)(end - p), f);
}

/* s as a JSON string, quoted; bytes that are not valid UTF-8 become their
 * Latin-1 reading (as in the report). */
static void put_json_string(FILE *f, const char *s) {
    static const char hex[] = "0123456789abcdef";
    fputc_unlocked('"', f);
    for (const unsigned char *p = (const unsigned char *)(s ? s : ""); *p; p++) {
        unsigned char c = *p;
        if (c == '"' || c == '\\') {
            fputc_unlocked('\\', f);
            fputc_unlocked(c, f);
        } else if (c < 0x20) {
            fputs_unlocked("\\u00", f);
            fputc_unlocked(hex[c >> 4], f);
            fputc_unlocked(hex[c & 15], f);
        } else if (c < 0x80) {
            fputc_unlocked(c, f);
        } else {
            size_t n = hp_utf8_len((const char *)p);
            if (n == 0) {
                fputc_unlocked(0xc0 | (c >> 6), f);
                fputc_unlocked(0x80 | (c & 0x3f), f);
            } else {
                fwrite_unlocked(p, 1, n, f);
                p += n - 1;
            }
        }
    }
    fputc_unlocked('"', f);
}

/* The name of a thread still running, from /proc (its own may have changed
 * since its first call); the saved one otherwise. */
static void thread_name(const struct trace_buf *b, char *out, size_t size) {
    out[0] = '\0';
    if (atomic_load(&((struct trace_buf *)b)->exited)) {
        snprintf(out, size, "%s", b->name);
        return;
    }
    /* still running (or exiting now: then no name but its id) */
    char path[64];
    snprintf(path, sizeof path, "/proc/self/task/%ld/comm", b->tid);
    int fd = open(path, O_RDONLY | O_CLOEXEC);
    if (fd < 0)
        return;
    ssize_t n = read(fd, out, size - 1);
    close(fd);
    out[n > 0 ? n : 0] = '\0';
    if (n > 0 && out[n - 1] == '\n')
        out[n - 1] = '\0';
}

struct site_info {
    const char *name;
    uint32_t kind;
    uint32_t prefix_len;
    const char *prefix; /* ",\n{\"name\":\"NAME\",\"ph\":\"X\",\"ts\":" */
};

struct totals {
    uint64_t written, dropped, filtered, threads, full_threads;
    bool main_written;
};

static void write_event_head(FILE *f, const char *name, long pid, long tid) {
    put(f, ",\n{\"name\":");
    put_json_string(f, name);
    put(f, ",\"pid\":");
    put_u64(f, (uint64_t)pid);
    put(f, ",\"tid\":");
    put_u64(f, (uint64_t)tid);
}

static void write_buffer(FILE *f, struct trace_buf *b, const struct site_info *sites,
                         uint32_t nsites, uint64_t base, double npt, long pid,
                         struct totals *t) {
    uint64_t reserved = __atomic_load_n(&b->n, __ATOMIC_RELAXED);
    uint64_t n = reserved < b->cap ? reserved : b->cap;
    uint64_t min_ns = (uint64_t)hp_config.trace_min_ns;
    char name[64];
    thread_name(b, name, sizeof name);
    if (!name[0])
        snprintf(name, sizeof name, "thread %ld", b->tid);
    write_event_head(f, "thread_name", pid, b->tid);
    put(f, ",\"ph\":\"M\",\"args\":{\"name\":");
    put_json_string(f, name);
    put(f, "}}");
    t->threads++;
    char suffix[64];
    size_t suffix_len = (size_t)snprintf(suffix, sizeof suffix, ",\"pid\":%ld,\"tid\":%ld}", pid,
                                         b->tid);
    for (uint64_t i = 0; i < n; i++) {
        struct trace_event *e = &b->ev[i];
        uint64_t end = atomic_load_explicit(&e->end, memory_order_acquire);
        if (end == 0 || e->id == 0 || e->id >= nsites)
            continue; /* still being filled (a live thread) */
        uint64_t s = e->start > base ? e->start - base : 0;
        uint64_t en = end > base ? end - base : 0;
        uint64_t ts = (uint64_t)((double)s * npt + 0.5), te = (uint64_t)((double)en * npt + 0.5);
        uint64_t dur = te > ts ? te - ts : 0;
        if (dur < min_ns) {
            t->filtered++;
            continue;
        }
        const struct site_info *si = &sites[e->id];
        if (si->kind == HP_KIND_CALIBRATION)
            continue; /* overhead compensation's own calls (calibrate.c): not the program's */
        fwrite_unlocked(si->prefix, 1, si->prefix_len, f);
        put_us(f, ts);
        fwrite_unlocked(",\"dur\":", 1, 7, f);
        put_us(f, dur);
        if (si->kind == HOTPATH_KIND_MAIN) {
            put(f, ",\"cat\":\"hotpath.main\",\"args\":{\"hotpath_main_window\":true}");
            t->main_written = true;
        }
        fwrite_unlocked(suffix, 1, suffix_len, f);
        t->written++;
    }
    if (reserved > b->cap) {
        uint64_t full_at = atomic_load_explicit(&b->full_at, memory_order_relaxed);
        uint64_t at = full_at > base ? full_at - base : 0;
        write_event_head(f, "hotpath: trace buffer full", pid, b->tid);
        put(f, ",\"ph\":\"i\",\"s\":\"t\",\"ts\":");
        put_us(f, (uint64_t)((double)at * npt + 0.5));
        put(f, ",\"args\":{\"dropped\":");
        put_u64(f, reserved - b->cap);
        put(f, "}}");
        t->dropped += reserved - b->cap;
        t->full_threads++;
    }
}

static void write_trace(FILE *f, struct trace_buf *list, const struct site_info *sites,
                        uint32_t nsites, struct totals *t) {
    long pid = hp_pid();
    uint64_t base = hp_process_start;
    double npt = hp_ns_per_tick();
    put(f, "{\"displayTimeUnit\":\"ns\",\"traceEvents\":[\n{\"name\":\"process_name\",\"ph\":\"M\",\"pid\":");
    put_u64(f, (uint64_t)pid);
    put(f, ",\"tid\":");
    put_u64(f, (uint64_t)pid);
    put(f, ",\"args\":{\"name\":");
    put_json_string(f, program_invocation_short_name);
    put(f, "}}");
    for (struct trace_buf *b = list; b; b = b->next)
        write_buffer(f, b, sites, nsites, base, npt, pid, t);
    if (!t->main_written && hp_window.name && hp_window.end > hp_window.start) {
        /* its own call was dropped (a full buffer): the window from hp_window */
        uint64_t s = hp_window.start > base ? hp_window.start - base : 0;
        uint64_t ts = (uint64_t)((double)s * npt + 0.5);
        uint64_t te = (uint64_t)((double)(hp_window.end - base) * npt + 0.5);
        write_event_head(f, hp_window.name, pid, pid);
        put(f, ",\"ph\":\"X\",\"ts\":");
        put_us(f, ts);
        put(f, ",\"dur\":");
        put_us(f, te > ts ? te - ts : 0);
        put(f, ",\"cat\":\"hotpath.main\",\"args\":{\"hotpath_main_window\":true,"
               "\"call_dropped\":true}}");
    }
    t->dropped += atomic_load(&lost_no_buffer);
    put(f, "\n],\"otherData\":{\"producer\":\"hotpath\",\"hotpath_trace_version\":1,\"program\":");
    put_json_string(f, program_invocation_short_name);
    put(f, ",\"pid\":");
    put_u64(f, (uint64_t)pid);
    put(f, ",\"clock\":");
    put_json_string(f, hp_clock_name());
    put(f, ",\"main\":");
    if (hp_window.name)
        put_json_string(f, hp_window.name);
    else
        put(f, "null");
    put(f, ",\"buffer_calls_per_thread\":");
    put_u64(f, capacity);
    put(f, ",\"when_full\":\"drop newest\",\"min_ns\":");
    put_u64(f, (uint64_t)hp_config.trace_min_ns);
    put(f, ",\"threads\":");
    put_u64(f, t->threads);
    put(f, ",\"calls_written\":");
    put_u64(f, t->written);
    put(f, ",\"calls_dropped\":");
    put_u64(f, t->dropped);
    put(f, ",\"calls_filtered\":");
    put_u64(f, t->filtered);
    put(f, "}}\n");
}

void hp_trace_write(void) {
    if (!hp_trace_on || atomic_exchange(&written, true))
        return;
    hp_busy_enter();
    struct trace_buf *list = atomic_load(&buffers);
    /* The names by id, copied under the lock (the registry may grow); every
     * id in the buffers was registered before its call began. */
    pthread_mutex_lock(&hp_lock);
    uint32_t nsites = hp_reg.count ? hp_reg.count : 1;
    size_t bytes = nsites * sizeof(struct site_info);
    struct site_info *sites = mmap(NULL, bytes, PROT_READ | PROT_WRITE,
                                   MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
    if (sites != MAP_FAILED)
        for (uint32_t id = 1; id < hp_reg.count; id++) {
            sites[id].name = hp_reg.sites[id]->name;
            sites[id].kind = hp_reg.sites[id]->kind;
        }
    pthread_mutex_unlock(&hp_lock);
    /* each site's event head, escaped once */
    size_t arena_size = 64;
    if (sites != MAP_FAILED)
        for (uint32_t id = 1; id < nsites; id++)
            arena_size += 6 * strlen(sites[id].name ? sites[id].name : "") + 48;
    char *arena = sites != MAP_FAILED ? mmap(NULL, arena_size, PROT_READ | PROT_WRITE,
                                             MAP_PRIVATE | MAP_ANONYMOUS, -1, 0)
                                      : MAP_FAILED;
    FILE *mem = arena != MAP_FAILED ? fmemopen(arena, arena_size, "w") : NULL;
    if (mem) {
        for (uint32_t id = 1; id < nsites; id++) {
            long at = ftell(mem);
            put(mem, ",\n{\"name\":");
            put_json_string(mem, sites[id].name);
            put(mem, ",\"ph\":\"X\",\"ts\":");
            fflush(mem);
            sites[id].prefix = arena + at;
            sites[id].prefix_len = (uint32_t)(ftell(mem) - at);
        }
        fclose(mem);
    } else if (sites != MAP_FAILED) {
        if (arena != MAP_FAILED)
            munmap(arena, arena_size);
        munmap(sites, bytes);
        sites = MAP_FAILED;
    }
    char path[HP_OUT_BUF];
    if (sites == MAP_FAILED) {
        fputs("hotpath: HOTPATH_TRACE: out of memory: no trace is written\n", stderr);
        hp_busy_leave();
        return;
    }
    if (!hp_config_resolve_path(hp_config.trace_path, path, HP_OUT_PATH_MAX)) {
        hp_config_reject(stderr, HP_OPT_trace_path, hp_config.trace_path,
                         " (too long with %p replaced)");
        munmap(sites, bytes);
        munmap(arena, arena_size);
        hp_busy_leave();
        return;
    }
    struct hp_out o;
    if (!hp_out_open(&o, path, false)) {
        fprintf(stderr, "hotpath: HOTPATH_TRACE: cannot open %s (%s): no trace is written\n",
                path, strerror(errno));
        munmap(sites, bytes);
        munmap(arena, arena_size);
        hp_busy_leave();
        return;
    }
    FILE *f = o.f;
    size_t vbuf_size = (size_t)1 << 20;
    char *vbuf = mmap(NULL, vbuf_size, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
    if (vbuf != MAP_FAILED)
        setvbuf(f, vbuf, _IOFBF, vbuf_size);
    struct totals t = {0};
    errno = 0;
    write_trace(f, list, sites, nsites, &t);
    int err = hp_out_close(&o);
    if (vbuf != MAP_FAILED)
        munmap(vbuf, vbuf_size);
    if (err) {
        fprintf(stderr, "hotpath: cannot write the trace to %s (%s): no trace is written\n",
                path, strerror(err));
    } else if (t.dropped)
        fprintf(stderr,
                "hotpath: trace %s: %llu calls left out (the newest) on %llu thread(s) whose "
                "buffer filled up (HOTPATH_TRACE_BUFFER=%llu calls per thread); the report "
                "counts them\n",
                path, (unsigned long long)t.dropped, (unsigned long long)t.full_threads,
                (unsigned long long)capacity);
    munmap(sites, bytes);
    munmap(arena, arena_size);
    hp_busy_leave();
}
