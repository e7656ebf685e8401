/*
 * stress.c — the runtime under ThreadSanitizer and AddressSanitizer with
 * UndefinedBehaviorSanitizer (tests/sanitize/run.sh): threads measuring
 * nested sites while the main thread gathers reports and short-lived
 * threads come and go; then exact counts.
 */
#include <hotpath/hotpath.h>
#include <pthread.h>
#include <setjmp.h>
#include <stdio.h>

#include "report.h"

static struct hotpath_site a = HOTPATH_SITE_INIT("stress::a", HOTPATH_KIND_FUNCTION);
static struct hotpath_site b = HOTPATH_SITE_INIT("stress::b", HOTPATH_KIND_FUNCTION);
static struct hotpath_site j = HOTPATH_SITE_INIT("stress::jumper", HOTPATH_KIND_FUNCTION);

static void *work(void *arg) {
    (void)arg;
    for (int i = 0; i < 200000; i++) {
        uint64_t t = hotpath_enter(&a);
        hotpath_exit(&b, hotpath_enter(&b));
        hotpath_exit(&a, t);
    }
    return NULL;
}

static void *short_lived(void *arg) {
    (void)arg;
    for (int i = 0; i < 100; i++)
        hotpath_exit(&b, hotpath_enter(&b));
    return NULL;
}

static jmp_buf jb;
static __attribute__((noinline)) void jumper(void) {
    hotpath_enter(&j);
    longjmp(jb, 1);
}

static unsigned long long calls_of(const struct hp_report *r, const char *name) {
    for (size_t i = 0; i < r->nrows; i++)
        if (__builtin_strcmp(r->rows[i].name, name) == 0)
            return r->rows[i].calls;
    return 0;
}

int main(void) {
    pthread_t t[4];
    for (int i = 0; i < 4; i++)
        pthread_create(&t[i], NULL, work, NULL);
    for (int k = 0; k < 20; k++) {
        pthread_t s;
        pthread_create(&s, NULL, short_lived, NULL);
        struct hp_report r;
        hp_report_collect(&r);
        hp_report_free(&r);
        pthread_join(s, NULL);
    }
    for (int i = 0; i < 4; i++)
        pthread_join(t[i], NULL);
    for (volatile int i = 0; i < 100; i++)
        if (!setjmp(jb))
            jumper();
    struct hp_report r;
    hp_report_collect(&r);
    unsigned long long ca = calls_of(&r, "stress::a"), cb = calls_of(&r, "stress::b");
    hp_report_free(&r);
    printf("stress::a %llu calls, stress::b %llu calls\n", ca, cb);
    return ca == 800000 && cb == 802000 ? 0 : 1;
}
