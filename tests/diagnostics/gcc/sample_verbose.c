/* verbose says each measured function's sampling period: its own
 * "sample=N", else the plugin's sample=N; never on the main window. */
// ARGS: -std=gnu2x
// PLUGIN-ARGS: include=^sample_verbose:: min-size=0 sample=8 verbose
// COMPILE
// STDERR-HAS: sample_verbose.c:12:\d+: (note|remark): hotpath: measuring .sample_verbose::own. \(timing 1 call in 64\)
// STDERR-HAS: sample_verbose.c:13:\d+: (note|remark): hotpath: measuring .db. \(timing every call: sample=1\)
// STDERR-HAS: sample_verbose.c:14:\d+: (note|remark): hotpath: measuring .sample_verbose::tagged. \(timing 1 call in 8\)
// STDERR-HAS: sample_verbose.c:15:\d+: (note|remark): hotpath: measuring .sample_verbose::selected. \(timing 1 call in 8\)
// STDERR-LACKS: main window.*timing
#include <hotpath/hotpath.h>
[[hotpath::measure("sample=64")]] int own(int x) { return x + 1; }
__attribute__((annotate("hotpath", "sample=1", "db"))) int one(int x) { return x + 2; }
HOTPATH_MEASURE int tagged(int x) { return x + 3; }
int selected(int x) { return x + 4; }
[[hotpath::main]] int main(void) { return own(1) + one(2) + tagged(3) + selected(4); }
