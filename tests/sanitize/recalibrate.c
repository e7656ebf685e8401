/*
 * recalibrate.c — the calibration rerun while other threads use its
 * figures (tests/sanitize/run.sh, under ThreadSanitizer): the main thread
 * recalibrates (what switching allocation tracking does, alloc.c; called
 * directly here, so that only the calibration's figures are under test)
 * while short-lived threads each make a site pass the adaptive mode's
 * warm-up, where hp_adapt reads the calibrated cost (HOTPATH_ADAPTIVE and
 * HOTPATH_COMPENSATE are set by run.sh). Then exact counts.
 */
#include <hotpath/hotpath.h>
#include <pthread.h>
#include <stdio.h>

#include "internal.h"
#include "report.h"

#define THREADS 40
#define CALLS 300 /* past the adaptive mode's warm-up (HP_ADAPT_WARMUP, 256) */

static struct hotpath_site a = HOTPATH_SITE_INIT("recalibrate::a", HOTPATH_KIND_FUNCTION);
static struct hotpath_site m = HOTPATH_SITE_INIT("recalibrate::main", HOTPATH_KIND_FUNCTION);

static void *work(void *arg) {
    (void)arg;
    for (int i = 0; i < CALLS; i++)
        hotpath_exit(&a, hotpath_enter(&a));
    return NULL;
}

int main(void) {
    hotpath_exit(&m, hotpath_enter(&m)); /* this thread measures: it calibrates */
    pthread_t t[THREADS];
    for (int i = 0; i < THREADS; i++) {
        pthread_create(&t[i], NULL, work, NULL);
        hp_calibrate();
    }
    for (int i = 0; i < THREADS; i++)
        pthread_join(t[i], NULL);
    struct hp_report r;
    hp_report_collect(&r);
    unsigned long long calls = 0;
    for (size_t i = 0; i < r.nrows; i++)
        if (__builtin_strcmp(r.rows[i].name, "recalibrate::a") == 0)
            calls = r.rows[i].calls;
    hp_report_free(&r);
    printf("recalibrate::a %llu calls\n", calls);
    return calls == (unsigned long long)THREADS * CALLS ? 0 : 1;
}
