/* A static inline function in a header: report name "c_inline_util::helper". */
#ifndef C_INLINE_UTIL_H
#define C_INLINE_UTIL_H
#include <hotpath/hotpath.h>

HOTPATH_MEASURE static inline int helper(int x) { return x * 3 + 1; }

#endif
