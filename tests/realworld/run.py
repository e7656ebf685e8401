#!/usr/bin/env python3
"""Real code bases measured end to end: Debian source packages built with
each compiler plugin measuring every function, their own test suites run,
and every process's report checked.

For each project (zlib, cjson, libyaml by default; xz-utils with
--projects xz, whose liblzma.so has a version script: there every report
must also hold both its program's functions and liblzma's, and be the
report of the pid its file name gives) and each configuration:

    plain     the compiler alone (the baseline: its suite's time is 1.00x)
    gcc       the GCC plugin, include=.*
    clang14   the Clang 14 plugin, include=.*
    clang19   the Clang 19 plugin, include=.*
    asan      the GCC plugin, include=.*, under -fsanitize=address,undefined

the source is unpacked afresh (apt-get source, from a deb-src entry for the
machine's own Debian mirror: nothing else is downloaded), built with the
project's own build system through the hotpath-cc wrapper, and its test
suite run with HOTPATH_OUTPUT_FORMAT=json and one report file per process.
A configuration passes when the suite passes as many tests as the plain
build, every report file is valid JSON with the runtime's schema, and at
least one report names a function of the project.

Prints one table row per configuration, then a closing "N passed, N failed"
line; --markdown FILE also writes the table as Markdown (docs/reliability.md
holds one from a real run). Exits 1 if a configuration failed.

    run.py --build build --work /tmp/hotpath-realworld [--projects zlib,cjson]
           [--configs plain,gcc,clang14,clang19,asan] [--markdown out.md]
"""
import argparse
import glob
import json
import os
import re
import shutil
import subprocess
import sys
import time

SANITIZE = "-fsanitize=address,undefined -fno-omit-frame-pointer"


def sh(cmd, cwd, env, log, timeout=1800):
    """Runs cmd (a shell line) in cwd, appending its output to log; returns
    (exit status, seconds)."""
    with open(log, "a") as out:
        out.write(f"\n$ {cmd}\n")
        out.flush()
        t0 = time.monotonic()
        try:
            rc = subprocess.run(cmd, shell=True, cwd=cwd, env=env, stdout=out,
                                stderr=subprocess.STDOUT, timeout=timeout).returncode
        except subprocess.TimeoutExpired:
            out.write(f"\n[timed out after {timeout} s]\n")
            rc = 124
        return rc, time.monotonic() - t0


# ---------------------------------------------------------------------------
# Sources
# ---------------------------------------------------------------------------

def fetch_source(package, srcdir):
    """Unpacks the Debian source of `package` under srcdir (once); returns
    the source folder. Tries each version apt knows, newest first: a
    snapshot mirror may lack a security update's files."""
    found = [d for d in glob.glob(os.path.join(srcdir, package + "-*")) if os.path.isdir(d)]
    if found:
        return found[0]
    os.makedirs(srcdir, exist_ok=True)
    shown = subprocess.run(["apt-cache", "showsrc", package], capture_output=True, text=True).stdout
    versions = re.findall(r"^Version: (\S+)", shown, re.M)
    if not versions:
        raise RuntimeError(f"apt-cache knows no source package {package}: "
                           "is there a deb-src entry? (scripts/deb-src.sh adds one)")
    for v in versions:
        r = subprocess.run(["apt-get", "source", "-q", f"{package}={v}"], cwd=srcdir,
                           capture_output=True, text=True)
        found = [d for d in glob.glob(os.path.join(srcdir, package + "-*")) if os.path.isdir(d)]
        if r.returncode == 0 and found:
            return found[0]
    raise RuntimeError(f"apt-get source {package} failed for every version ({', '.join(versions)})")


# ---------------------------------------------------------------------------
# Projects: how each is built and how its suite reports
# ---------------------------------------------------------------------------

def counts_ctest(log_text, every=False):
    """(passed, total) from ctest's closing line (every=True: added over
    every such line of the log)."""
    m = re.findall(r"tests passed, (\d+) tests failed out of (\d+)", log_text)
    if not m:
        return None
    pairs = [tuple(map(int, x)) for x in (m if every else m[-1:])]
    return sum(t - f for f, t in pairs), sum(t for f, t in pairs)


def counts_zlib(log_text):
    ok = len(re.findall(r"\*\*\* zlib test OK \*\*\*", log_text))
    bad = len(re.findall(r"\*\*\* zlib test FAILED \*\*\*", log_text))
    return ok, ok + bad


def counts_libyaml(log_text):
    """ctest's count, plus the reformatter's run: one more test, passed when
    its output is the plain build's."""
    c = counts_ctest(log_text)
    if c is None:
        return None
    same = "reformatter: same output" in log_text
    return c[0] + same, c[1] + 1


def counts_automake(log_text):
    """(passed, total) from automake's test-suite summary."""
    t = re.findall(r"^# TOTAL:\s+(\d+)", log_text, re.M)
    p = re.findall(r"^# PASS:\s+(\d+)", log_text, re.M)
    s = re.findall(r"^# SKIP:\s+(\d+)", log_text, re.M)
    if not t or not p:
        return None
    return int(p[-1]) + (int(s[-1]) if s else 0), int(t[-1])


def check_xz(reports):
    """xz-utils: liblzma.so is a version-scripted shared library. Every
    report that holds liblzma's functions must also hold its program's own
    (a function from outside src/liblzma/), and each process wrote one
    report (the %p in the path: one file per pid, the pid inside it)."""
    problems = []
    both = lib_only = 0
    # liblzma's units are compiled from src/liblzma with paths relative to
    # it (check/check.c, common/index.c), its headers by ../../src/liblzma/...
    libdir = os.path.join(os.path.dirname(reports), "src", "liblzma")
    libfiles = {os.path.relpath(os.path.join(d, n), libdir)
                for d, _, names in os.walk(libdir) for n in names if n.endswith((".c", ".h"))}

    def in_lib(path):
        return "liblzma/" in path or os.path.normpath(path) in libfiles

    for f in sorted(glob.glob(os.path.join(reports, "*.json"))):
        try:
            with open(f, encoding="utf-8") as fh:
                r = json.load(fh)
        except (OSError, ValueError):
            continue  # counted by check_reports
        if os.path.basename(f) != "r.%s.json" % r.get("pid"):
            problems.append(f"{os.path.basename(f)}: holds the report of pid {r.get('pid')}")
        files = [x.get("file", "") for x in r.get("functions", [])]
        lib = any(in_lib(x) for x in files)
        own = any(not in_lib(x) for x in files)
        if lib and own:
            both += 1
        elif lib:
            lib_only += 1
            problems.append(f"{os.path.basename(f)} ({r.get('program')}): liblzma's functions only")
    return {"both": both, "lib_only": lib_only}, problems


PROJECTS = {
    # zlib: its own configure script and Makefile; `make test` builds and runs
    # the static example and minigzip (a shared libz would carry a runtime of
    # its own: the wrapper links that as the install docs say).
    "zlib": {
        "package": "zlib",
        "build": ["CC=\"$HP_CC\" CFLAGS=\"$HP_CFLAGS\" LDFLAGS=\"$HP_LDFLAGS\" ./configure --static",
                  "make -j2"],
        "test": "make test",
        "counts": counts_zlib,
    },
    # cJSON: CMake with its unit tests (Unity) through ctest.
    "cjson": {
        "package": "cjson",
        "build": ["cmake -S . -B b -DCMAKE_C_COMPILER=\"$HP_CC\" -DCMAKE_C_FLAGS=\"$HP_CFLAGS\" "
                  "-DCMAKE_EXE_LINKER_FLAGS=\"$HP_LDFLAGS\" -DENABLE_CJSON_TEST=ON "
                  "-DENABLE_CJSON_UTILS=ON -DBUILD_SHARED_LIBS=OFF -DENABLE_CUSTOM_COMPILER_FLAGS=OFF "
                  "-DCMAKE_BUILD_TYPE=Release",
                  "cmake --build b -j2"],
        "test": "ctest --test-dir b",
        "counts": counts_ctest,
    },
    # libyaml: CMake; its ctest suite (test-version, test-reader) and the
    # reformatter over a large generated document as a workload.
    "libyaml": {
        "package": "libyaml",
        "build": ["cmake -S . -B b -DCMAKE_C_COMPILER=\"$HP_CC\" -DCMAKE_C_FLAGS=\"$HP_CFLAGS\" "
                  "-DCMAKE_EXE_LINKER_FLAGS=\"$HP_LDFLAGS\" -DBUILD_TESTING=ON -DBUILD_SHARED_LIBS=OFF "
                  "-DCMAKE_BUILD_TYPE=Release",
                  "cmake --build b -j2",
                  "python3 -c \"import sys\nfor i in range(20000): "
                  "sys.stdout.write('- key%d: [a, {b: %d, c: \\\"s t r\\\"}, [1, 2, 3]]\\n' % (i, i))\" > big.yaml"],
        "test": "ctest --test-dir b; s=$?; b/example-reformatter < big.yaml > big.out && test -s big.out "
                "&& cmp -s big.out ../libyaml-plain/big.out && echo 'reformatter: same output'; exit $s",
        "counts": counts_libyaml,
    },
    # xz-utils: autotools and libtool, liblzma.so with its own version
    # script (liblzma_linux.map), xz and xzdec linked to it; `make check`
    # runs the test programs and the shell tests (xz, xzdec on the test
    # files). Not in the default set: about two minutes per configuration.
    "xz": {
        "package": "xz-utils",
        "build": ["CC=\"$HP_CC\" CFLAGS=\"$HP_CFLAGS\" LDFLAGS=\"$HP_LDFLAGS\" ./configure "
                  "--disable-nls --disable-doc --disable-static",
                  "make -j2"],
        "test": "make check",
        "counts": counts_automake,
        "reports": check_xz,
    },
}
DEFAULT_PROJECTS = "zlib,cjson,libyaml"


# ---------------------------------------------------------------------------
# Configurations
# ---------------------------------------------------------------------------

def config_env(name, build, args_wrapper=None):
    """The environment of one configuration: the compiler (the wrapper or
    the compiler alone) and its flags."""
    env = dict(os.environ)
    for k in list(env):
        if k.startswith("HOTPATH_"):
            del env[k]
    wrapper = args_wrapper or os.path.join(build, "bin", "hotpath-cc")
    real = {"plain": "gcc", "gcc": "gcc", "asan": "gcc", "clang14": "clang-14", "clang19": "clang-19"}[name]
    env["HP_CFLAGS"] = "-O2 -g"
    env["HP_LDFLAGS"] = ""
    if name == "plain":
        env["HP_CC"] = real
    else:
        env["HP_CC"] = wrapper
        env["HOTPATH_CC"] = real
        env["HOTPATH_INCLUDE"] = ".*"
    if name == "asan":
        env["HP_CFLAGS"] += " " + SANITIZE
        env["HP_LDFLAGS"] = SANITIZE
        env["ASAN_OPTIONS"] = "detect_leaks=0"  # the suites' own leaks are not ours
    return env


def check_reports(folder, stem_hint):
    """(files, valid, with_functions, problems) of the reports in folder."""
    files = sorted(glob.glob(os.path.join(folder, "*.json")))
    valid = with_functions = 0
    problems = []
    for f in files:
        try:
            with open(f, encoding="utf-8") as fh:
                r = json.load(fh)
        except (ValueError, UnicodeDecodeError) as e:
            problems.append(f"{os.path.basename(f)}: not valid JSON ({e})")
            continue
        if not isinstance(r, dict) or "schema" not in r or not isinstance(r.get("functions"), list):
            problems.append(f"{os.path.basename(f)}: not a hotpath report")
            continue
        valid += 1
        if r["functions"]:
            with_functions += 1
    return len(files), valid, with_functions, problems


def run_config(project, name, args, base_counts, base_time):
    spec = PROJECTS[project]
    src = fetch_source(spec["package"], os.path.join(args.work, "src"))
    tree = os.path.join(args.work, f"{project}-{name}")
    log = os.path.join(args.work, f"{project}-{name}.log")
    env = config_env(name, os.path.abspath(args.build), args.wrapper)
    built = os.path.join(tree, ".hotpath-built")
    if not (args.reuse and os.path.exists(built)):
        shutil.rmtree(tree, ignore_errors=True)
        shutil.copytree(src, tree, symlinks=True)
        open(log, "w").close()
        for step in spec["build"]:
            rc, _ = sh(step, tree, env, log)
            if rc != 0:
                return {"status": "build failed", "log": log}
        open(built, "w").close()
    reports = os.path.join(tree, "hotpath-reports")
    shutil.rmtree(reports, ignore_errors=True)
    os.makedirs(reports, exist_ok=True)
    if name != "plain":
        env["HOTPATH_OUTPUT_FORMAT"] = "json"
        env["HOTPATH_OUTPUT_PATH"] = os.path.join(reports, "r.%p.json")
    start = os.path.getsize(log)
    rc, secs = sh(spec["test"], tree, env, log)
    with open(log, errors="replace") as fh:
        fh.seek(start)
        text = fh.read()
    counts = spec["counts"](text)
    row = {"status": "ok", "log": log, "seconds": secs, "counts": counts, "rc": rc}
    if name == "plain":
        if rc != 0 or counts is None:
            row["status"] = "plain suite failed"
        return row
    files, valid, with_functions, problems = check_reports(reports, project)
    if "reports" in spec:
        extra, more = spec["reports"](reports)
        row["extra"] = extra
        problems += more
    row.update(files=files, valid=valid, with_functions=with_functions, problems=problems)
    if base_time:
        row["slowdown"] = secs / base_time
    if rc != 0 or counts is None or (base_counts and counts[0] < base_counts[0]):
        row["status"] = "suite failed"
    elif files == 0 or valid < files or with_functions == 0 or problems:
        row["status"] = "reports missing or invalid"
    return row


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--build", default="build", help="hotpath's build tree")
    ap.add_argument("--work", default="/tmp/hotpath-realworld")
    ap.add_argument("--wrapper", help="the hotpath-cc to build with (default: BUILD/bin/hotpath-cc)")
    ap.add_argument("--projects", default=DEFAULT_PROJECTS,
                    help="default %s; also: xz" % DEFAULT_PROJECTS)
    ap.add_argument("--configs", default="plain,gcc,clang14,clang19,asan")
    ap.add_argument("--markdown", help="write the table as Markdown to this file")
    ap.add_argument("--reuse", action="store_true",
                    help="run the suite again in a tree this script built before (WORK/PROJECT-CONFIG), "
                         "without unpacking and building it again")
    args = ap.parse_args()
    os.makedirs(args.work, exist_ok=True)
    configs = args.configs.split(",")
    if "plain" in configs:
        configs.remove("plain")
    table, passed, failed = [], 0, 0
    for project in args.projects.split(","):
        if project not in PROJECTS:
            print(f"run.py: unknown project {project!r} (known: {', '.join(PROJECTS)})", file=sys.stderr)
            return 2
        try:
            base = run_config(project, "plain", args, None, None)
        except RuntimeError as e:
            print(f"run.py: {project}: {e}", file=sys.stderr)
            failed += 1
            continue
        if base["status"] != "ok":
            print(f"FAIL {project} plain: {base['status']} (see {base['log']})")
            failed += 1
            continue
        for name in configs:
            row = run_config(project, name, args, base["counts"], base["seconds"])
            row.update(project=project, config=name, base=base)
            table.append(row)
            ok = row["status"] == "ok"
            passed += ok
            failed += not ok
            c = row.get("counts")
            print(f"{'ok  ' if ok else 'FAIL'} {project} {name}: "
                  f"{'%d/%d tests' % c if c else 'no test count'}, "
                  f"{row.get('valid', 0)}/{row.get('files', 0)} reports valid "
                  f"({row.get('with_functions', 0)} with functions), "
                  f"slowdown {row.get('slowdown', 0):.2f}x"
                  + (f", {row['extra']}" if row.get("extra") else "")
                  + (f", {row['seconds']:.1f} s against {base['seconds']:.1f} s plain")
                  + ("" if ok else f" -- {row['status']} (see {row['log']})"))
            for p in row.get("problems", [])[:5]:
                print(f"     {p}")
    if args.markdown:
        with open(args.markdown, "w") as out:
            out.write("| project | configuration | tests passed | reports valid | "
                      "reports with functions | suite time vs plain |\n|---|---|---|---|---|---|\n")
            for r in table:
                c = r.get("counts")
                out.write(f"| {r['project']} | {r['config']} | "
                          f"{'%d/%d' % c if c else r['status']} | {r.get('valid', 0)}/{r.get('files', 0)} | "
                          f"{r.get('with_functions', 0)} | {r.get('slowdown', 0):.2f}x |\n")
    print(f"{passed} passed, {failed} failed")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
