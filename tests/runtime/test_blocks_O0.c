/* test_blocks.c built at -O0 (see CMakeLists.txt). */
#include "test_blocks.c"
