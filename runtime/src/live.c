/*
 * live.c — HOTPATH_LIVE: a thread of the runtime publishes the figures
 * while the program runs, for `hotpath top PID` (docs/live.md; the file's
 * layout and its seqlock are described in live.h).
 *
 * Off (the default) nothing here runs: no thread, no file, and measured
 * calls are the same instructions. On, the thread is started the way
 * signals.c starts its reporter: at the first measured call, from a thread
 * that blocks no signal (hp_signals_start calls hp_live_start), never from
 * a signal handler or a fork handler, where pthread_create can deadlock.
 * Every HOTPATH_LIVE_INTERVAL it collects the report as the report at exit
 * does (hp_report_collect: per-thread statistics read without a lock taken
 * by measured code; hp_lock held by this thread only for the walk, as by
 * any report), writes it as JSON into memory of its own, and copies it
 * into the file under the seqlock. The thread is busy for the runtime from
 * start to end (hp_busy_enter): what it allocates is never counted as the
 * program's.
 *
 * A forked child does not inherit the thread: its next measured call
 * starts one of its own, with a file named by its own pid. The file is
 * removed at exit, and by a terminating signal's handler (signals.c); a
 * process killed by SIGKILL leaves it behind, and the next process with the
 * same pid replaces it (its name holds our pid, so any file already there
 * is a dead process's). `hotpath top` tells a dead process's file by its
 * pid.
 */
#define _GNU_SOURCE
#include "live.h"

#include <errno.h>
#include <stddef.h>
#include <fcntl.h>
#include <pthread.h>
#include <semaphore.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/mman.h>
#include <sys/prctl.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "config.h"
#include "internal.h"
#include "report.h"
#include "signals.h"

#define HP_LIVE_INITIAL (64 * 1024) /* payload room of a new file; doubled as needed */

static struct {
    _Atomic bool started; /* this process has started (or tried to start) the thread */
    _Atomic bool quit;    /* at exit: the thread stops */
    _Atomic bool created; /* the file exists and is this process's */
    sem_t wake;
    char path[HP_LIVE_PATH_MAX];
    int fd;
    struct hp_live_header *map; /* header_size + capacity bytes */
    size_t capacity;
    uint64_t number;
} live = {.fd = -1};

bool hp_live_wanted(void) { return hp_config.live && !atomic_load(&live.started); }

/* ---- the file ---- */

static void say_cannot(const char *what) {
    fprintf(stderr, "hotpath: HOTPATH_LIVE: cannot %s %s (%s); the figures are not published\n",
            what, live.path, strerror(errno));
}

/* Maps the file with room for `capacity` payload bytes (growing it). */
static bool map_file(size_t capacity) {
    size_t size = sizeof(struct hp_live_header) + capacity;
    if (ftruncate(live.fd, (off_t)size) != 0)
        return false;
    void *m = mmap(NULL, size, PROT_READ | PROT_WRITE, MAP_SHARED, live.fd, 0);
    if (m == MAP_FAILED)
        return false;
    if (live.map)
        munmap(live.map, sizeof(struct hp_live_header) + live.capacity);
    live.map = m;
    live.capacity = capacity;
    return true;
}

static bool create_file(void) {
    hp_live_path((unsigned long)getuid(), (long)getpid(), live.path);
    int flags = O_RDWR | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC;
    live.fd = open(live.path, flags, 0600);
    if (live.fd < 0 && errno == EEXIST) {
        /* Named by our pid: a dead process's (or ours before an exec).
         * Another user's cannot be removed here (/dev/shm is sticky). */
        if (unlink(live.path) == 0)
            live.fd = open(live.path, flags, 0600);
        else
            errno = EEXIST;
    }
    if (live.fd < 0) {
        say_cannot("create");
        return false;
    }
    atomic_store(&live.created, true);
    /* 0600 whatever the umask; map_file writes the first header */
    if (fchmod(live.fd, 0600) != 0 || !map_file(HP_LIVE_INITIAL)) {
        say_cannot("write");
        hp_live_unlink();
        close(live.fd);
        live.fd = -1;
        return false;
    }
    struct hp_live_header h = {.version = HP_LIVE_VERSION,
                               .header_size = sizeof h,
                               .pid = (uint64_t)getpid(),
                               .uid = (uint64_t)getuid(),
                               .interval_ms = (uint64_t)hp_config.live_interval,
                               .capacity = live.capacity};
    /* the magic last: a reader that sees it sees a whole header */
    hp_live_store_bytes((char *)live.map + 8, (char *)&h + 8, sizeof h - 8);
    hp_live_store_bytes(live.map, HP_LIVE_MAGIC, 8); /* release stores: after the rest */
    return true;
}

void hp_live_unlink(void) {
    if (atomic_exchange(&live.created, false))
        unlink(live.path);
}

/* ---- one snapshot ---- */

static uint32_t count_threads(void) {
    uint32_t n = 0;
    pthread_mutex_lock(&hp_lock);
    for (struct hp_thread *t = hp_reg.threads; t; t = t->next)
        n++;
    pthread_mutex_unlock(&hp_lock);
    return n;
}

/* Copies the payload into the file under the seqlock (the writer's side:
 * seq odd, then the fields and the payload, then seq even with release). */
static void store(const char *text, size_t len, uint32_t threads) {
    struct hp_live_header *h = live.map;
    uint64_t seq = atomic_load_explicit(&h->seq, memory_order_relaxed);
    /* odd; the release stores below keep it before every byte they write */
    atomic_store_explicit(&h->seq, seq + 1, memory_order_relaxed);
    if (len > live.capacity) {
        size_t cap = live.capacity;
        while (cap < len)
            cap *= 2;
        if (!map_file(cap)) {
            len = 0; /* an empty snapshot: the reader says so, and the next one may fit */
        }
        h = live.map;
    }
    hp_live_store_bytes((char *)h + h->header_size, text, len);
    struct timespec now;
    clock_gettime(CLOCK_REALTIME, &now);
    struct {
        uint64_t capacity, length, number, time_ns;
        uint32_t threads, reserved;
    } f = {live.capacity, len, ++live.number,
           (uint64_t)now.tv_sec * 1000000000u + (uint64_t)now.tv_nsec, threads, 0};
    _Static_assert(sizeof f == sizeof(struct hp_live_header) - offsetof(struct hp_live_header, capacity) -
                                   sizeof h->spare, "the fields under seq, in header order");
    hp_live_store_bytes(&h->capacity, &f, sizeof f);
    atomic_store_explicit(&h->seq, seq + 2, memory_order_release);
}

static void publish(void) {
    struct hp_report r;
    hp_report_collect(&r);
    uint32_t threads = count_threads();
    char *text = NULL;
    size_t len = 0;
    FILE *f = open_memstream(&text, &len);
    if (f) {
        hp_report_write(f, &r, HP_FORMAT_JSON);
        if (fclose(f) == 0 && text)
            store(text, len, threads);
    }
    free(text);
    hp_report_free(&r);
}

/* ---- the thread ---- */

/* Waits one interval; true when the process is exiting. */
static bool wait_interval(void) {
    struct timespec until;
    clock_gettime(CLOCK_MONOTONIC, &until);
    long ms = hp_config.live_interval;
    until.tv_sec += ms / 1000;
    until.tv_nsec += (ms % 1000) * 1000000L;
    if (until.tv_nsec >= 1000000000L) {
        until.tv_sec++;
        until.tv_nsec -= 1000000000L;
    }
    while (sem_clockwait(&live.wake, CLOCK_MONOTONIC, &until) != 0 && errno == EINTR) {
    }
    return atomic_load(&live.quit);
}

static void *live_main(void *arg) {
    (void)arg;
    prctl(PR_SET_NAME, "hotpath-live", 0, 0, 0);
    hp_busy_enter(); /* for good: nothing this thread does is the program's */
    if (create_file() && atomic_load(&live.quit))
        hp_live_unlink(); /* the process began to exit while the file was made */
    else if (live.map)
        while (!atomic_load(&live.quit)) {
            publish();
            if (wait_interval())
                break;
        }
    return NULL;
}

void hp_live_start(void) {
    if (!hp_config.live || atomic_exchange(&live.started, true))
        return;
    if (sem_init(&live.wake, 0, 0) != 0)
        return;
    int rc = hp_runtime_thread(live_main); /* signals.c */
    if (rc != 0)
        fprintf(stderr, "hotpath: HOTPATH_LIVE: cannot start the live thread (%s); the figures "
                        "are not published\n", strerror(rc));
}

void hp_live_exit(void) {
    if (!atomic_load(&live.started))
        return;
    atomic_store(&live.quit, true);
    sem_post(&live.wake);
    hp_live_unlink();
}

void hp_live_fork_child(void) {
    /* The parent's mapping and descriptor came along: dropped, never
     * written (the file is the parent's). */
    atomic_store(&live.created, false);
    if (live.map)
        munmap(live.map, sizeof(struct hp_live_header) + live.capacity);
    live.map = NULL;
    live.capacity = 0;
    if (live.fd >= 0)
        close(live.fd);
    live.fd = -1;
    live.number = 0;
    atomic_store(&live.quit, false);
    atomic_store(&live.started, false); /* HOTPATH_LIVE: the child wants its own */
}
