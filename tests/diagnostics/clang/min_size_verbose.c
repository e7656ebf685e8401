/* verbose says which functions include= passed over as too small, and why. */
// PLUGIN-ARGS: include=^min_size_verbose:: verbose
// COMPILE
// STDERR-HAS: min_size_verbose.c:8:\d+: (note|remark): hotpath: not measuring .min_size_verbose::tiny.: a leaf function without loops of \d+ (statements|IR instructions), below .min-size=(40|80).
// STDERR-HAS: min_size_verbose.c:9:\d+: (note|remark): hotpath: measuring .min_size_verbose::calls.
// STDERR-LACKS: : hotpath: measuring .min_size_verbose::tiny.
#include <hotpath/hotpath.h>
int tiny(int x) { return x + 1; }
int calls(int x) { return tiny(x) * 2; }
