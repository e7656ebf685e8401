#!/bin/sh
# make demo: run examples/basic.c, built with the compiler plugin, and show
# its report (printed on stderr when its hotpath::main function returns).
set -eu
BUILD=${1:-build}
if [ -f "$BUILD/plugin-gcc/hotpath.so" ]; then
    echo "== examples/basic.c, built with gcc -fplugin=$BUILD/plugin-gcc/hotpath.so"
    "$BUILD/examples/basic"
    echo
    echo "== the same with allocation tracking: HOTPATH_ALLOC=1"
    HOTPATH_ALLOC=1 "$BUILD/examples/basic"
else
    echo "== the GCC plugin is not built; examples/manual.c (manual API) instead"
    "$BUILD/examples/manual"
fi
for c in "$BUILD"/examples/basic-clang*; do
    [ -x "$c" ] || continue
    echo
    echo "== examples/basic.c, built with $(cat "$c.compiler" 2>/dev/null || echo clang) and the Clang plugin"
    "$c"
done
