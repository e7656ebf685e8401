/*
 * live.h — HOTPATH_LIVE: the figures of a running process, published in a
 * shared-memory file for `hotpath top PID` (private to the runtime and the
 * hotpath command, which both include this file).
 *
 * The file /dev/shm/hotpath-<uid>-<pid> (mode 0600, created by the
 * process's live thread with O_EXCL|O_NOFOLLOW, removed at exit) is a
 * struct hp_live_header followed by the payload: the report as one line of
 * JSON, schema 2 (what HOTPATH_OUTPUT_FORMAT=json writes, with the same
 * rows), `length` bytes of it. The header's fields from `length` on and the
 * payload are written under a sequence counter (a seqlock): `seq` is odd
 * while a snapshot is being written, and grows by 2 with each one. A reader
 * copies the payload between two reads of an even, unchanged `seq`
 * (hp_live_read below); a writer never waits for a reader, and any number
 * of readers may read at once. The file only grows (ftruncate, to make room
 * for a longer payload): a reader that mapped it smaller sees `capacity`
 * beyond its mapping and maps it again.
 */
#ifndef HOTPATH_LIVE_H
#define HOTPATH_LIVE_H

#include <stdatomic.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#define HP_LIVE_MAGIC "HPLIVE\r\n" /* 8 bytes, no NUL */
#define HP_LIVE_VERSION 1u
#define HP_LIVE_DIR "/dev/shm"
#define HP_LIVE_PATH_MAX 64 /* "/dev/shm/hotpath-4294967295-4194304" and its NUL fit */

struct hp_live_header {
    char magic[8];            /* HP_LIVE_MAGIC */
    uint32_t version;         /* HP_LIVE_VERSION: a reader refuses another */
    uint32_t header_size;     /* the payload starts at this offset */
    _Atomic uint64_t seq;     /* odd while a snapshot is written */
    uint64_t pid, uid;        /* the writer's */
    uint64_t interval_ms;     /* HOTPATH_LIVE_INTERVAL */
    /* ---- under seq ---- */
    uint64_t capacity;        /* payload bytes the file has room for */
    uint64_t length;          /* payload bytes of this snapshot */
    uint64_t number;          /* snapshots published so far, this one included */
    uint64_t time_ns;         /* CLOCK_REALTIME when it was taken */
    uint32_t threads;         /* threads of the process that have measured and not ended */
    uint32_t reserved;
    uint64_t spare[5];        /* zero; room for later fields of version 1 */
};
_Static_assert(sizeof(struct hp_live_header) == 128, "the header is 128 bytes");

/* "/dev/shm/hotpath-<uid>-<pid>" into out[HP_LIVE_PATH_MAX]. */
void hp_live_path(unsigned long uid, long pid, char *out);

/*
 * A consistent copy of the snapshot in a mapping of `size` bytes of the
 * file (the reader's side of the seqlock): the header fields into *h and
 * the payload into buf (malloc'ed, NUL-terminated; the caller frees it).
 * Returns 0; 1 when the file's layout is not this version's (why set); 2
 * when the mapping is too small for the snapshot (*need gets the size to
 * map); 3 when no consistent copy could be made in a few tries (the
 * writer is mid-snapshot: try again later); 4 when out of memory.
 */
int hp_live_read(const void *map, size_t size, struct hp_live_header *h, char **buf,
                 size_t *need, const char **why);

/* Copies n bytes into (release stores) / out of (acquire loads) the
 * shared file: the payload and the header fields under seq (live_read.c). */
void hp_live_store_bytes(void *shared, const void *src, size_t n);
void hp_live_load_bytes(void *dst, const void *shared, size_t n);

/* ---- the runtime's side (live.c) ---- */

/* True while HOTPATH_LIVE asks for the live thread and this process has
 * not started it yet (one load: hp_signals_start asks on every new
 * thread). */
bool hp_live_wanted(void);
/* Starts the live thread; called by hp_signals_start on a thread that
 * blocks no signal (never from a signal handler or in a fork handler). */
void hp_live_start(void);
/* At exit, before the final report: the thread stops publishing and the
 * file is removed. */
void hp_live_exit(void);
/* Removes the file (async-signal-safe: a terminating signal's handler). */
void hp_live_unlink(void);
/* In a forked child (pthread_atfork): the parent's thread and file are not
 * the child's; the child's next measured call starts its own (with its
 * own file) when the parent had one. Async-signal-safe. */
void hp_live_fork_child(void);

#endif
