#!/usr/bin/env python3
"""Programs of several units, built with the compiler plugins and run; their
JSON reports are checked here (tests/corpus builds one file per program).

  inline   multi_util.h's recursive static inline helper, one copy in
           inline_a.c and one in inline_b.c, each recursing through the
           other's: one row, calls exact, Total within the window and
           Self <= Total (issue 18). Unit A and unit B may come from two
           compilers (--cc-b, --plugin-b): a GCC unit and a Clang unit.
  dlclose  dl_lib.c built as a shared library with the plugin, loaded by
           dl_main.c with dlopen, called, unloaded with dlclose, twice, then
           exit(0): exit status 0, one report naming the library's
           function and block with the calls of both loads (issue 17). Run
           with the program on libhotpath.a (-rdynamic) and on libhotpath.so.
  private  priv_lib.c built as a shared library that links libhotpath.a
           (a private copy of the runtime), with a version script hiding
           everything, without one, and without one but with
           -Wl,--exclude-libs (what hotpath-cc adds to a -shared link);
           priv_main.c, measured too, on libhotpath.a and on
           libhotpath.so: one report per process (HOTPATH_OUTPUT_PATH
           with %p: one file), holding the program's and the library's
           functions with exact calls, nothing on stderr; with the version
           script or --exclude-libs, no hotpath_* or allocator symbol in
           the library's dynamic symbols (nm -D) (issue 18). And a library
           whose copy is of another runtime ABI (the runtime's sources
           built with -DHP_COPY_ABI=999): it steps aside, one line on
           stderr naming it, one report with the program's rows only.

Prints one line per check and exits 1 if any failed.
"""
import argparse
import json
import os
import shlex
import subprocess
import sys

HERE = os.path.dirname(os.path.abspath(__file__))


def run(cmd, env=None, cwd=HERE):
    p = subprocess.run(cmd, capture_output=True, text=True, timeout=120, env=env, cwd=cwd)
    return p


def must(cmd, **kw):
    p = run(cmd, **kw)
    if p.returncode != 0:
        sys.exit("FAIL: %s\n%s%s" % (" ".join(map(shlex.quote, cmd)), p.stdout, p.stderr))
    return p


def report_of(cmd, out, env_extra=None):
    if os.path.exists(out):
        os.remove(out)
    env = dict(os.environ, HOTPATH_OUTPUT_FORMAT="json", HOTPATH_OUTPUT_PATH=out)
    env.update(env_extra or {})
    p = run(cmd, env=env)
    rep = json.load(open(out)) if os.path.exists(out) else None
    return p, rep


def check_inline(a, problems):
    inc = ["-I", a.include, "-I", HERE]
    objs = []
    for unit, cc, plugin in (("inline_a", a.cc, a.plugin), ("inline_b", a.cc_b or a.cc,
                                                             a.plugin_b or a.plugin)):
        o = os.path.join(a.work, unit + ".o")
        must([cc] + shlex.split(a.opt) + shlex.split(plugin) + inc + ["-c", unit + ".c", "-o", o])
        objs.append(o)
    exe = os.path.join(a.work, "inline")
    must([a.cc] + objs + [a.lib, "-lpthread", "-lm", "-o", exe])
    # The exact checks hold in every run. The two lower bounds are timing:
    # the window also holds main's own code, where a preemption or the first
    # call's page faults on a loaded machine weigh on the window alone (CI
    # saw Total 2.2 ms in a 7.7 ms window once), so they must hold in one of
    # three runs; a Total counted short would miss them in all three.
    # Under a sanitizer the window's share of main's own code is larger
    # (ASan: Total 75-87% of a 2.4-2.9 ms window, quiet machine, through
    # GCC and clang-19): the bound is 60% there, which a Total that missed
    # one copy's calls (about 43%) still fails.
    share = 0.6 if a.sanitizer else 0.8
    seen = []
    for run in range(3):
        p, rep = report_of([exe], os.path.join(a.work, "inline.json"))
        if p.returncode != 0 or rep is None:
            problems.append("inline: exit %s, report %s: %s" % (p.returncode, rep is not None, p.stderr))
            return
        rows = [r for r in rep["functions"] if r["name"] == "multi_util::helper"]
        window = rep["total_ns"]
        if len(rows) != 1 or len(rep["functions"]) != 1:
            problems.append("inline: rows %s, expected one multi_util::helper"
                            % [r["name"] for r in rep["functions"]])
            return
        r = rows[0]
        if r["calls"] != 100:
            problems.append("inline: calls %d, expected 100" % r["calls"])
        if not r["total_ns"] <= window:
            problems.append("inline: Total %d ns > window %d ns" % (r["total_ns"], window))
        if not r["self_ns"] <= r["total_ns"]:
            problems.append("inline: Self %d ns > Total %d ns" % (r["self_ns"], r["total_ns"]))
        print("     inline: helper calls %d, Total %d ns, Self %d ns, window %d ns"
              % (r["calls"], r["total_ns"], r["self_ns"], window))
        seen.append("Total %d / window %d, Self %d" % (r["total_ns"], window, r["self_ns"]))
        if r["total_ns"] >= share * window and r["self_ns"] >= 0.8 * r["total_ns"]:
            return
    problems.append("inline: in none of 3 runs Total >= %d%% of the window and Self >= 80%% "
                    "of Total (the helper is all the work): %s" % (share * 100, "; ".join(seen)))


def check_dlclose(a, problems):
    inc = ["-I", a.include, "-I", HERE]
    lib = os.path.join(a.work, "libdl_lib.so")
    must([a.cc] + shlex.split(a.opt) + shlex.split(a.plugin) + inc +
         ["-shared", "-fPIC", "dl_lib.c", "-o", lib])
    shared_dir = os.path.dirname(a.shared_lib)
    for how, link in (("libhotpath.a -rdynamic", [a.lib, "-rdynamic"]),
                      ("libhotpath.so", [a.shared_lib, "-Wl,-rpath," + shared_dir])):
        exe = os.path.join(a.work, "dl_main" + ("_shared" if how.endswith(".so") else ""))
        must([a.cc] + shlex.split(a.opt) + shlex.split(a.plugin) + inc +
             ["dl_main.c"] + link + ["-ldl", "-lpthread", "-lm", "-o", exe])
        p, rep = report_of([exe, lib], exe + ".json")
        if p.returncode != 0 or rep is None:
            problems.append("dlclose (%s): exit %s, report %s: %s"
                            % (how, p.returncode, rep is not None, p.stderr[-300:]))
            continue
        rows = {r["name"]: r for r in rep["functions"]}
        want = {"dl_lib::dl_lib_work": 12, "dl_lib_block": 12, "dl_main::dl_main_work": 12}
        for name, calls in want.items():
            got = rows.get(name, {}).get("calls")
            if got != calls:
                problems.append("dlclose (%s): %s calls %s, expected %d (rows %s)"
                                % (how, name, got, calls, sorted(rows)))
        if len(rows) != len(want):
            problems.append("dlclose (%s): rows %s" % (how, sorted(rows)))
        lib_row = rows.get("dl_lib::dl_lib_work", {})
        if lib_row.get("file") != "dl_lib.c":
            problems.append("dlclose (%s): file %r" % (how, lib_row.get("file")))
        print("     dlclose (%s): %s" % (how, ", ".join("%s %s" % (n, r["calls"])
                                                       for n, r in sorted(rows.items()))))


HIDDEN = ("hotpath_", "malloc", "calloc", "realloc", "free", "memalign", "aligned_alloc",
          "posix_memalign", "valloc", "pvalloc", "longjmp", "siglongjmp", "_longjmp")


def exported(lib):
    p = must(["nm", "-D", "--defined-only", lib])
    names = [l.split()[-1] for l in p.stdout.splitlines() if l.strip()]
    return [n for n in names if n.startswith(HIDDEN)]


def check_private(a, problems):
    inc = ["-I", a.include, "-I", HERE]
    shared_dir = os.path.dirname(a.shared_lib)
    libs = {
        "version script": ["-Wl,--version-script=" + os.path.join(HERE, "priv_lib.map")],
        "no version script": [],
        "--exclude-libs": ["-Wl,--exclude-libs,libhotpath.a"],
    }
    for lib_how, lib_flags in libs.items():
        lib = os.path.join(a.work, "libpriv_%s.so" % lib_how.replace(" ", "_").strip("-"))
        must([a.cc] + shlex.split(a.opt) + shlex.split(a.plugin) + inc +
             ["-shared", "-fPIC", "priv_lib.c", a.lib, "-lpthread", "-lm", "-o", lib] + lib_flags)
        leaked = exported(lib)
        if lib_flags and leaked:
            problems.append("private (%s): the library exports %s" % (lib_how, leaked))
        for prog_how, link in (("libhotpath.a", [a.lib]),
                               ("libhotpath.so", [a.shared_lib, "-Wl,-rpath," + shared_dir])):
            how = "%s, program on %s" % (lib_how, prog_how)
            exe = os.path.join(a.work, "priv_main")
            must([a.cc] + shlex.split(a.opt) + shlex.split(a.plugin) + inc + ["priv_main.c", lib]
                 + link + ["-Wl,-rpath," + a.work, "-ldl", "-lpthread", "-lm", "-o", exe])
            out = os.path.join(a.work, "priv-reports")
            if os.path.isdir(out):
                for f in os.listdir(out):
                    os.remove(os.path.join(out, f))
            os.makedirs(out, exist_ok=True)
            env = dict(os.environ, HOTPATH_OUTPUT_FORMAT="json", HOTPATH_ALLOC="1",
                       HOTPATH_OUTPUT_PATH=os.path.join(out, "r.%p.json"))
            p = run([exe], env=env)
            files = os.listdir(out)
            # Under a sanitizer (make test-sanitize) the runtime's one line
            # saying allocation tracking steps aside is expected; nothing else.
            stderr = "\n".join(l for l in p.stderr.splitlines() if not l.startswith(
                "hotpath: allocation tracking is off: the program runs under "))
            if p.returncode != 0 or len(files) != 1 or stderr.strip():
                problems.append("private (%s): exit %s, reports %s, stderr %r"
                                % (how, p.returncode, files, p.stderr[-300:]))
                continue
            rep = json.load(open(os.path.join(out, files[0])))
            rows = {r["name"]: r for r in rep["functions"]}
            want = {"priv_main::priv_main_work": 5, "priv_lib::priv_lib_work": 5,
                    "priv_lib::priv_lib_inner": 50}
            for name, calls in want.items():
                got = rows.get(name, {}).get("calls")
                if got != calls:
                    problems.append("private (%s): %s calls %s, expected %d (rows %s)"
                                    % (how, name, got, calls, sorted(rows)))
            outer, inner = rows.get("priv_main::priv_main_work"), rows.get("priv_lib::priv_lib_work")
            # each figure is rounded from ticks on its own: 1 ns per row of slack
            if outer and inner and not inner["total_ns"] <= outer["total_ns"] - outer["self_ns"] + 2:
                problems.append("private (%s): the library's Total %d is not inside the "
                                "program's callees' time %d" % (how, inner["total_ns"],
                                                                outer["total_ns"] - outer["self_ns"]))
            allocs = {r["name"]: r for r in rep.get("allocations", [])}
            lib_allocs = allocs.get("priv_lib::priv_lib_work", {}).get("allocs", 0)
            if lib_allocs > 5:
                problems.append("private (%s): %d allocations counted for 5 (counted twice)"
                                % (how, lib_allocs))
            print("     private (%s): one report, %s; library allocations counted %d of 5%s"
                  % (how, ", ".join("%s %s" % (n, r["calls"]) for n, r in sorted(rows.items())),
                     lib_allocs, "; exports %s" % leaked if leaked else ""))


def check_step_aside(a, problems):
    inc = ["-I", a.include, "-I", HERE]
    src = os.path.join(HERE, "..", "..", "runtime", "src")
    objdir = os.path.join(a.work, "abi999")
    os.makedirs(objdir, exist_ok=True)
    objs = []
    for f in sorted(os.listdir(src)):
        if f.endswith(".c"):
            o = os.path.join(objdir, f[:-2] + ".o")
            must([a.cc, "-O1", "-fPIC", "-fvisibility=hidden", "-std=gnu11", "-DHP_COPY_ABI=999",
                  "-I", a.include, "-c", os.path.join(src, f), "-o", o])
            objs.append(o)
    archive = os.path.join(objdir, "libhotpath.a")
    if os.path.exists(archive):
        os.remove(archive)
    must(["ar", "rcs", archive] + objs)
    lib = os.path.join(a.work, "libpriv_abi999.so")
    must([a.cc] + shlex.split(a.opt) + shlex.split(a.plugin) + inc +
         ["-shared", "-fPIC", "priv_lib.c", archive, "-lpthread", "-lm", "-o", lib,
          "-Wl,--version-script=" + os.path.join(HERE, "priv_lib.map")])
    exe = os.path.join(a.work, "priv_main_abi999")
    must([a.cc] + shlex.split(a.opt) + shlex.split(a.plugin) + inc + ["priv_main.c", lib, a.lib,
         "-Wl,-rpath," + a.work, "-ldl", "-lpthread", "-lm", "-o", exe])
    out = os.path.join(a.work, "abi999-reports")
    if os.path.isdir(out):
        for f in os.listdir(out):
            os.remove(os.path.join(out, f))
    os.makedirs(out, exist_ok=True)
    env = dict(os.environ, HOTPATH_OUTPUT_FORMAT="json",
               HOTPATH_OUTPUT_PATH=os.path.join(out, "r.%p.json"))
    p = run([exe], env=env)
    files = os.listdir(out)
    lines = p.stderr.strip().splitlines()
    if p.returncode != 0 or len(files) != 1 or len(lines) != 1 or lib not in lines[0] \
            or "libhotpath.so" not in lines[0]:
        problems.append("step aside: exit %s, reports %s, stderr %r"
                        % (p.returncode, files, p.stderr[-400:]))
        return
    rows = {r["name"]: r["calls"] for r in json.load(open(os.path.join(out, files[0])))["functions"]}
    if rows != {"priv_main::priv_main_work": 5}:
        problems.append("step aside: rows %s, expected the program's only" % rows)
    print("     step aside: %s; rows %s" % (lines[0], rows))


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--cc", required=True, help="compiler of unit A (and of B without --cc-b)")
    ap.add_argument("--plugin", required=True, help="flags that load the plugin into --cc")
    ap.add_argument("--cc-b", help="compiler of unit B of the inline program")
    ap.add_argument("--plugin-b", help="flags that load the plugin into --cc-b")
    ap.add_argument("--opt", default="-O2")
    ap.add_argument("--include", required=True)
    ap.add_argument("--lib", required=True, help="libhotpath.a")
    ap.add_argument("--shared-lib", help="libhotpath.so (the dlclose program)")
    ap.add_argument("--work", required=True)
    ap.add_argument("--only", choices=("inline", "dlclose", "private"))
    ap.add_argument("--sanitizer", default="", help="HOTPATH_SANITIZE of the build, if any")
    a = ap.parse_args()
    for k in ("work", "include", "lib", "shared_lib"):
        if getattr(a, k):
            setattr(a, k, os.path.abspath(getattr(a, k)))
    os.makedirs(a.work, exist_ok=True)
    problems, ran = [], []
    if a.only in (None, "inline"):
        check_inline(a, problems)
        ran.append("inline")
    if a.only in (None, "dlclose") and a.shared_lib:
        check_dlclose(a, problems)
        ran.append("dlclose")
    if a.only in (None, "private") and a.shared_lib:
        check_private(a, problems)
        check_step_aside(a, problems)
        ran.append("private")
    for p in problems:
        print("FAIL " + p)
    if not problems:
        print("ok   %s" % ", ".join(ran))
    return 1 if problems else 0


if __name__ == "__main__":
    sys.exit(main())
