#!/usr/bin/env python3
"""One program, half compiled by GCC with the GCC plugin and half by Clang
with the Clang plugin, linked with one runtime: one report holds the
functions of both halves, and a static inline function of a shared header
(one copy per compiler) is one row with the calls of both.
"""
import argparse
import json
import os
import shlex
import subprocess
import sys

HERE = os.path.dirname(os.path.abspath(__file__))
EXPECT = {  # row -> calls
    "mixed_gcc::gcc_work": 5,
    "mixed_clang::clang_work": 7,
    "mixed_clang::acc::Acc::add": 3,
    "mixed_util::helper": 12,
}


def run(cmd, **kw):
    p = subprocess.run(cmd, capture_output=True, text=True, timeout=120, **kw)
    if p.returncode != 0:
        sys.exit("FAIL: %s\n%s%s" % (" ".join(map(shlex.quote, cmd)), p.stdout, p.stderr))
    return p


def main():
    ap = argparse.ArgumentParser()
    for k in ("gcc", "gxx", "gcc-plugin", "clangxx", "clang-plugin", "include", "lib", "work"):
        ap.add_argument("--" + k, required=True)
    ap.add_argument("--opt", default="-O2")
    a = ap.parse_args()
    os.makedirs(a.work, exist_ok=True)
    inc = ["-I", a.include, "-I", HERE]
    o_gcc = os.path.join(a.work, "mixed_gcc.o")
    o_clang = os.path.join(a.work, "mixed_clang.o")
    exe = os.path.join(a.work, "mixed")
    out = os.path.join(a.work, "mixed.json")
    run([a.gcc, a.opt, "-fplugin=" + a.gcc_plugin] + inc + ["-c", "mixed_gcc.c", "-o", o_gcc], cwd=HERE)
    run([a.clangxx, a.opt, "-fplugin=" + a.clang_plugin] + inc +
        ["-c", "mixed_clang.cpp", "-o", o_clang], cwd=HERE)
    run([a.gxx, o_gcc, o_clang, a.lib, "-lpthread", "-lm", "-o", exe])
    if os.path.exists(out):
        os.remove(out)
    env = dict(os.environ, HOTPATH_OUTPUT_FORMAT="json", HOTPATH_OUTPUT_PATH=out)
    run([exe], env=env)
    report = json.load(open(out))
    rows = {r["name"]: r["calls"] for r in report["functions"]}
    problems = ["row %s: calls %s, expected %d" % (n, rows.get(n), c)
                for n, c in EXPECT.items() if rows.get(n) != c]
    if report.get("main") != "mixed_gcc::main":
        problems.append("main is %r" % report.get("main"))
    if len(rows) != len(EXPECT):
        problems.append("rows: %s" % sorted(rows))
    for p in problems:
        print("FAIL " + p)
    if not problems:
        print("ok   one report from GCC and Clang units: %s" % ", ".join(sorted(rows)))
    return 1 if problems else 0


if __name__ == "__main__":
    sys.exit(main())
