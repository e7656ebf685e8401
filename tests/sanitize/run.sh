#!/bin/sh
# The runtime built with ThreadSanitizer, then with AddressSanitizer and
# UndefinedBehaviorSanitizer, running tests/sanitize/stress.c. The
# interposed allocator is left out (HOTPATH_NO_ALLOC_HOOKS): the sanitizers
# bring their own. Usage: run.sh CC SOURCE_DIR WORK_DIR
set -eu
CC=$1 SRC=$2 WORK=$3
mkdir -p "$WORK"
for san in thread address,undefined; do
    out="$WORK/stress-$(echo "$san" | tr , -)"
    "$CC" -std=gnu11 -O1 -g -fsanitize="$san" -fno-sanitize-recover=all -DHOTPATH_NO_ALLOC_HOOKS \
        -Wall -Wextra -Werror -I"$SRC/runtime/include" -I"$SRC/runtime/src" \
        "$SRC/tests/sanitize/stress.c" "$SRC"/runtime/src/*.c -lpthread -lm -o "$out"
    echo "== -fsanitize=$san"
    HOTPATH_OUTPUT_FORMAT=none TSAN_OPTIONS=halt_on_error=1 ASAN_OPTIONS=detect_leaks=1 "$out"
done
# Recalibration (allocation tracking switched) while other threads read the
# calibrated figures, under ThreadSanitizer.
out="$WORK/recalibrate-thread"
"$CC" -std=gnu11 -O1 -g -fsanitize=thread -fno-sanitize-recover=all -DHOTPATH_NO_ALLOC_HOOKS \
    -Wall -Wextra -Werror -I"$SRC/runtime/include" -I"$SRC/runtime/src" \
    "$SRC/tests/sanitize/recalibrate.c" "$SRC"/runtime/src/*.c -lpthread -lm -o "$out"
echo "== -fsanitize=thread, recalibration"
HOTPATH_OUTPUT_FORMAT=none HOTPATH_ADAPTIVE=8 HOTPATH_COMPENSATE=1 TSAN_OPTIONS=halt_on_error=1 "$out"
