#!/usr/bin/env python3
"""HOTPATH_TRACE end to end: a C program (nested calls, recursion, 4 named
threads, a longjmp past measured frames) and a C++ program (an exception
through measured frames) are compiled with the given plugin, run with
HOTPATH_TRACE and a JSON report, and the trace is checked:

  - it parses as JSON and fits tests/e2e/trace_event.schema.json (checked
    with python3-jsonschema when it is installed; the structural checks
    below run either way);
  - on each thread, every slice nests inside its parent (intervals either
    disjoint or contained);
  - slices per function = the report's calls; the sum of their durations =
    the report's sum_ns (and its total_ns for functions that do not
    recurse) within 1%;
  - the process and the 4 threads are named; the hotpath::main window is a
    slice of category hotpath.main as long as the report's window;
  - HOTPATH_TRACE_BUFFER=50: the trace stays valid, keeps 50 calls per
    thread, counts the rest as calls_dropped (= the report's calls - the
    calls kept) and says so in one line on stderr;
  - HOTPATH_TRACE_MIN_NS: no kept slice is shorter, the rest are counted;
  - with --hotpath (the hotpath command): `hotpath flamegraph` of the C
    trace gives folded stacks whose self time per function (the last frame)
    is the report's self_ns within 1%, whose chains follow the calls
    (workers under no main, mid under worker), and --svg gives well-formed
    SVG with a box per function.

Prints "N passed, N failed"; exits 1 on failure."""
import argparse
import collections
import glob
import json
import os
import shlex
import subprocess
import sys

C_PROGRAM = r"""
#define _GNU_SOURCE
#include <pthread.h>
#include <setjmp.h>
#include <stdio.h>
static volatile unsigned long sink;
static jmp_buf jb;
__attribute__((annotate("hotpath"))) static void leaf(int n) { for (int i = 0; i < n; i++) sink += i; }
__attribute__((annotate("hotpath"))) static void mid(int n) { leaf(n); leaf(n * 2); }
__attribute__((annotate("hotpath"))) static int fib(int n) { return n < 2 ? n : fib(n - 1) + fib(n - 2); }
__attribute__((annotate("hotpath"), noinline)) static void jumper(void) { leaf(10); longjmp(jb, 1); }
__attribute__((annotate("hotpath"), noinline)) static void jumpee(void) { if (!setjmp(jb)) jumper(); leaf(5); }
__attribute__((annotate("hotpath"))) static void *worker(void *arg) {
    char name[16];
    snprintf(name, sizeof name, "worker-%d", (int)(long)arg);
    pthread_setname_np(pthread_self(), name);
    for (int i = 0; i < 200; i++)
        mid(100);
    return NULL;
}
__attribute__((annotate("hotpath"))) static void spawn(void) {
    pthread_t t[4];
    for (long i = 0; i < 4; i++)
        pthread_create(&t[i], NULL, worker, (void *)i);
    for (int i = 0; i < 4; i++)
        pthread_join(t[i], NULL);
}
__attribute__((annotate("hotpath::main"))) int main(void) {
    spawn();
    printf("%d\n", fib(15));
    for (int i = 0; i < 5; i++)
        jumpee();
    mid(1000);
    return 0;
}
"""

FORK_PROGRAM = r"""
#include <stdio.h>
#include <sys/wait.h>
#include <unistd.h>
static volatile unsigned long sink;
__attribute__((annotate("hotpath"))) static void leaf(int n) { for (int i = 0; i < n; i++) sink += i; }
__attribute__((annotate("hotpath"))) static void parent_only(void) { leaf(10); }
__attribute__((annotate("hotpath"))) static void child_only(void) { leaf(20); leaf(20); }
int main(void) {
    for (int i = 0; i < 10; i++)
        parent_only();
    fflush(stdout);
    pid_t pid = fork();
    if (pid == 0) {
        for (int i = 0; i < 7; i++)
            child_only();
        return 0;
    }
    waitpid(pid, NULL, 0);
    parent_only();
    return 0;
}
"""

CXX_PROGRAM = r"""
#include <cstdio>
#include <stdexcept>
static volatile unsigned long sink;
[[hotpath::measure]] static void leaf(int n) { for (int i = 0; i < n; i++) sink += i; }
[[hotpath::measure]] static void thrower(int i) { leaf(20); if (i % 3 == 0) throw std::runtime_error("x"); }
[[hotpath::measure]] static void through(int i) { leaf(10); thrower(i); leaf(10); }
[[hotpath::measure]] static int catcher(int i) {
    try { through(i); } catch (const std::exception &) { return 1; }
    return 0;
}
[[hotpath::main]] int main() {
    int caught = 0;
    for (int i = 0; i < 300; i++)
        caught += catcher(i);
    std::printf("%d\n", caught);
    return 0;
}
"""


def load_schema(here):
    with open(os.path.join(here, "trace_event.schema.json")) as f:
        return json.load(f)


def schema_errors(trace, schema):
    try:
        import jsonschema
    except ImportError:
        return None  # not installed: the structural checks only
    v = jsonschema.Draft7Validator(schema)
    return ["schema: %s at %s" % (e.message, list(e.absolute_path)) for e in
            list(v.iter_errors(trace))[:5]]


def structural_errors(trace):
    errs = []
    if not isinstance(trace, dict) or not isinstance(trace.get("traceEvents"), list):
        return ["no traceEvents array"]
    for e in trace["traceEvents"]:
        for k in ("name", "ph", "pid", "tid"):
            if k not in e:
                errs.append("event without %s: %r" % (k, e))
        if e.get("ph") == "X" and not (isinstance(e.get("ts"), (int, float)) and
                                       isinstance(e.get("dur"), (int, float)) and
                                       e["ts"] >= 0 and e["dur"] >= 0):
            errs.append("X event without ts/dur >= 0: %r" % e)
        if len(errs) > 5:
            break
    return errs


def nesting_errors(slices):
    """slices: (ts_ns, end_ns, name) of one thread. Each must be disjoint from
    or inside the enclosing one."""
    errs = []
    stack = []
    for ts, end, name in sorted(slices, key=lambda s: (s[0], -s[1])):
        while stack and stack[-1][1] <= ts:
            stack.pop()
        if stack and end > stack[-1][1]:
            errs.append("%s [%d, %d] overlaps its parent %s [%d, %d]" %
                        (name, ts, end, stack[-1][2], stack[-1][0], stack[-1][1]))
            if len(errs) > 3:
                break
        stack.append((ts, end, name))
    return errs


def ns(us):
    return int(round(us * 1000))


def build(compiler, flags, src, exe, a):
    cmd = shlex.split(compiler) + ["-O2"] + shlex.split(a.plugin_flags) + flags + [
        "-I", a.include, src, a.lib, "-lpthread", "-lm", "-o", exe]
    p = subprocess.run(cmd, capture_output=True, text=True)
    if p.returncode:
        raise RuntimeError("build failed: %s\n%s" % (" ".join(cmd), p.stderr))


def run(exe, work, tag, extra_env):
    for f in glob.glob(os.path.join(work, tag + ".*")):
        os.remove(f)
    # the slices are the raw windows: compared with the raw report (overhead
    # compensation, on by default, takes the probe's cost out of the report only)
    env = dict(os.environ, HOTPATH_OUTPUT_FORMAT="json", HOTPATH_COMPENSATE="0",
               HOTPATH_OUTPUT_PATH=os.path.join(work, tag + ".report.json"),
               HOTPATH_TRACE=os.path.join(work, tag + ".trace.%p.json"), **extra_env)
    p = subprocess.Popen([exe], env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    try:
        _, p.stderr = p.communicate(timeout=120)
    except subprocess.TimeoutExpired:
        p.kill()
        p.communicate()
        raise
    if p.returncode:
        raise RuntimeError("%s exited %d: %s" % (exe, p.returncode, p.stderr))
    traces = glob.glob(os.path.join(work, tag + ".trace.*.json"))
    if traces != [os.path.join(work, "%s.trace.%d.json" % (tag, p.pid))]:
        raise RuntimeError("expected one trace file, %s.trace.%d.json, found %s" % (tag, p.pid, traces))
    if glob.glob(os.path.join(work, tag + ".trace.*.tmp")):
        raise RuntimeError("a temporary trace file was left behind")
    with open(os.path.join(work, tag + ".report.json")) as f:
        report = json.load(f)
    with open(traces[0]) as f:
        trace = json.load(f)  # raises if it is not JSON
    return report, trace, p.stderr


def check_full(report, trace, schema, thread_names=()):
    """Every call is in the trace: the checks of the module's docstring."""
    errs = structural_errors(trace) + (schema_errors(trace, schema) or [])
    evs = trace["traceEvents"]
    xs = [e for e in evs if e["ph"] == "X"]
    by_tid = collections.defaultdict(list)
    for e in xs:
        by_tid[e["tid"]].append((ns(e["ts"]), ns(e["ts"]) + ns(e["dur"]), e["name"]))
    for tid, sl in by_tid.items():
        errs += ["thread %d: %s" % (tid, m) for m in nesting_errors(sl)]
    count = collections.Counter(e["name"] for e in xs)
    durs = collections.defaultdict(int)
    for e in xs:
        durs[e["name"]] += ns(e["dur"])
    for row in report["functions"]:
        name = row["name"]
        if count[name] != row["calls"]:
            errs.append("%s: %d slices, the report counts %d calls" % (name, count[name], row["calls"]))
        if abs(durs[name] - row["sum_ns"]) > 0.01 * row["sum_ns"] + 5:
            errs.append("%s: slices add up to %d ns, the report's sum_ns is %d" %
                        (name, durs[name], row["sum_ns"]))
        recursive = "fib" in name
        if not recursive and abs(durs[name] - row["total_ns"]) > 0.01 * row["total_ns"] + 5:
            errs.append("%s: slices add up to %d ns, the report's total_ns is %d" %
                        (name, durs[name], row["total_ns"]))
    extra = set(count) - {r["name"] for r in report["functions"]} - {report["main"]}
    if extra:
        errs.append("slices of functions the report does not have: %s" % sorted(extra))
    mains = [e for e in xs if e.get("cat") == "hotpath.main"]
    if report["main"]:
        if len(mains) != 1 or mains[0]["name"] != report["main"]:
            errs.append("expected one hotpath.main slice named %s, found %s" % (report["main"], mains))
        elif abs(ns(mains[0]["dur"]) - report["total_ns"]) > 0.01 * report["total_ns"] + 1000:
            errs.append("main slice lasts %d ns, the report's window %d" %
                        (ns(mains[0]["dur"]), report["total_ns"]))
    meta = [e for e in evs if e["ph"] == "M"]
    procs = [e for e in meta if e["name"] == "process_name"]
    if len(procs) != 1 or not procs[0]["args"]["name"]:
        errs.append("expected one process_name: %s" % procs)
    names = sorted(e["args"]["name"] for e in meta if e["name"] == "thread_name")
    for want in thread_names:
        if want not in names:
            errs.append("no thread named %s (names: %s)" % (want, names))
    od = trace.get("otherData", {})
    if od.get("calls_dropped") != 0 or od.get("calls_written") != len(xs):
        errs.append("otherData %s: expected 0 dropped and %d written" % (od, len(xs)))
    return errs


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--cc", required=True)
    ap.add_argument("--cxx", required=True)
    ap.add_argument("--plugin-flags", required=True)
    ap.add_argument("--include", required=True)
    ap.add_argument("--lib", required=True)
    ap.add_argument("--work", required=True)
    ap.add_argument("--hotpath", help="the hotpath command, for the flamegraph checks")
    a = ap.parse_args()
    here = os.path.dirname(os.path.abspath(__file__))
    schema = load_schema(here)
    os.makedirs(a.work, exist_ok=True)
    try:
        import jsonschema  # noqa: F401
        print("schema: tests/e2e/trace_event.schema.json, checked with python3-jsonschema")
    except ImportError:
        print("schema: python3-jsonschema is not installed: structural checks only")
    results = []

    def case(name, fn):
        try:
            errs = fn()
        except (RuntimeError, ValueError, KeyError, subprocess.TimeoutExpired) as e:
            errs = [str(e)]
        results.append(not errs)
        print(("ok   " if not errs else "FAIL ") + name)
        for e in errs:
            print("     " + e)

    csrc, cexe = os.path.join(a.work, "trace_c.c"), os.path.join(a.work, "trace_c")
    xsrc, xexe = os.path.join(a.work, "trace_cpp.cpp"), os.path.join(a.work, "trace_cpp")
    with open(csrc, "w") as f:
        f.write(C_PROGRAM)
    with open(xsrc, "w") as f:
        f.write(CXX_PROGRAM)
    try:
        build(a.cc, ["-std=gnu11"], csrc, cexe, a)
        build(a.cxx, ["-std=c++17"], xsrc, xexe, a)
    except RuntimeError as e:
        print("FAIL build:", e)
        print("0 passed, 1 failed")
        return 1

    def c_full():
        report, trace, _ = run(cexe, a.work, "c", {})
        errs = check_full(report, trace, schema, ["worker-%d" % i for i in range(4)])
        rows = {r["name"]: r for r in report["functions"]}
        if rows.get("trace_c::jumper", {}).get("calls", 0) != 0:
            errs.append("jumper was left by longjmp: no call expected in the report")
        return errs

    def cxx_full():
        report, trace, _ = run(xexe, a.work, "cpp", {})
        rows = {r["name"]: r for r in report["functions"]}
        errs = check_full(report, trace, schema)
        if rows.get("trace_cpp::thrower", {}).get("calls") != 300:
            errs.append("thrower: expected 300 calls (100 of them left by an exception)")
        return errs

    def buffer_full():
        report, trace, stderr = run(cexe, a.work, "full", {"HOTPATH_TRACE_BUFFER": "50"})
        errs = structural_errors(trace) + (schema_errors(trace, schema) or [])
        # the main window's own call ends last: dropped, its slice comes from the window
        xs = [e for e in trace["traceEvents"] if e["ph"] == "X"
              and not e.get("args", {}).get("call_dropped")]
        per_tid = collections.Counter(e["tid"] for e in xs)
        if any(n > 50 for n in per_tid.values()):
            errs.append("more than 50 slices on a thread: %s" % per_tid)
        total = sum(r["calls"] for r in report["functions"]) + 1  # and main's
        od = trace["otherData"]
        if od["calls_written"] != len(xs) or od["calls_written"] + od["calls_dropped"] != total:
            errs.append("written %d + dropped %d != %d calls" %
                        (od["calls_written"], od["calls_dropped"], total))
        full = [e for e in trace["traceEvents"] if e["name"] == "hotpath: trace buffer full"]
        if not full or sum(e["args"]["dropped"] for e in full) != od["calls_dropped"]:
            errs.append("the buffer-full events do not add up to calls_dropped: %s" % full)
        if "calls left out" not in stderr or stderr.count("calls left out") != 1:
            errs.append("expected one stderr line about the dropped calls, got %r" % stderr)
        if not [e for e in trace["traceEvents"] if e.get("cat") == "hotpath.main"]:
            errs.append("the main window is missing from a full trace")
        by_tid = collections.defaultdict(list)
        for e in xs:
            by_tid[e["tid"]].append((ns(e["ts"]), ns(e["ts"]) + ns(e["dur"]), e["name"]))
        for tid, sl in by_tid.items():
            errs += ["thread %d: %s" % (tid, m) for m in nesting_errors(sl)]
        return errs

    def min_ns():
        report, trace, _ = run(cexe, a.work, "min", {"HOTPATH_TRACE_MIN_NS": "2000"})
        errs = structural_errors(trace)
        xs = [e for e in trace["traceEvents"] if e["ph"] == "X"]
        short = [e for e in xs if ns(e["dur"]) < 2000]
        od = trace["otherData"]
        total = sum(r["calls"] for r in report["functions"]) + 1
        if short:
            errs.append("%d slices shorter than 2000 ns kept" % len(short))
        if od["calls_filtered"] == 0 or od["calls_written"] + od["calls_filtered"] != total:
            errs.append("written %d + filtered %d != %d calls (some must be filtered)" %
                        (od["calls_written"], od["calls_filtered"], total))
        return errs

    def bad_values():
        errs = []
        env = dict(os.environ, HOTPATH_OUTPUT_FORMAT="none", HOTPATH_TRACE="x.%n.json",
                   HOTPATH_TRACE_BUFFER="0", HOTPATH_TRACE_MIN_NS="-1")
        p = subprocess.run([cexe], env=env, capture_output=True, text=True, cwd=a.work,
                           timeout=60)
        for var in ("HOTPATH_TRACE=", "HOTPATH_TRACE_BUFFER=", "HOTPATH_TRACE_MIN_NS="):
            lines = [l for l in p.stderr.splitlines() if l.startswith("hotpath: " + var)]
            if len(lines) != 1 or "using the default" not in lines[0]:
                errs.append("expected one line for %s, got %r" % (var, p.stderr))
        if p.returncode or glob.glob(os.path.join(a.work, "x.*")):
            errs.append("a refused HOTPATH_TRACE wrote a trace or failed (%d)" % p.returncode)
        return errs

    def flamegraph():
        report, trace, _ = run(cexe, a.work, "fg", {})
        tpath = glob.glob(os.path.join(a.work, "fg.trace.*.json"))[0]
        p = subprocess.run([a.hotpath, "flamegraph", tpath], capture_output=True, text=True)
        errs = [] if p.returncode == 0 else ["hotpath flamegraph exited %d: %s" % (p.returncode, p.stderr)]
        self_by_fn = collections.defaultdict(int)
        chains = set()
        for line in p.stdout.splitlines():
            stack, _, count = line.rpartition(" ")
            frames = stack.split(";")
            chains.add(stack)
            self_by_fn[frames[-1]] += int(count)
        for row in report["functions"]:
            # jumpee's jumper is left by longjmp: its frame is dropped, so the
            # report keeps jumper's time, leaf(10) included, in jumpee's Self,
            # while the trace, which has no jumper slice, nests leaf(10)
            # directly under jumpee. Its self differs by those leaf calls.
            if row["name"] == "trace_c::jumpee":
                continue
            got, want = self_by_fn[row["name"]], row["self_ns"]
            if abs(got - want) > 0.01 * want + 5 * row["calls"] ** 0.5 + 5:
                errs.append("%s: folded self %d ns, the report's self_ns %d" % (row["name"], got, want))
        for want in ("trace_c::worker;trace_c::mid;trace_c::leaf",
                     "trace_c::main;trace_c::mid;trace_c::leaf",
                     "trace_c::main;trace_c::fib;trace_c::fib",
                     "trace_c::main;trace_c::jumpee;trace_c::leaf"):
            if want not in chains:
                errs.append("no chain %s in the folded stacks" % want)
        if any("jumper" in c for c in chains):
            errs.append("jumper, left by longjmp, has a chain")
        svg = os.path.join(a.work, "fg.svg")
        p = subprocess.run([a.hotpath, "flamegraph", "--svg", "-o", svg, tpath],
                           capture_output=True, text=True)
        if p.returncode:
            errs.append("--svg exited %d: %s" % (p.returncode, p.stderr))
        else:
            import xml.etree.ElementTree as ET
            root = ET.parse(svg).getroot()
            titles = [t.text for t in root.iter("{http://www.w3.org/2000/svg}title")]
            for fn in ("trace_c::worker", "trace_c::fib", "trace_c::mid"):
                if not any(t.startswith(fn + " (") for t in titles):
                    errs.append("no box for %s in the SVG" % fn)
        p = subprocess.run([a.hotpath, "flamegraph", os.path.join(a.work, "fg.report.json")],
                           capture_output=True, text=True)
        if p.returncode != 2 or "traceEvents" not in p.stderr:
            errs.append("a report given as a trace: expected exit 2 and a line naming traceEvents, "
                        "got %d %r" % (p.returncode, p.stderr))
        return errs

    def fork():
        fsrc, fexe = os.path.join(a.work, "trace_fork.c"), os.path.join(a.work, "trace_fork")
        with open(fsrc, "w") as f:
            f.write(FORK_PROGRAM)
        build(a.cc, ["-std=gnu11"], fsrc, fexe, a)
        for f in glob.glob(os.path.join(a.work, "fork.*")):
            os.remove(f)
        env = dict(os.environ, HOTPATH_OUTPUT_FORMAT="json", HOTPATH_COMPENSATE="0",  # raw, as run()
                   HOTPATH_OUTPUT_PATH=os.path.join(a.work, "fork.report.%p.json"),
                   HOTPATH_TRACE=os.path.join(a.work, "fork.trace.%p.json"))
        subprocess.run([fexe], env=env, check=True, timeout=60)
        errs = []
        reports = sorted(glob.glob(os.path.join(a.work, "fork.report.*.json")))
        if len(reports) != 2:
            return ["expected 2 reports (parent, child), found %s" % reports]
        for rp in reports:
            pid = rp.split(".")[-2]
            tp = os.path.join(a.work, "fork.trace.%s.json" % pid)
            if not os.path.exists(tp):
                errs.append("no trace of process %s" % pid)
                continue
            with open(rp) as f:
                report = json.load(f)
            with open(tp) as f:
                trace = json.load(f)
            errs += ["process %s: %s" % (pid, e) for e in check_full(report, trace, schema)]
        return errs

    case("C: nested, recursion, 4 threads, longjmp", c_full)
    case("C++: an exception through measured frames", cxx_full)
    case("fork: each process its trace (%p), the child's from the fork", fork)
    case("HOTPATH_TRACE_BUFFER=50: full buffers, drops counted", buffer_full)
    case("HOTPATH_TRACE_MIN_NS=2000: short calls left out, counted", min_ns)
    case("bad HOTPATH_TRACE* values: one line each, the default used", bad_values)
    if a.hotpath:
        case("hotpath flamegraph: folded stacks and SVG from the C trace", flamegraph)
    else:
        print("skip hotpath flamegraph: the hotpath command is not built (libcjson-dev)")
    passed = sum(results)
    print("%d passed, %d failed" % (passed, len(results) - passed))
    return 0 if passed == len(results) else 1


if __name__ == "__main__":
    sys.exit(main())
