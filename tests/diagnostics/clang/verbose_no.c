/* verbose=no: no listing; verbose=yes after it: the listing. */
// PLUGIN-ARGS: verbose=no verbose=yes
// STDERR-HAS: verbose_no.c:6:\d+: remark: hotpath: measuring .verbose_no::f.
#include <hotpath/hotpath.h>
HOTPATH_MEASURE
int f(void) { return 0; }
