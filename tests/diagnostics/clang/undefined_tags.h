/* A header's tagged declaration: the unit that defines the function may
 * include it too, so no warning where it is only declared. */
#include <hotpath/hotpath.h>
HOTPATH_MEASURE int from_header(int x);
