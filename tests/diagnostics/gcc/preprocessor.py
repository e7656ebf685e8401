#!/usr/bin/env python3
"""__HOTPATH__ is defined by the plugin for every unit it compiles, and seen
by every way of building one: a plain compile, -E, -save-temps (the .i then
compiled on its own), -g3 (macro debug info), -dM listing, and a ccache-style
build (-E first, then the preprocessed text compiled with the plugin). Also
checks -U__HOTPATH__ still wins, and that without the plugin it is not defined.
Prints one line per check and a closing "N passed, N failed" line.
"""
import argparse
import os
import shlex
import subprocess
import sys

SOURCE = """#ifdef __HOTPATH__
int hotpath_on_%(tag)s;
#else
int hotpath_off_%(tag)s;
#endif
"""


def run(cmd, cwd):
    return subprocess.run(cmd, cwd=cwd, capture_output=True, text=True, timeout=120)


def symbols(obj, cwd):
    return run(["nm", obj], cwd).stdout


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--cc", required=True)
    ap.add_argument("--cxx", required=True)
    ap.add_argument("--plugin-flags", required=True)
    ap.add_argument("--work", required=True)
    argv = sys.argv[1:]
    for i, a in enumerate(argv[:-1]):
        if a == "--plugin-flags":
            argv[i:i + 2] = [a + "=" + argv[i + 1], ""]
    a = ap.parse_args([x for x in argv if x])
    os.makedirs(a.work, exist_ok=True)
    plugin = shlex.split(a.plugin_flags)
    passed = failed = 0

    def verdict(name, ok, detail=""):
        nonlocal passed, failed
        if ok:
            passed += 1
            print("ok   " + name)
        else:
            failed += 1
            print("FAIL %s\n  %s" % (name, detail))

    for cc, ext in ((a.cc, "c"), (a.cxx, "cpp")):
        tag = ext
        src = "macro.%s" % ext
        with open(os.path.join(a.work, src), "w") as f:
            f.write(SOURCE % {"tag": tag})
        on, off = "hotpath_on_" + tag, "hotpath_off_" + tag
        name = os.path.basename(cc)

        r = run([cc, "-c"] + plugin + [src, "-o", "plain.o"], a.work)
        verdict("%s compile" % name, r.returncode == 0 and on in symbols("plain.o", a.work), r.stderr)

        r = run([cc, "-E"] + plugin + [src], a.work)
        verdict("%s -E" % name, r.returncode == 0 and on in r.stdout and off not in r.stdout, r.stderr + r.stdout)

        r = run([cc, "-c", "-save-temps"] + plugin + [src, "-o", "temps.o"], a.work)
        ii = os.path.join(a.work, "temps.i" if ext == "c" else "temps.ii")  # named after -o
        text = open(ii).read() if os.path.exists(ii) else ""
        verdict("%s -save-temps" % name, r.returncode == 0 and on in text and
                on in symbols("temps.o", a.work), r.stderr)

        r = run([cc, "-c", "-g3"] + plugin + [src, "-o", "g3.o"], a.work)
        verdict("%s -g3" % name, r.returncode == 0 and on in symbols("g3.o", a.work), r.stderr)

        r = run([cc, "-E", "-dM"] + plugin + [src], a.work)
        verdict("%s -E -dM" % name, "#define __HOTPATH__ 1" in r.stdout, r.stderr)

        # ccache: preprocess with the flags, then compile the preprocessed text
        pre = "ccache." + ("i" if ext == "c" else "ii")
        r1 = run([cc, "-E"] + plugin + [src, "-o", pre], a.work)
        r2 = run([cc, "-c"] + plugin + [pre, "-o", "ccache.o"], a.work)
        verdict("%s ccache-style" % name, r1.returncode == 0 and r2.returncode == 0 and
                on in symbols("ccache.o", a.work), r1.stderr + r2.stderr)

        r = run([cc, "-E", "-U__HOTPATH__"] + plugin + [src], a.work)
        verdict("%s -U__HOTPATH__" % name, off in r.stdout and on not in r.stdout, r.stderr)

        r = run([cc, "-E", src], a.work)
        verdict("%s without the plugin" % name, off in r.stdout and on not in r.stdout, r.stderr)

    print("%d passed, %d failed" % (passed, failed))
    return 1 if failed or passed == 0 else 0


if __name__ == "__main__":
    sys.exit(main())
