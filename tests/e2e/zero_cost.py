#!/usr/bin/env python3
"""Zero cost when off: a source tagged with the hotpath.h macros, compiled
WITHOUT the plugin, must give the same machine code as the same source with
no tags (zero_cost_tagged.* against zero_cost_plain.*, beside this script).

Compares `objdump -d` of the two objects (every code section, addresses
and instructions) at each optimisation level given. Prints one line per
comparison and a closing "N passed, N failed" line.
"""
import argparse
import difflib
import os
import subprocess
import sys

HERE = os.path.dirname(os.path.abspath(__file__))


def disassemble(cc, src, flags, obj):
    subprocess.run([cc] + flags + ["-c", src, "-o", obj], check=True)
    out = subprocess.run(["objdump", "-d", "--no-show-raw-insn", obj], check=True,
                         capture_output=True, text=True).stdout
    # the first lines name the object file; everything after is code
    return [line for line in out.splitlines() if "file format" not in line]


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--cc", required=True)
    ap.add_argument("--cxx", required=True)
    ap.add_argument("--include", required=True, help="runtime include directory")
    ap.add_argument("--work", required=True)
    ap.add_argument("--opts", default="-O0,-O2,-O3")
    a = ap.parse_args()
    os.makedirs(a.work, exist_ok=True)
    passed = failed = 0
    for ext, cc in ((".c", a.cc), (".cpp", a.cxx)):
        for opt in a.opts.split(","):
            flags = [opt, "-g", "-I", os.path.abspath(a.include)]
            tag = ext[1:] + opt
            got = disassemble(cc, os.path.join(HERE, "zero_cost_tagged" + ext), flags,
                              os.path.join(a.work, "tagged-%s.o" % tag))
            want = disassemble(cc, os.path.join(HERE, "zero_cost_plain" + ext), flags,
                               os.path.join(a.work, "plain-%s.o" % tag))
            if got == want and len(want) > 10:
                passed += 1
                print("ok   %s %s %s (%d lines of code)" % (os.path.basename(cc), ext, opt, len(want)))
            else:
                failed += 1
                print("FAIL %s %s %s: the tagged source's code differs" % (os.path.basename(cc), ext, opt))
                sys.stdout.writelines(l + "\n" for l in difflib.unified_diff(want, got, "plain", "tagged", lineterm="", n=2))
    print("%d passed, %d failed" % (passed, failed))
    return 1 if failed or passed == 0 else 0


if __name__ == "__main__":
    sys.exit(main())
