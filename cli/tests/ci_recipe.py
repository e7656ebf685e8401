#!/usr/bin/env python3
"""The CI recipe of docs/compare.md (perf-gate.sh), taken from the page as
it stands and run from a clone of the source tree with the measuring
already built (BUILD=true), the way the page says it was tried; RUNS=9 and
COMPARE_ARGS="--confidence 99.9", so that a chance alarm is rare:

  - RUN is examples/compare on both sides: exit 0, a comment naming all
    three functions, each `no significant change`;
  - RUN makes checksum do 50% more work in the head's worktree only: exit
    1, checksum `slower` and the other two `no significant change`.

Skipped (77) when the source tree is not a git checkout (the recipe adds
git worktrees of BASE and HEAD)."""
import argparse
import os
import re
import shutil
import subprocess
import sys

FUNCS = ["compare::checksum", "compare::sort_small", "compare::parse_numbers"]
failures = []


def check(cond, what):
    print(("ok   " if cond else "FAIL ") + what)
    if not cond:
        failures.append(what)


def recipe(page):
    text = open(page, encoding="utf-8").read()
    section = text[text.index("## CI recipe"):]
    m = re.search(r"```sh\n(.*?)```", section, re.S)
    if not m or "perf-gate.sh" not in m.group(1):
        sys.exit(f"ci_recipe: no perf-gate.sh block under '## CI recipe' in {page}")
    return m.group(1)


def verdicts(comment):
    """function -> verdict, from the markdown table of the comment."""
    out = {}
    for line in comment.splitlines():
        cells = [c.strip() for c in line.strip().strip("|").split("|")]
        if len(cells) == 6 and cells[0] in FUNCS:
            out[cells[0]] = cells[5]
    return out


def gate(script, clone, work, hotpath, run):
    bindir = os.path.join(work, "bin")
    os.makedirs(bindir, exist_ok=True)
    link = os.path.join(bindir, "hotpath")
    if os.path.lexists(link):
        os.remove(link)
    os.symlink(os.path.abspath(hotpath), link)
    env = {k: v for k, v in os.environ.items() if not k.startswith("HOTPATH_")}
    # 9 runs a side at 99.9%: a chance alarm on an unchanged function needs
    # all but at most 5 pairs of runs in one order, p <= 38/48620, so the
    # five verdicts that must be `no significant change` fail by chance at
    # most 5 x 0.08% = 0.4% of the time (docs/compare.md). With 7 a side
    # the head's 50% slower checksum had to beat every base run: under
    # ASan one pair out of order (p = 0.0012) failed the gate, 1 run in 3
    # in a fresh clone's build-asan.
    env.update(PATH=bindir + os.pathsep + env.get("PATH", ""), BUILD="true", RUN=run,
               RUNS="9", COMPARE_ARGS="--confidence 99.9")
    comment = os.path.join(clone, "perf-comment.md")
    if os.path.exists(comment):
        os.remove(comment)
    p = subprocess.run(["sh", script, "HEAD", "HEAD"], cwd=clone, env=env,
                       capture_output=True, text=True, timeout=300)
    text = open(comment).read() if os.path.exists(comment) else ""
    return p.returncode, text, p.stderr


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--page", required=True)
    ap.add_argument("--src", required=True)
    ap.add_argument("--hotpath", required=True)
    ap.add_argument("--example", required=True)
    ap.add_argument("--work", required=True)
    a = ap.parse_args()
    if subprocess.run(["git", "-C", a.src, "rev-parse", "--verify", "-q", "HEAD"],
                      capture_output=True).returncode != 0:
        print(f"ci_recipe: {a.src} is not a git checkout: skipped")
        return 77
    os.makedirs(a.work, exist_ok=True)
    script = os.path.join(a.work, "perf-gate.sh")
    with open(script, "w") as f:
        f.write(recipe(a.page))
    ex = os.path.abspath(a.example)
    # "run from a clone of the project": a clone of the source tree, so
    # that the recipe's worktrees and comment stay out of the source tree.
    clone = os.path.join(a.work, "clone")
    shutil.rmtree(clone, ignore_errors=True)
    subprocess.run(["git", "clone", "-q", "--shared", a.src, clone], check=True, timeout=120)

    rc, comment, err = gate(script, clone, a.work, a.hotpath, ex)
    v = verdicts(comment)
    print(comment, err, sep="\n")
    check(rc == 0, f"same build on both sides: exit {rc} (0 expected)")
    check(set(v) == set(FUNCS) and all(x == "no significant change" for x in v.values()),
          f"same build on both sides: {v}")

    run = f'case "$PWD" in *src-head) "{ex}" 50 ;; *) "{ex}" ;; esac'
    rc, comment, err = gate(script, clone, a.work, a.hotpath, run)
    v = verdicts(comment)
    print(comment, err, sep="\n")
    check(rc == 1, f"checksum 50% slower in head: exit {rc} (1 expected)")
    check(set(v) == set(FUNCS) and v[FUNCS[0]] == "slower" and
          all(v[f] == "no significant change" for f in FUNCS[1:]),
          f"checksum 50% slower in head: {v}")
    print(f"ci_recipe: {len(failures)} failed" if failures else "ci_recipe: ok")
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
