#!/usr/bin/env python3
"""The man pages are current: hotpath(7) names every variable of
options.def with its default, hotpath-cc(1) every option and variable of the
wrapper, and both render without a groff warning.

    check_man.py options.def hotpath.7 hotpath-cc.1
"""
import re
import shutil
import subprocess
import sys

options, man7, man1 = sys.argv[1:4]
failed = False
text7 = open(man7, encoding="utf-8").read()
for var, default in re.findall(r'HP_OPTION\(\w+,\s*"(HOTPATH_\w+)",\s*\w+,\s*"([^"]*)"',
                               open(options, encoding="utf-8").read()):
    entry = re.search(r"^\.B %s\n(.*?)(?=^\.TP|^\.SH)" % var, text7, re.S | re.M)
    want = "Default: " + (default.replace("-", "\\-") if default else "(none)")
    if not entry or want not in entry.group(1):
        print("hotpath.7: no entry for %s with '%s' (regenerate: it is built from options.def)"
              % (var, want))
        failed = True
text1 = open(man1, encoding="utf-8").read().replace("\\-", "-")
for word in ["HOTPATH_CC", "HOTPATH_CXX", "HOTPATH_INCLUDE", "HOTPATH_EXCLUDE",
             "--hotpath-include=", "--hotpath-exclude=", "--hotpath-sample=", "--hotpath-verbose",
             "-Qunused-arguments"]:
    if word not in text1:
        print("hotpath-cc.1 does not mention %s" % word)
        failed = True
if shutil.which("groff"):
    for page in (man7, man1):
        p = subprocess.run(["groff", "-man", "-ww", "-z", page], stderr=subprocess.PIPE, text=True)
        if p.returncode != 0 or p.stderr.strip():
            print("%s: groff: %s" % (page, p.stderr.strip()))
            failed = True
else:
    print("groff not installed: rendering not checked")
print("man pages: %s" % ("FAILED" if failed else "current"))
sys.exit(1 if failed else 0)
