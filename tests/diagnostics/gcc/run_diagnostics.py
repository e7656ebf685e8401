#!/usr/bin/env python3
"""Compile each snippet of a directory with a compiler plugin and check its
errors against the expectations written in the snippet.

    // ARGS: -std=c2x                      extra compile flags
    // PLUGIN-ARGS: include=(               plugin arguments, each passed as
                                            --plugin-arg-format with {} replaced
    int x; // expected-error {{REGEX}}      an error on this line whose message
                                            matches REGEX (Python re.search)
    // expected-error@+1 {{REGEX}}          ... on the next line (@-1: previous)
    // expected-error@cmdline {{REGEX}}     an error with no source line (options)

Each snippet must fail to compile, every expected error must be reported at
its line, and no other error may be. Prints one line per snippet and a
closing "N passed, N failed" line; exits 1 if anything failed.
"""
import argparse
import os
import re
import shlex
import subprocess
import sys

EXPECT = re.compile(r"expected-error(?:@(cmdline|[+-]\d+))?\s*\{\{(.*?)\}\}")
# file:line:col: error: message   or   cc1: error: message
DIAG = re.compile(r"^(?:(?P<file>[^:\s]+):(?P<line>\d+):(?:\d+:)?|(?P<tool>[\w+.-]+):) error: (?P<msg>.*)$")


def expectations(path):
    out, args, plugin_args = [], [], []
    for n, text in enumerate(open(path, encoding="utf-8"), 1):
        m = re.search(r"//\s*ARGS:\s?(.*)$", text)
        if m:
            args += shlex.split(m.group(1))
        m = re.search(r"//\s*PLUGIN-ARGS:\s?(.*)$", text)
        if m:
            plugin_args += shlex.split(m.group(1))
        for e in EXPECT.finditer(text):
            where = e.group(1)
            line = None if where == "cmdline" else n + int(where or 0)
            out.append((line, e.group(2)))
    return out, args, plugin_args


def check(src, cc, plugin, arg_format, include):
    want, args, plugin_args = expectations(src)
    cmd = [cc, "-fsyntax-only", "-fdiagnostics-plain-output", "-I", include] + args + plugin + \
        [arg_format.replace("{}", a) for a in plugin_args] + [os.path.basename(src)]
    p = subprocess.run(cmd, capture_output=True, text=True, cwd=os.path.dirname(src), timeout=120)
    got = []
    for text in p.stderr.splitlines():
        m = DIAG.match(text)
        if m:
            got.append((int(m.group("line")) if m.group("line") else None, m.group("msg")))
    problems = []
    if p.returncode == 0:
        problems.append("compiled without error")
    left = list(got)
    for line, rx in want:
        hit = next((g for g in left if g[0] == line and re.search(rx, g[1])), None)
        if hit:
            left.remove(hit)
        else:
            problems.append("missing error at line %s matching %r" % (line or "cmdline", rx))
    for line, msg in left:
        problems.append("unexpected error at line %s: %s" % (line or "cmdline", msg))
    if problems:
        problems.append("command: " + " ".join(shlex.quote(c) for c in cmd))
        problems.append("stderr:\n" + p.stderr)
    return problems


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--cc", required=True)
    ap.add_argument("--cxx", required=True)
    ap.add_argument("--plugin-flags", required=True)
    ap.add_argument("--plugin-arg-format", default="-fplugin-arg-hotpath-{}")
    ap.add_argument("--include", required=True, help="runtime include directory")
    ap.add_argument("--dir", default=os.path.dirname(os.path.abspath(__file__)))
    argv = sys.argv[1:]
    for i, a in enumerate(argv[:-1]):  # "--plugin-flags -fplugin=x": keep the value a value
        if a in ("--plugin-flags", "--plugin-arg-format"):
            argv[i:i + 2] = [a + "=" + argv[i + 1], ""]
    a = ap.parse_args([x for x in argv if x != ""])
    passed = failed = 0
    for name in sorted(os.listdir(a.dir)):
        if not name.endswith((".c", ".cpp")):
            continue
        src = os.path.join(a.dir, name)
        cc = a.cxx if name.endswith(".cpp") else a.cc
        problems = check(src, cc, shlex.split(a.plugin_flags), a.plugin_arg_format,
                         os.path.abspath(a.include))
        if problems:
            failed += 1
            print("FAIL %s\n  %s" % (name, "\n  ".join(problems)))
        else:
            passed += 1
            print("ok   %s" % name)
    print("%d passed, %d failed" % (passed, failed))
    return 1 if failed or passed == 0 else 0


if __name__ == "__main__":
    sys.exit(main())
