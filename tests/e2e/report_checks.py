#!/usr/bin/env python3
"""End-to-end checks of the runtime's report and configuration, on real
programs linked with the real runtime (most use the manual API of
runtime/include/hotpath/hotpath.h, so no plugin is needed; the locale check
builds tests/corpus/c_locale.c with the GCC plugin when one is given).

  report_checks.py --cc CC --include DIR --lib libhotpath.a --work DIR
                   --docs docs/reliability.md [--plugin-flags FLAGS] [--only REGEX]

Each check prints "ok NAME", "SKIP NAME: why" or "FAIL NAME" with the
reasons; exits 1 if any failed.
"""
import argparse
import json
import os
import re
import shlex
import subprocess
import sys

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(os.path.dirname(HERE))
CHECKS = []


class Skip(Exception):
    pass


def check(fn):
    CHECKS.append(fn)
    return fn


def run(cmd, env=None, cwd=None, timeout=120, **kw):
    full = dict(os.environ)
    for k in list(full):
        if k.startswith("HOTPATH_"):
            del full[k]
    full.update(env or {})
    return subprocess.run(cmd, env=full, cwd=cwd, timeout=timeout, capture_output=True, **kw)


def build(a, name, src, extra=()):
    """Compiles src (a path) with the runtime into work/name; returns the path."""
    exe = os.path.join(a.work, name)
    r = run(shlex.split(a.cc) + ["-O2", "-I", a.include, src, a.lib, "-lpthread", "-o", exe]
            + list(extra))
    if r.returncode != 0:
        raise AssertionError("cannot compile %s:\n%s" % (src, r.stderr.decode()))
    return exe


# Under a sanitizer (make test-sanitize) the runtime adds this one line when
# a program asks for allocation tracking; the documented messages are the
# rest, as without a sanitizer.
STEP_ASIDE = "hotpath: allocation tracking is off: the program runs under "


def messages(stderr):
    return [l for l in stderr.decode("utf-8", "replace").splitlines()
            if l.startswith("hotpath:") and not l.startswith(STEP_ASIDE)]


def doc_cases(path):
    """The `$ VAR=value ./program` lines of the "Bad `HOTPATH_*` values"
    section of docs/reliability.md, each with the hotpath: lines after it."""
    text = open(path, encoding="utf-8").read()
    m = re.search(r"^## Bad `HOTPATH_\*` values\n(.*?)(?=^## )", text, re.S | re.M)
    if not m:
        raise AssertionError("no \"Bad `HOTPATH_*` values\" section in %s" % path)
    cases = []
    for block in re.findall(r"^```console\n(.*?)^```", m.group(1), re.S | re.M):
        for line in block.splitlines():
            if line.startswith("$ "):
                cases.append((line[2:], []))
            elif cases and line.startswith("hotpath:"):
                cases[-1][1].append(line)
    return cases


@check
def documented_messages_are_the_real_ones(a):
    """Every bad value listed in docs/reliability.md gets exactly the lines shown."""
    demo = os.path.join(HERE, "report", "demo.c")
    progs = {"./demo": build(a, "demo", demo),
             "./demo_17": build(a, "demo_17", demo, ["-DMAIN_PERCENTILES=\"%s\"" % ",".join(
                 str(i) for i in range(1, 18))]),
             "./demo_alloc": build(a, "demo_alloc", demo, ["-DMAIN_FLAGS=HOTPATH_FLAG_ALLOC"])}
    cases = doc_cases(a.docs)
    if len(cases) < 10:
        raise AssertionError("only %d cases in the docs" % len(cases))
    errors = []
    for cmd, want in cases:
        words = shlex.split(cmd)
        env = {}
        while words and re.match(r"^[A-Z_]+=", words[0]):
            k, _, v = words.pop(0).partition("=")
            env[k] = v
        if words[0] not in progs:
            errors.append("%s: unknown program %s" % (cmd, words[0]))
            continue
        r = run([progs[words[0]]] + words[1:], env=env, cwd=a.work)
        got = messages(r.stderr)
        if got != want or r.returncode != 0:
            errors.append("%s: exit %d, lines\n    %s\n  expected\n    %s" % (
                cmd, r.returncode, "\n    ".join(got) or "(none)", "\n    ".join(want)))
    if errors:
        raise AssertionError("\n".join(errors))


@check
def refused_percentiles_give_what_the_message_says(a):
    """HOTPATH_PERCENTILES=101 with hotpath::main(50,95,99): the line says
    50,95,99 from hotpath::main, and the report shows exactly those."""
    exe = build(a, "demo", os.path.join(HERE, "report", "demo.c"))
    out = os.path.join(a.work, "demo101.json")
    r = run([exe], env={"HOTPATH_PERCENTILES": "101", "HOTPATH_OUTPUT_FORMAT": "json",
                        "HOTPATH_OUTPUT_PATH": out})
    msg = messages(r.stderr)
    assert len(msg) == 1 and msg[0].endswith('using "50,95,99" from hotpath::main (demo::main)'), msg
    rep = json.load(open(out))
    assert rep["percentiles"] == [50, 95, 99], rep["percentiles"]
    assert list(rep["functions"][0]["percentiles_ns"]) == ["50", "95", "99"]
    r = run([exe], env={"HOTPATH_PERCENTILES": "99.99999,12.345678,95,95", "HOTPATH_OUTPUT_FORMAT": "json",
                        "HOTPATH_OUTPUT_PATH": out})
    rep = json.load(open(out))  # json.load keeps the last of duplicate keys: compare the text
    text = open(out).read()
    assert rep["percentiles"] == [99.99999, 12.345678, 95], rep["percentiles"]
    assert '"percentiles_ns":{"99.99999":' in text and text.count('"95":') == 1, text
    assert messages(r.stderr) == [
        'hotpath: HOTPATH_PERCENTILES="99.99999,12.345678,95,95" lists 95 more than once: '
        'using "99.99999,12.345678,95"'], messages(r.stderr)


@check
def locale_of_the_program_changes_no_number(a):
    """c_locale.c (setlocale(LC_ALL, "") under de_DE.UTF-8) built with the
    GCC plugin: the table's times and percentages use '.', the JSON loads."""
    if not a.plugin_flags:
        raise Skip("no --plugin-flags given")
    exe = os.path.join(a.work, "c_locale")
    src = os.path.join(ROOT, "tests", "corpus", "c_locale.c")
    r = run(shlex.split(a.cc) + shlex.split(a.plugin_flags) + ["-O2", "-I", a.include, src, a.lib,
                                                                "-lpthread", "-o", exe])
    assert r.returncode == 0, r.stderr.decode()
    env = {"LC_ALL": "de_DE.UTF-8", "LANG": "de_DE.UTF-8"}
    r = run([exe], env=env)
    err = r.stderr.decode()
    if "calls=3" not in err:
        raise Skip("the de_DE.UTF-8 locale is not installed (Debian package locales-all)")
    table = [l for l in err.splitlines() if l.startswith("|")]
    assert len(table) == 2, err  # header and one row
    assert re.search(r"\| \d+\.\d\dms ", table[1]), table[1]
    assert re.search(r"\| \d+\.\d\d% ", table[1]), table[1]
    assert not re.search(r"\d,\d", err), err
    assert "| P50 " in table[0] and "| P99.9 " in table[0], table[0]
    out = os.path.join(a.work, "c_locale.json")
    env.update(HOTPATH_OUTPUT_FORMAT="json-pretty", HOTPATH_OUTPUT_PATH=out)
    r = run([exe], env=env)
    rep = json.loads(open(out).read())
    assert rep["percentiles"] == [50, 99.9], rep["percentiles"]


def modes(a):
    return build(a, "modes", os.path.join(HERE, "report", "modes.c"))


@check
def nothing_measured_is_said_when_a_report_was_asked_for(a):
    exe = modes(a)
    r = run([exe, "none"])
    assert r.returncode == 0 and r.stderr == b"", r.stderr  # asked for nothing: silent
    r = run([exe, "main-only"])
    err = r.stderr.decode()
    assert re.fullmatch(r"\[hotpath\] Nothing was measured in modes::main \(\d+\.\d\dms\): no measured "
                        r"function or block was called \(is any function tagged, did the plugin's "
                        r"include= match nothing, or was the program built without the plugin\?\)\n",
                        err), err
    r = run([exe, "none"], env={"HOTPATH_OUTPUT_FORMAT": "table"})
    assert "Nothing was measured in modes (process lifetime " in r.stderr.decode(), r.stderr
    out = os.path.join(a.work, "none.json")
    r = run([exe, "none"], env={"HOTPATH_OUTPUT_PATH": out, "HOTPATH_OUTPUT_FORMAT": "json"})
    rep = json.load(open(out))
    assert rep["functions"] == [] and rep["main"] is None, rep
    r = run([exe, "none"], env={"HOTPATH_OUTPUT_FORMAT": "none"})
    assert r.stderr == b"", r.stderr


def report_of(a, exe, args, env):
    out = os.path.join(a.work, "modes.json")
    env = dict(env, HOTPATH_OUTPUT_FORMAT="json", HOTPATH_OUTPUT_PATH=out)
    r = run([exe] + args, env=env)
    assert r.returncode == 0, r.stderr
    return json.load(open(out)), r


@check
def hotpath_sort_and_limit(a):
    exe = modes(a)
    names = lambda rep: [f["name"].split("::")[1] for f in rep["functions"]]
    rep, _ = report_of(a, exe, ["rows"], {})
    assert names(rep) == ["outer", "sleepy", "mid", "many"] and rep["sort"] == "total", names(rep)
    rep, _ = report_of(a, exe, ["rows"], {"HOTPATH_SORT": "self"})
    assert names(rep)[:2] == ["sleepy", "mid"] and rep["sort"] == "self", names(rep)
    rep, _ = report_of(a, exe, ["rows"], {"HOTPATH_SORT": "calls"})
    assert names(rep) == ["many", "mid", "sleepy", "outer"], names(rep)
    rep, _ = report_of(a, exe, ["rows"], {"HOTPATH_SORT": "avg"})
    assert names(rep) == ["outer", "sleepy", "mid", "many"], names(rep)
    rep, _ = report_of(a, exe, ["rows"], {"HOTPATH_SORT": "calls", "HOTPATH_LIMIT": "1"})
    assert names(rep) == ["many"] and rep["rows_over_limit"] == 3 and rep["limit"] == 1, rep
    r = run([exe, "rows"], env={"HOTPATH_LIMIT": "3"})
    lines = r.stderr.decode().splitlines()
    assert lines[-1] == "\u2026 1 more row (HOTPATH_LIMIT=3)", lines
    assert lines[-2].startswith("+-") and sum(l.startswith("| modes::") for l in lines) == 3, lines
    r = run([exe, "rows"], env={"HOTPATH_LIMIT": "3", "HOTPATH_FOCUS": "s[ly]"})
    assert "more row" not in r.stderr.decode(), r.stderr  # the focus left 2 rows: none cut


@check
def hundred_thousand_sites_reported_in_under_two_seconds(a):
    """100,000 distinct sites each entered once: all in the report, which is
    built and written (JSON, to a file) in under 2 s of CPU time: linear in
    the sites. (CPU time: on a shared 2-core CI machine the wall clock also
    counts other jobs; it is printed, and bounded by 10 s against a hang.)"""
    exe = build(a, "many_sites", os.path.join(HERE, "report", "many_sites.c"))
    out = os.path.join(a.work, "many.json")
    r = run([exe, "100000"], env={"HOTPATH_OUTPUT_FORMAT": "json", "HOTPATH_OUTPUT_PATH": out},
            timeout=300)
    assert r.returncode == 0, r.stderr
    ms = float(re.search(rb"report_ms=([\d.]+)", r.stdout).group(1))
    cpu = float(re.search(rb"report_cpu_ms=([\d.]+)", r.stdout).group(1))
    rep = json.load(open(out))
    names = {f["name"] for f in rep["functions"]}
    assert len(rep["functions"]) == 100000 and len(names) == 100000, len(names)
    assert all(f["calls"] == 1 and f["histogram"][0][1] == 1 for f in rep["functions"])
    assert cpu < 2000 and ms < 10000, "the report took %.0f ms of CPU, %.0f ms" % (cpu, ms)
    print("     100,000 sites: report built and written in %.0f ms of CPU time (%.0f ms wall)"
          % (cpu, ms))


@check
def a_latin1_source_name_gives_valid_json_and_an_aligned_table(a):
    """A source file named in ISO-8859-1 (caf\xe9.c) built with the GCC plugin:
    the JSON is valid UTF-8 with the name's bytes read as Latin-1 (\\u00e9),
    and the table keeps its alignment."""
    if not a.plugin_flags:
        raise Skip("no --plugin-flags given")
    d = os.path.join(os.fsencode(a.work), b"r\xe9sum\xe9")
    os.makedirs(d, exist_ok=True)
    src = os.path.join(d, b"caf\xe9.c")
    with open(src, "wb") as f:
        f.write(b"__attribute__((annotate(\"hotpath\"))) int work(int x) { return x * 3; }\n"
                b"int main(void) { int s = 0; for (int i = 0; i < 5; i++) s += work(i); return s == 30 ? 0 : 1; }\n")
    exe = os.path.join(os.fsencode(a.work), b"latin1")
    r = run(shlex.split(a.cc) + shlex.split(a.plugin_flags) + ["-O1", src, a.lib, "-lpthread", "-o", exe],
            cwd=d)
    assert r.returncode == 0, r.stderr.decode("utf-8", "replace")
    out = os.path.join(a.work, "latin1.json")
    r = run([exe], env={"HOTPATH_OUTPUT_FORMAT": "json", "HOTPATH_OUTPUT_PATH": out})
    assert r.returncode == 0, r.stderr
    rep = json.loads(open(out, "rb").read().decode("utf-8"))  # strict: invalid UTF-8 raises
    names = [f["name"] for f in rep["functions"]]
    assert names == ["caf\u00e9::work"], names
    assert "r\u00e9sum\u00e9" in rep["functions"][0]["file"], rep["functions"][0]["file"]
    r = run([exe], env={"HOTPATH_OUTPUT_FORMAT": "table"})
    lines = r.stderr.decode("utf-8").splitlines()[1:]  # strict again
    # the compensation line (on by default) is a line of text, not of the table
    lines = [l for l in lines if not l.startswith("[hotpath] Probe cost taken out:")]
    assert len(lines) == 5 and "| caf\u00e9::work " in lines[3], lines
    assert len({len(l) for l in lines}) == 1, "misaligned:\n" + "\n".join(lines)


@check
def a_write_error_sends_the_report_to_stderr(a):
    exe = modes(a)
    r = run([exe, "rows"], env={"HOTPATH_OUTPUT_PATH": "/dev/full"})
    err = r.stderr.decode()
    assert r.returncode == 0, err
    assert messages(r.stderr) == ["hotpath: cannot write the report to /dev/full, from "
                                  "HOTPATH_OUTPUT_PATH (No space left on device): writing it to "
                                  "stderr instead"], err
    assert "[hotpath] Performance Summary from modes" in err and "| modes::sleepy " in err, err
    r = run([exe, "rows"], env={"HOTPATH_OUTPUT_PATH": "/dev/full", "HOTPATH_OUTPUT_FORMAT": "json"})
    rep = json.loads(r.stderr.decode().split("\n", 1)[1])
    assert len(rep["functions"]) == 4, rep


@check
def a_relative_output_path_is_taken_from_the_start_directory(a):
    exe = modes(a)
    start = os.path.join(a.work, "start")
    elsewhere = os.path.join(a.work, "elsewhere")
    for d in (start, elsewhere):
        os.makedirs(d, exist_ok=True)
        for f in os.listdir(d):
            os.remove(os.path.join(d, f))
    r = run([exe, "chdir", elsewhere], cwd=start,
            env={"HOTPATH_OUTPUT_PATH": "sub.%p.json", "HOTPATH_OUTPUT_FORMAT": "json"})
    assert r.returncode == 0 and r.stderr == b"", r.stderr
    assert os.listdir(elsewhere) == [], os.listdir(elsewhere)
    files = os.listdir(start)
    assert len(files) == 1 and re.fullmatch(r"sub\.\d+\.json", files[0]), files
    assert len(json.load(open(os.path.join(start, files[0])))["functions"]) == 4


@check
def a_kill_while_the_report_is_written_never_leaves_a_partial_file(a):
    """SIGKILL at random moments around the writing of a large report (30,000
    sites, json-pretty; 10 to 24 kills, aimed at the writing as the outcomes
    show where it lies): the report's path holds either nothing or the whole
    report, never a part; the kills that landed mid-write left the temporary
    file beside it, and there must be some."""
    import random
    import signal
    import time
    exe = build(a, "many_sites", os.path.join(HERE, "report", "many_sites.c"))
    d = os.path.join(a.work, "kill")
    os.makedirs(d, exist_ok=True)
    path = os.path.join(d, "big.json")
    rng = random.Random(17)
    before = mid_write = complete = 0
    lo, hi = 0.0, 1.0  # narrowed towards the writing: after a kill before it, later; after it, sooner
    for i in range(24):
        if i >= 10 and mid_write >= 3:
            break
        for f in os.listdir(d):
            os.remove(os.path.join(d, f))
        env = dict(os.environ, HOTPATH_OUTPUT_PATH=path, HOTPATH_OUTPUT_FORMAT="json-pretty")
        p = subprocess.Popen([exe, "30000"], stdout=subprocess.PIPE, env=env)
        assert p.stdout.readline() == b"reporting\n"
        delay = rng.uniform(lo, hi)
        time.sleep(delay)
        p.send_signal(signal.SIGKILL)
        p.wait()
        left = [f for f in os.listdir(d) if f != "big.json"]
        if os.path.exists(path):
            rep = json.load(open(path))  # whole, or this raises
            assert len(rep["functions"]) == 30000
            complete += 1
            hi = delay
        elif left:
            assert len(left) == 1 and re.fullmatch(r"big\.json\.hotpath-\d+\.tmp", left[0]), left
            mid_write += 1
        else:
            before += 1  # killed while the report was gathered
            lo = delay
    print("     %d kills: %d before the writing, %d during it (no file at the path), "
          "%d after it (whole)" % (before + mid_write + complete, before, mid_write, complete))
    assert mid_write > 0, "no kill landed during the writing: nothing was tested"


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--cc", required=True)
    ap.add_argument("--include", required=True)
    ap.add_argument("--lib", required=True)
    ap.add_argument("--work", required=True)
    ap.add_argument("--docs", required=True)
    ap.add_argument("--plugin-flags", default="")
    ap.add_argument("--only", default=None)
    a = ap.parse_args()
    for k in ("include", "lib", "work", "docs"):
        setattr(a, k, os.path.abspath(getattr(a, k)))
    os.makedirs(a.work, exist_ok=True)
    failed = passed = 0
    for fn in CHECKS:
        if a.only and not re.search(a.only, fn.__name__):
            continue
        try:
            fn(a)
            passed += 1
            print("ok   %s" % fn.__name__)
        except Skip as e:
            print("SKIP %s: %s" % (fn.__name__, e))
        except (AssertionError, subprocess.TimeoutExpired, OSError, ValueError, KeyError) as e:
            failed += 1
            print("FAIL %s\n  %s" % (fn.__name__, str(e).replace("\n", "\n  ")))
    print("%d passed, %d failed" % (passed, failed))
    return 1 if failed or not passed else 0


if __name__ == "__main__":
    sys.exit(main())
