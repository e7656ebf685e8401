#include "mathlib.h"

long square(long x) { return x * x; }

long cube(long x) { return x * x * x; }
