#!/bin/sh
# make demo: build only what the demo needs (the runtime, a plugin and
# hotpath-cc), compile examples/basic.c with hotpath-cc, run it, and print
# the commands that profile your own file and an existing project.
# One line per step; the build's output goes to BUILD/demo.log.
set -eu
ROOT=$(cd "$(dirname "$0")/.." && pwd)
BUILD=${1:-build}
mkdir -p "$BUILD"
BUILD=$(cd "$BUILD" && pwd)
LOG=$BUILD/demo.log
: >"$LOG"
START=$(date +%s)

step() { printf '%s ... ' "$1"; STEP_START=$(date +%s); }
done_step() { echo "done ($(($(date +%s) - STEP_START)) s)"; }
fail() { echo "failed; the last lines of $LOG:"; tail -25 "$LOG"; exit 1; }

step "configure ($BUILD)"
cmake -S "$ROOT" -B "$BUILD" -DHOTPATH_WERROR=ON >>"$LOG" 2>&1 || fail
done_step

CC_FOR_DEMO=""
if grep -q '^HOTPATH_GCC_PLUGIN_DIR' "$BUILD/CMakeCache.txt" 2>/dev/null; then
    TARGETS="hotpath_cc hotpath_gcc_plugin"
    PLUGIN="the GCC plugin"
else # no GCC plugin headers: the default clang's plugin instead
    TARGETS="hotpath_cc hotpath_clang_plugin"
    PLUGIN="the Clang plugin"
    CC_FOR_DEMO=clang
fi
step "build the runtime, $PLUGIN and hotpath-cc"
cmake --build "$BUILD" -j"$(nproc)" --target $TARGETS >>"$LOG" 2>&1 || fail
done_step

mkdir -p "$BUILD/demo"
step "compile examples/basic.c with $BUILD/bin/hotpath-cc"
HOTPATH_CC=${CC_FOR_DEMO:-${HOTPATH_CC:-cc}} "$BUILD/bin/hotpath-cc" -O2 \
    "$ROOT/examples/basic.c" -o "$BUILD/demo/basic" >>"$LOG" 2>&1 || fail
done_step

echo "run $BUILD/demo/basic (the report is printed when its hotpath::main returns):"
"$BUILD/demo/basic"
echo "demo built and run in $(($(date +%s) - START)) s"

CCVAR=""
[ -n "$CC_FOR_DEMO" ] && CCVAR="HOTPATH_CC=$CC_FOR_DEMO "
cat <<EOT

Profile your own file: tag functions with HOTPATH_MEASURE (see examples/basic.c),
or measure every function without editing it:
    ${CCVAR}$BUILD/bin/hotpath-cc -O2 --hotpath-include='.*' yourfile.c -o yourprog && ./yourprog

Profile an existing project, every function, one report per process:
    make CC=$BUILD/bin/hotpath-cc HOTPATH_INCLUDE='.*'
    ./configure CC=$BUILD/bin/hotpath-cc CXX=$BUILD/bin/hotpath-c++ && HOTPATH_INCLUDE='.*' make

(HOTPATH_ALLOC=1 adds allocations, HOTPATH_OUTPUT_FORMAT=json prints JSON;
docs/install.md covers CMake, pkg-config and installing.)
EOT
