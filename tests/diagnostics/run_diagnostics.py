#!/usr/bin/env python3
"""Misuse of hotpath is a compile error at the right line: compile each
snippet of a directory (tests/diagnostics/gcc or tests/diagnostics/clang)
with a compiler plugin and check its errors against the expectations written
in the snippet (a subset of clang -verify's notation):

    // ARGS: -std=c2x                      extra compile flags
    // PLUGIN-ARGS: include=(               plugin arguments, each passed as
                                            --plugin-arg-format with {} replaced
    int x; // expected-error {{REGEX}}      an error on this line whose message
                                            matches REGEX (Python re.search)
    // expected-error@+1 {{REGEX}}          ... on the next line (@-1: previous)
    // expected-error@cmdline {{REGEX}}     an error with no source line (options)
    int f(void); // expected-warning {{REGEX}}   a warning, the same way
    // STDERR-HAS: REGEX                    the compiler's stderr must match REGEX
    // STDERR-LACKS: REGEX                  ... must not match REGEX
    // COMPILE                              compile to an object (-c, thrown
                                            away) instead of -fsyntax-only, for
                                            what only code generation says

A snippet that expects an error must fail to compile, one that expects only
warnings must compile. Every expected diagnostic must be reported at its
line, and no other error may be, nor any other warning that names hotpath
(the plugins' own). Prints one line per snippet and a closing
"N passed, N failed" line; exits 1 if anything failed.
"""
import argparse
import os
import re
import shlex
import subprocess
import sys

EXPECT = re.compile(r"expected-(error|warning)(?:@(cmdline|[+-]\d+))?\s*\{\{(.*?)\}\}")
# file:line:col: error: message, or (no location) [tool: ]error: message
DIAG = re.compile(r"^(?:(?P<file>[^:\s]+):(?P<line>\d+):(?:\d+:)?\s|(?:[\w+.-]+:\s)?)"
                  r"(?P<kind>error|warning): (?P<msg>.*)$")


def expectations(path):
    want, args, plugin_args, output = [], [], [], []
    for n, text in enumerate(open(path, encoding="utf-8"), 1):
        if re.search(r"//\s*COMPILE\s*$", text):
            args += ["-c", "-o", os.devnull]
        m = re.search(r"//\s*STDERR-(HAS|LACKS):\s?(.*)$", text)
        if m:
            output.append((m.group(1) == "HAS", m.group(2).strip()))
        m = re.search(r"//\s*ARGS:\s?(.*)$", text)
        if m:
            args += shlex.split(m.group(1))
        m = re.search(r"//\s*PLUGIN-ARGS:\s?(.*)$", text)
        if m:
            plugin_args += shlex.split(m.group(1))
        for e in EXPECT.finditer(text):
            where = e.group(2)
            want.append((e.group(1), None if where == "cmdline" else n + int(where or 0),
                         e.group(3)))
    return want, args, plugin_args, output


# One error per line, without carets or colours, and all of them.
PLAIN_OUTPUT = {
    "gcc": ["-fdiagnostics-plain-output"],
    "clang": ["-fno-caret-diagnostics", "-fno-color-diagnostics", "-ferror-limit=0"],
}


def check(src, cc, plugin, arg_format, include):
    want, args, plugin_args, output = expectations(src)
    extra = [w for a in plugin_args for w in shlex.split(arg_format.replace("{}", shlex.quote(a)))]
    style = "clang" if "clang" in os.path.basename(cc) else "gcc"
    mode = [] if "-c" in args else ["-fsyntax-only"]
    cmd = [cc] + mode + PLAIN_OUTPUT[style] + ["-I", include] + args + plugin + extra + \
        [os.path.basename(src)]
    p = subprocess.run(cmd, capture_output=True, text=True, cwd=os.path.dirname(src), timeout=120)
    got = []
    for text in p.stderr.splitlines():
        m = DIAG.match(text)
        if m:
            got.append((m.group("kind"), int(m.group("line")) if m.group("line") else None,
                        m.group("msg")))
    problems = []
    if any(kind == "error" for kind, _, _ in want):
        if p.returncode == 0:
            problems.append("compiled without error")
    elif p.returncode != 0:
        problems.append("failed to compile (exit status %d)" % p.returncode)
    left = list(got)
    for kind, line, rx in want:
        hit = next((g for g in left if g[:2] == (kind, line) and re.search(rx, g[2])), None)
        if hit:
            left.remove(hit)
        else:
            problems.append("missing %s at line %s matching %r" % (kind, line or "cmdline", rx))
    for kind, line, msg in left:
        if kind == "error" or "hotpath" in msg:
            problems.append("unexpected %s at line %s: %s" % (kind, line or "cmdline", msg))
    for has, rx in output:
        if bool(re.search(rx, p.stderr, re.M)) != has:
            problems.append("stderr %s %r" % ("does not match" if has else "matches", rx))
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
    ap.add_argument("--dir", required=True, help="directory of snippets")
    argv = sys.argv[1:]
    for i, a in enumerate(argv[:-1]):  # "--plugin-flags -fplugin=x": keep the value a value
        if a in ("--plugin-flags", "--plugin-arg-format"):
            argv[i:i + 2] = [a + "=" + argv[i + 1], ""]
    a = ap.parse_args([x for x in argv if x != ""])
    passed = failed = 0
    for name in sorted(os.listdir(a.dir)):
        if not name.endswith((".c", ".cpp")):
            continue
        cc = a.cxx if name.endswith(".cpp") else a.cc
        problems = check(os.path.join(a.dir, name), cc, shlex.split(a.plugin_flags),
                         a.plugin_arg_format, os.path.abspath(a.include))
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
