#!/usr/bin/env python3
"""A program built with -fsanitize=address,undefined and with
-fsanitize=thread through a compiler plugin, linked with the normal static
runtime (its allocator hooks included): it runs clean (exit 0, no sanitizer
report), its timing report is exact (call counts), and allocation tracking
steps aside: one line saying so when HOTPATH_ALLOC=1 asks for it, nothing
otherwise. A sanitizer whose runtime the compiler lacks is skipped with a
message. Prints "N passed, N failed, N skipped"; exits 1 on failure."""
import argparse
import json
import os
import shlex
import subprocess
import sys

PROGRAM = r"""
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
static _Thread_local void *volatile sink;
__attribute__((annotate("hotpath"))) static void work(int i) {
    char *p = malloc(100 + i);
    memset(p, i, 100 + i);
    sink = p;
    free(p);
}
static void *thread(void *arg) {
    (void)arg;
    for (int i = 0; i < 1000; i++)
        work(i);
    return NULL;
}
int main(void) {
    pthread_t t[2];
    for (int i = 0; i < 2; i++)
        pthread_create(&t[i], NULL, thread, NULL);
    for (int i = 0; i < 2; i++)
        pthread_join(t[i], NULL);
    char *s = strdup("done");
    puts(s);
    free(s);
    return 0;
}
"""
STEP_ASIDE = "hotpath: allocation tracking is off: the program runs under"


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--cc", required=True)
    ap.add_argument("--plugin-flags", required=True)
    ap.add_argument("--include", required=True)
    ap.add_argument("--lib", required=True)
    ap.add_argument("--work", required=True)
    a = ap.parse_args()
    os.makedirs(a.work, exist_ok=True)
    src = os.path.join(a.work, "sanitized.c")
    with open(src, "w") as f:
        f.write(PROGRAM)
    passed = failed = skipped = 0
    for san in ("address,undefined", "thread"):
        tag = san.replace(",", "-")
        exe = os.path.join(a.work, "sanitized-" + tag)
        probe = subprocess.run(shlex.split(a.cc) + ["-fsanitize=" + san, "-x", "c", "-",
                                                    "-o", exe + ".probe"],
                               input="int main(void){return 0;}", text=True,
                               capture_output=True)
        if probe.returncode != 0:
            print("skip -fsanitize=%s: %s cannot link it (%s)"
                  % (san, a.cc, probe.stderr.strip().splitlines()[-1:]))
            skipped += 1
            continue
        subprocess.run(shlex.split(a.cc) + ["-O1", "-g", "-fsanitize=" + san,
                       "-fno-sanitize-recover=all", "-Wno-attributes"] +
                       shlex.split(a.plugin_flags) + ["-I", a.include, src, a.lib, "-lpthread",
                                                      "-o", exe], check=True)
        for alloc in ("1", "0"):
            report = os.path.join(a.work, "report-%s-%s.json" % (tag, alloc))
            if os.path.exists(report):
                os.remove(report)
            env = dict(os.environ, HOTPATH_ALLOC=alloc, HOTPATH_OUTPUT_FORMAT="json",
                       HOTPATH_OUTPUT_PATH=report, ASAN_OPTIONS="detect_leaks=1",
                       TSAN_OPTIONS="halt_on_error=1")
            r = subprocess.run([exe], env=env, capture_output=True, text=True, timeout=120)
            errors = []
            if r.returncode != 0 or r.stdout != "done\n":
                errors.append("exit %d, stdout %r" % (r.returncode, r.stdout))
            theirs = "\n".join(l for l in r.stderr.splitlines() if not l.startswith(STEP_ASIDE))
            if "Sanitizer" in theirs or "runtime error" in theirs:
                errors.append("a sanitizer report:\n" + r.stderr[-1500:])
            lines = r.stderr.count(STEP_ASIDE)
            if lines != (1 if alloc == "1" else 0):
                errors.append("%d 'tracking is off' lines with HOTPATH_ALLOC=%s" % (lines, alloc))
            try:
                with open(report) as f:
                    rep = json.load(f)
                calls = [x["calls"] for x in rep["functions"] if x["name"] == "sanitized::work"]
                if calls != [2000]:
                    errors.append("sanitized::work calls %s, expected [2000]" % calls)
                if rep.get("allocations"):
                    errors.append("an allocation table although tracking is off")
            except (OSError, ValueError) as e:
                errors.append("no valid report (%s)" % e)
            what = "-fsanitize=%s HOTPATH_ALLOC=%s" % (san, alloc)
            if errors:
                failed += 1
                print("FAIL %s\n  %s" % (what, "\n  ".join(errors)))
            else:
                passed += 1
                print("ok   %s" % what)
    print("%d passed, %d failed, %d skipped" % (passed, failed, skipped))
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
