/* Included by both units: each compiler emits its own copy of helper, and
 * the runtime merges the two rows (the same report name from both plugins). */
#include <hotpath/hotpath.h>
HOTPATH_MEASURE static inline int helper(int x) { return x * 3 + 1; }
