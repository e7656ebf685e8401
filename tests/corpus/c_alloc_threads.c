/* Allocation tracking through the plugin with threads: eight threads
 * allocating at once have exact per-function totals, and blocks freed in
 * another thread than their own lower the live figures of the thread that
 * frees them: the peaks are high-water marks above the live level at entry.
 * Sizes are ones glibc serves exactly (malloc_usable_size == request). */
// ENV: HOTPATH_ALLOC=1
// EXPECT alloc_mode exclusive
// EXPECT row c_alloc_threads::worker calls=8000
// EXPECT alloc c_alloc_threads::worker calls=8000 bytes_total=8192000 bytes_avg=1024 allocs=16000 peak_live_bytes=1024 peak_allocs=2
// EXPECT alloc c_alloc_threads::frees_the_main_threads_block calls=8 bytes_total=8000 allocs=8 peak_live_bytes=0 peak_allocs=0
// EXPECT alloc c_alloc_threads::keeps_a_block calls=8 bytes_total=320 allocs=8 peak_live_bytes=40 peak_allocs=1
// EXPECT alloc c_alloc_threads::frees_the_threads_blocks calls=1 bytes_total=1000 allocs=1 peak_live_bytes=680 peak_allocs=0
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>

enum { THREADS = 8, ROUNDS = 1000 };

static _Thread_local void *volatile sink; /* per thread: no data race (ThreadSanitizer) */
static void *from_main[THREADS], *from_thread[THREADS];

__attribute__((annotate("hotpath"))) static void worker(void) {
    void *volatile p = malloc(1000);
    void *volatile q = malloc(24);
    free(p);
    free(q);
}

/* frees 4088 bytes allocated by the main thread, then allocates 1000: live
 * bytes never rise above the entry level (peak 0), 1000 bytes allocated */
__attribute__((annotate("hotpath"))) static void frees_the_main_threads_block(int i) {
    free(from_main[i]);
    void *p = malloc(1000);
    sink = p;
    free(p);
}

__attribute__((annotate("hotpath"))) static void keeps_a_block(int i) {
    from_thread[i] = malloc(40);
}

static void *run(void *arg) {
    int i = (int)(long)arg;
    for (int r = 0; r < ROUNDS; r++)
        worker();
    frees_the_main_threads_block(i);
    keeps_a_block(i);
    return NULL;
}

/* frees the 8 x 40 bytes the threads kept (gone since), then allocates 1000:
 * 680 above the entry level at the peak */
__attribute__((annotate("hotpath"))) static void frees_the_threads_blocks(void) {
    for (int i = 0; i < THREADS; i++)
        free(from_thread[i]);
    void *p = malloc(1000);
    sink = p;
    free(p);
}

int main(void) {
    pthread_t t[THREADS];
    for (int i = 0; i < THREADS; i++)
        from_main[i] = malloc(4088);
    for (int i = 0; i < THREADS; i++)
        if (pthread_create(&t[i], NULL, run, (void *)(long)i) != 0)
            return 1;
    for (int i = 0; i < THREADS; i++)
        pthread_join(t[i], NULL);
    frees_the_threads_blocks();
    puts("done");
    return 0;
}
