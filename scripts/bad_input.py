#!/usr/bin/env python3
"""The bad-input tables of docs/reliability.md, from real runs.

    scripts/bad_input.py --build build --write docs/reliability.md
    scripts/bad_input.py --build build --check docs/reliability.md   (ctest docs_bad_input_is_current)
    make bad-input                                                   (the first, on build/)

Each table sits between `<!-- bad_input.py: NAME -->` and
`<!-- end bad_input.py: NAME -->` in the document; --write replaces what is
between, --check fails (with a diff) where it differs. Nothing in a table is
written by hand: every message is what the tool printed. The cases:

  attributes   every snippet of tests/diagnostics/{gcc,clang}/ without a
               PLUGIN-ARGS line, compiled with the GCC plugin and each Clang
               plugin: every hotpath error or warning, at its line;
  plugin-args  the snippets with a PLUGIN-ARGS line, the same way;
  env          every variable of runtime/src/options.def with the bad values
               of its type (BAD_VALUES below; a new option of a known type
               is listed at once, one of a new type with GENERIC_BAD),
               plus ENV_EXTRA, run on tests/e2e/report/demo.c's programs;
  wrapper      WRAPPER_CASES, run through build/bin/hotpath-cc;
  json         the cases of cli/tests/bad_input.py (--record), run through
               the hotpath command.

Besides the table, each message is checked: one line, naming the variable,
option or file, and saying what is accepted or what to do. A message that
does not is listed in the run's output as a problem, and --check fails.

The tools come from build/bad_input.json, written by CMake
(tests/bad_input.cmake): compilers, plugins, runtime, hotpath, hotpath-cc.
"""
import argparse
import difflib
import json
import os
import re
import shlex
import shutil
import subprocess
import sys
import tempfile

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))

# ---------------------------------------------------------------- the cases

# Bad values per parser type of options.def (its 3rd column).
BAD_VALUES = {
    "percentiles": ["101", "abc", "50,,95", "1e2", "12.3456789",
                    ",".join(str(i) for i in range(1, 18)), "95,95"],
    "format": ["xml"],
    "path": ["/tmp/r.%d.json", "/nonexistent-dir/r.json", "/dev/full"],
    "count": ["-3", "ten"],
    "regex": ["(unclosed", "a+++++++++++++++++++++", "(a|b?)*", "(ab+){2}"],
    "bool": ["maybe"],
    "clock": ["sundial"],
    "sort": ["name"],
    "signal": ["SIGKILL"],
    "seconds": ["0.05", "1.2345", "fast"],
    "metrics": ["99999", "host.example:9464", "[::1]9464"],
}
# For a type not listed above (a new option's): tried, and shown when refused.
GENERIC_BAD = ["bogus", "-1"]
# Cases that need another program (hotpath::main asking for something).
ENV_EXTRA = [
    ("./demo", {"HOTPATH_PERCENTILES": "99,9"}),
    ("./demo", {"HOTPATH_PERCENTILES": "99.99999"}),
    ("./demo_17", {}),
    ("./demo_17", {"HOTPATH_PERCENTILES": "101"}),
    ("./demo_alloc", {"HOTPATH_ALLOC": "maybe"}),
    ("./demo_alloc", {"HOTPATH_ALLOC_CUMULATIVE": "2"}),
]

# (what, arguments after hotpath-cc, environment); {src} and {obj} are a C
# source and an object of the work folder.
WRAPPER_CASES = [
    ("an unknown --hotpath- option", ["--hotpath-frobnicate", "-c", "{src}", "-o", "{obj}"], {}),
    ("a compiler that is not found", ["-c", "{src}", "-o", "{obj}"], {"HOTPATH_CC": "no-such-cc"}),
    ("a compiler that is neither GCC nor Clang", ["-c", "{src}", "-o", "{obj}"],
     {"HOTPATH_CC": "/bin/true"}),
    ("a fully static link", ["-static", "{src}", "-o", "{obj}.exe"], {}),
    ("a bad --hotpath-include regular expression (the plugin's message)",
     ["--hotpath-include=([a-z]", "-c", "{src}", "-o", "{obj}"], {}),
]

# ---------------------------------------------------------------- helpers


def run(cmd, env=None, cwd=None, timeout=120):
    full = {k: v for k, v in os.environ.items() if not k.startswith("HOTPATH_")}
    full.update(LC_ALL="C", **(env or {}))
    return subprocess.run(cmd, env=full, cwd=cwd, capture_output=True, text=True,
                          errors="replace", timeout=timeout)


def cell(text):
    """Markdown table cell: code, pipes escaped."""
    if not text:
        return "(none)"
    return "`" + text.replace("|", "\\|").replace("`", "'") + "`"


def cells(lines):
    return "<br>".join(cell(l) for l in lines) if lines else "(none)"


PROBLEMS = []


def problem(where, msg, why):
    PROBLEMS.append("%s: %s\n    %s" % (where, why, msg))


# ---------------------------------------------------------------- diagnostics

DIAG = re.compile(r"^(?:(?P<file>[^:\s]+):(?P<line>\d+):(?:\d+:)?\s|(?:[\w+.-]+:\s)?)"
                  r"(?P<kind>error|warning): (?P<msg>.*)$")
PLAIN = {"gcc": ["-fdiagnostics-plain-output"],
         "clang": ["-fno-caret-diagnostics", "-fno-color-diagnostics", "-ferror-limit=0"]}


def snippet_info(path):
    text = open(path, encoding="utf-8").read()
    m = re.match(r"\s*/\*\s*(.*?)\s*\*/", text, re.S)
    what = re.sub(r"\s+", " ", re.sub(r"\n\s*\*", " ", m.group(1))) if m else os.path.basename(path)
    args, pargs = [], []
    for line in text.splitlines():
        a = re.search(r"//\s*ARGS:\s?(.*)$", line)
        if a:
            args += shlex.split(a.group(1))
        if re.search(r"//\s*COMPILE\s*$", line):
            args += ["-c", "-o", os.devnull]
        p = re.search(r"//\s*PLUGIN-ARGS:\s?(.*)$", line)
        if p:
            pargs += shlex.split(p.group(1))
    return what, args, pargs


def diagnostics(cfg, compiler, src, args, pargs):
    """hotpath's diagnostics of one compile: [(line or None, kind, msg)]."""
    cc = compiler["cxx"] if src.endswith(".cpp") else compiler["cc"]
    style = "clang" if compiler["kind"] == "clang" else "gcc"
    mode = [] if "-c" in args else ["-fsyntax-only"]
    cmd = [cc] + mode + PLAIN[style] + ["-I", cfg["include"], "-fplugin=" + compiler["plugin"]] + \
        args + ["-fplugin-arg-hotpath-" + a for a in pargs] + [os.path.basename(src)]
    p = run(cmd, cwd=os.path.dirname(src))
    out = []
    for text in p.stderr.splitlines():
        m = DIAG.match(text)
        if not m:
            continue
        msg = m.group("msg")
        # the compiler's own warnings stay out unless they are about a tag
        if m.group("kind") == "warning" and not re.search(r"hotpath|annotate|attribute", msg):
            continue
        out.append((int(m.group("line")) if m.group("line") else None, m.group("kind"), msg))
    return out


def diag_tables(cfg):
    compilers = [c for c in cfg["compilers"] if os.path.exists(c["plugin"])]
    head = "| case | snippet | line | " + " | ".join(c["name"] for c in compilers) + " |\n"
    head += "|---|---|---|" + "---|" * len(compilers) + "\n"
    rows = {"attributes": [], "plugin-args": []}
    names = sorted(set(os.listdir(os.path.join(ROOT, "tests/diagnostics/gcc"))) |
                   set(os.listdir(os.path.join(ROOT, "tests/diagnostics/clang"))))
    for name in names:
        if not name.endswith((".c", ".cpp")):
            continue
        per = {}
        info = None
        for c in compilers:
            src = os.path.join(ROOT, "tests/diagnostics", c["kind"], name)
            if not os.path.exists(src):
                continue
            info = snippet_info(src)
            for line, kind, msg in diagnostics(cfg, c, src, info[1], info[2]):
                per.setdefault(line, {}).setdefault(c["name"], []).append(kind + ": " + msg)
        if info is None:
            continue
        what, _, pargs = info
        table = "plugin-args" if pargs else "attributes"
        label = what + (" (`%s`)" % " ".join(pargs) if pargs else "")
        if not per:
            per = {None: {}}
        for line in sorted(per, key=lambda l: -1 if l is None else l):
            got = per[line]
            rows[table].append("| %s | `%s` | %s | %s |" % (
                label.replace("|", "\\|"), name, line if line is not None else "-",
                " | ".join(cells(got.get(c["name"], [])) for c in compilers)))
            label = "″"
            for c in compilers:
                for msg in got.get(c["name"], []):
                    if msg.startswith("error") and pargs and not re.search(
                            r"accepted|expected|invalid regular expression", msg):
                        problem("%s with %s" % (name, c["name"]), msg,
                                "a plugin-argument error that does not say what is accepted")
    intro = {"attributes": "Generated by `scripts/bad_input.py` from the snippets of "
                           "`tests/diagnostics/gcc/` (GCC) and `tests/diagnostics/clang/` (each "
                           "Clang) compiled with each plugin: every error, and every warning about a "
                           "tag, at its line of that folder's snippet (the two folders' snippets of a "
                           "name hold the same cases, not always at the same lines; \"-\": no line; "
                           "\"(none)\": nothing from that compiler at that line).\n\n",
             "plugin-args": "Generated by `scripts/bad_input.py` from the snippets with a "
                            "`PLUGIN-ARGS:` line, each argument given as "
                            "`-fplugin-arg-hotpath-ARG`.\n\n"}
    return {t: intro[t] + head + "\n".join(r) + "\n" for t, r in rows.items()}


# ---------------------------------------------------------------- HOTPATH_*


def options():
    """[(variable, type, accepted)] of runtime/src/options.def, in order."""
    text = open(os.path.join(ROOT, "runtime/src/options.def"), encoding="utf-8").read()
    return [(m.group(1), m.group(2), m.group(3)) for m in re.finditer(
        r'^HP_OPTION\(\s*\w+\s*,\s*"(HOTPATH_\w+)"\s*,\s*(\w+)\s*,\s*"(?:[^"\\]|\\.)*"\s*,\s*'
        r'"((?:[^"\\]|\\.)*)"', text, re.M)]


def env_table(cfg, work):
    demo = os.path.join(ROOT, "tests/e2e/report/demo.c")
    progs = {}
    for name, extra in (("demo", []),
                        ("demo_17", ['-DMAIN_PERCENTILES="%s"' % ",".join(str(i) for i in range(1, 18))]),
                        ("demo_alloc", ["-DMAIN_FLAGS=HOTPATH_FLAG_ALLOC"])):
        exe = os.path.join(work, name)
        p = run(shlex.split(cfg["cc"]) + ["-O2", "-I", cfg["include"], demo, cfg["lib"], "-lpthread",
                                          "-o", exe] + extra)
        if p.returncode:
            raise SystemExit("cannot build %s:\n%s" % (name, p.stderr))
        progs["./" + name] = exe
    cases = []
    for var, typ, accepted in options():
        for v in BAD_VALUES.get(typ, GENERIC_BAD):
            cases.append(("./demo", {var: v}, typ not in BAD_VALUES, accepted))
    acc = {var: accepted for var, _, accepted in options()}
    for prog, env in ENV_EXTRA:
        cases.append((prog, env, False, acc.get(next(iter(env), ""), "")))
    out = []
    for prog, env, generic, accepted in cases:
        p = run([progs[prog]], env=env, cwd=work)
        lines = [l for l in p.stderr.splitlines() if l.startswith("hotpath:")]
        if generic and not lines:
            continue  # a value the new option's type accepts
        cmd = " ".join("%s=%s" % (k, shlex.quote(v)) for k, v in env.items())
        out.append("$ " + (cmd + " " if cmd else "") + prog)
        out += lines
        if p.returncode != 0:
            problem(cmd, "exit %d" % p.returncode, "a bad value changed the exit status")
        for l in lines:
            for var in env:
                if var not in l and "hotpath::main" not in l:
                    problem(cmd, l, "a line that does not name the variable")
            if "is not valid" in l and ("expected " + accepted.replace('\\"', '"')) not in l \
                    and "hotpath::main" not in l:
                problem(cmd, l, "a refusal that does not say what is accepted")
            if "using" not in l and "instead" not in l:
                problem(cmd, l, "a line that does not say what is used instead")
    return ("Generated by `scripts/bad_input.py`: each variable of `runtime/src/options.def` "
            "with the bad values of its type, and the cases that need another program.\n\n"
            "```console\n" + "\n".join(out) + "\n```\n")


# ---------------------------------------------------------------- hotpath-cc


def wrapper_table(cfg, work):
    src = os.path.join(work, "w.c")
    with open(src, "w") as f:
        f.write("int main(void) { return 0; }\n")
    rows = ["| case | command | message |", "|---|---|---|"]
    for what, args, env in WRAPPER_CASES:
        args = [a.format(src="w.c", obj="w.o") for a in args]
        p = run([cfg["hotpath_cc"]] + args, env=env, cwd=work)
        lines = [l for l in p.stderr.splitlines() if l.strip()]
        cmd = " ".join(["%s=%s" % (k, shlex.quote(v)) for k, v in env.items()] + ["hotpath-cc"] +
                       [shlex.quote(a) for a in args])
        rows.append("| %s | %s | %s (exit %d) |" % (what, cell(cmd), cells(lines), p.returncode))
        for l in lines:
            if l.startswith("hotpath-cc:") and not re.search(r"accepted|supported|set |link it|use ", l):
                problem(cmd, l, "a wrapper message that does not say what is accepted or what to do")
    return ("Generated by `scripts/bad_input.py` (`WRAPPER_CASES`), run through "
            "`build/bin/hotpath-cc` (`hotpath-c++` says the same with its own name).\n\n" +
            "\n".join(rows) + "\n")


# ---------------------------------------------------------------- hotpath


def json_table(cfg, work):
    rec = os.path.join(work, "json-cases.json")
    jw = os.path.join(work, "json")
    p = run([sys.executable, os.path.join(ROOT, "cli/tests/bad_input.py"), "--hotpath", cfg["hotpath"],
             "--example", cfg["example"], "--work", jw, "--record", rec], timeout=300)
    if p.returncode:
        raise SystemExit("cli/tests/bad_input.py failed:\n" + p.stdout[-3000:] + p.stderr[-2000:])
    rows = ["| command | message (exit status) |", "|---|---|"]
    for c in json.load(open(rec)):
        def tidy(s):
            # offsets into a real report depend on its figures' digits
            s = re.sub(r"\bbyte \d+", "byte N", s)
            return s.replace(jw + "/", "").replace(jw, ".")
        cmd = "hotpath " + " ".join(shlex.quote(tidy(a)) for a in c["args"])
        lines = [tidy(l) for l in c["stderr"].splitlines() if l.strip()]
        what = "%s: " % c["what"].replace("|", "\\|") if c["what"] else ""
        rows.append("| %s%s | %s (%d) |" % (what, cell(cmd), cells(lines), c["code"]))
        if c["code"] == 2 and len(lines) != 1 and not (len(lines) == 2 and lines[1].startswith("Try ")):
            problem(cmd, c["stderr"], "not one line")
    return ("Generated by `scripts/bad_input.py` from the cases of `cli/tests/bad_input.py` "
            "(ctest `cli_bad_input`, which also checks each), on files made from a real report "
            "of `examples/compare.c` (named for what is wrong with them; byte offsets, which "
            "depend on the report's figures, shown as N).\n\n" + "\n".join(rows) + "\n")


# ---------------------------------------------------------------- main

MARK = "<!-- bad_input.py: %s -->\n"
END = "<!-- end bad_input.py: %s -->\n"


def splice(doc, name, body):
    a, b = MARK % name, END % name
    i, j = doc.find(a), doc.find(b)
    if i < 0 or j < i:
        raise SystemExit("no %r ... %r markers in the document" % (a.strip(), b.strip()))
    return doc[:i + len(a)] + body + doc[j:]


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--build", default="build")
    g = ap.add_mutually_exclusive_group(required=True)
    g.add_argument("--write", metavar="DOC")
    g.add_argument("--check", metavar="DOC")
    ap.add_argument("--only", help="tables to make (comma-separated), the others kept")
    a = ap.parse_args()
    cfg = json.load(open(os.path.join(a.build, "bad_input.json")))
    work = tempfile.mkdtemp(prefix="bad-input-", dir=os.path.abspath(a.build))
    try:
        makers = {"attributes": None, "plugin-args": None, "env": env_table,
                  "wrapper": wrapper_table, "json": json_table}
        only = set(a.only.split(",")) if a.only else set(makers)
        path = a.write or a.check
        doc = open(path, encoding="utf-8").read()
        have = [c["name"] for c in cfg["compilers"] if os.path.exists(c["plugin"])]
        m = re.search(r"^\| case \| snippet \| line \| (.*) \|$", doc, re.M)
        if a.check and m and m.group(1).split(" | ") != have:
            print("SKIP: the tables of %s were made with the plugins of %s; this build has %s"
                  % (path, m.group(1).replace(" | ", ", "), ", ".join(have) or "none"))
            return 77
        tables = {}
        if only & {"attributes", "plugin-args"}:
            tables.update(diag_tables(cfg))
        for name in ("env", "wrapper", "json"):
            if name in only:
                tables[name] = makers[name](cfg, work)
        new = doc
        for name, body in tables.items():
            if name in only:
                new = splice(new, name, body)
        for p in PROBLEMS:
            print("PROBLEM " + p)
        if a.write:
            with open(path, "w", encoding="utf-8") as f:
                f.write(new)
            print("%s: %d tables written, %d messages with a problem" % (path, len(only), len(PROBLEMS)))
            return 0
        if new != doc:
            sys.stdout.writelines(difflib.unified_diff(doc.splitlines(True), new.splitlines(True),
                                                       path, path + " (as the tools say now)"))
            print("%s is not what the tools print now: run make bad-input (scripts/bad_input.py "
                  "--build %s --write %s) and commit it" % (path, a.build, path))
            return 1
        print("%s: the %d tables are what the tools print; %d messages with a problem" % (
            path, len(only), len(PROBLEMS)))
        return 1 if PROBLEMS else 0
    finally:
        shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    sys.exit(main())
