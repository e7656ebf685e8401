/*
 * live_read.c — the live file's name and the reader's side of its seqlock
 * (live.h). Compiled into the runtime and into the hotpath command.
 */
#include "live.h"

#include <stdio.h>
#include <stdlib.h>

void hp_live_path(unsigned long uid, long pid, char *out) {
    snprintf(out, HP_LIVE_PATH_MAX, HP_LIVE_DIR "/hotpath-%lu-%ld", uid, pid);
}

#define HP_LIVE_TRIES 100

/* The bytes under the seqlock are written as release stores and read as
 * acquire loads (8 bytes at a time where aligned): a reader racing the
 * writer then reads stale or mixed bytes, which the second read of seq
 * throws away, and not a data race in C11's sense (ThreadSanitizer has
 * nothing to report; it does not support fences, which these replace: a
 * release store keeps the odd seq before it, an acquire load keeps the
 * second read of seq after it). On x86-64 these are plain moves. */
void hp_live_store_bytes(void *shared, const void *src, size_t n) {
    unsigned char *d = shared;
    const unsigned char *s = src;
    size_t i = 0;
    if ((uintptr_t)d % 8 == 0)
        for (; i + 8 <= n; i += 8) {
            uint64_t w;
            memcpy(&w, s + i, 8);
            __atomic_store_n((uint64_t *)(void *)(d + i), w, __ATOMIC_RELEASE);
        }
    for (; i < n; i++)
        __atomic_store_n(d + i, s[i], __ATOMIC_RELEASE);
}

void hp_live_load_bytes(void *dst, const void *shared, size_t n) {
    unsigned char *d = dst;
    const unsigned char *s = shared;
    size_t i = 0;
    if ((uintptr_t)s % 8 == 0)
        for (; i + 8 <= n; i += 8) {
            uint64_t w = __atomic_load_n((const uint64_t *)(const void *)(s + i), __ATOMIC_ACQUIRE);
            memcpy(d + i, &w, 8);
        }
    for (; i < n; i++)
        d[i] = __atomic_load_n(s + i, __ATOMIC_ACQUIRE);
}

int hp_live_read(const void *map, size_t size, struct hp_live_header *h, char **buf,
                 size_t *need, const char **why) {
    struct hp_live_header *m = (struct hp_live_header *)map;
    if (size >= sizeof *m)
        hp_live_load_bytes(h, m, sizeof *h);
    if (size < sizeof *m || memcmp(h->magic, HP_LIVE_MAGIC, 8) != 0) {
        *why = "not a hotpath live file (no HPLIVE header)";
        return 1;
    }
    if (h->version != HP_LIVE_VERSION || h->header_size < sizeof *m) {
        *why = "written by another version of hotpath (layout version not 1)";
        return 1;
    }
    char *copy = NULL;
    size_t cap = 0;
    for (int i = 0; i < HP_LIVE_TRIES; i++) {
        uint64_t s1 = atomic_load_explicit(&m->seq, memory_order_acquire);
        if (s1 & 1) {
            /* a snapshot being written: a few microseconds */
            for (volatile int spin = 0; spin < 10000; spin++) {
            }
            continue;
        }
        hp_live_load_bytes(h, m, sizeof *h); /* may be torn: checked below */
        uint64_t len = h->length;
        bool fits = h->header_size + h->capacity <= size && len <= h->capacity;
        if (fits) {
            if (len + 1 > cap) {
                char *c = realloc(copy, len + 1);
                if (!c) {
                    free(copy);
                    return 4;
                }
                copy = c;
                cap = len + 1;
            }
            hp_live_load_bytes(copy, (const char *)map + h->header_size, len);
        }
        uint64_t s2 = atomic_load_explicit(&m->seq, memory_order_relaxed);
        if (s1 != s2)
            continue;
        if (!fits) {
            free(copy);
            *need = h->header_size + h->capacity;
            return 2;
        }
        copy[len] = '\0';
        *buf = copy;
        return 0;
    }
    free(copy);
    return 3;
}
