/* Built with -shared -fPIC; its function is measured in its user's report. */
#include <hotpath/hotpath.h>
HOTPATH_MEASURE int part(int x) { return x + 1; }
