/*
 * threads.c — measured functions called from several threads. A pool of
 * worker threads takes jobs from a queue (a mutex and a condition variable);
 * each job scans a range of numbers for primes and for the longest Collatz
 * chain. Every thread is measured: its figures are merged into the one
 * report when it exits, and the counts are exact whichever thread ran a call.
 *
 *   gcc -O2 -fplugin=build/plugin-gcc/hotpath.so -Iruntime/include \
 *       examples/threads.c build/runtime/libhotpath.a -lpthread -lm -o threads
 *   ./threads
 *
 * Reading the report: Total adds up the calls of every thread, so with 4
 * workers busy at once worker's % Total is close to 400%; the Threads
 * section under the tables splits it by thread (HOTPATH_THREADS=1 prints
 * a table per thread). worker's Self is
 * what the workers did outside measured calls; queue_pop's time includes
 * any wait for work.
 */
#define _GNU_SOURCE /* pthread_setname_np */
#include <hotpath/hotpath.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stdio.h>

#define WORKERS 4
#define JOBS 64
#define RANGE 4000 /* numbers per job */

struct job {
    long lo, hi; /* the range [lo, hi) */
    long primes; /* results, written by the worker that ran it */
    long longest, chain;
};

struct queue {
    pthread_mutex_t lock;
    pthread_cond_t ready;
    struct job *items[JOBS];
    int head, tail, closed;
};

static struct queue queue = {PTHREAD_MUTEX_INITIALIZER, PTHREAD_COND_INITIALIZER, {0}, 0, 0, 0};

HOTPATH_MEASURE static void queue_push(struct queue *q, struct job *j) {
    pthread_mutex_lock(&q->lock);
    q->items[q->tail++] = j;
    pthread_cond_signal(&q->ready);
    pthread_mutex_unlock(&q->lock);
}

/* The next job, or NULL once the queue is closed and empty. */
HOTPATH_MEASURE static struct job *queue_pop(struct queue *q) {
    pthread_mutex_lock(&q->lock);
    while (q->head == q->tail && !q->closed)
        pthread_cond_wait(&q->ready, &q->lock);
    struct job *j = q->head < q->tail ? q->items[q->head++] : NULL;
    pthread_mutex_unlock(&q->lock);
    return j;
}

static void queue_close(struct queue *q) {
    pthread_mutex_lock(&q->lock);
    q->closed = 1;
    pthread_cond_broadcast(&q->ready);
    pthread_mutex_unlock(&q->lock);
}

HOTPATH_MEASURE static long count_primes(long lo, long hi) {
    long count = 0;
    for (long n = lo < 2 ? 2 : lo; n < hi; n++) {
        int prime = n == 2 || n % 2;
        for (long d = 3; prime && d * d <= n; d += 2)
            prime = n % d != 0;
        count += prime;
    }
    return count;
}

/* The start in [lo, hi) of the longest Collatz chain; its length in *steps. */
HOTPATH_MEASURE static long longest_collatz(long lo, long hi, long *steps) {
    long best = lo, best_steps = -1;
    for (long n = lo < 1 ? 1 : lo; n < hi; n++) {
        long s = 0;
        for (long x = n; x != 1; s++)
            x = x % 2 ? 3 * x + 1 : x / 2;
        if (s > best_steps) {
            best = n;
            best_steps = s;
        }
    }
    *steps = best_steps;
    return best;
}

/* The thread's start routine: measured too, once per thread. Each worker
 * names itself (the report's Threads section shows the names). */
HOTPATH_MEASURE static void *worker(void *arg) {
    static atomic_int next;
    char name[16];
    snprintf(name, sizeof name, "worker-%d", atomic_fetch_add(&next, 1));
    pthread_setname_np(pthread_self(), name);
    struct queue *q = arg;
    struct job *j;
    while ((j = queue_pop(q)) != NULL) {
        j->primes = count_primes(j->lo, j->hi);
        j->longest = longest_collatz(j->lo, j->hi, &j->chain);
    }
    return NULL;
}

HOTPATH_MAIN(50, 95, 99) int main(void) {
    static struct job jobs[JOBS];
    pthread_t threads[WORKERS];

    /* The workers start first and wait for work. */
    for (int i = 0; i < WORKERS; i++) {
        if (pthread_create(&threads[i], NULL, worker, &queue) != 0) {
            perror("pthread_create");
            return 1;
        }
    }
    for (int k = 0; k < JOBS; k++) {
        jobs[k] = (struct job){.lo = (long)k * RANGE, .hi = (long)(k + 1) * RANGE};
        queue_push(&queue, &jobs[k]);
    }
    queue_close(&queue);
    for (int i = 0; i < WORKERS; i++)
        pthread_join(threads[i], NULL);

    long primes = 0, longest = 0, chain = -1;
    for (int k = 0; k < JOBS; k++) {
        primes += jobs[k].primes;
        if (jobs[k].chain > chain) {
            chain = jobs[k].chain;
            longest = jobs[k].longest;
        }
    }
    printf("below %d: %ld primes; the longest Collatz chain starts at %ld (%ld steps)\n",
           JOBS * RANGE, primes, longest, chain);
    return 0;
}

/* What the report shows (checked by tests/e2e/check_example.py): one row
 * per function, whichever threads ran it. Each worker pops until the queue
 * is closed and empty: 64 jobs plus one empty pop per worker.
 */
// EXPECT main threads::main
// EXPECT percentiles 50,95,99
// EXPECT rows 5
// EXPECT row threads::worker calls=4
// EXPECT row threads::queue_push calls=64
// EXPECT row threads::queue_pop calls=68
// EXPECT row threads::count_primes calls=64
// EXPECT row threads::longest_collatz calls=64
