/* HOTPATH_LIVE: the interval's parser, the live file's figures against the
 * report's, its mode, the reader's side of the seqlock, and nothing at all
 * with the option off. */
#include <cjson/cJSON.h>
#include <criterion/criterion.h>
#include <dirent.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "live.h"
#include "testing.h"

static struct hotpath_site s_a = HOTPATH_SITE_INIT("live::alpha", HOTPATH_KIND_FUNCTION);
static struct hotpath_site s_b = HOTPATH_SITE_INIT("live::beta", HOTPATH_KIND_FUNCTION);

static void calls(struct hotpath_site *s, int n) {
    for (int i = 0; i < n; i++)
        hotpath_exit(s, hotpath_enter(s));
}

static void sleep_ms(long ms) {
    struct timespec ts = {ms / 1000, (ms % 1000) * 1000000L};
    nanosleep(&ts, NULL);
}

static void my_path(char *out) { hp_live_path((unsigned long)getuid(), (long)getpid(), out); }

/* The snapshot in this process's live file, waiting up to 5 s for one. */
static char *read_snapshot(struct hp_live_header *h) {
    char path[HP_LIVE_PATH_MAX];
    my_path(path);
    for (int i = 0; i < 500; i++, sleep_ms(10)) {
        int fd = open(path, O_RDONLY);
        if (fd < 0)
            continue;
        struct stat st;
        cr_assert(fstat(fd, &st) == 0);
        void *m = st.st_size ? mmap(NULL, (size_t)st.st_size, PROT_READ, MAP_SHARED, fd, 0) : MAP_FAILED;
        close(fd);
        if (m == MAP_FAILED)
            continue;
        char *text = NULL;
        size_t need;
        const char *why = NULL;
        int rc = hp_live_read(m, (size_t)st.st_size, h, &text, &need, &why);
        munmap(m, (size_t)st.st_size);
        if (rc == 0 && h->length > 0)
            return text;
        free(text);
    }
    return NULL;
}

static void live_on(void) {
    hp_config.live = true;
    hp_config.live_interval = 100;
}

/* ---- HOTPATH_LIVE_INTERVAL ---- */

Test(live, interval_is_seconds_with_at_most_three_decimals) {
    static const struct {
        const char *v;
        long ms;
    } good[] = {{"1", 1000}, {"0.25", 250}, {"0.1", 100}, {"2.5", 2500}, {"3600", 3600000}, {"1.000", 1000}};
    static const char *const bad[] = {"", "0", "0.05", "0.099", "abc", "1.2345", "-1", "+1",
                                      "1e3", "3601", "3600.001", " 1", "1.", ".5", "1s"};
    for (size_t i = 0; i < sizeof good / sizeof *good; i++) {
        hp_config_defaults();
        cr_expect(hp_config_set(NULL, HP_OPT_live_interval, good[i].v), "%s", good[i].v);
        cr_expect_eq(hp_config.live_interval, good[i].ms, "%s", good[i].v);
    }
    for (size_t i = 0; i < sizeof bad / sizeof *bad; i++) {
        hp_config_defaults();
        cr_expect(!hp_config_set(NULL, HP_OPT_live_interval, bad[i]), "'%s' accepted", bad[i]);
        cr_expect_eq(hp_config.live_interval, 1000, "%s", bad[i]);
    }
}

Test(live, bad_interval_says_what_is_accepted) {
    char *buf = NULL;
    size_t len = 0;
    FILE *err = open_memstream(&buf, &len);
    hp_config_defaults();
    hp_config_set(err, HP_OPT_live_interval, "fast");
    fclose(err);
    cr_assert_str_eq(buf, "hotpath: HOTPATH_LIVE_INTERVAL=\"fast\" is not valid: expected a number "
                          "of seconds from 0.1 to 3600 with at most 3 decimals, e.g. 1 or 0.25; "
                          "using the default \"1\"\n");
    free(buf);
}

/* ---- the publisher ---- */

static cJSON *function_named(cJSON *report, const char *name) {
    cJSON *f;
    cJSON_ArrayForEach(f, cJSON_GetObjectItem(report, "functions"))
        if (strcmp(cJSON_GetObjectItem(f, "name")->valuestring, name) == 0)
            return f;
    return NULL;
}

Test(live, idle_snapshot_holds_the_figures_of_the_report) {
    live_on();
    calls(&s_a, 1000);
    calls(&s_b, 10);
    sleep_ms(350); /* idle: the snapshots after this hold every call */
    struct hp_live_header h;
    char *text = read_snapshot(&h);
    cr_assert(text, "no snapshot in the live file");
    cr_expect_eq(h.pid, (uint64_t)getpid());
    cr_expect_eq(h.uid, (uint64_t)getuid());
    cr_expect_eq(h.interval_ms, 100);
    cr_expect_eq(h.threads, 1);
    cr_expect(h.number >= 1);
    cJSON *snap = cJSON_Parse(text);
    cr_assert(snap, "the payload is not JSON: %.200s", text);
    struct hp_report r;
    hp_report_collect(&r);
    cr_assert_eq(r.nrows, 2);
    for (size_t i = 0; i < r.nrows; i++) {
        cJSON *f = function_named(snap, r.rows[i].name);
        cr_assert(f, "%s not in the snapshot", r.rows[i].name);
#define SAME(key, field)                                                                           \
    cr_expect_eq((uint64_t)cJSON_GetObjectItem(f, key)->valuedouble, r.rows[i].field, "%s %s",     \
                 r.rows[i].name, key)
        SAME("calls", calls);
        SAME("total_ns", total);
        SAME("self_ns", self);
        SAME("min_ns", min);
        SAME("max_ns", max);
        SAME("sum_ns", sum);
#undef SAME
    }
    cr_expect_eq(cJSON_GetObjectItem(function_named(snap, "live::alpha"), "calls")->valuedouble, 1000);
    hp_report_free(&r);
    cJSON_Delete(snap);
    free(text);
}

Test(live, file_is_mode_0600_and_grows_with_the_calls) {
    live_on();
    calls(&s_a, 5);
    struct hp_live_header h;
    char *text = read_snapshot(&h);
    cr_assert(text);
    free(text);
    char path[HP_LIVE_PATH_MAX];
    my_path(path);
    struct stat st;
    cr_assert(lstat(path, &st) == 0);
    cr_expect(S_ISREG(st.st_mode));
    cr_expect_eq(st.st_mode & 0777, 0600);
    uint64_t first = h.number;
    calls(&s_a, 5);
    sleep_ms(350);
    text = read_snapshot(&h);
    cr_assert(text);
    cr_expect(h.number > first, "no new snapshot in 350 ms at a 100 ms interval");
    cJSON *snap = cJSON_Parse(text);
    cr_expect_eq(cJSON_GetObjectItem(function_named(snap, "live::alpha"), "calls")->valuedouble, 10);
    cJSON_Delete(snap);
    free(text);
    hp_live_exit();
    cr_expect(lstat(path, &st) != 0, "the live file is still there after hp_live_exit");
}

Test(live, stale_file_of_this_pid_is_replaced) {
    char path[HP_LIVE_PATH_MAX];
    my_path(path);
    FILE *f = fopen(path, "w"); /* a dead process's of the same pid, say */
    cr_assert(f);
    fputs("stale", f);
    fclose(f);
    chmod(path, 0644);
    live_on();
    calls(&s_b, 3);
    struct hp_live_header h;
    char *text = read_snapshot(&h);
    cr_assert(text, "the stale file was not replaced");
    free(text);
    struct stat st;
    cr_assert(lstat(path, &st) == 0);
    cr_expect_eq(st.st_mode & 0777, 0600);
}

static bool live_thread_running(void) {
    DIR *d = opendir("/proc/self/task");
    struct dirent *e;
    bool found = false;
    while (d && (e = readdir(d))) {
        char p[300], comm[64] = "";
        snprintf(p, sizeof p, "/proc/self/task/%s/comm", e->d_name);
        FILE *f = fopen(p, "r");
        if (f) {
            found |= fgets(comm, sizeof comm, f) && strncmp(comm, "hotpath-live", 12) == 0;
            fclose(f);
        }
    }
    if (d)
        closedir(d);
    return found;
}

Test(live, off_means_no_thread_and_no_file) {
    cr_assert(!hp_config.live, "HOTPATH_LIVE is on by default");
    calls(&s_a, 100);
    sleep_ms(200);
    char path[HP_LIVE_PATH_MAX];
    my_path(path);
    struct stat st;
    cr_expect(lstat(path, &st) != 0, "%s exists with HOTPATH_LIVE off", path);
    cr_expect(!live_thread_running());
}

Test(live, on_starts_one_named_thread) {
    live_on();
    calls(&s_a, 1);
    struct hp_live_header h;
    free(read_snapshot(&h));
    cr_expect(live_thread_running());
}

/* ---- the reader's side of the seqlock ---- */

static struct {
    struct hp_live_header h;
    char payload[64];
} fake;

static void fake_init(void) {
    memset(&fake, 0, sizeof fake);
    memcpy(fake.h.magic, HP_LIVE_MAGIC, 8);
    fake.h.version = HP_LIVE_VERSION;
    fake.h.header_size = sizeof fake.h;
    fake.h.capacity = sizeof fake.payload;
    fake.h.length = 5;
    memcpy(fake.payload, "{\"a\":", 5);
    atomic_store(&fake.h.seq, 4);
}

Test(live_read, copies_a_consistent_snapshot) {
    fake_init();
    struct hp_live_header h;
    char *text = NULL;
    size_t need = 0;
    const char *why = NULL;
    cr_assert_eq(hp_live_read(&fake, sizeof fake, &h, &text, &need, &why), 0);
    cr_expect_str_eq(text, "{\"a\":");
    free(text);
}

Test(live_read, never_returns_a_snapshot_being_written) {
    fake_init();
    atomic_store(&fake.h.seq, 5); /* odd: a writer is at work (or died mid-way) */
    struct hp_live_header h;
    char *text = NULL;
    size_t need = 0;
    const char *why = NULL;
    cr_expect_eq(hp_live_read(&fake, sizeof fake, &h, &text, &need, &why), 3);
    cr_expect_null(text);
}

Test(live_read, asks_for_a_larger_mapping_when_the_file_grew) {
    fake_init();
    fake.h.capacity = 4096;
    struct hp_live_header h;
    char *text = NULL;
    size_t need = 0;
    const char *why = NULL;
    cr_expect_eq(hp_live_read(&fake, sizeof fake, &h, &text, &need, &why), 2);
    cr_expect_eq(need, sizeof fake.h + 4096);
}

Test(live_read, refuses_another_layout) {
    fake_init();
    fake.h.version = 2;
    struct hp_live_header h;
    char *text = NULL;
    size_t need = 0;
    const char *why = NULL;
    cr_expect_eq(hp_live_read(&fake, sizeof fake, &h, &text, &need, &why), 1);
    cr_expect(why && strstr(why, "version"));
    fake_init();
    fake.h.magic[0] = 'X';
    cr_expect_eq(hp_live_read(&fake, sizeof fake, &h, &text, &need, &why), 1);
}
