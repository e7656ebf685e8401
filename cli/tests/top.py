#!/usr/bin/env python3
"""`hotpath top PID` in a real terminal (tmux), against a looping program
built with the GCC plugin and run with HOTPATH_LIVE=1:

  - two captures of the screen 2 s apart: a known function's calls grew;
  - `s` sorts by Self (the order of the rows changes to Self's, which differs
    from Total's in this program), `q` quits with status 0;
  - a second `hotpath top` on the same pid at the same time shows the same
    function, and both quit;
  - with HOTPATH_ALLOC=1 the Alloc and Allocs columns show a function's bytes;
  - bad input: no such pid, a pid that runs without HOTPATH_LIVE, a pid that
    is not a number (one line each, exit status 1, 1 and 2);
  - the live file of an idle program holds the figures of its final report.

With --capture FILE the second screen is also written there, and the screen
with allocation tracking to FILE.alloc (docs/live.md's captures come from them). Skipped (exit 77) when tmux is not installed.
Prints "N passed, N failed"; exits 1 on failure."""
import argparse
import json
import os
import re
import shutil
import struct
import subprocess
import sys
import time

PROGRAM = r"""
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
static volatile unsigned long sink;
/* leaf: most of the self time; outer: most of the total, little self */
__attribute__((annotate("hotpath"))) static void leaf(void) {
    for (int i = 0; i < 2000; i++) sink += i;
}
__attribute__((annotate("hotpath"))) static void outer(void) {
    for (int i = 0; i < 20; i++) leaf();
}
__attribute__((annotate("hotpath"))) static void tick(void) { sink++; }
__attribute__((annotate("hotpath"))) static void grow(void) {
    char *p = malloc(1000);
    if (p) { p[0] = 1; sink += (unsigned char)p[0]; }
    free(p);
}
int main(int argc, char **argv) {
    long rounds = argc > 1 ? atol(argv[1]) : -1; /* -1: for ever */
    struct timespec ms = {0, 1000000};
    for (long i = 0; rounds < 0 || i < rounds; i++) {
        outer();
        for (int k = 0; k < 50; k++) tick();
        grow();
        if (i == 2) { puts("ready"); fflush(stdout); }
        nanosleep(&ms, NULL);
    }
    puts("idle");
    fflush(stdout);
    char line[16];
    if (argc > 2) /* idle until told to end */
        while (fgets(line, sizeof line, stdin) && strncmp(line, "end", 3)) {}
    return 0;
}
"""

results = []


def check(name, ok, detail=""):
    results.append(ok)
    print(("ok   " if ok else "FAIL ") + name + ("" if ok else ": " + detail))


def tmux(*args, check_rc=True):
    return subprocess.run(["tmux", "-L", "hotpath-top-test"] + list(args), capture_output=True,
                          text=True, check=check_rc)


def capture(session):
    return tmux("capture-pane", "-p", "-t", session).stdout


def row(screen, name):
    """The cells of the row of function `name` on a screen, or None."""
    for line in screen.splitlines():
        cells = line.split()
        if cells and cells[0] == name:
            return cells
    return None


def order(screen):
    return [l.split()[0] for l in screen.splitlines() if l.startswith("top::")]


def seconds(cell):
    """A duration cell of the table ("720ns", "14.95µs", "1.44ms", "2.1s") in seconds."""
    for unit, scale in (("ns", 1e-9), ("µs", 1e-6), ("us", 1e-6), ("ms", 1e-3), ("s", 1.0)):
        if cell.endswith(unit):
            return float(cell[:-len(unit)]) * scale
    raise ValueError("not a duration: %r" % cell)


def column(screen, name):
    """The cells of column `name` (Total, Self) of the rows, in screen order,
    in seconds."""
    head = [l.split() for l in screen.splitlines() if l.startswith("Function")]
    col = head[0].index(name) if head else None
    return [seconds(l.split()[col]) for l in screen.splitlines() if l.startswith("top::")]


def wait_for(pred, timeout=10.0, step=0.1):
    end = time.monotonic() + timeout
    while time.monotonic() < end:
        v = pred()
        if v:
            return v
        time.sleep(step)
    return pred()


def start_top(hotpath, pid, session, env_file):
    # The exit status is written to a file once top returns; the shell then waits.
    cmd = "%s top %d; echo $? > %s; sleep 60" % (hotpath, pid, env_file)
    for attempt in range(20):  # a server that kill-server just ended may still be going
        r = tmux("new-session", "-d", "-s", session, "-x", "150", "-y", "20",
                 "env", "LANG=C.UTF-8", "TERM=xterm-256color", "sh", "-c", cmd, check_rc=False)
        if r.returncode == 0:
            return
        time.sleep(0.1)
    raise RuntimeError("tmux new-session: %s" % r.stderr.strip())


def read_live(pid):
    """The snapshot's header and payload, by the seqlock of runtime/src/live.h."""
    path = "/dev/shm/hotpath-%d-%d" % (os.getuid(), pid)
    for _ in range(100):
        with open(path, "rb") as f:
            data = f.read()
        magic = data[:8]
        version, hsize, seq1 = struct.unpack_from("<IIQ", data, 8)
        pid_, uid, interval, cap, length, number, tns, threads = struct.unpack_from(
            "<QQQQQQQI", data, 24)
        payload = data[hsize:hsize + length]
        with open(path, "rb") as f:
            seq2 = struct.unpack_from("<Q", f.read(24), 16)[0]
        if seq1 % 2 == 0 and seq1 == seq2 and length:
            return dict(magic=magic, version=version, pid=pid_, uid=uid, threads=threads,
                        number=number), json.loads(payload)
        time.sleep(0.05)
    return None, None


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--hotpath", required=True)
    ap.add_argument("--cc", required=True)
    ap.add_argument("--plugin-flags", required=True)
    ap.add_argument("--include", required=True)
    ap.add_argument("--lib", required=True)
    ap.add_argument("--work", required=True)
    ap.add_argument("--capture")
    ap.add_argument("--sanitizer", default="",
                    help="HOTPATH_SANITIZE of the build: allocation tracking steps aside there")
    a = ap.parse_args()
    if not shutil.which("tmux"):
        print("top: tmux is not installed (scripts/deps.sh installs it): skipped")
        return 77
    os.makedirs(a.work, exist_ok=True)
    src = os.path.join(a.work, "top.c")
    exe = os.path.join(a.work, "top")
    with open(src, "w") as f:
        f.write(PROGRAM)
    subprocess.run([a.cc, "-O1"] + a.plugin_flags.split() + ["-I", a.include, src, a.lib,
                                                            "-lpthread", "-lm", "-o", exe],
                   check=True)
    env = dict(os.environ, HOTPATH_LIVE="1", HOTPATH_OUTPUT_FORMAT="none")
    tmux("kill-server", check_rc=False)
    prog = subprocess.Popen([exe], stdout=subprocess.PIPE, env=env, text=True)
    try:
        prog.stdout.readline()  # ready
        status1 = os.path.join(a.work, "status1")
        status2 = os.path.join(a.work, "status2")
        for s in (status1, status2):
            if os.path.exists(s):
                os.remove(s)
        start_top(a.hotpath, prog.pid, "one", status1)
        first = wait_for(lambda: (lambda s: s if row(s, "top::tick") and "Calls/s" in s else None)(capture("one")))
        check("top shows the running program's functions", bool(first), capture("one"))
        time.sleep(2.0)
        second = capture("one")
        c1 = int(row(first, "top::tick")[1]) if first else 0
        r2 = row(second, "top::tick")
        c2 = int(r2[1]) if r2 else 0
        check("the calls of top::tick grew between two captures 2 s apart (%d -> %d)" % (c1, c2),
              c2 > c1, second)
        check("calls per second are shown once there are two snapshots",
              bool(r2) and r2[2] != "-" and float(r2[2].rstrip("M")) > 0, second)
        check("the thread count is shown", "threads: 1" in second, second)
        # top::outer's Total holds top::leaf's; under a sanitizer one call of
        # top::grow whose malloc maps memory can cost more than the few
        # rounds so far of top::outer (seen once in a CI run under ASan)
        check("rows sorted by total at first: the Total column descends, top::outer first"
              + (" or below top::grow only" if a.sanitizer else ""),
              "sorted by total" in second and
              column(second, "Total") == sorted(column(second, "Total"), reverse=True) and
              (order(second)[:1] == ["top::outer"] or
               (a.sanitizer and order(second)[:2] == ["top::grow", "top::outer"])), second)
        if a.capture:
            with open(a.capture, "w") as f:
                f.write("\n".join(l.rstrip() for l in second.splitlines()).strip() + "\n")

        # a second top on the same process, at the same time
        start_top(a.hotpath, prog.pid, "two", status2)
        other = wait_for(lambda: (lambda s: s if row(s, "top::tick") else None)(capture("two")))
        check("a second hotpath top on the same pid works at once", bool(other), capture("two"))
        check("the first one still refreshes", wait_for(
            lambda: row(capture("one"), "top::tick") and
            int(row(capture("one"), "top::tick")[1]) > c2, 5), capture("one"))

        tmux("send-keys", "-t", "one", "s")
        by_self = wait_for(lambda: (lambda s: s if "sorted by self" in s else None)(capture("one")), 5)
        # top::leaf has the most self time of the three it calls into, unless
        # the allocations of top::grow cost more (under a sanitizer's malloc)
        check("s sorts by Self: the Self column descends, top::leaf above top::outer",
              bool(by_self) and column(by_self, "Self") == sorted(column(by_self, "Self"), reverse=True)
              and order(by_self).index("top::leaf") < order(by_self).index("top::outer") and
              (a.sanitizer or order(by_self)[0] == "top::leaf"), by_self or capture("one"))
        tmux("send-keys", "-t", "one", "c")
        by_calls = wait_for(lambda: (lambda s: s if "sorted by calls" in s else None)(capture("one")), 5)
        check("c sorts by calls: top::tick first", bool(by_calls) and
              order(by_calls)[0] == "top::tick", by_calls or "")
        for session, status in (("one", status1), ("two", status2)):
            tmux("send-keys", "-t", session, "q")
            done = wait_for(lambda: os.path.exists(status) and open(status).read().strip(), 5)
            check("q quits hotpath top (%s) with status 0" % session, done == "0",
                  "status %r; screen: %s" % (done, capture(session)))
    finally:
        tmux("kill-server", check_rc=False)
        prog.terminate()  # SIGTERM: the runtime removes its file (SIGKILL would leave it)
        try:
            prog.wait(timeout=10)
        except subprocess.TimeoutExpired:
            prog.kill()
            prog.wait()
    path = "/dev/shm/hotpath-%d-%d" % (os.getuid(), prog.pid)
    check("the live file is removed when SIGTERM ends the program", not os.path.exists(path), path)

    # allocation tracking on: the Alloc and Allocs columns
    aprog = subprocess.Popen([exe], stdout=subprocess.PIPE, text=True,
                             env=dict(env, HOTPATH_ALLOC="1"))
    try:
        aprog.stdout.readline()
        status3 = os.path.join(a.work, "status3")
        if os.path.exists(status3):
            os.remove(status3)
        start_top(a.hotpath, aprog.pid, "alloc", status3)
        # a line caught half drawn has fewer cells: not yet, capture again
        screen = wait_for(lambda: (lambda s: s if len(row(s, "top::grow") or []) > 2
                                   and row(s, "top::grow")[2] != "-" else None)(capture("alloc")))
        r = row(screen or "", "top::grow")
        head = [l for l in (screen or "").splitlines() if l.startswith("Function")]
        if a.sanitizer:  # tracking steps aside from the sanitizer's allocator: no such columns
            check("with HOTPATH_ALLOC=1 under -fsanitize=%s: no Alloc columns (tracking off)" %
                  a.sanitizer, bool(head) and "Alloc" not in head[0].split() and bool(r),
                  screen or capture("alloc"))
        else:
            check("with HOTPATH_ALLOC=1: Alloc and Allocs columns, top::grow's bytes and count",
                  bool(head) and head[0].split()[-2:] == ["Alloc", "Allocs"] and bool(r) and
                  r[-2].endswith("B") and r[-2] != "0B" and int(r[-1]) > 0, screen or capture("alloc"))
        if a.capture and screen:
            with open(a.capture + ".alloc", "w") as f:
                f.write("\n".join(l.rstrip() for l in screen.splitlines()).strip() + "\n")
        tmux("send-keys", "-t", "alloc", "q")
    finally:
        tmux("kill-server", check_rc=False)
        aprog.terminate()
        aprog.wait()

    # bad input
    def top_rc(*args):
        r = subprocess.run([a.hotpath, "top"] + list(args), capture_output=True, text=True)
        return r.returncode, r.stderr
    rc, err = top_rc("4194303")
    check("no such pid: exit 1 and one line", rc == 1 and err.count("\n") == 1 and
          "no process 4194303 is running" in err, "%d %r" % (rc, err))
    plain = subprocess.Popen([exe, "-1"], stdout=subprocess.PIPE, text=True,
                             env=dict(os.environ, HOTPATH_OUTPUT_FORMAT="none"))
    try:
        plain.stdout.readline()
        rc, err = top_rc(str(plain.pid))
        check("a pid without HOTPATH_LIVE: exit 1, one line with the hint HOTPATH_LIVE=1",
              rc == 1 and err.count("\n") == 1 and "HOTPATH_LIVE=1" in err, "%d %r" % (rc, err))
    finally:
        plain.kill()
        plain.wait()
    if os.getuid() == 0 and shutil.which("setpriv"):
        r = subprocess.run(["setpriv", "--reuid=65534", "--regid=65534", "--clear-groups",
                            a.hotpath, "top", str(os.getpid())], capture_output=True, text=True)
        check("another user's process: exit 1, one line", r.returncode == 1 and
              r.stderr.count("\n") == 1 and "belongs to another user" in r.stderr,
              "%d %r" % (r.returncode, r.stderr))
    rc, err = top_rc("12abc")
    check("a pid that is not a number: exit 2, one line", rc == 2 and err.count("\n") == 1 and
          "not a process id" in err, "%d %r" % (rc, err))
    rc, err = top_rc()
    check("no pid: exit 2, one line", rc == 2 and err.count("\n") == 1, "%d %r" % (rc, err))
    r = subprocess.run([exe, "3"], capture_output=True, text=True,
                       env=dict(os.environ, HOTPATH_LIVE="1", HOTPATH_LIVE_INTERVAL="0.01",
                                HOTPATH_OUTPUT_FORMAT="none"))
    check("a bad HOTPATH_LIVE_INTERVAL: one line naming it, what is accepted and the default",
          r.stderr == 'hotpath: HOTPATH_LIVE_INTERVAL="0.01" is not valid: expected a number of '
          'seconds from 0.1 to 3600 with at most 3 decimals, e.g. 1 or 0.25; using the default '
          '"1"\n', r.stderr)

    # an idle program: its last snapshot holds the figures of its final report
    report = os.path.join(a.work, "final.json")
    idle = subprocess.Popen([exe, "40", "wait"], stdin=subprocess.PIPE, stdout=subprocess.PIPE,
                            text=True, env=dict(os.environ, HOTPATH_LIVE="1",
                                                HOTPATH_LIVE_INTERVAL="0.1",
                                                HOTPATH_OUTPUT_FORMAT="json",
                                                HOTPATH_OUTPUT_PATH=report))
    idle.stdout.readline()  # ready
    idle.stdout.readline()  # idle: no call from now on
    time.sleep(0.4)
    head, snap = read_live(idle.pid)
    path = "/dev/shm/hotpath-%d-%d" % (os.getuid(), idle.pid)
    mode = os.stat(path).st_mode & 0o777
    idle.communicate("end\n", timeout=30)
    check("the live file is mode 0600", mode == 0o600, oct(mode))
    check("the live file is removed at exit", not os.path.exists(path), path)
    final = json.load(open(report))
    check("the snapshot's header names the process", bool(head) and head["magic"] == b"HPLIVE\r\n"
          and head["version"] == 1 and head["pid"] == idle.pid and head["threads"] == 1, str(head))
    keys = ("calls", "min_ns", "max_ns", "avg_ns", "total_ns", "self_ns", "sum_ns",
            "percentiles_ns", "histogram")
    fs = {f["name"]: {k: f.get(k) for k in keys} for f in snap["functions"]} if snap else {}
    ff = {f["name"]: {k: f.get(k) for k in keys} for f in final["functions"]}
    # Durations in ns may differ by the last digit: the ticks are the same,
    # but the clock's ns per tick is refined as the process runs (1 ns in
    # 6.17 ms seen under ASan). Counts and the histogram (ticks) are exact.
    def same(x, y):
        if isinstance(x, dict) and isinstance(y, dict):
            return x.keys() == y.keys() and all(same(x[k], y[k]) for k in x)
        if isinstance(x, int) and isinstance(y, int) and not isinstance(x, bool):
            return abs(x - y) <= max(1, y // 1000000)
        return x == y

    def close(f, g):
        return f.keys() == g.keys() and all(
            all((same(f[n][k], g[n][k]) if k.endswith("_ns") else f[n][k] == g[n][k])
                for k in keys) for n in f)
    check("the idle snapshot's figures equal the final report's (%d functions)" % len(ff),
          close(fs, ff) and len(ff) == 4 and ff["top::tick"]["calls"] == 40 * 50,
          "snapshot %s\nreport %s" % (fs, ff))

    failed = results.count(False)
    print("%d passed, %d failed" % (len(results) - failed, failed))
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
