#!/usr/bin/env python3
"""hotpath's Self ranking against a sampling profiler, on real programs.

Lua 5.4 (a benchmark script: fib, string.format, gmatch, table.sort),
libyaml's reformatter (a large generated document) and bzip2 (-9 on a
large generated file), from Debian source packages, are each built twice
from the same sources with the same flags:

  plain      -O2 -g -fno-omit-frame-pointer, profiled with
             `perf record -e cpu-clock --call-graph dwarf`;
  measured   the same through hotpath-cc with HOTPATH_INCLUDE='.*'.

A perf sample counts for the innermost frame of its call chain (inlined
frames included, as `perf script --inline` gives them: the plugins measure
a function that the compiler then inlines) that is a function hotpath
measured (the functions of the report), so both profilers
answer the same question: the share of the run spent in a function's own
code, unmeasured callees (libc, functions too small to measure) included.
The table gives each tool's top 10 by that share; the target (issue 12):
at least 8 of the 10 in common, and each share within 3 percentage points.

    perf_compare.py --build build [--programs lua,libyaml,bzip2]
                    [--wrapper build/bin/hotpath-cc] [--work DIR] [--markdown FILE]
"""
import argparse
import collections
import importlib.util
import json
import os
import random
import re
import subprocess
import sys

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
FLAGS = ["-O2", "-g", "-fno-omit-frame-pointer"]

spec = importlib.util.spec_from_file_location("realworld", os.path.join(ROOT, "tests", "realworld", "run.py"))
realworld = importlib.util.module_from_spec(spec)
spec.loader.exec_module(realworld)

LUA_SCRIPT = r"""
local function fib(n) if n < 2 then return n end return fib(n - 1) + fib(n - 2) end
local t = {}
for i = 1, 200000 do t[#t + 1] = string.format("%d:%s:%5.2f", i, "k" .. i % 97, i / 7) end
local words = 0
for _, s in ipairs(t) do for w in string.gmatch(s, "%w+") do words = words + 1 end end
local nums = {}
for i = 1, 300000 do nums[i] = (i * 7919) % 100003 end
table.sort(nums)
print(fib(27), words, nums[1], nums[#nums])
"""


def lua_sources(src):
    s = os.path.join(src, "src")
    # Debian's luaconf.h includes a header that debian/rules writes
    with open(os.path.join(s, "lua5.4-deb-multiarch.h"), "w") as f:
        f.write('#define DEB_HOST_MULTIARCH "x86_64-linux-gnu"\n')
    return ([os.path.join(s, f) for f in sorted(os.listdir(s))
             if f.endswith(".c") and f not in ("luac.c", "onelua.c")],
            ["-DLUA_COMPAT_5_3", "-DLUA_USE_LINUX"], ["-lm", "-ldl"])


def yaml_sources(src):
    files = [os.path.join(src, "src", f) for f in sorted(os.listdir(os.path.join(src, "src")))
             if f.endswith(".c")] + [os.path.join(src, "tests", "example-reformatter.c")]
    return (files, ["-I" + os.path.join(src, "include"), "-DYAML_VERSION_MAJOR=0", "-DYAML_VERSION_MINOR=2",
                    "-DYAML_VERSION_PATCH=5", '-DYAML_VERSION_STRING="0.2.5"'], [])


def bzip2_sources(src):
    names = "blocksort huffman crctable randtable compress decompress bzlib bzip2".split()
    return [os.path.join(src, n + ".c") for n in names], ["-D_FILE_OFFSET_BITS=64"], []


def make_inputs(work):
    rnd = random.Random(1)
    lua = os.path.join(work, "bench.lua")
    with open(lua, "w") as f:
        f.write(LUA_SCRIPT)
    yaml = os.path.join(work, "big.yaml")
    if not os.path.exists(yaml):
        with open(yaml, "w") as f:
            for i in range(120000):
                f.write(f"- key{i}: [a, {{b: {i}, c: \"s t r {rnd.random():.6f}\"}}, [1, 2, 3]]\n"
                        f"  text{i}: |\n    line one of {i}\n    line two\n")
    data = os.path.join(work, "big.txt")
    if not os.path.exists(data):
        words = ["alpha", "beta", "gamma", "delta", "profile", "hot", "path", "sample", "x", "yz"]
        with open(data, "w") as f:
            for i in range(800000):
                f.write(" ".join(rnd.choice(words) for _ in range(3)) + f" {rnd.randint(0, 99999)}\n")
    return {"lua": ([lua], None), "libyaml": ([], yaml), "bzip2": (["-9", "-c"], data)}


PROGRAMS = {"lua": ("lua5.4", lua_sources), "libyaml": ("libyaml", yaml_sources),
            "bzip2": ("bzip2", bzip2_sources)}


def build(cc, env, files, defs, libs, out):
    subprocess.run([cc, *FLAGS, *defs, *files, "-o", out, *libs], check=True, env=env,
                   stdout=subprocess.DEVNULL)


def run(exe, args, stdin, env, prefix=()):
    with open(stdin or os.devnull, "rb") as i:
        return subprocess.run([*prefix, exe, *args], stdin=i, stdout=subprocess.DEVNULL,
                              stderr=subprocess.PIPE, env=env, check=True).stderr


def perf_shares(exe, args, stdin, work, measured):
    """Share of the samples (percent) of each measured function's own code."""
    data = os.path.join(work, os.path.basename(exe) + ".perf")
    record = ["perf", "record", "-q", "-e", "cpu-clock", "-F", "2000", "--call-graph", "dwarf,16384",
              "-m", "1024", "-o", data]
    if os.sched_getscheduler(0) == os.SCHED_FIFO:
        # under `chrt -f P`: perf at the program's priority cannot drain its
        # buffers while the program holds a vCPU (97-99% of the samples were
        # lost on the 2-vCPU VM); perf above it, the program at P
        prio = os.sched_getparam(0).sched_priority
        record = ["chrt", "-f", str(min(prio + 10, 99))] + record + ["chrt", "-f", str(prio)]
    run(exe, args, stdin, None, record)
    text = subprocess.run(["perf", "script", "-i", data, "-F", "ip,sym", "--inline"], capture_output=True,
                          text=True, check=True).stdout
    counts, total = collections.Counter(), 0
    for sample in text.split("\n\n"):
        frames = [ln.split(None, 1)[1].split("+")[0].replace(" (inlined)", "").strip()
                  for ln in sample.strip().splitlines()
                  if len(ln.split(None, 1)) == 2]
        if not frames:
            continue
        total += 1
        for sym in frames:  # innermost first
            if sym in measured:
                counts[measured[sym]] += 1
                break
    return {k: 100.0 * v / total for k, v in counts.items()}, total


def hotpath_shares(exe, args, stdin, env):
    env = dict(env, HOTPATH_OUTPUT_FORMAT="json", HOTPATH_LIMIT="0")
    report = json.loads(run(exe, args, stdin, env).decode().strip().splitlines()[-1])
    # the run without the probes' cost, which compensation took out
    window = report["total_ns"] - report.get("compensation", {}).get("overhead_ns", 0)
    if window <= 0:  # the estimated overhead is clamped at the window
        window = report["total_ns"]
    return ({f["name"]: 100.0 * f["self_ns"] / window for f in report["functions"]},
            report, window)


def compare(name, args, work):
    package, sources = PROGRAMS[name]
    src = realworld.fetch_source(package, os.path.join(work, "src"))
    files, defs, libs = sources(src)
    plain = os.path.join(work, name + "-plain")
    measured_exe = os.path.join(work, name + "-hotpath")
    env = {k: v for k, v in os.environ.items() if not k.startswith("HOTPATH_")}
    build("gcc", env, files, defs, libs, plain)
    henv = dict(env, HOTPATH_CC="gcc", HOTPATH_INCLUDE=".*")
    build(args.wrapper, henv, files, defs, libs, measured_exe)
    argv, stdin = make_inputs(work)[name]
    extra = dict(e.split("=", 1) for e in args.env)
    hp, report, window = hotpath_shares(measured_exe, argv, stdin, dict(env, **extra))
    # report names are "stem::function": perf knows the function
    by_symbol = {n.split("::")[-1]: n for n in hp}
    pf, samples = perf_shares(plain, argv, stdin, work, by_symbol)
    top_hp = sorted(hp, key=hp.get, reverse=True)[:10]
    top_pf = sorted(pf, key=pf.get, reverse=True)[:10]
    common = set(top_hp) & set(top_pf)
    within = [n for n in top_pf if abs(hp.get(n, 0) - pf[n]) <= 3.0]
    ok = len(common) >= 8 and len(within) == len(top_pf)
    calls = sum(f["calls"] for f in report["functions"])
    lines = [f"### {name} ({package}): {len(report['functions'])} functions measured, "
             f"{calls:,} calls, window {window / 1e9:.2f} s; perf: {samples} samples",
             "", "| rank | perf top 10 | perf % | hotpath % | hotpath top 10 | hotpath % | perf % |",
             "|---|---|---|---|---|---|---|"]
    for i in range(10):
        a = top_pf[i] if i < len(top_pf) else ""
        b = top_hp[i] if i < len(top_hp) else ""
        lines.append(f"| {i + 1} | {a} | {pf.get(a, 0):.1f} | {hp.get(a, 0):.1f} | "
                     f"{b} | {hp.get(b, 0):.1f} | {pf.get(b, 0):.1f} |")
    lines += ["", f"{len(common)} of 10 in common; {len(within)} of perf's top 10 within 3 points: "
              f"target {'met' if ok else 'missed'}", ""]
    return ok, "\n".join(lines)


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--build", default="build")
    ap.add_argument("--wrapper")
    ap.add_argument("--work", default="/tmp/hotpath-perf-compare")
    ap.add_argument("--programs", default="lua,libyaml,bzip2")
    ap.add_argument("--markdown")
    ap.add_argument("--env", action="append", default=[],
                    help="VAR=VALUE for the measured runs, e.g. HOTPATH_COMPENSATE=0")
    args = ap.parse_args()
    args.wrapper = args.wrapper or os.path.join(os.path.abspath(args.build), "bin", "hotpath-cc")
    os.makedirs(args.work, exist_ok=True)
    out, met = [], 0
    names = args.programs.split(",")
    for name in names:
        ok, text = compare(name, args, args.work)
        print(text)
        out.append(text)
        met += ok
    if args.markdown:
        with open(args.markdown, "w") as f:
            f.write("\n".join(out))
    print(f"target met for {met} of {len(names)} programs")
    return 0


if __name__ == "__main__":
    sys.exit(main())
