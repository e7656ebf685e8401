#!/usr/bin/env python3
"""Run one built example and check its JSON report against the expectations
written in the example's source, in the format of run_corpus.py (whose
directive parser, checks and runner this uses):

    // ENV: HOTPATH_ALLOC=1             environment of every run
    // EXPECT row NAME calls=100        checked in every run
    // EXPECT rows 4                    (all of run_corpus.py's EXPECT forms)

and two forms of its own, for an example shown under several settings:

    // RUN cumulative: HOTPATH_ALLOC_CUMULATIVE=1
                                        a run named "cumulative" with this
                                        environment besides ENV; without RUN
                                        lines the example runs once
    // EXPECT[cumulative] alloc NAME allocs=45
                                        checked in the run of that name only

Each run must exit with status 0 and write its report (HOTPATH_OUTPUT_FORMAT
=json, HOTPATH_OUTPUT_PATH in --work). Other HOTPATH_* variables of the
caller's environment are dropped: a run sees only what the source asks for.
With --sanitizer=LIST (a HOTPATH_SANITIZE build) the EXPECTs on allocation
figures are checked as "tracking off", as run_corpus.py does.
Prints one line per run; exits 1 if any run failed.
"""
import argparse
import json
import os
import re
import shlex
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from run_corpus import STEP_ASIDE, check, directives, run, sanitized_expects  # noqa: E402

RUN_LINE = re.compile(r"//\s*RUN\s+([A-Za-z0-9_-]+):\s?(.*)$")
TAGGED_EXPECT = re.compile(r"//\s*EXPECT\[([A-Za-z0-9_-]+)\]\s+(.*)$")


def env_pairs(text):
    return [tuple(kv.split("=", 1)) for kv in shlex.split(text)]


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--exe", required=True, help="the built example")
    ap.add_argument("--source", required=True, help="its source, with the EXPECT lines")
    ap.add_argument("--work", required=True, help="directory for the JSON reports")
    ap.add_argument("--sanitizer", default="", help="the build's HOTPATH_SANITIZE")
    a = ap.parse_args()
    os.makedirs(a.work, exist_ok=True)

    d = directives(a.source)
    runs, tagged = [], []
    for line in open(a.source, encoding="utf-8"):
        m = RUN_LINE.search(line)
        if m:
            runs.append((m.group(1), env_pairs(m.group(2))))
        m = TAGGED_EXPECT.search(line)
        if m:
            tagged.append((m.group(1), m.group(2).strip()))
    if not runs:
        runs = [("default", [])]
    unknown = {t for t, _ in tagged} - {name for name, _ in runs}
    if unknown:
        print("FAIL %s: EXPECT[...] for runs not declared by RUN: %s" % (a.source, ", ".join(sorted(unknown))))
        return 1
    expects = [v for k, v in d if k == "EXPECT"]
    if not expects and not tagged:
        print("FAIL %s: no EXPECT lines" % a.source)
        return 1

    failed = 0
    stem = os.path.basename(a.exe)
    for name, extra_env in runs:
        out_json = os.path.join(a.work, "%s.%s.json" % (stem, name))
        if os.path.exists(out_json):
            os.remove(out_json)
        env = dict(os.environ, HOTPATH_OUTPUT_FORMAT="json", HOTPATH_OUTPUT_PATH=out_json)
        for k in [k for k in env if k.startswith("HOTPATH_") and k not in
                  ("HOTPATH_OUTPUT_FORMAT", "HOTPATH_OUTPUT_PATH")]:
            del env[k]
        env.update(kv for k, v in d if k == "ENV" for kv in env_pairs(v))
        env.update(extra_env)
        errors = []
        r = run([a.exe], env=env)
        if r.returncode != 0:
            errors.append("exit status %d; stderr: %s" % (r.returncode, r.stderr[-500:]))
        try:
            with open(out_json, encoding="utf-8") as f:
                report = json.load(f)
        except (OSError, ValueError) as e:
            report = None
            errors.append("no JSON report (%s); stderr: %s" % (e, r.stderr[-500:]))
        mine = [("EXPECT", v) for v in expects + [v for t, v in tagged if t == name]]
        mine, sanitized_alloc = sanitized_expects(mine, a.sanitizer)
        if sanitized_alloc and STEP_ASIDE not in r.stderr:
            errors.append("no '%s ...' line on stderr, though the example asks for tracking"
                          % STEP_ASIDE)
        if report is not None:
            for _, expect in mine:
                err = check(expect, report)
                if err:
                    errors.append(err)
        settings = " ".join("%s=%s" % kv for kv in extra_env)
        if errors:
            failed += 1
            print("FAIL %s [%s] %s\n  %s" % (stem, name, settings, "\n  ".join(errors)))
        else:
            note = (" (-fsanitize=%s: %d allocation EXPECTs checked as tracking off)"
                    % (a.sanitizer, sanitized_alloc)) if sanitized_alloc else ""
            print("ok   %s [%s] %s%s" % (stem, name, settings, note))
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
