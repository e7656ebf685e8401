#!/usr/bin/env python3
"""make bench: hotpath side by side with the peers, in one run.

    bench.py --build build [--quick] [--docs] [--work DIR] [--no-rt]

Sections, all in the same run (each one's method is in docs/benchmarks.md):
  percall   bench/percall.c: an empty noinline function at -O2 built plain,
            through hotpath's GCC plugin and each Clang plugin, with
            -finstrument-functions and the cheapest hooks that do the same
            work (bench/cyg_hooks.c), under `uftrace record` (-pg and
            -finstrument-functions builds) and with LLVM XRay (unpatched,
            basic, FDR, profiling). Interleaved rounds: each round runs every
            build once, the plain build first (it also times two bare rdtsc,
            the floor); ns added = the build's ns per call - the plain
            build's in the same round; median and min-max over the rounds;
            instructions per call from callgrind (--toggle-collect=run_calls).
  workload  bench/workload.c (~50 ns and ~50 us measured functions, about 1 s
            plain) under each tool: the slowdown of the run (in-process wall
            time, and the whole process with its start-up and write-out),
            and each per-function Total against the plain build's truth
            (hotpath JSON, uftrace report, llvm-xray account).
  scaling   generated programs with 10, 1,000 and 100,000 measured sites
            called round-robin, by 1 and 2 threads, plain and through the GCC
            plugin: ns added per call and peak RSS delta per (site, thread).
  alloc     examples/alloc_benchmark (static and shared runtime): malloc+free
            pairs, tracking off and on, against glibc; callgrind per pair.
  compile   scripts/bench_compile_time.py on zlib (Debian source package),
            plain and with each plugin (loaded; include=.*).

Writes WORK/results.json; --docs also regenerates the tables of
docs/benchmarks.md (between its "make bench" markers) and the chart
docs/bench-overhead.svg (scripts/bench_docs.py, gnuplot). --quick: a smoke
run of every section with small counts, one round (ctest bench_quick);
tools that are not installed are skipped with a note, never an error.
As root the timing runs use `chrt -f 50` (real-time priority; --no-rt
turns it off): steadier figures on a shared machine.
"""
import argparse
import json
import os
import platform
import re
import shutil
import statistics
import subprocess
import sys
import tempfile
import time

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
BENCH = os.path.join(ROOT, "bench")
INCLUDE = os.path.join(ROOT, "runtime", "include")


def log(msg):
    print(msg, flush=True)


def run(cmd, env=None, cwd=None, timeout=900, check=True):
    full = dict(os.environ)
    for k in list(full):
        if k.startswith(("HOTPATH_", "XRAY_")):
            del full[k]
    full.update(env or {})
    r = subprocess.run(cmd, env=full, cwd=cwd, capture_output=True, text=True, timeout=timeout)
    if check and r.returncode != 0:
        raise RuntimeError("%s: exit %d: %s" % (" ".join(cmd), r.returncode, r.stderr.strip()[-600:]))
    return r


def tool_version(cmd):
    try:
        return subprocess.run(cmd, capture_output=True, text=True).stdout.splitlines()[0].strip()
    except (OSError, IndexError):
        return None


def machine():
    cpu = {}
    for line in open("/proc/cpuinfo"):
        if ":" in line:
            k, v = (s.strip() for s in line.split(":", 1))
            cpu.setdefault(k, v)
    flags = cpu.get("flags", "").split()
    try:
        clocksource = open("/sys/devices/system/clocksource/clocksource0/current_clocksource").read().strip()
    except OSError:
        clocksource = "?"
    return {
        "cpu": cpu.get("model name", "?"),
        "family_model": "family %s, model %s" % (cpu.get("cpu family", "?"), cpu.get("model", "?")),
        "cpus": os.cpu_count(),
        "tsc_flags": " ".join(f for f in ("constant_tsc", "nonstop_tsc", "rdtscp", "tsc_known_freq")
                              if f in flags) or "none",
        "no_rdtscp": "rdtscp" not in flags,
        "kernel": platform.release(),
        "clocksource": clocksource,
        "load_before": os.getloadavg()[0],
        "gcc": tool_version(["gcc", "-dumpfullversion"]),
        "clang14": tool_version(["clang-14", "--version"]),
        "clang19": tool_version(["clang-19", "--version"]),
        "uftrace": tool_version(["uftrace", "--version"]),
        "valgrind": tool_version(["valgrind", "--version"]),
        "date": time.strftime("%Y-%m-%d %H:%M UTC", time.gmtime()),
    }


class Tool:
    """One way of building and running bench/*.c: a compiler, its flags,
    what the run is prefixed with, its environment."""

    def __init__(self, key, label, cc, cflags=(), extra_src=(), libs=(), env=None,
                 runner=None, slow=False, report=None, family=None):
        self.key, self.label, self.cc = key, label, cc
        self.cflags, self.extra_src, self.libs = list(cflags), list(extra_src), list(libs)
        self.env = env or {}
        self.runner = runner  # "uftrace" or None
        self.slow = slow      # runs a tenth of the calls (microseconds per call)
        self.report = report  # "hotpath", "uftrace", "xray": gives per-function totals
        self.family = family or key
        self.skip = None

    def build(self, src, out):
        if os.path.exists(out):
            return out
        cmd = [self.cc, "-O2", "-I", INCLUDE, *self.cflags, src, *self.extra_src, "-o", out, *self.libs]
        run(cmd)
        return out


def tools(build, quick):
    gcc_so = os.path.join(build, "plugin-gcc", "hotpath.so")
    lib = [os.path.join(build, "runtime", "libhotpath.a"), "-lpthread", "-lm", "-ldl"]
    hooks = os.path.join(BENCH, "cyg_hooks.c")
    xray = ["-fxray-instrument", "-fxray-instruction-threshold=1", "-DBENCH_XRAY_FLUSH"]
    # XRay's logging modes skip calls shorter than 5 us by default (basic
    # and FDR): threshold 0 so that they record every call, as the others do.
    xenv = {"XRAY_BASIC_OPTIONS": "func_duration_threshold_us=0",
            "XRAY_FDR_OPTIONS": "func_duration_threshold_us=0"}
    t = [Tool("plain", "no instrumentation (gcc -O2)", "gcc")]
    t.append(Tool("hotpath-gcc", "hotpath, GCC plugin", "gcc", ["-fplugin=" + gcc_so], libs=lib,
                  report="hotpath"))
    for n, so in (("14", "hotpath-clang.so"), ("19", "hotpath-clang-19.so")):
        t.append(Tool("hotpath-clang" + n, "hotpath, Clang %s plugin" % n, "clang-" + n,
                      ["-fplugin=" + os.path.join(build, "plugin-clang", so)], libs=lib,
                      report="hotpath"))
    t.append(Tool("cyg-gcc", "-finstrument-functions, minimal hooks (GCC)", "gcc",
                  ["-finstrument-functions"], extra_src=[hooks]))
    t.append(Tool("cyg-clang19", "-finstrument-functions, minimal hooks (Clang 19)", "clang-19",
                  ["-finstrument-functions"], extra_src=[hooks]))
    t.append(Tool("uftrace-pg", "uftrace record, -pg (GCC)", "gcc", ["-pg"], runner="uftrace",
                  slow=True, report="uftrace"))
    t.append(Tool("uftrace-fi", "uftrace record, -finstrument-functions (GCC)", "gcc",
                  ["-finstrument-functions"], runner="uftrace", slow=True, report="uftrace"))
    t.append(Tool("xray-unpatched", "XRay, sleds unpatched (Clang 19)", "clang-19", xray,
                  env={"XRAY_OPTIONS": "patch_premain=false"}, family="xray"))
    t.append(Tool("xray-basic", "XRay basic mode (Clang 19)", "clang-19", xray,
                  env=dict(xenv, XRAY_OPTIONS="patch_premain=true xray_mode=xray-basic verbosity=0"),
                  slow=True, report="xray", family="xray"))
    t.append(Tool("xray-fdr", "XRay FDR mode (Clang 19)", "clang-19", xray,
                  env=dict(xenv, XRAY_OPTIONS="patch_premain=true xray_mode=xray-fdr verbosity=0"),
                  slow=True, report="xray", family="xray"))
    t.append(Tool("xray-profiling", "XRay profiling mode (Clang 19)", "clang-19",
                  xray + ["-fxray-modes=xray-profiling"],
                  env={"XRAY_OPTIONS": "patch_premain=true xray_mode=xray-profiling verbosity=0"},
                  slow=True, family="xray-profiling"))
    # What is missing is skipped, with the reason.
    have = {c: shutil.which(c) for c in ("gcc", "clang-14", "clang-19", "uftrace")}
    for x in t:
        if not have.get(x.cc):
            x.skip = x.cc + " not installed"
        elif x.runner == "uftrace" and not have["uftrace"]:
            x.skip = "uftrace not installed (apt-get install uftrace)"
        for f in x.cflags:
            if f.startswith("-fplugin=") and not os.path.exists(f[9:]):
                x.skip = "plugin not built: " + f[9:]
    return t


def xray_ok(tool, work):
    """Whether this clang links XRay (libclang-rt-N-dev installed)."""
    probe = os.path.join(work, "xray-probe-" + tool.key)
    src = os.path.join(work, "xray-probe.c")
    with open(src, "w") as f:
        f.write("int main(void) { return 0; }\n")
    r = subprocess.run([tool.cc, *tool.cflags, src, "-o", probe], capture_output=True, text=True)
    return r.returncode == 0


class Runner:
    def __init__(self, work, rt):
        self.work, self.rt = work, rt

    def command(self, tool, exe, args, tracedir):
        cmd = [exe, *args]
        if tool.runner == "uftrace":
            cmd = ["uftrace", "record", "-d", os.path.join(tracedir, "uftrace.data"), *cmd]
        return cmd

    def env(self, tool, tracedir, hotpath_format="none"):
        env = dict(tool.env)
        if "XRAY_OPTIONS" in env:
            env["XRAY_OPTIONS"] += " xray_logfile_base=%s/xray-log." % tracedir
        if tool.report == "hotpath" or tool.key.startswith("hotpath"):
            env["HOTPATH_OUTPUT_FORMAT"] = hotpath_format
        return env

    def timed(self, tool, exe, args, hotpath_format="none", keep=False):
        """Runs one process; returns (stdout, stderr, wall seconds, tracedir)."""
        tracedir = tempfile.mkdtemp(prefix=tool.key + "-", dir=self.work)
        cmd = self.command(tool, exe, args, tracedir)
        if self.rt:
            cmd = ["chrt", "-f", "50", *cmd]
        t0 = time.monotonic()
        r = run(cmd, env=self.env(tool, tracedir, hotpath_format), cwd=tracedir)
        wall = time.monotonic() - t0
        if not keep:
            shutil.rmtree(tracedir, ignore_errors=True)
        return r.stdout, r.stderr, wall, tracedir


def summary(xs):
    xs = [x for x in xs if x is not None]
    if not xs:
        return None
    return {"median": statistics.median(xs), "min": min(xs), "max": max(xs), "n": len(xs)}


def value(out, key):
    m = re.search(r"^%s ([0-9.]+)$" % key, out, re.M)
    if not m:
        raise RuntimeError("no '%s' in output: %s" % (key, out[-300:]))
    return float(m.group(1))


# ---------------------------------------------------------------- percall

def callgrind_instructions(tool, exe, n, runner, work):
    """Instructions executed inside run_calls (warm-up n/10 + n calls), per call."""
    if not shutil.which("valgrind"):
        return None, "valgrind not installed"
    tracedir = tempfile.mkdtemp(prefix="cg-" + tool.key + "-", dir=work)
    vg = ["valgrind", "--tool=callgrind", "--toggle-collect=run_calls",
          "--callgrind-out-file=/dev/null"]
    if tool.runner == "uftrace":
        vg.append("--trace-children=yes")
    if tool.family.startswith("xray"):
        vg.append("--smc-check=all")  # XRay patches its sleds at run time
    cmd = vg + runner.command(tool, exe, [str(n)], tracedir)
    r = run(cmd, env=runner.env(tool, tracedir), cwd=tracedir, check=False, timeout=1200)
    shutil.rmtree(tracedir, ignore_errors=True)
    counts = [int(c.replace(",", "")) for c in re.findall(r"Collected : ([0-9,]+)", r.stderr)]
    if r.returncode != 0 or not counts or max(counts) == 0:
        return None, "callgrind: exit %d, %s" % (r.returncode, (r.stderr.strip().splitlines() or ["?"])[-1])
    return max(counts) / (n + n // 10), None


def percall(ts, work, runner, quick):
    n_fast = 20000 if quick else 2000000
    rounds = 1 if quick else 9
    exes = {}
    src = os.path.join(BENCH, "percall.c")
    for t in ts:
        if t.skip:
            continue
        if t.family.startswith("xray") and not xray_ok(t, work):
            t.skip = "%s cannot link XRay (apt-get install libclang-rt-19-dev)" % t.cc
            continue
        try:
            exes[t.key] = t.build(src, os.path.join(work, "percall-" + t.key.replace("xray-unpatched", "xray")
                                                    .replace("xray-basic", "xray").replace("xray-fdr", "xray")))
        except RuntimeError as e:
            t.skip = "build failed: " + str(e)[:200]
    live = [t for t in ts if not t.skip]
    ns = {t.key: [] for t in live}
    floor, plain = [], []
    logs = {}  # XRay modes: whether every run wrote a log file
    for r in range(rounds):
        order = live[1:]
        k = r % len(order) if order else 0
        order = order[k:] + order[:k]
        out = runner.timed(live[0], exes["plain"], ["--floor", str(n_fast)])[0]
        fl = value(out, "rdtsc_loop") - value(out, "empty_loop")
        base = value(runner.timed(live[0], exes["plain"], [str(n_fast)])[0], "ns_per_call")
        floor.append(fl)
        plain.append(base)
        for t in order:
            n = n_fast // 20 if t.slow else n_fast
            try:
                xlog = t.family.startswith("xray") and t.key != "xray-unpatched"
                out, _, _, tracedir = runner.timed(t, exes[t.key], [str(n)], keep=xlog)
                if xlog:
                    logs[t.key] = logs.get(t.key, True) and any(
                        f.startswith("xray-log.") for f in os.listdir(tracedir))
                    shutil.rmtree(tracedir, ignore_errors=True)
                v = value(out, "ns_per_call")
                ns[t.key].append((v - base, (v - base) / fl))
            except RuntimeError as e:
                t.skip = "run failed: " + str(e)[:300]
        log("  percall round %d/%d: floor %.2f ns, plain %.2f ns/call" % (r + 1, rounds, fl, base))
    res = {"calls": n_fast, "calls_slow": n_fast // 20, "rounds": rounds,
           "floor_ns": summary(floor), "plain_ns": summary(plain), "tools": []}
    n_cg = 2000 if quick else 1000000
    cg_plain = None
    for t in ts:
        row = {"key": t.key, "label": t.label}
        if t.skip:
            row["skip"] = t.skip
            res["tools"].append(row)
            continue
        if t.key in logs:
            row["log_written"] = logs[t.key]
        if t.key != "plain":
            row["added_ns"] = summary([a for a, _ in ns[t.key]])
            row["ratio"] = summary([b for _, b in ns[t.key]])
        n = n_cg // 20 if t.slow else n_cg
        if quick and t.key not in ("plain", "hotpath-gcc", "xray-unpatched"):
            ins, why = None, "quick mode: not counted"
        else:
            ins, why = callgrind_instructions(t, exes[t.key], n, runner, work)
        if t.key == "plain":
            cg_plain = ins
            row["instructions"] = ins
        elif ins is not None and cg_plain is not None:
            row["instructions_added"] = ins - cg_plain
        else:
            row["instructions_note"] = why
        res["tools"].append(row)
        log("  percall %-15s %s" % (t.key, json.dumps({k: v for k, v in row.items()
                                                        if k not in ("key", "label")})))
    # the floor's own instruction count: two rdtsc and the loop's sum
    res["floor_instructions"] = 2
    return res


# ---------------------------------------------------------------- workload

UNITS = {"ns": 1.0, "us": 1e3, "ms": 1e6, "s": 1e9, "m": 60e9, "h": 3600e9}


def totals_uftrace(tracedir):
    data = os.path.join(tracedir, "uftrace.data")
    r = run(["uftrace", "report", "-d", data, "-f", "total,call", "--no-pager"], check=False)
    if r.returncode != 0:  # older uftrace: no --no-pager
        r = run(["uftrace", "report", "-d", data, "-f", "total,call"])
    out = {}
    for line in r.stdout.splitlines():
        m = re.match(r"\s*([0-9.]+) (ns|us|ms|s|m|h)\s+([0-9]+)\s+(\S+)\s*$", line)
        if m:
            out[m.group(4)] = {"total_ns": float(m.group(1)) * UNITS[m.group(2)],
                               "calls": int(m.group(3))}
    return out


def totals_xray(tracedir, exe):
    logs = [os.path.join(tracedir, f) for f in os.listdir(tracedir) if f.startswith("xray-log.")]
    if not logs:
        raise RuntimeError("no xray-log file written")
    xr = shutil.which("llvm-xray-19") or "llvm-xray"
    r = run([xr, "account", "-instr_map=" + exe, "-format=csv", "-sort=sum", max(logs, key=os.path.getsize)])
    out = {}
    for line in r.stdout.splitlines()[1:]:
        f = line.split(",")
        if len(f) >= 9:
            out[f[-1].strip().strip('"')] = {"calls": int(f[1]), "total_ns": float(f[7]) * 1e9}
    return out


def totals_hotpath(stderr):
    lines = [l for l in stderr.strip().splitlines() if l.startswith("{")]
    rep = json.loads(lines[-1])
    return {f["name"].split("::")[-1]: {"calls": f["calls"], "total_ns": f["total_ns"]}
            for f in rep["functions"]}


FUNCS = ("workload_step", "workload_short", "workload_long")


def workload(ts, work, runner, quick):
    steps = 100 if quick else 18000
    rounds = 1 if quick else 3
    src = os.path.join(BENCH, "workload.c")
    exes = {}
    live = []
    for t in ts:
        if t.skip:
            continue
        try:
            exes[t.key] = t.build(src, os.path.join(work, "workload-" + t.family))
            live.append(t)
        except RuntimeError as e:
            t.skip = "build failed: " + str(e)[:200]
    per_step = {t.key: [] for t in live}
    wall = {t.key: [] for t in live}
    errs = {t.key: {f: [] for f in FUNCS} for t in live}
    truths, plain_step, plain_wall = [], [], []
    logs_written = {}
    for r in range(rounds):
        order = live[1:]
        k = r % len(order) if order else 0
        order = order[k:] + order[:k]
        out, _, w, _ = runner.timed(live[0], exes["plain"], ["--truth", str(steps)])
        truth = json.loads(out.strip().splitlines()[-1])
        truths.append(truth)
        # the plain run's wall time includes its truth loops: time a bare run too
        out, _, w, _ = runner.timed(live[0], exes["plain"], [str(steps)])
        plain_step.append(value(out, "work_ns") / steps)
        plain_wall.append(w / steps)
        for t in order:
            n = steps // 10 if t.slow else steps
            tracedir = None
            try:
                out, err, w, tracedir = runner.timed(t, exes[t.key], [str(n)], "json", keep=True)
                per_step[t.key].append(value(out, "work_ns") / n / plain_step[-1])
                wall[t.key].append(w / n / plain_wall[-1])
                got = None
                if t.family.startswith("xray") and t.key != "xray-unpatched":
                    wrote = any(f.startswith("xray-log.") for f in os.listdir(tracedir))
                    logs_written.setdefault(t.key, []).append(wrote)
                if t.report == "hotpath":
                    got = totals_hotpath(err)
                elif t.report == "uftrace":
                    got = totals_uftrace(tracedir)
                elif t.report == "xray" and logs_written[t.key][-1]:
                    got = totals_xray(tracedir, exes[t.key])
                if got is not None:
                    for f in FUNCS:
                        tr = truth["functions"][f]
                        g = got.get(f)
                        if g is None:
                            continue
                        exact = tr["calls"] * n / steps
                        errs[t.key][f].append({"err": g["total_ns"] / (tr["total_ns"] * n / steps) - 1,
                                               "calls": g["calls"], "expected": exact})
                shutil.rmtree(tracedir, ignore_errors=True)
            except (RuntimeError, ValueError, KeyError, IndexError) as e:
                t.skip = "workload run failed: " + str(e)[:300]
                if tracedir:
                    shutil.rmtree(tracedir, ignore_errors=True)
        log("  workload round %d/%d: plain %.1f us per step" % (r + 1, rounds, plain_step[-1] / 1e3))
    t0 = truths[0]
    res = {"steps": steps, "steps_slow": steps // 10, "rounds": rounds,
           "plain_work_s": summary([p * steps / 1e9 for p in plain_step]),
           "truth_per_call_ns": {f: summary([t["functions"][f]["total_ns"] / t["functions"][f]["calls"]
                                             for t in truths]) for f in FUNCS},
           "calls_per_ms": (t0["functions"]["workload_short"]["calls"] + 2 * steps) / (t0["work_ns"] / 1e6),
           "tools": []}
    for t in ts:
        row = {"key": t.key, "label": t.label}
        if t.skip or t.key not in per_step:
            row["skip"] = t.skip or "not run"
        elif t.key != "plain":
            if t.key in logs_written:
                row["log_written"] = all(logs_written[t.key])
            row["slowdown"] = summary(per_step[t.key])
            row["slowdown_process"] = summary(wall[t.key])
            row["runs"] = len(per_step[t.key])
            if t.report:
                row["total_err"] = {}
                for f in FUNCS:
                    e = errs[t.key][f]
                    if e:
                        row["total_err"][f] = summary([x["err"] for x in e])
                        row.setdefault("calls_exact", True)
                        if any(abs(x["calls"] - x["expected"]) > 0.5 for x in e):
                            row["calls_exact"] = False
                    else:
                        row["total_err"][f] = None
        res["tools"].append(row)
        log("  workload %-15s %s" % (t.key, json.dumps({k: v for k, v in row.items()
                                                         if k not in ("key", "label")})))
    return res


# ---------------------------------------------------------------- scaling

SCALING_SRC = r"""
/* K sites measured through the manual API (hotpath_enter/hotpath_exit, the
 * calls the plugins emit), called round-robin by each thread; built with
 * -DMEASURED and without (the same program, the same site array, nothing
 * measured). One function for every site: 100,000 generated functions take
 * minutes to compile, the runtime's cost per site is the same. */
#include <hotpath/hotpath.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/resource.h>
#include <time.h>
static long nsites, calls;
static struct hotpath_site *sites;
static double ns[64];
__attribute__((noinline)) static void call(struct hotpath_site *s) {
#ifdef MEASURED
    uint64_t t = hotpath_enter(s);
    __asm__ volatile("");
    hotpath_exit(s, t);
#else
    __asm__ volatile("" : : "r"(s));
#endif
}
static double now_ns(void) {
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec * 1e9 + (double)ts.tv_nsec;
}
static void *worker(void *arg) {
    long id = (long)arg;
    for (long i = 0; i < nsites; i++) /* warm-up: every site once */
        call(&sites[i]);
    double t0 = now_ns();
    for (long i = 0, k = 0; i < calls; i++) {
        call(&sites[k]);
        if (++k == nsites)
            k = 0;
    }
    ns[id] = (now_ns() - t0) / (double)calls;
    return 0;
}
int main(int argc, char **argv) {
    int threads = atoi(argv[1]);
    nsites = atol(argv[2]);
    calls = atol(argv[3]);
    char *names = malloc((size_t)nsites * 24);
    sites = calloc((size_t)nsites, sizeof *sites);
    for (long i = 0; i < nsites; i++) {
        snprintf(names + i * 24, 24, "scaling::site%ld", i);
        struct hotpath_site s = HOTPATH_SITE_INIT(names + i * 24, HOTPATH_KIND_FUNCTION);
        sites[i] = s;
    }
    pthread_t t[64];
    for (long i = 0; i < threads; i++)
        pthread_create(&t[i], 0, worker, (void *)i);
    double sum = 0;
    for (long i = 0; i < threads; i++) {
        pthread_join(t[i], 0);
        sum += ns[i];
    }
    struct rusage ru;
    getrusage(RUSAGE_SELF, &ru);
    printf("ns_per_call %.3f\nmaxrss_kb %ld\n", sum / threads, ru.ru_maxrss);
    return 0;
}
"""


def scaling(ts, work, runner, quick, build):
    sizes = [10, 1000] if quick else [10, 1000, 100000]
    threads = [1, 2]
    calls = 100000 if quick else 4000000
    rounds = 1 if quick else 3
    d = os.path.join(work, "scaling")
    os.makedirs(d, exist_ok=True)
    src = os.path.join(d, "scaling.c")
    with open(src, "w") as f:
        f.write(SCALING_SRC)
    lib = [os.path.join(build, "runtime", "libhotpath.a"), "-lpthread", "-lm", "-ldl"]
    plain = Tool("scaling-plain", "plain", "gcc", libs=["-lpthread"])
    hot = Tool("scaling-hotpath", "hotpath", "gcc", ["-DMEASURED"], libs=lib, report="hotpath")
    exe_p = plain.build(src, os.path.join(d, "plain"))
    exe_h = hot.build(src, os.path.join(d, "hotpath"))
    res = {"calls_per_thread": calls, "rounds": rounds, "rows": []}
    for k in sizes:
        for th in threads:
            added, rss = [], []
            for _ in range(rounds):
                args = [str(th), str(k), str(calls)]
                op = runner.timed(plain, exe_p, args)[0]
                oh = runner.timed(hot, exe_h, args)[0]
                added.append(value(oh, "ns_per_call") - value(op, "ns_per_call"))
                rss.append((value(oh, "maxrss_kb") - value(op, "maxrss_kb")) * 1024)
            row = {"sites": k, "threads": th, "added_ns": summary(added), "rss_delta": summary(rss),
                   "bytes_per_site_thread": statistics.median(rss) / (k * th)}
            res["rows"].append(row)
            log("  scaling %s" % json.dumps(row))
    return res


# ---------------------------------------------------------------- alloc

def alloc(build, work, runner, quick):
    res = []
    rounds = 1 if quick else 3
    n_cg = 2000 if quick else 1000000
    forms = (("alloc_benchmark", "libhotpath.a"), ("alloc_benchmark_shared", "libhotpath.so"))
    for name, form in forms[:1] if quick else forms:
        exe = os.path.join(build, "examples", name)
        if not os.path.exists(exe):
            res.append({"form": form, "skip": exe + " not built"})
            continue
        fake = Tool("alloc", form, None, report="hotpath")
        runs = []
        for _ in range(rounds):
            out = runner.timed(fake, exe, [])[0]
            runs.append({m.group(1).strip(): float(m.group(2)) for m in
                         re.finditer(r"^\s+(.+?)\s+([0-9.]+)\s+\(([0-9.]+) x glibc\)", out, re.M)})
        names = list(runs[0])
        row = {"form": form, "variants": {}}
        for v in names:
            row["variants"][v] = {"ns": summary([r[v] for r in runs]),
                                  "x_glibc": summary([r[v] / r[names[0]] for r in runs])}
        if shutil.which("valgrind"):
            ins = {}
            for v in ("glibc", "malloc-on") if quick else ("glibc", "malloc-off", "malloc-on", "new-off", "new-on"):
                c = []
                for n in (n_cg, 0):
                    r = run(["valgrind", "--tool=callgrind", "--callgrind-out-file=/dev/null", exe,
                             "--only=" + v, str(n)], env={"HOTPATH_OUTPUT_FORMAT": "none"})
                    c.append(int(re.search(r"Collected : ([0-9]+)", r.stderr).group(1)))
                ins[v] = (c[0] - c[1]) / n_cg
            row["instructions"] = ins
        res.append(row)
        log("  alloc %s" % json.dumps(row))
    return {"rounds": rounds, "rows": res}


# ---------------------------------------------------------------- compile

def zlib_source(work, quick):
    """The zlib source tree (apt-get source zlib) and a log of its build."""
    if quick:
        return None, "quick mode: replays bench/*.c instead of zlib"
    if not shutil.which("dpkg-source"):
        return None, "dpkg-dev not installed (scripts/deb-src.sh)"
    src = os.path.join(work, "src")
    os.makedirs(src, exist_ok=True)
    # each version apt knows, newest first: a mirror may have dropped one
    shown = run(["apt-cache", "showsrc", "zlib"], check=False).stdout
    versions = [l.split(":", 1)[1].strip() for l in shown.splitlines() if l.startswith("Version:")]
    err = "apt-cache showsrc zlib: no version (deb-src entry missing? scripts/deb-src.sh)"
    dirs = []
    for v in versions:
        r = run(["apt-get", "source", "-q", "zlib=" + v], cwd=src, check=False, timeout=600)
        dirs = [d for d in os.listdir(src) if d.startswith("zlib-") and os.path.isdir(os.path.join(src, d))]
        if r.returncode == 0 and dirs:
            break
        err = "apt-get source zlib=%s failed: %s" % (v, r.stderr.strip()[-200:])
    if not dirs:
        return None, err
    tree = os.path.join(src, sorted(dirs)[-1])
    run(["./configure", "--static"], cwd=tree, env={"CC": "gcc", "CFLAGS": "-O2 -g"})
    run(["make", "clean"], cwd=tree)
    r = run(["make", "libz.a"], cwd=tree, env={"CC": "gcc", "CFLAGS": "-O2 -g"})
    logf = os.path.join(work, "zlib-make.log")
    with open(logf, "w") as f:
        f.write(r.stdout)
    return (tree, logf), None


def compile_time(build, work, quick):
    got, why = zlib_source(work, quick)
    if got is None:
        tree = BENCH
        logf = os.path.join(work, "bench-make.log")
        with open(logf, "w") as f:
            for s in ("cyg_hooks.c",):
                f.write("gcc -O2 -g -I%s -c %s -o %s.o\n" % (INCLUDE, s, s[:-2]))
        name = "bench/cyg_hooks.c" + (" (quick mode)" if quick else " (zlib not available)")
    else:
        tree, logf = got
        name = os.path.basename(tree)
    res = {"code_base": name, "note": why, "rows": []}
    plugins = (("GCC", None, os.path.join(build, "plugin-gcc", "hotpath.so")),
               ("Clang 14", "clang-14", os.path.join(build, "plugin-clang", "hotpath-clang.so")),
               ("Clang 19", "clang-19", os.path.join(build, "plugin-clang", "hotpath-clang-19.so")))
    for label, cc, so in plugins[:1] if quick else plugins:
        if not os.path.exists(so) or (cc and not shutil.which(cc)):
            res["rows"].append({"compiler": label, "skip": "not built or not installed"})
            continue
        out = os.path.join(work, "compile-%s.json" % label.replace(" ", ""))
        cmd = [sys.executable, os.path.join(ROOT, "scripts", "bench_compile_time.py"), "--log", logf,
               "--dir", tree, "--plugin", so, "--rounds", "1" if quick else "2", "--json", out]
        if cc:
            cmd += ["--cc", cc]
        run(cmd, timeout=1800)
        row = json.load(open(out))
        row["compiler"] = label
        res["rows"].append(row)
        log("  compile %s" % json.dumps(row))
    return res


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--build", default="build")
    ap.add_argument("--work", help="folder for the builds and results (default: BUILD/bench)")
    ap.add_argument("--quick", action="store_true", help="smoke run: small counts, one round")
    ap.add_argument("--docs", action="store_true",
                    help="regenerate docs/benchmarks.md's tables and docs/bench-overhead.svg")
    ap.add_argument("--no-rt", action="store_true", help="no chrt -f 50 even as root")
    ap.add_argument("--sections", default="percall,workload,scaling,alloc,compile")
    a = ap.parse_args()
    build = os.path.abspath(a.build)
    work = os.path.abspath(a.work or os.path.join(build, "bench" + ("-quick" if a.quick else "")))
    shutil.rmtree(work, ignore_errors=True)
    os.makedirs(work)
    rt = os.geteuid() == 0 and not a.no_rt and shutil.which("chrt") is not None
    runner = Runner(work, rt)
    ts = tools(build, a.quick)
    sections = a.sections.split(",")
    started = time.monotonic()
    res = {"machine": machine(), "quick": a.quick, "rt": rt,
           "command": "python3 scripts/bench.py " + " ".join(sys.argv[1:])}
    log("== make bench%s: %s, %s, kernel %s%s" % (" --quick" if a.quick else "", res["machine"]["cpu"],
                                                res["machine"]["tsc_flags"], res["machine"]["kernel"],
                                                ", chrt -f 50" if rt else ""))
    for t in ts:
        if t.skip:
            log("  skipped: %s: %s" % (t.label, t.skip))
    steps = {"percall": lambda: percall(ts, work, runner, a.quick),
             "workload": lambda: workload(ts, work, runner, a.quick),
             "scaling": lambda: scaling(ts, work, runner, a.quick, build),
             "alloc": lambda: alloc(build, work, runner, a.quick),
             "compile": lambda: compile_time(build, work, a.quick)}
    for s in sections:
        t0 = time.monotonic()
        log("== %s" % s)
        res[s] = steps[s]()
        res[s]["seconds"] = round(time.monotonic() - t0, 1) if isinstance(res[s], dict) else None
    res["seconds"] = round(time.monotonic() - started, 1)
    res["machine"]["load_after"] = os.getloadavg()[0]
    out = os.path.join(work, "results.json")
    with open(out, "w") as f:
        json.dump(res, f, indent=1)
    log("== results: %s (%.0f s)" % (out, res["seconds"]))
    docs = [sys.executable, os.path.join(ROOT, "scripts", "bench_docs.py"), out]
    if a.docs and a.quick:
        log("bench: --quick figures are not written to docs/ (tables in %s)" % work)
    if a.docs and not a.quick:
        docs += ["--doc", os.path.join(ROOT, "docs", "benchmarks.md"),
                 "--svg", os.path.join(ROOT, "docs", "bench-overhead.svg")]
    else:
        docs += ["--doc", os.path.join(work, "benchmarks.md"), "--svg", os.path.join(work, "bench-overhead.svg")]
    subprocess.run(docs, check=True)
    bad = check(res, sections)
    for b in bad:
        log("bench: FAILED: " + b)
    sys.exit(1 if bad else 0)


def check(res, sections):
    """What must hold in any run, quick or not, whatever peers are missing:
    every hotpath build that was built measured, its report gave exact call
    counts and totals, the other sections produced their rows."""
    bad = []
    if "percall" in sections:
        hot = [t for t in res["percall"]["tools"] if t["key"].startswith("hotpath")]
        if not any("skip" not in t for t in hot):
            bad.append("percall: no hotpath build measured: %s" % [t.get("skip") for t in hot])
        for t in hot:
            if "skip" in t and not t["skip"].startswith(("plugin not built", "clang")):
                bad.append("percall: %s: %s" % (t["key"], t["skip"]))
            elif "skip" not in t and not t.get("added_ns"):
                bad.append("percall: %s: no timing" % t["key"])
    if "workload" in sections:
        for t in res["workload"]["tools"]:
            if t["key"].startswith("hotpath") and "skip" not in t:
                errs = t.get("total_err") or {}
                if not all(errs.get(f) for f in FUNCS) or not t.get("calls_exact"):
                    bad.append("workload: %s: report without exact calls and totals: %s" % (t["key"], t))
    if "scaling" in sections and len(res["scaling"].get("rows", [])) < 4:
        bad.append("scaling: missing rows")
    if "alloc" in sections and not any("variants" in r for r in res["alloc"]["rows"]):
        bad.append("alloc: no figures")
    if "compile" in sections and not any("plain_s" in r for r in res["compile"]["rows"]):
        bad.append("compile: no figures")
    return bad


if __name__ == "__main__":
    main()
