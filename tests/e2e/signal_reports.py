#!/usr/bin/env python3
"""HOTPATH_SIGNAL: a program asked twice for a report while it runs writes two
reports (numbered by %n in HOTPATH_OUTPUT_PATH), then a third when SIGTERM
ends it, and its parent (this script) sees it end by SIGTERM.

The program is compiled with the given plugin and linked with the static
runtime. Prints "N passed, N failed"; exits 1 on failure."""
import argparse
import json
import os
import shlex
import signal
import subprocess
import sys
import time

PROGRAM = r"""
#include <stdio.h>
#include <time.h>
static volatile unsigned long sink;
__attribute__((annotate("hotpath"))) static void work(void) { sink++; }
int main(void) {
    struct timespec ms = {0, 1000000};
    for (int i = 0;; i++) {
        work();
        if (i == 10) {
            puts("ready");
            fflush(stdout);
        }
        nanosleep(&ms, NULL);
    }
}
"""


def wait_report(path, timeout=10.0):
    """The report at path once it is complete JSON, or None after timeout."""
    end = time.monotonic() + timeout
    while time.monotonic() < end:
        try:
            with open(path) as f:
                return json.load(f)
        except (OSError, ValueError):
            time.sleep(0.01)
    return None


def calls(report, name):
    return sum(r["calls"] for r in report["functions"] if r["name"] == name)


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--cc", required=True)
    ap.add_argument("--plugin-flags", required=True)
    ap.add_argument("--include", required=True)
    ap.add_argument("--lib", required=True)
    ap.add_argument("--work", required=True)
    a = ap.parse_args()
    os.makedirs(a.work, exist_ok=True)
    for f in os.listdir(a.work):
        if f.endswith(".json"):
            os.remove(os.path.join(a.work, f))
    src = os.path.join(a.work, "ondemand.c")
    exe = os.path.join(a.work, "ondemand")
    with open(src, "w") as f:
        f.write(PROGRAM)
    cmd = shlex.split(a.cc) + ["-O2"] + shlex.split(a.plugin_flags) + [
        "-I", a.include, src, a.lib, "-lpthread", "-lm", "-o", exe]
    subprocess.run(cmd, check=True, cwd=a.work)
    pattern = os.path.join(a.work, "ondemand.%p.%n.json")
    env = dict(os.environ, HOTPATH_SIGNAL="SIGUSR1", HOTPATH_OUTPUT_FORMAT="json",
               HOTPATH_OUTPUT_PATH=pattern)
    errors = []
    p = subprocess.Popen([exe], env=env, stdout=subprocess.PIPE, text=True,
                         restore_signals=True)
    try:
        p.stdout.readline()  # "ready": the reporter thread runs
        reports = []
        for n in (1, 2):
            p.send_signal(signal.SIGUSR1)
            r = wait_report(pattern.replace("%p", str(p.pid)).replace("%n", str(n)))
            if r is None:
                errors.append("no on-demand report %d" % n)
                break
            reports.append(r)
            time.sleep(0.05)
        p.send_signal(signal.SIGTERM)
        rc = p.wait(timeout=20)
    finally:
        if p.poll() is None:
            p.kill()
            p.wait()
    if rc != -signal.SIGTERM:
        errors.append("ended with %s, expected -%d (SIGTERM)" % (rc, signal.SIGTERM))
    final = wait_report(pattern.replace("%p", str(p.pid)).replace("%n", "3"), timeout=1)
    if final is None:
        errors.append("no report 3 at SIGTERM (files: %s)" % sorted(os.listdir(a.work)))
    else:
        reports.append(final)
    counts = [calls(r, "ondemand::work") for r in reports]
    if len(counts) == 3 and not (10 <= counts[0] < counts[1] < counts[2]):
        errors.append("calls per report %s: expected growing, from at least 10" % counts)
    for e in errors:
        print("FAIL", e)
    print("%d passed, %d failed" % (0 if errors else 1, 1 if errors else 0))
    return 1 if errors else 0


if __name__ == "__main__":
    sys.exit(main())
