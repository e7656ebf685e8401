/* Unit B of the header-inline program: a copy of helper that calls unit A's. */
#define OTHER inline_a_entry
#include "multi_util.h"

__attribute__((noinline)) int inline_b_entry(int n) { return helper(n); }
