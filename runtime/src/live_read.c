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

int hp_live_read(const void *map, size_t size, struct hp_live_header *h, char **buf,
                 size_t *need, const char **why) {
    const struct hp_live_header *m = map;
    if (size < sizeof *m || memcmp(m->magic, HP_LIVE_MAGIC, 8) != 0) {
        *why = "not a hotpath live file (no HPLIVE header)";
        return 1;
    }
    if (m->version != HP_LIVE_VERSION || m->header_size < sizeof *m) {
        *why = "written by another version of hotpath (layout version not 1)";
        return 1;
    }
    char *copy = NULL;
    size_t cap = 0;
    for (int i = 0; i < HP_LIVE_TRIES; i++) {
        uint64_t s1 = atomic_load_explicit(&((struct hp_live_header *)m)->seq, memory_order_acquire);
        if (s1 & 1) {
            /* a snapshot being written: a few microseconds */
            for (volatile int spin = 0; spin < 10000; spin++) {
            }
            continue;
        }
        memcpy(h, m, sizeof *h); /* the fields under seq may be torn: checked below */
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
            memcpy(copy, (const char *)map + h->header_size, len);
        }
        atomic_thread_fence(memory_order_acquire);
        uint64_t s2 = atomic_load_explicit(&((struct hp_live_header *)m)->seq, memory_order_relaxed);
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
