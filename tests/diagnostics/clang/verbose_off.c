/* verbose=0 and verbose=no turn the listing off (the last one given wins). */
// PLUGIN-ARGS: verbose verbose=0
// STDERR-LACKS: hotpath: measuring
#include <hotpath/hotpath.h>
HOTPATH_MEASURE int f(void) { return 0; }
