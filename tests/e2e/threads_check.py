#!/usr/bin/env python3
"""The per-thread breakdown end to end (issue 14, item 1): programs compiled
with the given plugin, run, and their JSON and table reports checked:

  - examples/threads.c and a program with 4 named threads: for every
    function, the per_thread figures add up to the function's calls,
    total_ns and self_ns exactly; each named thread has its row, with the
    name it gave itself after its first measured call, its own calls per
    function, a measured time equal to its outermost function's total and
    a CPU time; threads that exited before the report keep their rows
    (exited: true), a thread still running at exit has one (exited: false);
  - 10,000 threads created and joined (50 at a time): at most 129 thread
    rows (64 threads of their own, 64 names, "other threads"), merged_threads
    adding up to 10,000, the figures still adding up exactly, and the
    records' memory (thread_records_bytes) within the bound docs/usage.md
    states, 129 x (384 + 96 x S) bytes for S measured functions; the
    process's peak RSS after the 10,000 within 4 MiB of a run of 500;
  - the table: a Threads section when more than one thread measured, none
    for a single-threaded program; HOTPATH_THREADS=1 prints one table per
    thread whose Calls are the thread's;
  - with --hotpath: `hotpath report` reads the JSON.

Prints "N passed, N failed"; exits 1 on failure."""
import argparse
import os
import re
import shlex
import subprocess
import sys

NAMED = r"""
#define _GNU_SOURCE
#include <pthread.h>
#include <stdio.h>
#include <unistd.h>
static volatile unsigned long sink;
__attribute__((annotate("hotpath"))) static void leaf(int n) { for (int i = 0; i < n; i++) sink += i; }
__attribute__((annotate("hotpath"))) static void mid(int n) { leaf(n); leaf(n * 2); }
__attribute__((annotate("hotpath"))) static void *worker(void *arg) {
    int k = (int)(long)arg;
    char name[16];
    snprintf(name, sizeof name, "named-%d", k); /* after its first measured call */
    pthread_setname_np(pthread_self(), name);
    for (int i = 0; i < 100 * (k + 1); i++)
        mid(2000); /* leaf's Self is most of the thread's */
    return NULL;
}
__attribute__((annotate("hotpath"))) static void linger_step(void) { leaf(10); }
static pthread_mutex_t lock = PTHREAD_MUTEX_INITIALIZER;
static pthread_cond_t cond = PTHREAD_COND_INITIALIZER;
static int ready;
static void *lingerer(void *arg) { /* still running when the report is written */
    (void)arg;
    pthread_setname_np(pthread_self(), "lingerer");
    for (int i = 0; i < 7; i++)
        linger_step();
    pthread_mutex_lock(&lock);
    ready = 1;
    pthread_cond_signal(&cond);
    pthread_mutex_unlock(&lock);
    for (;;)
        pause();
}
int main(void) {
    pthread_t t[4], l;
    for (long k = 0; k < 4; k++)
        pthread_create(&t[k], NULL, worker, (void *)k);
    for (int k = 0; k < 4; k++)
        pthread_join(t[k], NULL);
    pthread_create(&l, NULL, lingerer, NULL);
    pthread_mutex_lock(&lock);
    while (!ready)
        pthread_cond_wait(&cond, &lock);
    pthread_mutex_unlock(&lock);
    for (int i = 0; i < 3; i++)
        mid(10);
    return 0;
}
"""

POOL = r"""
#define _GNU_SOURCE
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
static volatile unsigned long sink;
__attribute__((annotate("hotpath"))) static void leaf(int n) { for (int i = 0; i < n; i++) sink += i; }
__attribute__((annotate("hotpath"))) static void *task(void *arg) {
    long i = (long)arg;
    char name[16];
    if (i % 3 == 2)
        snprintf(name, sizeof name, "u-%ld", i); /* a name of its own */
    else
        snprintf(name, sizeof name, "pool-%c", i % 3 ? 'b' : 'a');
    pthread_setname_np(pthread_self(), name);
    leaf(5);
    leaf(5);
    return NULL;
}
static long peak_rss_kib(void) {
    FILE *f = fopen("/proc/self/status", "r");
    char line[256];
    long v = -1;
    while (f && fgets(line, sizeof line, f))
        if (strncmp(line, "VmHWM:", 6) == 0)
            v = atol(line + 6);
    if (f)
        fclose(f);
    return v;
}
int main(int argc, char **argv) {
    long n = argc > 1 ? atol(argv[1]) : 10000;
    pthread_t t[50];
    for (long i = 0; i < n; i += 50) {
        long m = n - i < 50 ? n - i : 50;
        for (long k = 0; k < m; k++)
            if (pthread_create(&t[k], NULL, task, (void *)(i + k)) != 0)
                return 1;
        for (long k = 0; k < m; k++)
            pthread_join(t[k], NULL);
    }
    printf("peak_rss_kib %ld\n", peak_rss_kib());
    return 0;
}
"""

SINGLE = r"""
static volatile unsigned long sink;
__attribute__((annotate("hotpath"))) static void leaf(int n) { for (int i = 0; i < n; i++) sink += i; }
int main(void) { for (int i = 0; i < 10; i++) leaf(100); return 0; }
"""

RECORDS_MAX = 64 + 64 + 1


def build(compiler, src, exe, a):
    cmd = shlex.split(compiler) + ["-O2", "-std=gnu11"] + shlex.split(a.plugin_flags) + [
        "-I", a.include, src, a.lib, "-lpthread", "-lm", "-o", exe]
    p = subprocess.run(cmd, capture_output=True, text=True)
    if p.returncode:
        raise RuntimeError("build failed: %s\n%s" % (" ".join(cmd), p.stderr))


def run(exe, work, tag, env_extra=None, args=(), fmt="json"):
    import json
    path = os.path.join(work, tag + ".report")
    if os.path.exists(path):
        os.remove(path)
    env = dict(os.environ, HOTPATH_OUTPUT_FORMAT=fmt, HOTPATH_OUTPUT_PATH=path)
    env.pop("HOTPATH_THREADS", None)
    env.update(env_extra or {})
    p = subprocess.run([exe] + list(args), env=env, capture_output=True, text=True, timeout=240)
    if p.returncode:
        raise RuntimeError("%s exited %d: %s" % (exe, p.returncode, p.stderr))
    with open(path) as f:
        text = f.read()
    return (json.loads(text) if fmt == "json" else text), p.stdout


def sum_errors(report):
    """Per function: the per_thread figures add up to the row's exactly."""
    errs = []
    tids = {t["tid"] for t in report["threads"]}
    for row in report["functions"]:
        pt = row.get("per_thread")
        if not pt:
            errs.append("%s: no per_thread figures" % row["name"])
            continue
        for key in ("calls", "total_ns", "self_ns"):
            s = sum(e[key] for e in pt)
            if s != row[key]:
                errs.append("%s: per_thread %s add up to %d, the row has %d" %
                            (row["name"], key, s, row[key]))
        for e in pt:
            if e["tid"] not in tids:
                errs.append("%s: per_thread tid %d is not in threads" % (row["name"], e["tid"]))
    calls = sum(r["calls"] for r in report["functions"])
    tcalls = sum(t["calls"] for t in report["threads"])
    if calls != tcalls:
        errs.append("threads' calls add up to %d, the functions' to %d" % (tcalls, calls))
    return errs


def per_thread(report, func, tid):
    for row in report["functions"]:
        if row["name"] == func:
            for e in row["per_thread"]:
                if e["tid"] == tid:
                    return e
    return None


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--cc", required=True)
    ap.add_argument("--plugin-flags", required=True)
    ap.add_argument("--include", required=True)
    ap.add_argument("--lib", required=True)
    ap.add_argument("--work", required=True)
    ap.add_argument("--example", required=True, help="examples/threads.c")
    ap.add_argument("--hotpath", help="the hotpath command, to read the JSON back")
    ap.add_argument("--sanitizer", default="",
                    help="HOTPATH_SANITIZE of the build: the sanitizer's own memory per thread "
                         "(ASan's allocator caches, TSan's shadow) is not the runtime's, so the "
                         "peak RSS bound is reported, not checked")
    a = ap.parse_args()
    os.makedirs(a.work, exist_ok=True)
    results = []

    def case(name, fn):
        try:
            errs = fn()
        except (RuntimeError, ValueError, KeyError, TypeError, subprocess.TimeoutExpired) as e:
            errs = [repr(e)]
        results.append(not errs)
        print(("ok   " if not errs else "FAIL ") + name)
        for e in errs[:20]:
            print("     " + e)

    exes = {}
    try:
        for tag, src in (("named", NAMED), ("pool", POOL), ("single", SINGLE)):
            path = os.path.join(a.work, tag + ".c")
            with open(path, "w") as f:
                f.write(src)
            exes[tag] = os.path.join(a.work, tag)
            build(a.cc, path, exes[tag], a)
        exes["example"] = os.path.join(a.work, "threads_example")
        build(a.cc, a.example, exes["example"], a)
    except RuntimeError as e:
        print("FAIL build:", e)
        print("0 passed, 1 failed")
        return 1

    def example():
        report, _ = run(exes["example"], a.work, "example")
        errs = sum_errors(report)
        workers = [t for t in report["threads"] if t["name"].startswith("worker-")]
        if sorted(t["name"] for t in workers) != ["worker-%d" % i for i in range(4)]:
            errs.append("expected rows worker-0..3, found %s" % [t["name"] for t in report["threads"]])
        for t in workers:
            w = per_thread(report, "threads::worker", t["tid"])
            if not t["exited"] or not w or w["calls"] != 1:
                errs.append("%s: expected an exited thread with one worker call: %s, %s" % (t["name"], t, w))
        return errs

    def named():
        report, _ = run(exes["named"], a.work, "named")
        errs = sum_errors(report)
        by_name = {t["name"]: t for t in report["threads"]}
        pid = report["pid"]
        for k in range(4):
            t = by_name.get("named-%d" % k)
            if not t:
                errs.append("no row for named-%d: %s" % (k, sorted(by_name)))
                continue
            if not t["exited"] or t["merged_threads"] != 1 or t["tid"] == pid:
                errs.append("named-%d: expected an exited thread of its own: %s" % (k, t))
            want = {"named::worker": 1, "named::mid": 100 * (k + 1), "named::leaf": 200 * (k + 1)}
            for func, calls in want.items():
                e = per_thread(report, func, t["tid"])
                if not e or e["calls"] != calls:
                    errs.append("named-%d: %s has %s, expected %d calls" % (k, func, e, calls))
            if t["calls"] != sum(want.values()):
                errs.append("named-%d: %d calls, expected %d" % (k, t["calls"], sum(want.values())))
            w = per_thread(report, "named::worker", t["tid"])
            if w and abs(t["measured_ns"] - w["total_ns"]) > 0.001 * w["total_ns"] + 100:
                errs.append("named-%d: measured %d ns, its worker call's total %d ns" %
                            (k, t["measured_ns"], w["total_ns"]))
            selfs = {f: per_thread(report, f, t["tid"]) for f in want}
            top = max(selfs, key=lambda f: selfs[f]["self_ns"] if selfs[f] else -1)
            if t["cpu_ns"] <= 0 or t["top_self"] != top or \
                    t["top_self_ns"] != selfs[top]["self_ns"]:
                errs.append("named-%d: cpu_ns %d, top_self %s %d (expected > 0, %s %d)" %
                            (k, t["cpu_ns"], t["top_self"], t["top_self_ns"], top,
                             selfs[top]["self_ns"]))
        main_row = [t for t in report["threads"] if t["tid"] == pid]
        if len(main_row) != 1 or main_row[0]["name"] != "named" or main_row[0]["exited"] \
                or main_row[0]["calls"] != 9:
            errs.append("expected the main thread's row (name named, 9 calls, live): %s" % main_row)
        ling = by_name.get("lingerer")
        if not ling or ling["exited"] or ling["calls"] != 14 or ling["cpu_ns"] <= 0:
            errs.append("expected a live lingerer row with 14 calls: %s" % ling)
        if len(report["threads"]) != 6:
            errs.append("expected 6 thread rows, found %d" % len(report["threads"]))
        if report.get("thread_records_bytes", 0) <= 0:
            errs.append("thread_records_bytes missing or 0")
        return errs

    pool_rss = {}

    def pool(n):
        def check():
            report, out = run(exes["pool"], a.work, "pool%d" % n, args=[str(n)])
            errs = sum_errors(report)
            m = re.search(r"peak_rss_kib (\d+)", out)
            pool_rss[n] = int(m.group(1)) if m else None
            ts = report["threads"]
            if len(ts) > RECORDS_MAX:
                errs.append("%d thread rows, more than %d" % (len(ts), RECORDS_MAX))
            if sum(t["merged_threads"] for t in ts) != n:
                errs.append("merged_threads add up to %d, expected %d" %
                            (sum(t["merged_threads"] for t in ts), n))
            if any(not t["exited"] for t in ts):
                errs.append("a live row: the main thread measured nothing")
            leaf = [r for r in report["functions"] if r["name"] == "pool::leaf"]
            if not leaf or leaf[0]["calls"] != 2 * n:
                errs.append("pool::leaf: expected %d calls: %s" % (2 * n, leaf[:1]))
            sites = len(report["functions"])
            bound = RECORDS_MAX * (384 + 96 * sites)
            if report["thread_records_bytes"] > bound:
                errs.append("thread_records_bytes %d above the bound %d" %
                            (report["thread_records_bytes"], bound))
            if n >= 10000:
                names = {t["name"]: t for t in ts if t["merged_threads"] > 1}
                if "pool-a" not in names or "pool-b" not in names or "other threads" not in names:
                    errs.append("expected merged rows pool-a, pool-b and other threads: %s" %
                                sorted(names))
                singles = [t for t in ts if t["merged_threads"] == 1]
                if len(singles) < 64:
                    errs.append("%d threads of their own, expected 64 at least" % len(singles))
            print("     %d threads: %d rows, thread_records_bytes %d (bound %d), peak RSS %s KiB" %
                  (n, len(ts), report["thread_records_bytes"], bound, pool_rss[n]))
            return errs
        return check

    def pool_rss_bounded():
        if pool_rss.get(500) is None or pool_rss.get(10000) is None:
            return ["no peak RSS from the pool runs"]
        d = pool_rss[10000] - pool_rss[500]
        print("     peak RSS: %d KiB (500 threads), %d KiB (10,000): %+d KiB" %
              (pool_rss[500], pool_rss[10000], d))
        if a.sanitizer:
            print("     not checked under -fsanitize=%s (its own memory per thread); the "
                  "runtime's records are checked above (thread_records_bytes)" % a.sanitizer)
            return []
        return [] if d < 4096 else ["peak RSS grew by %d KiB from 500 to 10,000 threads" % d]

    def tables():
        errs = []
        text, _ = run(exes["named"], a.work, "named_table", fmt="table")
        if "[hotpath] Threads (6 rows)" not in text:
            errs.append("no Threads section of 6 rows in:\n" + text)
        if "[hotpath] Thread " in text:
            errs.append("per-thread tables without HOTPATH_THREADS")
        text, _ = run(exes["named"], a.work, "named_tables", {"HOTPATH_THREADS": "1"}, fmt="table")
        for k in range(4):
            m = re.search(r"\[hotpath\] Thread named-%d \(tid \d+; measured [^)]*\):\n(.*?)\n(?=\[hotpath\]|\Z)"
                          % k, text, re.S)
            if not m:
                errs.append("no table for named-%d in:\n%s" % (k, text))
                continue
            calls = dict(re.findall(r"^\| (named::\w+) +\| (\d+) ", m.group(1), re.M))
            want = {"named::worker": "1", "named::mid": str(100 * (k + 1)),
                    "named::leaf": str(200 * (k + 1))}
            if calls != want:
                errs.append("named-%d's table: calls %s, expected %s" % (k, calls, want))
        if "[hotpath] Thread lingerer (tid" not in text:
            errs.append("no table for the lingerer")
        text, _ = run(exes["single"], a.work, "single_table", fmt="table")
        if "Threads" in text or "single::leaf" not in text:
            errs.append("a single-threaded program's table changed:\n" + text)
        report, _ = run(exes["single"], a.work, "single")
        if len(report["threads"]) != 1 or report["threads"][0]["calls"] != 10:
            errs.append("single: expected one thread row of 10 calls: %s" % report["threads"])
        errs += sum_errors(report)
        return errs

    def reader():
        if not a.hotpath:
            print("     (no hotpath command: skipped)")
            return []
        p = subprocess.run([a.hotpath, "report", os.path.join(a.work, "named.report")],
                           capture_output=True, text=True)
        return [] if p.returncode == 0 and "named::leaf" in p.stdout else [
            "hotpath report exited %d: %s" % (p.returncode, p.stderr)]

    case("examples/threads.c: per-thread figures add up, one row per worker", example)
    case("4 named threads and a live one: rows, names, figures", named)
    case("500 threads: bounded records, figures add up", pool(500))
    case("10,000 threads: bounded records, figures add up", pool(10000))
    case("10,000 threads: peak RSS within 4 MiB of 500 threads'", pool_rss_bounded)
    case("table: Threads section, HOTPATH_THREADS=1 tables, single thread unchanged", tables)
    case("hotpath report reads the JSON", reader)
    ok = sum(results)
    print("%d passed, %d failed" % (ok, len(results) - ok))
    return 0 if ok == len(results) else 1


if __name__ == "__main__":
    sys.exit(main())
