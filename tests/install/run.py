#!/usr/bin/env python3
"""Tests of hotpath as a user gets it: installed under a prefix
(cmake --install build --prefix P), then used by real build systems.

    run.py --prefix P --work DIR SCENARIO [options]

Each scenario builds a small project under tests/install/projects/ (copied
to DIR first, never built in the source tree), runs it with
HOTPATH_OUTPUT_FORMAT=json and HOTPATH_OUTPUT_PATH=DIR/.../report.%p.json,
and asserts on the parsed reports: exact call counts of named functions,
never a stored copy. It prints one line per check and exits 1 on the first
failure, 77 when a tool the scenario needs is missing (ctest SKIP).
"""
import argparse
import glob
import json
import os
import shlex
import shutil
import subprocess
import sys

HERE = os.path.dirname(os.path.abspath(__file__))
PROJECTS = os.path.join(HERE, "projects")
SKIP = 77


class Failure(Exception):
    pass


def log(msg):
    print(msg, flush=True)


def run(cmd, cwd=None, env=None, shell=False, check=True, quiet=True):
    """Runs cmd; on failure prints its output and raises."""
    shown = cmd if shell else " ".join(shlex.quote(c) for c in cmd)
    log("$ " + shown)
    p = subprocess.run(cmd, cwd=cwd, env=env, shell=shell, stdout=subprocess.PIPE,
                       stderr=subprocess.STDOUT, text=True)
    if check and p.returncode != 0:
        sys.stdout.write(p.stdout[-6000:])
        raise Failure("exit status %d: %s" % (p.returncode, shown))
    if not quiet:
        sys.stdout.write(p.stdout)
    return p


def need(*tools):
    missing = [t for t in tools if shutil.which(t) is None]
    if missing:
        log("SKIP: not installed: %s (scripts/deps.sh installs them)" % " ".join(missing))
        sys.exit(SKIP)


def fresh_copy(project, work):
    dst = os.path.join(work, project)
    shutil.rmtree(dst, ignore_errors=True)
    shutil.copytree(os.path.join(PROJECTS, project), dst)
    return dst


def report_env(args, reports_dir, **extra):
    os.makedirs(reports_dir, exist_ok=True)
    for f in glob.glob(os.path.join(reports_dir, "*.json")):
        os.remove(f)
    env = dict(os.environ)
    env["PATH"] = os.path.join(args.prefix, "bin") + os.pathsep + env["PATH"]
    env["HOTPATH_OUTPUT_FORMAT"] = "json"
    env["HOTPATH_OUTPUT_PATH"] = os.path.join(reports_dir, "report.%p.json")
    for k in ("HOTPATH_INCLUDE", "HOTPATH_EXCLUDE", "HOTPATH_CC", "HOTPATH_CXX", "CC", "CXX",
              "CFLAGS", "LDFLAGS", "CCACHE_DISABLE"):
        env.pop(k, None)
    env["CCACHE_DISABLE"] = "1"
    env.update(extra)
    return env


def reports(reports_dir):
    out = []
    for path in sorted(glob.glob(os.path.join(reports_dir, "*.json"))):
        with open(path, encoding="utf-8") as f:
            text = f.read()
        try:
            out.append(json.loads(text))
        except ValueError as e:
            raise Failure("%s is not valid JSON (%s): %r" % (path, e, text[:200]))
    return out


def rows(report):
    return {r["name"]: r for r in report["functions"]}


def expect_calls(report, expected, what):
    """expected: {name: calls}. Every name must be a row with exactly that count."""
    got = rows(report)
    for name, calls in expected.items():
        if name not in got:
            raise Failure("%s: no row %s in the report (rows: %s)" % (what, name, sorted(got)))
        if got[name]["calls"] != calls:
            raise Failure("%s: %s has %d calls, expected %d" % (what, name, got[name]["calls"], calls))
    log("ok: %s: %s" % (what, ", ".join("%s=%d" % kv for kv in sorted(expected.items()))))


def one_report(reports_dir, what):
    rs = reports(reports_dir)
    if len(rs) != 1:
        raise Failure("%s: %d reports in %s, expected exactly one" % (what, len(rs), reports_dir))
    return rs[0]


def pkg_config(args, *query):
    env = dict(os.environ)
    env["PKG_CONFIG_PATH"] = os.path.join(args.prefix, "lib", "pkgconfig")
    p = subprocess.run(["pkg-config"] + list(query) + ["hotpath"], env=env,
                       stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    if p.returncode != 0:
        raise Failure("pkg-config %s hotpath: %s" % (" ".join(query), p.stderr.strip()))
    return p.stdout.strip()


# The figures of the sample projects' programs (see their sources).
CALC_CALLS = {"calc::main": 1, "run::run_all": 1, "mathlib::square": 10, "mathlib::cube": 10,
              "strlib::reverse": 3}


# ------------------------------------------------------------------ scenarios

def scenario_layout(args):
    """The installed files, and hotpath.pc pointing at them."""
    p = args.prefix
    for rel in ["bin/hotpath-cc", "bin/hotpath-c++", "include/hotpath/hotpath.h",
                "lib/libhotpath.a", "lib/libhotpath.so", "lib/pkgconfig/hotpath.pc",
                "lib/cmake/hotpath/hotpath-config.cmake"] + args.expect_file:
        if not os.path.exists(os.path.join(p, rel)):
            raise Failure("not installed: %s" % os.path.join(p, rel))
        log("ok: %s" % rel)
    for var in pkg_config(args, "--print-variables").split():
        if var.endswith("_plugin"):
            path = pkg_config(args, "--variable=" + var)
            if not os.path.isfile(path):
                raise Failure("pkg-config --variable=%s hotpath: %s does not exist" % (var, path))
            log("ok: %s=%s" % (var, path))
    if os.path.exists(os.path.join(p, "lib", "gcc")):
        raise Failure("a prefix install wrote into lib/gcc")
    cflags = pkg_config(args, "--cflags")
    if cflags != "-I" + os.path.join(p, "include"):
        raise Failure("pkg-config --cflags hotpath: %r" % cflags)
    log("ok: --cflags %s" % cflags)


def scenario_pkgconfig(args):
    """The README's pkg-config recipe: the plugin from a variable, the
    runtime from --cflags/--libs."""
    need("pkg-config")
    work = fresh_copy("make", args.work)
    out = os.path.join(work, "reports")
    env = report_env(args, out, PKG_CONFIG_PATH=os.path.join(args.prefix, "lib", "pkgconfig"))
    cc = args.cc or "gcc"
    var = "gcc_plugin" if "clang" not in cc else "clang_plugin"
    recipe = ('%s -O2 -fplugin="$(pkg-config --variable=%s hotpath)" '
              '-fplugin-arg-hotpath-include=".*" $(pkg-config --cflags hotpath) '
              'app/calc.c app/run.c lib/mathlib.c lib/strlib.c -Ilib -o calc '
              '$(pkg-config --libs hotpath)' % (cc, var))
    run(recipe, cwd=work, env=env, shell=True)
    run(["./calc"], cwd=work, env=env)
    expect_calls(one_report(out, "pkg-config build"), CALC_CALLS, "pkg-config build (%s)" % cc)


def scenario_make(args):
    """make CC=hotpath-cc on a plain two-directory project whose library is
    shared: one report per run, the library's and the program's functions
    in it with exact counts, allocations seen through the shared runtime,
    and nothing of hotpath's exported by the project's library."""
    work = fresh_copy("make", args.work)
    out = os.path.join(work, "reports")
    env = report_env(args, out)
    if args.cc:
        env["HOTPATH_CC"] = args.cc
    run("make CC=hotpath-cc HOTPATH_INCLUDE='.*'", cwd=work, env=env, shell=True)  # the README's
    run(["./calc"], cwd=os.path.join(work, "app"), env=env)
    expect_calls(one_report(out, "make CC=hotpath-cc"), CALC_CALLS, "make CC=hotpath-cc")
    env["HOTPATH_ALLOC"] = "1"
    for f in glob.glob(os.path.join(out, "*.json")):
        os.remove(f)
    run(["./calc"], cwd=os.path.join(work, "app"), env=env)
    report = one_report(out, "HOTPATH_ALLOC=1")
    alloc = {r["name"]: r for r in report.get("allocations", [])}
    rev = alloc.get("strlib::reverse")
    if not rev or rev["allocs"] != 3 or rev["bytes_total"] < 23:
        raise Failure("HOTPATH_ALLOC=1: strlib::reverse should show 3 allocations of 23 bytes "
                      "or more, got %r" % rev)
    log("ok: HOTPATH_ALLOC=1: strlib::reverse allocs=3 bytes_total=%d" % rev["bytes_total"])
    no_runtime_exported(os.path.join(work, "lib", "libmathlib.so"))


def wrapper_env(args, work, **extra):
    env = report_env(args, os.path.join(work, "reports"), **extra)
    if args.cc:
        env["HOTPATH_CC"] = args.cc
    if args.cxx:
        env["HOTPATH_CXX"] = args.cxx
    return env


def verbose_line(p):
    lines = [l for l in p.stdout.splitlines() if l.startswith(("hotpath-cc: ", "hotpath-c++: "))]
    return lines[-1] if lines else ""


def scenario_wrapper(args):
    """The command lines a build system gives a compiler, one by one."""
    work = os.path.join(args.work, "wrapper")
    shutil.rmtree(work, ignore_errors=True)
    shutil.copytree(os.path.join(PROJECTS, "wrapper"), work)
    out = os.path.join(work, "reports")
    env = wrapper_env(args, work)
    cc = ["hotpath-cc", "--hotpath-verbose"]

    def check_report(prog, expected, what):
        for f in glob.glob(os.path.join(out, "*.json")):
            os.remove(f)
        run([prog], cwd=work, env=env)
        expect_calls(one_report(out, what), expected, what)

    # -c: the plugin, no link flags; the object calls the runtime.
    p = run(cc + ["-c", "tagged.c", "-o", "tagged.o"], cwd=work, env=env)
    if "-fplugin=" not in verbose_line(p) or "libhotpath" in verbose_line(p):
        raise Failure("-c: expected the plugin and no runtime: %s" % verbose_line(p))
    if "hotpath_enter" not in run(["nm", "tagged.o"], cwd=work).stdout:
        raise Failure("-c: tagged.o does not call hotpath_enter")
    log("ok: -c")
    # A link of objects only: the runtime, no plugin flag.
    p = run(cc + ["tagged.o", "-o", "tagged_objs"], cwd=work, env=env)
    if "-fplugin" in verbose_line(p) or "libhotpath" not in verbose_line(p):
        raise Failure("objects-only link: %s" % verbose_line(p))
    check_report("./tagged_objs", {"tagged::work": 7}, "objects-only link")
    # -o before the sources, compile and link in one.
    run(cc + ["-o", "tagged_one", "-O2", "tagged.c"], cwd=work, env=env)
    check_report("./tagged_one", {"tagged::work": 7}, "-o before the sources")
    # -E: the plugin (it defines __HOTPATH__), no link flags.
    p = run(cc + ["-E", "tagged.c"], cwd=work, env=env)
    if "hotpath_is_on" not in p.stdout or "libhotpath" in verbose_line(p):
        raise Failure("-E: __HOTPATH__ not defined, or link flags added: %s" % verbose_line(p))
    log("ok: -E")
    # -M -MF: dependencies only, nothing else written.
    run(cc + ["-M", "-MF", "deps.d", "tagged.c"], cwd=work, env=env)
    deps = open(os.path.join(work, "deps.d")).read()
    if "tagged.c" not in deps or "hotpath.h" not in deps:
        raise Failure("-M -MF: deps.d is %r" % deps)
    log("ok: -M -MF deps.d")
    # -MD with -c: a compile that also writes dependencies.
    run(cc + ["-MD", "-MF", "tagged2.d", "-c", "tagged.c", "-o", "tagged2.o"], cwd=work, env=env)
    if not os.path.exists(os.path.join(work, "tagged2.d")):
        raise Failure("-MD -MF -c: no tagged2.d")
    log("ok: -MD -MF -c")
    # A response file holding the whole command line.
    with open(os.path.join(work, "args.rsp"), "w") as f:
        f.write('-O2 "-o" tagged_rsp\ntagged.c\n')
    p = run(cc + ["@args.rsp"], cwd=work, env=env)
    if "libhotpath" not in verbose_line(p) or "-fplugin=" not in verbose_line(p):
        raise Failure("@file: not seen as a compile and link: %s" % verbose_line(p))
    check_report("./tagged_rsp", {"tagged::work": 7}, "@response file")
    # -x c on a file whose name says nothing; the runtime after -x none.
    run(cc + ["-x", "c", "source.txt", "-o", "from_txt"], cwd=work, env=env)
    check_report("./from_txt", {"source::twice": 2}, "-x c source.txt")
    # A C++ source through hotpath-cc (compiled as C++ by the driver), linked by hotpath-c++.
    run(cc + ["-c", "shapes.cpp", "-o", "shapes.o"], cwd=work, env=env)
    run(["hotpath-c++", "shapes.o", "-o", "shapes"], cwd=work, env=env)
    check_report("./shapes", {"shapes::geo::Square::area": 3}, "C++ through hotpath-cc")
    # -shared -fPIC: the shared runtime as a dependency, no second copy.
    run(cc + ["-shared", "-fPIC", "-O2", "libpart.c", "-o", "libpart.so"], cwd=work, env=env)
    needed = run(["readelf", "-d", "libpart.so"], cwd=work).stdout
    if "libhotpath.so" not in needed:
        raise Failure("-shared: libpart.so does not depend on libhotpath.so")
    defined = run(["nm", "-D", "--defined-only", "libpart.so"], cwd=work).stdout
    if " malloc" in defined or "hotpath_enter" in defined:
        raise Failure("-shared: libpart.so defines the runtime's symbols")
    run(cc + ["-O2", "uses_part.c", "./libpart.so", "-Wl,-rpath," + work, "-o", "uses_part"],
        cwd=work, env=env)
    check_report("./uses_part", {"libpart::part": 4, "uses_part::main": 1}, "-shared -fPIC")
    # -static: refused in one line (the allocator hooks need glibc's shared malloc).
    p = run(cc + ["-static", "tagged.c", "-o", "tagged_static"], cwd=work, env=env, check=False)
    if p.returncode == 0 or "-static: a fully static program cannot be measured" not in p.stdout:
        raise Failure("-static: expected one line refusing it, got %r" % p.stdout)
    log("ok: -static refused in one line")
    # --version and friends: straight through.
    real = args.cc or "cc"
    mine = run(["hotpath-cc", "--version"], cwd=work, env=env).stdout
    theirs = run([real, "--version"], cwd=work, env=env).stdout
    if mine != theirs:
        raise Failure("--version differs from %s --version" % real)
    p = run(["hotpath-cc", "-print-prog-name=ld"], cwd=work, env=env)
    log("ok: --version, -print-prog-name=ld")
    # The launcher form: the compiler as first argument.
    p = run(cc + [real, "-c", "tagged.c", "-o", "launched.o"], cwd=work, env=env)
    if not verbose_line(p).startswith("hotpath-cc: " + shutil.which(real)):
        raise Failure("launcher form: %s" % verbose_line(p))
    log("ok: launcher form")
    # Exit status of a failing compile passes through.
    p = run(["hotpath-cc", "-c", "broken.c"], cwd=work, env=env, check=False)
    if p.returncode != 1 or "error" not in p.stdout:
        raise Failure("broken.c: exit status %d, output %r" % (p.returncode, p.stdout))
    log("ok: a compile error's exit status (1)")
    # An unknown compiler, and one whose plugin was not built: one line.
    for fake, want in (("fake-cc", "is neither GCC nor Clang"),
                       ("fake-gcc99", "is GCC 99, for which no hotpath plugin was built")):
        e = dict(env, HOTPATH_CC=os.path.join(work, fake))
        p = run(["hotpath-cc", "-c", "tagged.c"], cwd=work, env=e, check=False)
        lines = p.stdout.strip().splitlines()
        if p.returncode == 0 or len(lines) != 1 or want not in lines[0] \
                or "supported:" not in lines[0]:
            raise Failure("%s: expected one line with %r, got %r" % (fake, want, p.stdout))
        log("ok: %s: %s" % (fake, lines[0]))
    # HOTPATH_INCLUDE selects untagged functions; --hotpath-exclude= wins over it.
    e = dict(env, HOTPATH_INCLUDE=".*")
    run(["hotpath-cc", "--hotpath-exclude=::main$", "untagged.c", "-o", "untagged"], cwd=work, env=e)
    for f in glob.glob(os.path.join(out, "*.json")):
        os.remove(f)
    run(["./untagged"], cwd=work, env=env)
    r = one_report(out, "HOTPATH_INCLUDE")
    expect_calls(r, {"untagged::helper": 5}, "HOTPATH_INCLUDE='.*' --hotpath-exclude='::main$'")
    if "untagged::main" in rows(r):
        raise Failure("--hotpath-exclude='::main$' left untagged::main in the report")
    # A -Werror link of objects with the regex set: no warning, either compiler.
    for compiler in ("gcc", "clang", "clang-19"):
        if not shutil.which(compiler):
            continue
        e = dict(env, HOTPATH_CC=compiler, HOTPATH_INCLUDE=".*")
        run(["hotpath-cc", "-c", "untagged.c", "-o", "untagged_%s.o" % compiler], cwd=work, env=e)
        p = run(["hotpath-cc", "-Werror", "-Wall", "untagged_%s.o" % compiler,
                 "-o", "untagged_" + compiler], cwd=work, env=e)
        if p.stdout.strip():
            raise Failure("-Werror link with %s printed: %s" % (compiler, p.stdout))
        log("ok: -Werror link of objects with %s: no output" % compiler)
        if "clang" in compiler:
            # The plugin flags written by hand into a link (docs/install.md):
            # a warning, an error under -Werror, and silence with -Qunused-arguments.
            major = run([compiler, "-dumpversion"]).stdout.split(".")[0]
            plugin = pkg_config(args, "--variable=clang%s_plugin" % major)
            by_hand = [compiler, "-Werror", "-fplugin=" + plugin,
                       "-fplugin-arg-hotpath-include=.*", "untagged_%s.o" % compiler,
                       os.path.join(args.prefix, "lib", "libhotpath.so"),
                       "-o", "by_hand_" + compiler]
            p = run(by_hand, cwd=work, env=e, check=False)
            if p.returncode != 0 and "argument unused" not in p.stdout:
                raise Failure("%s: the link failed otherwise: %r" % (compiler, p.stdout))
            fails = p.returncode != 0
            p = run(by_hand + ["-Qunused-arguments"], cwd=work, env=e)
            if p.stdout.strip():
                raise Failure("-Qunused-arguments link with %s printed: %s" % (compiler, p.stdout))
            log("ok: %s: plugin flags by hand on a -Werror link %s; with -Qunused-arguments "
                "it passes silently" % (compiler, "fail (argument unused)" if fails else "pass"))


def no_runtime_exported(path):
    dyn = run(["nm", "-D", "--defined-only", path]).stdout.split()
    leaked = [s for s in dyn if s in ("malloc", "free", "calloc", "realloc")
              or s.startswith("hotpath_")]
    if leaked:
        raise Failure("%s defines %s: a second runtime" % (path, leaked))
    log("ok: %s defines no allocator or hotpath_* symbol (nm -D)" % os.path.basename(path))


def scenario_autotools(args):
    """./configure CC=hotpath-cc && make && make check on an automake
    project with a libtool shared library (-no-undefined and an
    -export-symbols-regex), with every function measured but configure's
    test programs, which measure nothing (configure.ac compares one's
    stdout with its stderr)."""
    need("autoreconf", "automake", "libtoolize", "make")
    work = fresh_copy("autotools", args.work)
    for d, files in (("lib", ["mathlib.c", "mathlib.h", "strlib.c"]), ("src", ["calc.c", "run.c"])):
        os.makedirs(os.path.join(work, d), exist_ok=True)
        sub = "lib" if d == "lib" else "app"
        for f in files:
            shutil.copy(os.path.join(PROJECTS, "make", sub, f), os.path.join(work, d, f))
    run(["autoreconf", "-fi"], cwd=work)
    conf_reports = os.path.join(work, "reports-configure")
    env = report_env(args, conf_reports, HOTPATH_INCLUDE=".*")
    if args.cc:
        env["HOTPATH_CC"] = args.cc
    run("./configure CC=hotpath-cc", cwd=work, env=env, shell=True)  # the README's, in 3 steps
    conftests = [r for r in reports(conf_reports) if "conftest::main" in rows(r)]
    if conftests:
        raise Failure("configure's test programs were measured (%d reports with conftest::main)"
                      % len(conftests))
    cache = open(os.path.join(work, "config.log")).read()
    if "calc_cv_stderr_own=yes" not in cache:
        raise Failure("configure's stdout/stderr check did not answer yes")
    log("ok: configure: its test programs measured nothing; the stdout/stderr check said yes")
    pipe = [l for l in open(os.path.join(work, "libtool")) if l.startswith("global_symbol_pipe=")]
    if not pipe or pipe[0].strip() in ('global_symbol_pipe=""', "global_symbol_pipe=''"):
        raise Failure("libtool's nm check failed under hotpath-cc: %r" % pipe)
    log("ok: libtool's global_symbol_pipe is set (its nm check linked and ran)")
    run("make", cwd=work, env=env, shell=True)
    check_reports = os.path.join(work, "reports-check")
    env = report_env(args, check_reports)
    run("make check", cwd=work, env=env, shell=True)
    expect_calls(one_report(check_reports, "make check"), CALC_CALLS, "make check")
    no_runtime_exported(os.path.join(work, "lib", ".libs", "libmathlib.so"))


def cmake_build(args, project, configure, what, env_extra=None):
    """Configures and builds a CMake project of PROJECTS (with the Make
    sample beside it), runs its calc and checks the report."""
    need("cmake")
    fresh_copy("make", args.work)
    src = fresh_copy(project, args.work)
    build = os.path.join(args.work, project + "-build")
    shutil.rmtree(build, ignore_errors=True)
    out = os.path.join(args.work, "reports")
    env = report_env(args, out, **(env_extra or {}))
    run(["cmake", "-S", src, "-B", build] + configure, env=env)
    run(["cmake", "--build", build, "-j2"], env=env)
    for f in glob.glob(os.path.join(out, "*.json")):
        os.remove(f)
    run([os.path.join(build, "calc")], env=env)
    expect_calls(one_report(out, what), CALC_CALLS, what)
    return build


def scenario_cmake_consumer(args):
    """find_package(hotpath) + hotpath_instrument(), with --cc's and --cxx's
    compilers: C targets (a shared library and a program) and a C++ one."""
    cc, cxx = args.cc or "cc", args.cxx or "c++"
    build = cmake_build(args, "cmake-consumer", ["-DCMAKE_C_COMPILER=" + cc,
                                                 "-DCMAKE_CXX_COMPILER=" + cxx,
                                                 "-DCMAKE_PREFIX_PATH=" + args.prefix],
                        "hotpath_instrument with %s" % cc)
    out = os.path.join(args.work, "reports")
    env = report_env(args, out)
    run([os.path.join(build, "area")], env=env)
    expect_calls(one_report(out, "C++ target"), {"area::geo::Square::area": 4},
                 "hotpath_instrument on a C++ target with %s" % cxx)


def scenario_cmake_unsupported(args):
    """hotpath_instrument with a compiler no plugin was built for: a
    configure-time error naming it."""
    fresh_copy("make", args.work)
    src = fresh_copy("cmake-consumer", args.work)
    build = os.path.join(args.work, "unsupported-build")
    shutil.rmtree(build, ignore_errors=True)
    # The installed package, with a plugin table that lists no compiler.
    fake = os.path.join(args.work, "fake-prefix")
    shutil.rmtree(fake, ignore_errors=True)
    shutil.copytree(args.prefix, fake, symlinks=True)
    table = os.path.join(fake, "lib", "cmake", "hotpath", "hotpath-plugins.cmake")
    text = open(table).read()
    text = "\n".join(l for l in text.splitlines()
                     if not l.startswith(("set(HOTPATH_CLANG_", "set(HOTPATH_GCC_MAJOR")))
    text += '\nset(HOTPATH_GCC_MAJOR "99")\nset(HOTPATH_CLANG_MAJORS "")\n'
    open(table, "w").write(text)
    p = run(["cmake", "-S", src, "-B", build, "-DCMAKE_C_COMPILER=" + (args.cc or "cc"),
             "-DCMAKE_PREFIX_PATH=" + fake], check=False)
    flat = " ".join(p.stdout.split())
    if p.returncode == 0 or "for which no hotpath plugin is installed (supported: GCC 99)" \
            not in flat or "the C compiler" not in flat:
        raise Failure("expected a configure error naming the compiler, got:\n" + p.stdout[-2000:])
    log("ok: configure error: " + flat[flat.index("hotpath: the C compiler"):].split(";")[0])


def scenario_cmake_project_include(args):
    """An unmodified project, every target measured through
    CMAKE_PROJECT_INCLUDE=P/share/hotpath/instrument-all.cmake."""
    cc = args.cc or "cc"
    build = cmake_build(args, "cmake-plain",
                        ["-DCMAKE_C_COMPILER=" + cc,
                         "-DCMAKE_PROJECT_INCLUDE=" + os.path.join(
                             args.prefix, "share", "hotpath", "instrument-all.cmake"),
                         "-DHOTPATH_INCLUDE=.*"],
                        "CMAKE_PROJECT_INCLUDE with %s" % cc)
    no_runtime_exported(os.path.join(build, "libmathlib.so"))


def scenario_cmake_compiler(args):
    """An unmodified project configured with CMAKE_C_COMPILER=hotpath-cc
    (CMake's compiler checks run through the wrapper)."""
    env = {"HOTPATH_INCLUDE": ".*"}
    if args.cc:
        env["HOTPATH_CC"] = args.cc
    cmake_build(args, "cmake-plain", ["-DCMAKE_C_COMPILER=hotpath-cc"],
                "CMAKE_C_COMPILER=hotpath-cc", env)


def scenario_cmake_launcher(args):
    """The same project with hotpath-cc as compiler and linker launcher."""
    cc = args.cc or "cc"
    cmake_build(args, "cmake-plain", ["-DCMAKE_C_COMPILER=" + cc,
                                      "-DCMAKE_C_COMPILER_LAUNCHER=hotpath-cc",
                                      "-DCMAKE_C_LINKER_LAUNCHER=hotpath-cc"],
                "CMAKE_C_COMPILER_LAUNCHER=hotpath-cc with %s" % cc, {"HOTPATH_INCLUDE": ".*"})


def scenario_deb(args):
    """make package's .deb, installed with apt-get, used with
    gcc -fplugin=hotpath and /usr/bin/hotpath-cc, then purged again."""
    if os.geteuid() != 0:
        log("SKIP: installing a .deb needs root (this test runs apt-get install and dpkg -r)")
        sys.exit(SKIP)
    need("apt-get", "dpkg", "cpack")
    status = subprocess.run(["dpkg-query", "-W", "-f=${Status}", "hotpath"], text=True,
                            stdout=subprocess.PIPE, stderr=subprocess.DEVNULL).stdout
    if "installed" in status or "config-files" in status:
        log("SKIP: a hotpath package is installed already; this test leaves it alone")
        sys.exit(SKIP)
    for old in glob.glob(os.path.join(args.build, "hotpath_*.deb")):
        os.remove(old)
    run(["make", "-s", "package", "BUILD=" + args.build], cwd=args.source)
    debs = glob.glob(os.path.join(args.build, "hotpath_*.deb"))
    if len(debs) != 1:
        raise Failure("make package made %r" % debs)
    deb = debs[0]
    info = run(["dpkg-deb", "-f", deb, "Depends"]).stdout.strip()
    if "libc6" not in info or "gcc-" not in info:
        raise Failure("the package's Depends is %r" % info)
    log("ok: %s, Depends: %s" % (os.path.basename(deb), info))
    files = run(["dpkg-deb", "-c", deb]).stdout
    gcc_dir = run(["gcc", "-print-file-name=plugin"]).stdout.strip()
    for want in ["./usr/bin/hotpath-cc", "./usr/lib/libhotpath.so", "./usr/lib/hotpath/hotpath.so",
                 "." + gcc_dir + "/hotpath.so", "./usr/lib/pkgconfig/hotpath.pc",
                 "./usr/share/man/man7/hotpath.7"]:
        if want not in files:
            raise Failure("the package has no %s" % want)
    log("ok: the package holds /usr/bin/hotpath-cc, the runtime, the plugins, %s/hotpath.so" % gcc_dir)
    env = dict(os.environ, DEBIAN_FRONTEND="noninteractive")
    run(["apt-get", "install", "-y", "-q", "--no-install-recommends", deb], env=env)
    try:
        work = os.path.join(args.work, "deb")
        shutil.rmtree(work, ignore_errors=True)
        shutil.copytree(os.path.join(PROJECTS, "wrapper"), work)
        out = os.path.join(work, "reports")
        env = report_env(args, out)
        env["PATH"] = "/usr/bin:/bin"
        run(["gcc", "-O2", "-fplugin=hotpath", "tagged.c", "-o", "tagged_gcc", "-lhotpath"],
            cwd=work, env=env)
        run(["./tagged_gcc"], cwd=work, env=env)
        expect_calls(one_report(out, "gcc -fplugin=hotpath"), {"tagged::work": 7},
                     "gcc -fplugin=hotpath ... -lhotpath")
        for f in glob.glob(os.path.join(out, "*.json")):
            os.remove(f)
        run(["/usr/bin/hotpath-cc", "-O2", "tagged.c", "-o", "tagged_cc"], cwd=work, env=env)
        run(["./tagged_cc"], cwd=work, env=env)
        expect_calls(one_report(out, "/usr/bin/hotpath-cc"), {"tagged::work": 7},
                     "/usr/bin/hotpath-cc")
    finally:
        run(["dpkg", "--purge", "hotpath"])  # -r would leave it in config-files state
    if os.path.exists("/usr/bin/hotpath-cc") or os.path.exists(gcc_dir + "/hotpath.so"):
        raise Failure("dpkg --purge hotpath left files behind")
    log("ok: dpkg --purge hotpath removed it again")


def scenario_own_file(args):
    """The commands make demo prints: one file with every function measured,
    and a Makefile project, with the hotpath-cc of --prefix/bin (the build
    tree's build/bin when --prefix is the build folder)."""
    work = os.path.join(args.work, "own")
    shutil.rmtree(work, ignore_errors=True)
    shutil.copytree(os.path.join(PROJECTS, "wrapper"), work)
    out = os.path.join(work, "reports")
    env = report_env(args, out)
    cc = os.path.join(args.prefix, "bin", "hotpath-cc")
    run("%s -O2 --hotpath-include='.*' untagged.c -o yourprog && ./yourprog" % cc,
        cwd=work, env=env, shell=True)
    expect_calls(one_report(out, "own file"), {"untagged::helper": 5, "untagged::main": 1},
                 "hotpath-cc --hotpath-include='.*' (%s)" % cc)
    mk = fresh_copy("make", args.work)
    out = os.path.join(mk, "reports")
    env = report_env(args, out)
    run("make CC=%s HOTPATH_INCLUDE='.*'" % cc, cwd=mk, env=env, shell=True)
    run(["./calc"], cwd=os.path.join(mk, "app"), env=env)
    expect_calls(one_report(out, "make CC=%s" % cc), CALC_CALLS, "make CC=%s" % cc)


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("scenario")
    ap.add_argument("--prefix", required=True)
    ap.add_argument("--work", required=True)
    ap.add_argument("--source", help="hotpath's source tree (for the .deb scenario)")
    ap.add_argument("--build", help="hotpath's build tree (for the .deb scenario)")
    ap.add_argument("--cc", help="the C compiler a scenario uses")
    ap.add_argument("--cxx", help="the C++ compiler a scenario uses")
    ap.add_argument("--expect-file", action="append", default=[],
                    help="a file (relative to the prefix) the layout must hold")
    args = ap.parse_args()
    args.prefix = os.path.abspath(args.prefix)
    args.work = os.path.abspath(args.work)
    os.makedirs(args.work, exist_ok=True)
    fn = globals().get("scenario_" + args.scenario.replace("-", "_"))
    if not fn:
        sys.exit("run.py: unknown scenario '%s'" % args.scenario)
    try:
        fn(args)
    except Failure as e:
        log("FAIL: %s" % e)
        sys.exit(1)
    log("PASS: %s" % args.scenario)


if __name__ == "__main__":
    main()
